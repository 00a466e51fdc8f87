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


def test_one_path_is_one_path_never_its_characters(tmp_path: Path) -> None:
    assert imx.load(str(STDLIB)).metrics == imx.load([STDLIB]).metrics
    assert imx.check(STDLIB).errors == ()
    missing = imx.check(str(tmp_path / "nowhere"))
    assert len(missing.diagnostics) == 1 and "nowhere" in missing.diagnostics[0].message


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


def test_running_out_of_memory_is_a_clear_error_not_a_crash(demo: Path) -> None:
    from imx.data import discover_sources, load_dataset
    from imx.engines import EngineOutOfMemory, EngineSettings
    from imx.errors import DataError
    from imx.evaluation import evaluate

    model = imx.load([STDLIB])
    sources = discover_sources(demo, model.schema)
    with pytest.raises(DataError, match="ran out of memory within the memory limit 2MB"):
        load_dataset(model.schema, sources, memory_limit="2MB")
    dataset = load_dataset(model.schema, sources)
    with pytest.raises(EngineOutOfMemory, match="ran out of memory") as caught:
        evaluate(model, dataset, settings=EngineSettings(memory_limit="2MB"))
    assert any("--memory-limit" in hint for hint in caught.value.hints)


def test_a_loaded_dataset_keeps_its_database_until_it_is_dropped(demo: Path) -> None:
    import gc

    from imx.data import discover_sources, load_dataset

    model = imx.load([STDLIB])
    dataset = load_dataset(model.schema, discover_sources(demo, model.schema))
    folder = dataset.tables._store.folder  # type: ignore[attr-defined]
    assert folder is not None and Path(folder, "clean.duckdb").exists()
    assert dataset.tables["events"].num_rows > 0  # Arrow on demand
    del dataset
    gc.collect()
    assert not Path(folder).exists()


def test_a_dataset_loaded_from_a_relative_path_survives_a_change_of_folder(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imx.data import discover_sources, load_dataset
    from imx.evaluation import evaluate
    from imx.results import RunOptions

    model = imx.load([STDLIB])
    monkeypatch.chdir(demo.parent)
    dataset = load_dataset(model.schema, discover_sources(Path(demo.name), model.schema))
    monkeypatch.chdir(tmp_path)
    results = evaluate(model, dataset, RunOptions(levels=("portfolio",), metrics=("XFER-CT",)))
    assert results.table.num_rows > 0


def test_a_data_file_removed_before_evaluation_is_a_clear_error(demo: Path, tmp_path: Path) -> None:
    import shutil

    from imx.data import discover_sources, load_dataset
    from imx.engines import EngineInputGone
    from imx.evaluation import evaluate

    model = imx.load([STDLIB])
    copy = tmp_path / "data"
    shutil.copytree(demo, copy)
    dataset = load_dataset(model.schema, discover_sources(copy, model.schema))
    (copy / "events.parquet").unlink()
    with pytest.raises(EngineInputGone, match="could not be read again") as caught:
        evaluate(model, dataset)
    assert "keep them in place" in caught.value.hints[0]
