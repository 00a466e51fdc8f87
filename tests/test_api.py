"""The Python facade a notebook user calls: check, load, evaluate with frames, compile_sql."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import imx
from imx.demo_data import generate

ROOT = Path(__file__).resolve().parent.parent
STDLIB = ROOT / "stdlib_metrics"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(studies=2, seed=3, out=out, fmt="parquet")
    return out


def test_check_and_load(tmp_path: Path) -> None:
    assert imx.check([STDLIB]).errors == ()
    model = imx.load([STDLIB])
    assert model.metric("XFER-CT") is not None
    bad = tmp_path / "bad.imx"
    bad.write_text("metric A {\n    category nonsense\n}\n")
    with pytest.raises(imx.ImxError, match="error"):
        imx.load([bad])


def test_evaluate_from_a_folder_and_from_pandas_frames_agree(demo: Path) -> None:
    model = imx.load([STDLIB])
    from_files = imx.evaluate(model, demo, levels=["study", "portfolio"], metrics=["XFER-CT"])
    frames = {
        name: pd.read_parquet(demo / f"{name}.parquet") for name in ("events", "studies", "sites")
    }
    from_frames = imx.evaluate(model, frames, levels=["study", "portfolio"], metrics=["XFER-CT"])
    assert from_files.table.num_rows > 0
    assert from_files.table.equals(from_frames.table)
    assert set(from_files.table.column("metric").to_pylist()) == {"XFER-CT"}
    assert from_files.stamp.as_of == from_frames.stamp.as_of


def test_compile_sql_is_one_query_over_the_events() -> None:
    sql = imx.compile_sql([STDLIB], "XFER-CT")
    assert sql.lstrip().upper().startswith(("SELECT", "WITH"))
    assert '"events"' in sql
