"""The demo event log: determinism, realistic shape, and faults found exactly as the manifest says."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from imx.checker import check_paths
from imx.data import load_dataset
from imx.demo_data import generate
from imx.demo_data.world import EVENTS, NEGATIVE_DURATION_METRICS
from imx.model import Model

STDLIB = Path(__file__).resolve().parent.parent / "stdlib_metrics"
RULES = ("duplicate-row", "unknown-event", "null-timestamp", "naive-timestamp")


@cache
def _model() -> Model:
    model = check_paths([STDLIB]).model
    assert model is not None
    return model


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_same_seed_gives_the_same_bytes(tmp_path: Path, fmt: str) -> None:
    generate(3, 11, tmp_path / "a", fmt)  # type: ignore[arg-type]
    generate(3, 11, tmp_path / "b", fmt)  # type: ignore[arg-type]
    generate(3, 12, tmp_path / "c", fmt)  # type: ignore[arg-type]
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert _files(tmp_path / "a")[f"events.{fmt}"] != _files(tmp_path / "c")[f"events.{fmt}"]


def test_generator_events_are_the_schema_events() -> None:
    assert list(EVENTS) == list(_model().schema.event_names)


def test_shape_is_realistic(tmp_path: Path) -> None:
    manifest = generate(8, 3, tmp_path, "parquet")
    events = pq.read_table(tmp_path / "events.parquet")
    studies = pq.read_table(tmp_path / "studies.parquet")
    sites = pq.read_table(tmp_path / "sites.parquet")
    assert manifest.rows["events"] == events.num_rows > 8 * 2_000
    assert len(set(studies["vendor"].to_pylist())) >= 2
    assert len(set(studies["therapeutic_area"].to_pylist())) >= 2
    assert set(sites["calendar"].to_pylist()) == {"us", "eu", "jp"}
    assert all(len(s) == 3 and s.isdigit() for s in sites["site"].to_pylist())
    counts = pc.value_counts(events["event"]).to_pylist()
    by_event = {c["values"]: c["counts"] for c in counts}
    adjudicated = by_event["discordance_flagged"] / by_event["released_to_read"]
    assert 0.25 < adjudicated < 0.45
    assert by_event["query_opened"] > 0 and by_event["rescan_requested"] > 0


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_quality_report_finds_exactly_the_injected_faults(tmp_path: Path, fmt: str) -> None:
    manifest = generate(4, 5, tmp_path, fmt)  # type: ignore[arg-type]
    on_disk = json.loads((tmp_path / "manifest.json").read_text())
    assert on_disk["faults"] == manifest.faults
    dataset = load_dataset(_model().schema, {k: tmp_path / v for k, v in manifest.files.items()})
    found = {f.rule: f.rows for f in dataset.quality if f.table == "events" and not f.tally}
    expected = {rule: manifest.faults[rule] for rule in RULES if manifest.faults[rule]}
    assert found == expected
    assert (manifest.faults["naive-timestamp"] > 0) == (fmt == "csv")


def test_negative_durations_are_found_per_metric(tmp_path: Path) -> None:
    from imx.evaluation import evaluate
    from imx.results import RunOptions

    manifest = generate(4, 5, tmp_path, "parquet")
    assert manifest.faults["negative-duration"] > 0
    dataset = load_dataset(_model().schema, {k: tmp_path / v for k, v in manifest.files.items()})
    options = RunOptions(levels=("portfolio",), metrics=NEGATIVE_DURATION_METRICS)
    results = evaluate(_model(), dataset, options)
    found = {f.metric: f.rows for f in results.quality if f.rule == "negative-duration"}
    assert found == dict.fromkeys(NEGATIVE_DURATION_METRICS, manifest.faults["negative-duration"])
