"""`imx docs build --changes-from OLD`: the handbook's Changes page, made by the diff engine, lists
each changed definition field by field with its class, in the nav, with spec text kept as text."""

from __future__ import annotations

from pathlib import Path

import pytest

import imx
from imx.cli import main
from imx.diff import diff_models
from imx.render.handbook.changes import changes_page
from imx.render.handbook.site import mkdocs_config, write_project

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "diff"


def test_the_changes_page_lists_each_change_with_its_class() -> None:
    old, new = imx.load([CASES / "variants.old.imx"]), imx.load([CASES / "variants.new.imx"])
    page = changes_page(diff_models(old, new), "git:v2014:metrics")
    assert page.startswith("# Changes\n")
    assert "5 definition(s) differ: 3 method, 2 threshold, 1 wording" in page
    assert "| min&#95;n | threshold | 1 | 10 |" in page
    assert "## variant XFER&#45;OT/late" in page or "## variant XFER-OT/late" in page


def test_spec_text_on_the_changes_page_stays_text(tmp_path: Path) -> None:
    text = (CASES / "wording.old.imx").read_text("utf-8")
    hostile = text.replace("Cancelled visits", "<script>x</script> [l](javascript:x) *b* | c")
    (tmp_path / "h.imx").write_text(hostile, "utf-8")
    page = changes_page(
        diff_models(imx.load([tmp_path / "h.imx"]), imx.load([CASES / "wording.old.imx"])), "old"
    )
    assert "<script>" not in page and "](javascript" not in page and "*b*" not in page


def test_docs_build_adds_the_page_and_its_nav_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["docs", "build", str(CASES / "params.new.imx"), "--out", str(tmp_path / "h")]
    assert main([*argv, "--changes-from", str(CASES / "params.old.imx"), "--no-color"]) == 0
    page = next((tmp_path / "h").rglob("changes.md")).read_text("utf-8")
    assert "param window | method | 3 business&#95;days | 2 business&#95;days" in page
    assert next((tmp_path / "h").rglob("changes.html"), None) is not None
    model = imx.load([CASES / "params.new.imx"])
    assert {"Changes": "changes.md"} in mkdocs_config(model, False, None, True)["nav"]
    assert {"Changes": "changes.md"} not in mkdocs_config(model, False)["nav"]
    write_project(model, tmp_path / "plain")
    assert not list((tmp_path / "plain").rglob("changes.md"))


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--changes-from", "{tmp}/nowhere"], "no such file or folder"),
        (["--changes-from", "git:HEAD"], "is not of the form git:REV:PATH"),
    ],
)
def test_a_bad_changes_from_is_a_usage_error(
    extra: list[str], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["docs", "build", str(CASES / "params.new.imx"), "--out", str(tmp_path / "h")]
    assert main([*argv, *(e.format(tmp=tmp_path) for e in extra), "--no-color"]) == 2
    assert fragment in capsys.readouterr().err


def test_serve_refuses_changes_from(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["docs", "serve", str(CASES / "params.new.imx"), "--changes-from", "x", "--no-color"]
    assert main(argv) == 2
    assert "unrecognized arguments: --changes-from" in capsys.readouterr().err
