"""`imx diff` through ``imx.cli.main``: exit codes, git revisions, usage errors, and the impact on
results, checked against two ``imx run``s joined by hand."""

from __future__ import annotations

import contextlib
import io
import json
import math
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imx.cli import main

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "diff"
VARIANTS = ROOT / "tests" / "cases" / "eval" / "variants.imx"
DATA = ROOT / "tests" / "cases" / "eval" / "variants"
AS_OF = "2026-03-20T00:00Z"
KEY = ("metric", "level", "study", "site", "group", "group2", "period")


def _diff(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv, "--no-color"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err
    return code, out, err


def test_equal_sides_exit_0_and_different_sides_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    layout = (str(CASES / "layout.old.imx"), str(CASES / "layout.new.imx"))
    assert _diff(capsys, *layout)[0] == 0
    code, out, _ = _diff(capsys, str(CASES / "params.old.imx"), str(CASES / "params.new.imx"))
    assert code == 1
    assert "param window: 3 business_days → 2 business_days (changes measure)" in out


@pytest.mark.parametrize("fmt", ["json", "markdown", "text"])
def test_each_format_prints_the_same_changes(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    sides = (str(CASES / "thresholds.old.imx"), str(CASES / "thresholds.new.imx"))
    code, out, _ = _diff(capsys, *sides, "--format", fmt)
    assert code == 1
    if fmt == "json":
        report = json.loads(out)
        fields = [(f["field"], f["class"]) for c in report["changes"] for f in c["fields"]]
        assert fields == [("target", "threshold"), ("bands", "threshold"), ("min_n", "threshold")]
    else:
        assert out.count("threshold") >= 3 and "value >= 92%" in out


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["{tmp}/nowhere", "{old}"], "no such file or folder: `{tmp}/nowhere`"),
        (["{old}", "{broken}"], "error(s): only checked specs can be compared"),
        (["git:HEAD", "{old}"], "is not of the form git:REV:PATH"),
        (["{old}", "{old}", "--as-of", "2026-03-01T00:00Z"], "give --data too"),
        (["{old}"], "the following arguments are required: NEW"),
        (["{old}", "{old}", "--format", "html"], "invalid choice: 'html'"),
    ],
)
def test_usage_errors_exit_2_with_a_message(
    argv: list[str], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = {
        "tmp": str(tmp_path),
        "old": str(CASES / "params.old.imx"),
        "broken": str(_write(tmp_path / "b.imx", "import stdlib.schema\nmetric X {\n}\n")),
    }
    code, _, err = _diff(capsys, *(a.format(**names) for a in argv))
    assert code == 2
    assert fragment.format(**names) in err


# ------------------------------------------------------------------------------------ git


def _git(repo: Path, *argv: str) -> None:
    subprocess.run(["git", *argv], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with two commits of specs/ (params.old, then params.new) and a sub-folder."""
    if shutil.which("git") is None:
        pytest.fail("git is needed for imx diff git:REV:PATH")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "chair@example.org")
    _git(tmp_path, "config", "user.name", "Chair")
    spec = tmp_path / "specs" / "timeliness.imx"
    for case in ("params.old.imx", "params.new.imx"):
        _write(spec, (CASES / case).read_text("utf-8"))
        _git(tmp_path, "add", "specs")
        _git(tmp_path, "commit", "-q", "-m", case)
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    return tmp_path


def test_git_revisions_are_read_without_touching_the_working_tree(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = repo / "specs" / "timeliness.imx"
    _write(spec, spec.read_text("utf-8") + "\n# an edit in the working tree, not committed\n")
    before = spec.read_text("utf-8")
    code, out, _ = _diff(capsys, "git:HEAD~1:specs", "git:HEAD:specs", "--format", "json")
    assert code == 1
    fields = [f["field"] for c in json.loads(out)["changes"] for f in c["fields"]]
    assert fields == ["params.window"]
    assert _diff(capsys, "git:HEAD:specs/timeliness.imx", str(spec))[0] == 0  # a file, a path
    assert _diff(capsys, "git:HEAD~1:../specs", "git:HEAD~1:specs")[0] == 0  # ../ is from here
    assert spec.read_text("utf-8") == before


@pytest.mark.parametrize(
    ("side", "fragment"),
    [
        ("git:no-such-rev:specs", "cannot read `git:no-such-rev:specs` with git"),
        ("git:HEAD:nowhere", "cannot read `git:HEAD:nowhere` with git"),
        ("git:HEAD:../../..", "names a path outside the repository"),
    ],
)
def test_a_bad_git_side_is_a_usage_error(
    repo: Path, side: str, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _diff(capsys, side, "git:HEAD:specs")
    assert code == 2 and fragment in err


# --------------------------------------------------------------------------------- impact


def _spec(tmp: Path, name: str, window: int, onc_window: int, green: int, min_n: int) -> Path:
    text = VARIANTS.read_text("utf-8")
    text = text.replace(
        "param    window = 3 business_days", f"param    window = {window} business_days"
    )
    text = text.replace(
        "param     window = 2 business_days\n    bands",
        f"param     window = {onc_window} business_days\n    bands",
    )
    text = text.replace("green >= 90%, amber >= 75%", f"green >= {green}%, amber >= 40%")
    text = text.replace("levels   study,", f"min_n    {min_n}\n    levels   study,")
    return _write(tmp / name, text)


def _run(spec: Path, out: Path) -> dict[tuple[Any, ...], dict[str, Any]]:
    argv = ["run", str(spec), "--data", str(DATA), "--as-of", AS_OF, "--out", str(out)]
    assert main([*argv, "--no-color"]) == 0
    rows = json.loads(out.read_text("utf-8"))["results"]
    return {tuple(r[k] for k in KEY): r for r in rows}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-12)
    return bool(a == b)


def _joined_by_hand(old: dict[Any, Any], new: dict[Any, Any]) -> dict[Any, tuple[Any, Any]]:
    """Every key whose value, band or status differs, or that is on one side only."""
    moved = {}
    for key in [*new, *(k for k in old if k not in new)]:
        a, b = old.get(key), new.get(key)
        if (
            a is None
            or b is None
            or not all(_same(a[c], b[c]) for c in ("value", "band", "status"))
        ):
            moved[key] = (a and (a["value"], a["status"]), b and (b["value"], b["status"]))
    return moved


SETTING = st.tuples(st.integers(1, 4), st.integers(1, 4), st.sampled_from([50, 80, 95]),
                    st.integers(1, 2))  # fmt: skip


@settings(max_examples=8)
@given(SETTING, SETTING)
def test_impact_equals_two_runs_joined_by_hand(old: tuple[int, ...], new: tuple[int, ...]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        a, b = _spec(tmp, "old.imx", *old), _spec(tmp, "new.imx", *new)
        expected = _joined_by_hand(_run(a, tmp / "a.json"), _run(b, tmp / "b.json"))
        argv = ["diff", str(a), str(b), "--data", str(DATA), "--as-of", AS_OF, "--format", "json"]
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = main([*argv, "--no-color"])
        assert code == (0 if old == new else 1)
        if old == new:
            assert expected == {}
            return
        rows = json.loads(buffer.getvalue())["impact"]["rows"]
        found = {
            tuple(r[k] for k in KEY): (
                r["old"] and (r["old"]["value"], r["old"]["status"]),
                r["new"] and (r["new"]["value"], r["new"]["status"]),
            )
            for r in rows
        }
        assert found.keys() == expected.keys()
        for key, sides in expected.items():
            for was, got in zip(sides, found[key], strict=True):
                assert (was is None) == (got is None)
                if was is not None:
                    assert _same(was[0], got[0]) and was[1] == got[1], (key, was, got)


def test_impact_summarises_and_flags_method_moves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Old: the base window 3, oncology 2. New: oncology 3 (a method change of the variant) and
    # the base's green band at 95% (a threshold change). ONC's b is met either way, a goes from
    # missed to met: ONC 1/2 → 2/2; BOTH stays under late-phase (window 2, 0/1); the oncology
    # group 1/3 → 2/3 (red → amber, amber from 40%); the portfolio 2/4 → 3/4 (amber either way).
    old = _spec(tmp_path, "old.imx", 3, 2, 90, 1)
    new = _spec(tmp_path, "new.imx", 3, 3, 95, 1)
    data = ("--data", str(DATA), "--as-of", AS_OF)
    code, out, _ = _diff(capsys, str(old), str(new), *data)
    assert code == 1
    assert "XFER-OT: 1 of 3 studies value moved, status green [method change]" in out
    assert "XFER-OT: 1 of 2 by:therapeutic_area rows red → amber [method change]" in out
    assert "XFER-OT: 1 of 1 portfolio rows value moved, status amber [method change]" in out
    assert "XFER-OT study ONC: 50.0% (1/2) → 100.0% (2/2); green [method change]" in out
    report = json.loads(_diff(capsys, str(old), str(new), *data, "--format", "json")[1])
    impact = report["impact"]
    assert (
        impact["old_stamp"]["as_of"] == impact["new_stamp"]["as_of"] == "2026-03-20T00:00:00+00:00"
    )
    assert impact["old_stamp"]["data_fingerprint"] == impact["new_stamp"]["data_fingerprint"]
    assert impact["old_stamp"]["spec_hash"] != impact["new_stamp"]["spec_hash"]
    assert all(r["method_change"] for r in impact["rows"])
    # A threshold change alone moves statuses, never values, and is not flagged as method.
    only_bands = _spec(tmp_path, "bands.imx", 3, 2, 50, 1)  # the portfolio 2/4: green
    report = json.loads(_diff(capsys, str(old), str(only_bands), *data, "--format", "json")[1])
    rows = report["impact"]["rows"]
    assert rows and not any(r["method_change"] for r in rows)
    assert all(
        r["causes"] == ["threshold"] and r["old"]["value"] == r["new"]["value"] for r in rows
    )
