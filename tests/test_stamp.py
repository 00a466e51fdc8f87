"""The stamp records every run option that can change a value, and the spec hash means one thing
everywhere: the stamp, the scorecard and the handbook show the same hash for the same resolved
spec, whatever the run options, comments or layout."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import imx
from imx.cli import main
from imx.results import spec_hash
from imx.syntax.fmt import format_source

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "cases" / "eval" / "variants.imx"
DATA = ROOT / "tests" / "cases" / "eval" / "variants"


def _run(tmp: Path, name: str, *options: str) -> tuple[dict[str, str], str]:
    out = tmp / f"{name}.json"
    argv = ["run", str(SPEC), "--data", str(DATA), "--out", str(out), *options, "--no-color"]
    assert main(argv) == 0
    return json.loads(out.read_text("utf-8"))["stamp"], out.name


def test_the_spec_hash_does_not_move_with_run_options_and_they_are_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain, _ = _run(tmp_path, "a")
    scorecard = capsys.readouterr().out
    chosen, _ = _run(
        tmp_path, "b", "--level", "study", "--period", "month", "--metric", "XFER-OT",
        "--as-of", "2026-03-20T00:00Z", "--engine", "reference",
    )  # fmt: skip
    assert plain["spec_hash"] == chosen["spec_hash"] == spec_hash(imx.load([SPEC]))
    assert (plain["engine"], plain["levels"], plain["period"], plain["metrics"]) == (
        "duckdb", "", "", ""
    )  # fmt: skip
    assert (chosen["engine"], chosen["levels"], chosen["period"], chosen["metrics"]) == (
        "reference", "study", "month", "XFER-OT"
    )  # fmt: skip
    assert chosen["as_of"] == "2026-03-20T00:00:00Z"
    assert f"spec {plain['spec_hash'][:12]}" in scorecard


def test_comments_and_layout_never_change_the_spec_hash(tmp_path: Path) -> None:
    text = SPEC.read_text("utf-8")
    messy = re.sub(r"^(\s*)(\w)", r"\1 \2", text, flags=re.M).replace("\n\n", "\n\n# note\n\n")
    (tmp_path / "messy.imx").write_text(messy, "utf-8")
    (tmp_path / "fmt.imx").write_text(format_source(text, "x").text, "utf-8")
    hashes = {
        spec_hash(imx.load([p])) for p in (SPEC, tmp_path / "messy.imx", tmp_path / "fmt.imx")
    }
    assert len(hashes) == 1
    changed = text.replace("green >= 90%", "green >= 91%")
    (tmp_path / "changed.imx").write_text(changed, "utf-8")
    assert spec_hash(imx.load([tmp_path / "changed.imx"])) not in hashes


def test_the_handbook_shows_the_hash_the_stamp_shows(tmp_path: Path) -> None:
    stamp, _ = _run(tmp_path, "r")
    site = tmp_path / "handbook"
    argv = ["docs", "build", str(SPEC), "--out", str(site), "--results", str(tmp_path / "r.json")]
    assert main([*argv, "--no-color"]) == 0
    home = next(site.rglob("index.md")).read_text("utf-8")
    assert home.count(stamp["spec_hash"]) == 2  # the spec's hash, and the results' stamp's
