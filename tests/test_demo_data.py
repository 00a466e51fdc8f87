"""The demo event log: determinism, realistic shape, and faults found exactly as the manifest says."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from imx.checker import check_paths
from imx.data import load_dataset
from imx.demo_data import generate
from imx.demo_data.world import (
    EVENTS,
    MODALITIES,
    NEGATIVE_DURATION_METRICS,
    UNKNOWN_MODALITIES,
)
from imx.model import Model

STDLIB = Path(__file__).resolve().parent.parent / "stdlib_metrics"
RULES = ("duplicate-row", "unknown-event", "null-timestamp", "naive-timestamp", "unreadable-row")


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
    assert (manifest.faults["unreadable-row"] > 0) == (fmt == "csv")


def test_unknown_modality_codes_are_the_manifest_count(tmp_path: Path) -> None:
    """No loader rule checks attribute values: the unknown codes stay in the log, on scans."""
    manifest = generate(4, 5, tmp_path, "parquet")
    events = pq.read_table(tmp_path / "events.parquet").to_pylist()
    unknown = [r for r in events if r["modality"] not in (*MODALITIES, None)]
    assert len(unknown) == manifest.faults["unknown-modality"] > 0
    assert {r["event"] for r in unknown} == {"scan_acquired"}
    assert {r["modality"] for r in unknown} <= set(UNKNOWN_MODALITIES)
    from imx.evaluation import evaluate
    from imx.results import RunOptions

    dataset = load_dataset(_model().schema, {k: tmp_path / v for k, v in manifest.files.items()})
    options = RunOptions(levels=("by:modality",), metrics=("XFER-CT",))
    rows = evaluate(_model(), dataset, options).table.to_pylist()
    groups = {r["group"] for r in rows if r["period"] is None}
    assert {r["modality"] for r in unknown} <= groups  # their own groups in a by-modality level


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


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The event rows of an 8-study demo log."""
    folder = tmp_path_factory.mktemp("log")
    generate(8, 3, folder, "parquet")
    return pq.read_table(folder / "events.parquet").to_pylist()


def test_attributes_have_a_realistic_shape(rows: list[dict[str, Any]]) -> None:
    by_event: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_event.setdefault(str(row["event"]), []).append(row)
    imaging = ("scan_acquired", "images_received", "qc_passed", "qc_failed", "read_completed")
    assert all(r["modality"] is not None for e in imaging for r in by_event[e])
    assert len({r["modality"] for r in by_event["scan_acquired"]}) >= 3
    reasons = Counter(r["query_reason"] for r in by_event["query_opened"])
    assert None not in reasons and len(reasons) >= 6
    top = sum(n for _, n in reasons.most_common(3))
    assert top > 0.7 * reasons.total()  # a Pareto: a few reasons make most queries
    severity = Counter(r["severity"] for r in by_event["protocol_deviation_found"])
    assert severity["minor"] > severity["major"] > severity["critical"] > 0
    assert {r["actor"] for r in by_event["qc_passed"] + by_event["qc_failed"]} == {"manual"}
    auto = by_event["qc_auto_checked"]
    assert {r["actor"] for r in auto} == {"auto"}
    assert {r["qc_outcome"] for r in auto} == {"accepted", "rejected"}
    for event in ("phantom_scanned", "biomarker_measured", "retest_scan_measured"):
        assert all(isinstance(r["reading"], float) for r in by_event[event]), event
    assert all(r["reading"] is None for r in by_event["scan_acquired"])
    failures = Counter((r["study"], r["site"]) for r in by_event["upload_failed"])
    assert sum(failures.values()) > 0 and max(failures.values()) >= 5  # some sites fail often


def test_phantom_readings_drift_from_a_baseline_per_scanner(rows: list[dict[str, Any]]) -> None:
    series: dict[tuple[object, ...], list[tuple[object, float]]] = {}
    for r in rows:
        if r["event"] == "phantom_scanned" and r["at"] is not None and r["reading"] is not None:
            series.setdefault((r["study"], r["site"], r["scanner"]), []).append(
                (r["at"], r["reading"])
            )
    change = []
    for readings in series.values():
        readings.sort()
        if len(readings) >= 12:
            change.append(readings[-1][1] / readings[0][1] - 1)
    assert len(change) > 50
    baselines = [r[0][1] for r in series.values()]
    assert max(baselines) > 1.3 * min(baselines)  # each scanner its own baseline
    drifting = sum(c < -0.1 for c in change)
    assert 0 < drifting < 0.3 * len(change)  # a few scanners lose SNR, most hold it


def test_some_visits_fall_outside_their_window_and_reads_wait_for_a_reader(
    rows: list[dict[str, Any]],
) -> None:
    first: dict[tuple[object, ...], dict[str, object]] = {}
    for r in rows:
        if r["at"] is not None and r["event"] in ("timepoint_expected", "scan_acquired"):
            unit = first.setdefault((r["study"], r["site"], r["subject"], r["timepoint"]), {})
            unit.setdefault(str(r["event"]), r["at"])
    gaps = [
        (u["scan_acquired"] - u["timepoint_expected"]).days  # type: ignore[operator]
        for u in first.values()
        if len(u) == 2
    ]
    late = sum(g > 7 for g in gaps) / len(gaps)
    assert 0.01 < late < 0.15
    released = {
        (r["study"], r["site"], r["subject"], r["timepoint"]): r["at"]
        for r in rows
        if r["event"] == "released_to_read" and r["at"] is not None
    }
    waits = [
        (r["at"] - released[k]).total_seconds() / 3600
        for r in rows
        if r["event"] == "read_assigned"
        and r["at"] is not None
        and (k := (r["study"], r["site"], r["subject"], r["timepoint"])) in released
    ]
    assert 1 < sorted(waits)[len(waits) // 2] < 12 and max(waits) > 48  # hours, a long tail
