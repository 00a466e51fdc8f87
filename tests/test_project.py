"""A project of one's own: `imx init` scaffolds one, and its imx.toml (or pyproject's [tool.imx])
fills the options a command leaves out; flags win; unknown keys are located errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from imx.cli import main


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project made by `imx init`, as the working folder, with a small demo log in data/."""
    monkeypatch.chdir(tmp_path)
    assert main(["init", "proj", "--no-color"]) == 0
    folder = tmp_path / "proj"
    monkeypatch.chdir(folder)
    assert main(["demo-data", "--studies", "1", "--out", "data", "--format", "csv"]) == 0
    return folder


def test_init_writes_a_project_that_checks_tests_and_runs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
    assert {".gitignore", "README.md", "imx.toml", "metrics/quality.imx", "metrics/schema.imx"} <= (
        set(names)
    )
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "imx check" in readme and "imx test" in readme and "imx run" in readme
    capsys.readouterr()
    assert main(["check", "--no-color"]) == 0
    assert "no problems found" in capsys.readouterr().out
    assert main(["test", "--no-color"]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out
    assert main(["run", "--no-color"]) == 0  # data, levels and out from imx.toml
    assert "wrote results.csv" in capsys.readouterr().out
    with (project / "results.csv").open(encoding="utf-8", newline="") as f:
        levels = {row["level"] for row in csv.DictReader(f)}
    assert levels == {"study", "portfolio"}
    assert main(["docs", "build", "--no-color"]) == 0  # out and results from imx.toml
    assert (project / "handbook" / "site" / "index.html").is_file()


def test_init_with_a_blank_schema_checks_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--schema", "blank"]) == 0
    assert "\nimport stdlib" not in (tmp_path / "metrics" / "schema.imx").read_text()
    assert main(["check"]) == 0 and main(["test"]) == 0


def test_init_never_writes_over_a_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (project / "imx.toml").read_text()
    assert main(["init", "."]) == 2
    assert "already holds imx.toml" in capsys.readouterr().err
    assert (project / "imx.toml").read_text() == before


def test_flags_win_over_the_settings(project: Path) -> None:
    assert main(["run", "--level", "site", "--out", "sites.json", "--no-color"]) == 0
    rows = json.loads((project / "sites.json").read_text())["results"]
    assert {r["level"] for r in rows} == {"site"}
    assert not (project / "results.csv").exists()


def test_settings_in_pyproject_and_paths_relative_to_the_file(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "imx.toml").unlink()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.imx]\npaths = ["metrics"]\n\n[tool.imx.data]\n'
        'dir = "data"\n\n[tool.imx.run]\nlevels = ["portfolio"]\nout = "r.csv"\n'
    )
    (project / "metrics" / "deeper").mkdir()
    monkeypatch.chdir(project / "metrics" / "deeper")  # found from a folder below
    assert main(["run", "--no-color"]) == 0
    assert f"wrote {Path('../../r.csv')}" in capsys.readouterr().out
    assert (project / "r.csv").is_file()


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ('[run]\nlevles = ["site"]\n', "imx.toml:2: unknown setting `run.levles`", "`levels`"),
        ("[rn]\nout = 'x.csv'\n", "imx.toml:1: unknown setting `rn`", "`run`"),
        ('pahts = ["m"]\n', "imx.toml:1: unknown setting `pahts`", "`paths`"),
        ('[run]\nlevels = "site"\n', "imx.toml:2: `run.levels` must be a list of texts", ""),
        ('[run]\nperiod = "week"\n', "imx.toml:2: `week` is not one of month, quarter", ""),
        ('[data]\nas_of = "soon"\n', "imx.toml:2: `soon` is not a date and time", ""),
        ("[run]\nout = \n", "imx.toml:2:7: not valid TOML", ""),
    ],
)
def test_a_bad_setting_is_a_located_usage_error(
    text: str,
    message: str,
    hint: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "imx.toml").write_text(text)
    (tmp_path / "m.imx").write_text("import stdlib.schema\n")
    assert main(["run", "m.imx", "--data", "d", "--no-color"]) == 2
    err = capsys.readouterr().err
    assert message in err and f"did you mean {hint}" in err if hint else message in err


def test_with_no_project_a_data_command_runs_the_stdlib_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo-data", "--studies", "1", "--out", "d"]) == 0
    capsys.readouterr()
    assert main(["run", "--data", "d", "--metric", "XFER-OT", "--no-color"]) == 0
    out, err = capsys.readouterr()
    assert "uses the standard library (`import stdlib`)" in err and "XFER-OT" in out
    assert main(["check", "--no-color"]) == 2
    assert "no PATH given and no imx.toml here or above" in capsys.readouterr().err
