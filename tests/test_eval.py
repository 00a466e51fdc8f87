"""Evaluations the eval corpus (tests/cases/eval) does not state: a tie in either order, a
microsecond, the cumulative-period option, Wilson intervals, the stamp (both evaluators)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from evalkit import (
    bd,
    dataset,
    first,
    has,
    model,
    resolved,
    ts,
)
from imx import model as m
from imx.data import Dataset
from imx.evaluation import evaluate
from imx.results import Results, RunOptions, wilson

ENGINES = pytest.mark.parametrize("engine", ["duckdb", "reference"])
D = Decimal
Row = dict[str, Any]

XFER_OT = resolved(
    "XFER-OT",
    m.RateMeasure(m.Within(first("images_received"), bd(3), first("scan_acquired"))),
    where=[has("scan_acquired")],
    excludes=[m.Exclusion(has("timepoint_cancelled"), "Cancelled visits are not expected")],
    bands=m.Bands(
        m.Direction.HIGHER_IS_BETTER,
        (m.BandDef("green", ">=", D("0.9")), m.BandDef("amber", ">=", D("0.75")), m.BandDef("red")),
    ),
)
XFER_CT = resolved(
    "XFER-CT",
    m.DurationMeasure(first("scan_acquired"), first("images_received"), m.TimeUnit.BUSINESS_DAYS),
    summary=("median", "p90", "mean"),
    value_unit=m.ValueUnit.BUSINESS_DAYS,
    target=m.Target("median", "<=", D(2)),
)


def run(mod: m.Model, ds: Dataset, engine: str, **options: Any) -> Results:
    return evaluate(mod, ds, RunOptions(**options), engine=engine)


def pick(results: Results, metric: str, level: str = "portfolio", **keys: Any) -> Row:
    rows = [
        r
        for r in results.table.to_pylist()
        if r["metric"] == metric and r["level"] == level and all(r[k] == v for k, v in keys.items())
    ]
    assert len(rows) == 1, rows
    return rows[0]


TOUR_EVENTS = [
    ("S1", "001", "1001", "BL", "scan_acquired", "2026-03-02T10:00Z"),
    ("S1", "001", "1001", "BL", "images_received", "2026-03-09T09:00Z"),
    ("S1", "001", "1002", "BL", "scan_acquired", "2026-03-02T10:00Z"),
    ("S1", "001", "1002", "BL", "images_received", "2026-03-03T10:00Z"),
    ("S1", "001", "1003", "BL", "scan_acquired", "2026-03-10T10:00Z"),
]


@ENGINES
def test_tour_example_late_is_missed_fresh_is_pending(engine: str) -> None:
    ds = dataset(TOUR_EVENTS, "2026-03-11T00:00Z", studies=[("S1", "neurology")])
    r = pick(run(model(m.Metric(XFER_OT)), ds, engine), "XFER-OT")
    assert (r["value"], r["numerator"], r["denominator"], r["pending"]) == (0.5, 1.0, 2, 1)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx(wilson(1, 2))
    assert (r["band"], r["status"], r["variant"], r["unit"]) == ("red", "red", "base", "percent")


@ENGINES
@pytest.mark.parametrize(
    ("order", "expected"), [(("qc_passed", "qc_failed"), 1.0), (("qc_failed", "qc_passed"), 0.0)]
)
def test_first_of_tie_goes_to_the_event_listed_first(
    engine: str, order: tuple[str, str], expected: float
) -> None:
    cond = m.Compare("=", m.FirstOf(order), m.EventConst("qc_passed"))
    rate = resolved(
        "QC", m.RateMeasure(cond), where=[m.BoolOp("or", (has("qc_passed"), has("qc_failed")))]
    )
    events = [
        ("S", "1", "a", "BL", "qc_failed", "2026-03-02T10:00Z"),
        ("S", "1", "a", "BL", "qc_passed", "2026-03-02T10:00Z"),
    ]
    r = pick(run(model(m.Metric(rate)), dataset(events, "2026-03-10T00:00Z"), engine), "QC")
    assert r["value"] == expected


@ENGINES
def test_hours_are_exact_elapsed_time(engine: str) -> None:
    dur = resolved(
        "H",
        m.DurationMeasure(first("scan_acquired"), first("images_received"), m.TimeUnit.HOURS),
        summary=("max",),
        value_unit=m.ValueUnit.HOURS,
    )
    events = [
        ("S", "1", "a", "BL", "scan_acquired", "2026-03-07T22:00Z"),
        ("S", "1", "a", "BL", "images_received", "2026-03-08T09:30:00.000001Z"),  # across US DST
    ]
    r = pick(run(model(m.Metric(dur)), dataset(events, "2026-03-10T00:00Z"), engine), "H")
    assert r["value"] == pytest.approx(11.5 + 1 / 3_600_000_000, abs=1e-12)


@ENGINES
def test_cumulative_quarters_report_to_date_values(engine: str) -> None:
    rate = resolved(
        "C", m.RateMeasure(has("images_received")), where=[has("scan_acquired")],
        levels=("portfolio",), period=m.Period("month", first("scan_acquired"), cumulative=True),
    )  # fmt: skip
    events = [
        ("A", "1", "x", "BL", "scan_acquired", "2026-01-30T10:00Z"),
        ("A", "1", "x", "BL", "images_received", "2026-02-02T10:00Z"),
        ("A", "1", "y", "BL", "scan_acquired", "2026-05-03T10:00Z"),
    ]
    res = run(model(m.Metric(rate)), dataset(events, "2026-06-01T00:00Z"), engine, period="quarter")
    q1, q2 = pick(res, "C", period="2026-Q1"), pick(res, "C", period="2026-Q2")
    assert (q1["denominator"], q2["denominator"], q2["value"]) == (1, 2, 0.5)


def test_wilson_interval_known_values() -> None:
    assert wilson(8, 10) == pytest.approx((0.4901624, 0.9433178), abs=1e-6)
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775328), abs=1e-6)
    assert wilson(10, 10) == pytest.approx((0.7224672, 1.0), abs=1e-6)
    assert wilson(81, 263) == pytest.approx((0.2553, 0.3662), abs=1e-4)  # Wikipedia-style check
    assert wilson(0, 0) is None


def test_results_are_deterministic_and_stamped() -> None:
    ds = dataset(TOUR_EVENTS, "2026-03-11T00:00Z", studies=[("S1", "neurology")])
    mod = model(m.Metric(XFER_OT), m.Metric(XFER_CT))
    a, b = evaluate(mod, ds), evaluate(mod, ds)
    assert a.table.equals(b.table) and a.stamp == b.stamp
    assert a.table.column_names[:21] == [
        "metric", "version", "variant", "level", "study", "site", "group", "group2", "period",
        "value",
        "unit", "numerator", "denominator", "excluded", "excluded_by_reason", "pending", "open",
        "ci_low", "ci_high", "band", "status",
    ]  # fmt: skip
    later = evaluate(mod, ds, RunOptions(as_of=ts("2026-03-10T00:00Z")))
    assert later.stamp.spec_hash != a.stamp.spec_hash or later.stamp.as_of != a.stamp.as_of
    assert a.stamp.data_fingerprint == "test-fingerprint" and len(a.stamp.spec_hash) == 64
    ref = evaluate(mod, ds, engine="reference")
    assert ref.table.equals(a.table)
