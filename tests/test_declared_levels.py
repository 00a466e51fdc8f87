"""A metric's declared ``levels`` are kept: ``--level L`` reaches only the metrics that have L
(declared, or site, study and portfolio when they declare none); ``--level METRIC:L`` asks for L
for one metric even when it does not declare it. A level no chosen metric has is a usage error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imx.cli import main


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("levels")
    assert main(["demo-data", "--studies", "2", "--seed", "3", "--out", str(root / "d")]) == 0
    return root / "d"


def _levels(data: Path, tmp: Path, *argv: str) -> dict[str, set[str]]:
    out = tmp / "r.json"
    run = ["run", "--data", str(data), "--metric", "ESC-RATE", "--metric", "QRY-RATE"]
    assert main([*run, *argv, "--no-color", "--out", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))["results"]
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["metric"], set()).add(row["level"])
    return found


def test_a_level_reaches_only_the_metrics_that_declare_it(data: Path, tmp_path: Path) -> None:
    found = _levels(data, tmp_path, "--level", "study", "--level", "portfolio")
    assert found["ESC-RATE"] == {"study"}  # ESC-RATE declares `levels study`
    assert found["QRY-RATE"] == {"study", "portfolio"}


def test_a_level_asked_per_metric_is_given(data: Path, tmp_path: Path) -> None:
    found = _levels(data, tmp_path, "--level", "study", "--level", "ESC-RATE:portfolio")
    assert found["ESC-RATE"] == {"study", "portfolio"}
    assert found["QRY-RATE"] == {"study"}


def test_no_level_asked_gives_each_metric_its_own(data: Path, tmp_path: Path) -> None:
    found = _levels(data, tmp_path)
    assert found["ESC-RATE"] == {"study"}
    assert "portfolio" in found["QRY-RATE"]


@pytest.mark.parametrize(
    ("level", "said"),
    [
        ("portfolio", "hint: a metric is aggregated only at the levels it declares"),
        ("ESC-RATE:by:vendr", "did you mean `by:vendor`?"),
        ("ESC-RATE:everywhere", "`everywhere` is not a level"),
    ],
)
def test_a_level_that_gives_nothing_is_a_usage_error(
    data: Path, level: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "--data", str(data), "--metric", "ESC-RATE", "--level", level, "--no-color"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert said in err, err
    if level == "portfolio":
        assert "--level ESC-RATE:portfolio" in err
