"""The benchmark's baselines compute what imx computes: on a demo log, the six headline values of
hand-written SQL, pandas and Polars (``bench/``) equal imx's, so a benchmark's ratio compares
like with like."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

from imx.demo_data import generate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import eval_speed  # noqa: E402


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = tmp_path_factory.mktemp("baselines")
    generate(6, 8, found, "parquet")
    return found


@pytest.fixture(scope="module")
def imx_values(folder: Path) -> dict[str, float]:
    values = eval_speed.case_imx(folder, None, eval_speed.SIX)["values"]
    assert all(v is not None and not math.isnan(v) for v in values.values()), values
    return values


@pytest.mark.parametrize("case", ["handsql", "pandas", "polars"])
def test_a_baseline_gives_imx_values_on_the_six(
    case: str, folder: Path, imx_values: dict[str, float]
) -> None:
    found = eval_speed.child(case, folder, None)["values"]
    assert eval_speed.agree(imx_values, found) == [], (found, imx_values)
