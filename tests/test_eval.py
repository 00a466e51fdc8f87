"""Hand-computed evaluations of every measure kind on both evaluators (DuckDB and reference)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from evalkit import (
    EU,
    SCHEMA,
    US,
    bd,
    count,
    dataset,
    first,
    has,
    model,
    num,
    resolved,
    schema,
    ts,
    variant,
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
def test_exclusions_are_counted_by_reason_and_leave_the_denominator(engine: str) -> None:
    events = TOUR_EVENTS + [
        ("S1", "001", "1004", "BL", "scan_acquired", "2026-03-02T10:00Z"),
        ("S1", "001", "1004", "BL", "timepoint_cancelled", "2026-03-03T10:00Z"),
        (
            "S1",
            "001",
            "1005",
            "BL",
            "images_received",
            "2026-03-03T10:00Z",
        ),  # no scan: not in where
    ]
    r = pick(run(model(m.Metric(XFER_OT)), dataset(events, "2026-03-11T00:00Z"), engine), "XFER-OT")
    assert (r["denominator"], r["excluded"], r["pending"]) == (2, 1, 1)
    assert r["excluded_by_reason"] == [("Cancelled visits are not expected", 1)]


@ENGINES
def test_within_counts_business_days_in_the_site_calendar(engine: str) -> None:
    # Friday 6 March 23:30Z → Tuesday 10 March 23:30Z. New York (Fri 18:30 → Tue 19:30 EDT): 2
    # business days, met with a window of 2. Berlin (Sat 00:30 → Wed 00:30): 3, missed.
    rate = resolved(
        "W", m.RateMeasure(m.Within(first("images_received"), bd(2), first("scan_acquired")))
    )
    events = [(s, "001", "1", "BL", "scan_acquired", "2026-03-06T23:30Z") for s in ("NY", "DE")] + [
        (s, "001", "1", "BL", "images_received", "2026-03-10T23:30Z") for s in ("NY", "DE")
    ]
    ds = dataset(events, "2026-03-20T00:00Z", sites=[("NY", "001", "us"), ("DE", "001", "eu")])
    res = run(model(m.Metric(rate)), ds, engine)
    assert pick(res, "W", "study", study="NY")["value"] == 1.0
    assert pick(res, "W", "study", study="DE")["value"] == 0.0


@ENGINES
def test_within_at_the_cut_missed_versus_pending(engine: str) -> None:
    rate = resolved(
        "W", m.RateMeasure(m.Within(first("images_received"), bd(2), first("scan_acquired")))
    )
    events = [
        ("S", "1", "a", "BL", "scan_acquired", "2026-03-02T15:00Z"),  # Mon; cut Thu: 3 > 2 missed
        ("S", "1", "b", "BL", "scan_acquired", "2026-03-03T15:00Z"),  # Tue; cut Thu: 2 pending
        ("S", "1", "c", "BL", "images_received", "2026-03-03T15:00Z"),  # no anchor: outside
    ]
    r = pick(run(model(m.Metric(rate)), dataset(events, "2026-03-05T20:00Z"), engine), "W")
    assert (r["numerator"], r["denominator"], r["pending"], r["excluded"]) == (0.0, 1, 1, 1)
    assert r["excluded_by_reason"] == [("outside-measure", 1)]


@ENGINES
def test_unknown_rate_condition_counts_as_pending(engine: str) -> None:
    days = m.Elapsed(m.TimeUnit.DAYS, first("scan_acquired"), first("images_received"))
    rate = resolved("R", m.RateMeasure(m.Compare(">", days, num(1))), where=[has("scan_acquired")])
    events = [
        ("S", "1", "a", "BL", "scan_acquired", "2026-03-02T00:00Z"),
        ("S", "1", "a", "BL", "images_received", "2026-03-03T12:00Z"),  # 1.5 days: met
        ("S", "1", "b", "BL", "scan_acquired", "2026-03-02T00:00Z"),
        ("S", "1", "b", "BL", "images_received", "2026-03-02T12:00Z"),  # 0.5 days: missed
        ("S", "1", "c", "BL", "scan_acquired", "2026-03-02T00:00Z"),  # unknown: pending
    ]
    r = pick(run(model(m.Metric(rate)), dataset(events, "2026-03-10T00:00Z"), engine), "R")
    assert (r["value"], r["denominator"], r["pending"]) == (0.5, 2, 1)


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
def test_duration_open_negative_and_summary_statistics(engine: str) -> None:
    events = [
        ("S", "1", "a", "BL", "scan_acquired", "2026-03-02T10:00Z"),
        ("S", "1", "a", "BL", "images_received", "2026-03-03T10:00Z"),  # 1
        ("S", "1", "b", "BL", "scan_acquired", "2026-03-02T10:00Z"),
        ("S", "1", "b", "BL", "images_received", "2026-03-06T10:00Z"),  # 4
        ("S", "1", "c", "BL", "scan_acquired", "2026-03-02T10:00Z"),
        ("S", "1", "c", "BL", "images_received", "2026-03-04T10:00Z"),  # 2
        ("S", "1", "d", "BL", "scan_acquired", "2026-03-05T10:00Z"),  # open
        ("S", "1", "e", "BL", "scan_acquired", "2026-03-05T10:00Z"),
        ("S", "1", "e", "BL", "images_received", "2026-03-04T10:00Z"),  # negative
    ]
    res = run(model(m.Metric(XFER_CT)), dataset(events, "2026-03-10T00:00Z"), engine)
    r = pick(res, "XFER-CT")
    stats = dict(r["stats"])
    assert (r["value"], r["denominator"], r["open"], r["excluded"]) == (2.0, 3, 1, 1)
    assert stats == {"median": 2.0, "p90": pytest.approx(3.6), "mean": pytest.approx(7 / 3)}
    assert r["target_met"] is True
    (finding,) = [q for q in res.quality if q.rule == "negative-duration"]
    assert (finding.rows, finding.metric, finding.examples) == (1, "XFER-CT", ("S/1/e/BL",))


@ENGINES
def test_earliest_and_latest_skip_missing_timestamps(engine: str) -> None:
    decision = m.Extreme("earliest", (first("qc_passed"), first("qc_failed")))
    last_word = m.Extreme("latest", (first("qc_passed"), first("qc_failed")))
    metrics = [
        resolved(
            name,
            m.DurationMeasure(first("images_received"), end, m.TimeUnit.HOURS),
            summary=("max",),
            value_unit=m.ValueUnit.HOURS,
        )
        for name, end in (("FIRST", decision), ("LAST", last_word))
    ]
    events = [
        ("S", "1", "a", "BL", "images_received", "2026-03-02T10:00Z"),
        ("S", "1", "a", "BL", "qc_failed", "2026-03-02T12:00Z"),
        ("S", "1", "a", "BL", "qc_passed", "2026-03-02T15:00Z"),
        ("S", "1", "b", "BL", "images_received", "2026-03-02T10:00Z"),
        ("S", "1", "b", "BL", "qc_passed", "2026-03-02T11:00Z"),  # no failure: not null
        ("S", "1", "c", "BL", "images_received", "2026-03-02T10:00Z"),  # no decision: open
    ]
    res = run(model(*(m.Metric(x) for x in metrics)), dataset(events, "2026-03-10T00:00Z"), engine)
    first_row, last_row = pick(res, "FIRST"), pick(res, "LAST")
    assert (first_row["value"], first_row["denominator"], first_row["open"]) == (2.0, 2, 1)
    assert (last_row["value"], last_row["denominator"], last_row["open"]) == (5.0, 2, 1)


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
def test_ratio_per_hundred_and_count_and_value(engine: str) -> None:
    ratio = resolved(
        "QRY", m.RatioMeasure(count("query_opened"), D(100)), where=[has("images_received")]
    )
    cnt = resolved("CNT", m.CountMeasure(has("query_opened")), value_unit=m.ValueUnit.COUNT)
    val = resolved("VAL", m.ValueMeasure(count("read_completed")), summary=("mean",))
    events = [
        ("S", "1", "a", "BL", "images_received", "2026-03-02T10:00Z"),
        ("S", "1", "a", "BL", "query_opened", "2026-03-02T11:00Z"),
        ("S", "1", "a", "BL", "query_opened", "2026-03-02T12:00Z"),
        ("S", "1", "a", "BL", "read_completed", "2026-03-02T12:00Z"),
        ("S", "1", "b", "BL", "images_received", "2026-03-02T10:00Z"),
        ("S", "1", "c", "BL", "query_opened", "2026-03-02T10:00Z"),
    ]
    res = run(
        model(m.Metric(ratio), m.Metric(cnt), m.Metric(val)),
        dataset(events, "2026-03-10T00:00Z"),
        engine,
    )
    r = pick(res, "QRY")
    assert (r["value"], r["numerator"], r["denominator"]) == (100.0, 2.0, 2)
    c = pick(res, "CNT")
    assert (c["value"], c["denominator"]) == (2.0, 3)
    v = pick(res, "VAL")
    assert v["value"] == pytest.approx(1 / 3)


@ENGINES
def test_status_no_data_insufficient_and_bands(engine: str) -> None:
    two_sided = m.Bands(
        m.Direction.TWO_SIDED,
        (
            m.BandDef("green", low=D("0.2"), high=D("0.4")),
            m.BandDef("amber", low=D("0.1"), high=D("0.5")),
            m.BandDef("red"),
        ),
    )
    adj = resolved(
        "ADJ", m.RateMeasure(has("discordance_flagged")),
        where=[m.Compare(">=", count("read_completed"), num(2))], bands=two_sided, min_n=3,
    )  # fmt: skip
    events = []
    for i, (study, flag) in enumerate([("A", 1), ("A", 0), ("A", 0), ("A", 0), ("B", 1)]):
        for k in range(2):
            events.append((study, "1", str(i), "BL", "read_completed", f"2026-03-0{k + 2}T10:00Z"))
        if flag:
            events.append((study, "1", str(i), "BL", "discordance_flagged", "2026-03-05T10:00Z"))
    events.append(("C", "1", "x", "BL", "read_completed", "2026-03-02T10:00Z"))  # one read only
    res = run(model(m.Metric(adj)), dataset(events, "2026-03-10T00:00Z"), engine)
    assert pick(res, "ADJ", "study", study="A")["status"] == "green"  # 1/4 = 25%
    b = pick(res, "ADJ", "study", study="B")
    assert (b["band"], b["status"]) == ("red", "insufficient")
    c = pick(res, "ADJ", "study", study="C")
    assert (c["value"], c["status"], c["denominator"]) == (None, "no_data", 0)
    assert pick(res, "ADJ")["band"] == "green"  # 2/5 = 40%: ranges are inclusive


ONCO = variant(
    "oncology",
    XFER_OT,
    {"therapeutic_area": ("oncology",)},
    measure=m.RateMeasure(m.Within(first("images_received"), bd(2), first("scan_acquired"))),
    bands=m.Bands(
        m.Direction.HIGHER_IS_BETTER, (m.BandDef("green", ">=", D("0.5")), m.BandDef("red"))
    ),
)
VARIANT_EVENTS = [
    (s, "1", "a", "BL", e, t)
    for s in ("ONC", "NEU", "BOTH")
    for e, t in [("scan_acquired", "2026-03-02T15:00Z"), ("images_received", "2026-03-05T15:00Z")]
]  # 3 business days: met under the base window (3), missed under oncology's (2)


@ENGINES
def test_variants_judge_each_study_and_portfolio_is_mixed(engine: str) -> None:
    studies = [("ONC", "oncology"), ("NEU", "neurology"), ("BOTH", "oncology")]
    ds = dataset(VARIANT_EVENTS, "2026-03-20T00:00Z", studies=studies)
    res = run(model(m.Metric(XFER_OT, (ONCO,))), ds, engine)
    onc = pick(res, "XFER-OT", "study", study="ONC")
    assert (onc["variant"], onc["value"], onc["band"]) == ("oncology", 0.0, "red")
    neu = pick(res, "XFER-OT", "study", study="NEU")
    assert (neu["variant"], neu["value"], neu["band"]) == ("base", 1.0, "green")
    port = pick(res, "XFER-OT")
    assert (port["variant"], port["value"]) == ("mixed", pytest.approx(1 / 3))
    assert port["band"] == "red"  # base bands: 33% < 75%


@ENGINES
def test_two_matching_variants_fall_back_to_base_with_a_finding(engine: str) -> None:
    other = variant("phase3", XFER_OT, {"phase": ("3",)}, measure=ONCO.resolved.measure)
    studies = [("ONC", "oncology", "2"), ("NEU", "neurology", "2"), ("BOTH", "oncology", "3")]
    ds = dataset(
        VARIANT_EVENTS, "2026-03-20T00:00Z", studies=studies,
        studies_header=("study", "therapeutic_area", "phase"),
    )  # fmt: skip
    res = run(model(m.Metric(XFER_OT, (ONCO, other))), ds, engine)
    both = pick(res, "XFER-OT", "study", study="BOTH")
    assert (both["variant"], both["value"]) == ("base", 1.0)
    (finding,) = [q for q in res.quality if q.rule == "variant-conflict"]
    assert (finding.examples, finding.metric, finding.rows) == (("BOTH",), "XFER-OT", 1)


@ENGINES
def test_by_attribute_levels_and_monthly_periods(engine: str) -> None:
    rate = resolved(
        "P", m.RateMeasure(has("images_received")), where=[has("scan_acquired")],
        levels=("portfolio", "by:therapeutic_area", "by:country"),
        period=m.Period("month", first("scan_acquired")),
    )  # fmt: skip
    events = [
        ("A", "1", "x", "BL", "scan_acquired", "2026-01-30T10:00Z"),
        ("A", "1", "x", "BL", "images_received", "2026-02-02T10:00Z"),
        ("A", "1", "y", "BL", "scan_acquired", "2026-02-03T10:00Z"),
        ("B", "2", "z", "BL", "scan_acquired", "2026-02-04T10:00Z"),
    ]
    ds = dataset(
        events, "2026-03-01T00:00Z", studies=[("A", "oncology"), ("B", "neurology")],
        sites=[("A", "1", "FR"), ("B", "2", None)], sites_header=("study", "site", "country"),
    )  # fmt: skip
    res = run(model(m.Metric(rate)), ds, engine)
    assert pick(res, "P", "portfolio", period=None)["value"] == pytest.approx(1 / 3)
    assert pick(res, "P", "portfolio", period="2026-01")["value"] == 1.0
    assert pick(res, "P", "portfolio", period="2026-02")["denominator"] == 2
    assert pick(res, "P", "by:therapeutic_area", group="oncology", period=None)["value"] == 0.5
    assert pick(res, "P", "by:country", group=None, period=None)["denominator"] == 1
    levels = [r["level"] for r in res.table.to_pylist()]  # the canonical order of result files
    assert levels == sorted(levels, key=["by:country", "by:therapeutic_area", "portfolio"].index)


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


@ENGINES
def test_as_of_option_cuts_later_events_and_reports_them(engine: str) -> None:
    ds = dataset(TOUR_EVENTS, "2026-03-11T00:00Z")
    res = run(model(m.Metric(XFER_OT)), ds, engine, as_of=ts("2026-03-05T00:00Z"))
    r = pick(res, "XFER-OT")
    assert (r["numerator"], r["denominator"], r["pending"]) == (1.0, 1, 1)
    (cut,) = [q for q in res.quality if q.rule == "after-as-of"]
    assert cut.rows == 2


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
    assert a.table.column_names[:20] == [
        "metric", "variant", "level", "study", "site", "group", "period", "value", "unit",
        "numerator", "denominator", "excluded", "excluded_by_reason", "pending", "open", "ci_low",
        "ci_high", "band", "status", "target_met",
    ]  # fmt: skip
    later = evaluate(mod, ds, RunOptions(as_of=ts("2026-03-10T00:00Z")))
    assert later.stamp.spec_hash != a.stamp.spec_hash or later.stamp.as_of != a.stamp.as_of
    assert a.stamp.data_fingerprint == "test-fingerprint" and len(a.stamp.spec_hash) == 64
    ref = evaluate(mod, ds, engine="reference")
    assert ref.table.equals(a.table)


def test_sites_without_a_known_calendar_use_the_default_and_are_reported() -> None:
    rate = resolved(
        "W", m.RateMeasure(m.Within(first("images_received"), bd(1), first("scan_acquired")))
    )
    events = [
        ("DE", "001", "1", "BL", "scan_acquired", "2026-03-06T22:00Z"),
        ("DE", "001", "1", "BL", "images_received", "2026-03-10T12:00Z"),
    ]
    ds = dataset(events, "2026-03-20T00:00Z", sites=[("DE", "001", "nowhere")])
    mod = model(m.Metric(rate), schema_=schema(calendars=(US, EU)))
    res = evaluate(mod, ds)
    assert pick(res, "W")["value"] == 0.0  # New York: Friday → Tuesday is 2 > 1
    assert [q.rule for q in res.quality] == ["unknown-calendar"]


@ENGINES
def test_a_row_without_an_optional_unit_key_is_in_no_unit_of_that_kind(engine: str) -> None:
    read = m.UnitDef("read", ("study", "site", "subject", "timepoint", "reader"))
    done = resolved("READ-DONE", m.RateMeasure(has("read_completed")), unit=read, levels=("portfolio",))  # fmt: skip
    events = [
        (
            "S1",
            "1",
            "a",
            "BL",
            "scan_acquired",
            "2026-03-02T10:00Z",
        ),  # a timepoint's row: no reader
        ("S1", "1", "a", "BL", "read_assigned", "2026-03-03T10:00Z", None, "R1"),
        ("S1", "1", "a", "BL", "read_completed", "2026-03-04T10:00Z", None, "R1"),
        ("S1", "1", "a", "BL", "read_assigned", "2026-03-03T10:00Z", None, "R2"),
    ]
    schema_ = replace(SCHEMA, units=(*SCHEMA.units, read))
    res = run(model(m.Metric(done), schema_=schema_), dataset(events, "2026-03-10T00:00Z"), engine)
    r = pick(res, "READ-DONE")
    assert (r["numerator"], r["denominator"]) == (1.0, 2)  # the reads R1 and R2, not a third
