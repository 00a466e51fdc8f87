"""``imx run --profile`` prints where the time and memory go: each phase, each grain's unit rows
and each metric, adding up to the run's time, with CPU seconds and the peak memory so far; the
scorecard and the result files stay as they were."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from imx.checker import check_paths
from imx.cli import main
from imx.demo_data import generate
from imx.engines import UNITS_PHASE
from imx.plan import build_plan

ROOT = Path(__file__).resolve().parent.parent
STDLIB = ROOT / "stdlib_metrics"
ROW = re.compile(
    r"^(?P<label>.+?)\s+(?P<seconds>\d+\.\d{3})\s+(?P<cpu>\d+\.\d{3})\s+(?P<share>[\d.]+%|100%)"
    r"\s+(?P<peak>\d+)$"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    generate(1, 3, folder, "parquet")
    return folder


def _table(err: str) -> dict[str, tuple[float, float, int]]:
    lines = err[err.index("phase ") :].splitlines()
    assert lines[0].split() == ["phase", "seconds", "cpu", "s", "share", "peak", "MiB"]
    found = {}
    for line in lines[1:]:
        row = ROW.match(line.strip())
        assert row, line
        found[row["label"]] = (float(row["seconds"]), float(row["cpu"]), int(row["peak"]))
    return found


def test_the_profile_names_every_phase_grain_and_metric(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    metrics = ["XFER-CT", "QC-FPR", "QRY-AGED"]
    picked = [a for m in metrics for a in ("--metric", m)]
    args = ["run", str(STDLIB), "--data", str(demo), *picked, "--out", str(tmp_path / "r.csv")]
    assert main([*args, "--profile"]) == 0
    out, err = capsys.readouterr()
    phases = _table(err)
    model = check_paths([STDLIB]).model
    assert model is not None
    plan = build_plan(model, tuple(metrics))
    grains = [UNITS_PHASE.format(unit=g.unit.name, metrics=len(g.metrics)) for g in plan.grains]
    expected = ["check", "load", "plan", *grains, *(f"metric {m}" for m in metrics)]
    expected += ["finalize", "scorecard", "write", "total"]
    assert sorted(phases) == sorted(expected)
    assert list(phases)[:3] == ["check", "load", "plan"] and list(phases)[-3:] == expected[-3:]
    parts = sum(v[0] for k, v in phases.items() if k != "total")
    assert abs(parts - phases["total"][0]) < 0.01  # the phases add up to the run
    peaks = [v[2] for k, v in phases.items() if k != "total"]
    assert peaks == sorted(peaks) and phases["total"][2] == peaks[-1] > 0  # a peak only grows
    assert phases["total"][1] > 0
    assert main(args) == 0
    plain_out, plain_err = capsys.readouterr()
    assert "seconds" not in plain_err and out.count("XFER-CT") == plain_out.count("XFER-CT")
