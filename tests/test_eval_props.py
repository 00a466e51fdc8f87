"""Differential property: the reference evaluator and DuckDB agree on generated metrics × logs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from evalkit import EU, US, assert_same_results, dataset, resolved, schema
from imx import model as m
from imx.evaluation import evaluate
from imx.results import RunOptions

EVENTS = (
    "scan_acquired",
    "images_received",
    "qc_passed",
    "qc_failed",
    "query_opened",
    "timepoint_cancelled",
)
BASES = [
    dt.datetime(2026, 3, 6, 21, 30, tzinfo=dt.UTC),  # Friday evening; NY DST starts 8 March
    dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC),  # Berlin DST starts 29 March
    dt.datetime(2025, 12, 31, 22, 0, tzinfo=dt.UTC),  # New Year holiday
    dt.datetime(2026, 1, 16, 12, 0, tzinfo=dt.UTC),  # before MLK day (19 January)
]
SCHEMA = schema(calendars=(US, EU))
UNITS = {u.name: u for u in SCHEMA.units}
TU = m.TimeUnit

instants = st.builds(
    lambda base, hours, tick: base + dt.timedelta(hours=hours, microseconds=tick),
    st.sampled_from(BASES),
    st.integers(-30, 150),
    st.sampled_from([0, 0, 1, 1_800_000_000]),
)
event_names = st.sampled_from(EVENTS)
row = st.tuples(
    st.sampled_from(["S1", "S2", "S3"]), st.sampled_from(["1", "2"]), st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["BL", "W4"]), event_names, instants, st.sampled_from(["CT", "MR", None]),
    st.sampled_from(["R1", "R2", None]),
)  # fmt: skip

facts = st.one_of(
    st.builds(lambda e: m.Fact("first", e), event_names),
    st.builds(lambda e: m.Fact("last", e), event_names),
)
stamps = st.one_of(
    facts,
    facts,
    st.builds(
        lambda kind, xs: m.Extreme(kind, tuple(xs)),
        st.sampled_from(["earliest", "latest"]),
        st.lists(st.one_of(facts, st.just(m.AsOf())), min_size=2, max_size=3),
    ),
)
numbers = st.one_of(
    st.builds(lambda e: m.Fact("count", e), event_names),
    st.builds(m.Elapsed, st.sampled_from(list(TU)), stamps, st.one_of(stamps, st.just(m.AsOf()))),
    st.builds(
        lambda x: m.Const(Decimal(x), m.Type.NUMBER), st.sampled_from(["0", "1", "2.5", "-1"])
    ),
)
numbers = st.one_of(numbers, st.builds(m.Arith, st.sampled_from("+-*/"), numbers, numbers))
windows = st.builds(
    m.DurationConst, st.sampled_from([Decimal(0), Decimal(1), Decimal("2.5"), Decimal(3)]),
    st.sampled_from(list(TU)),
)  # fmt: skip
withins = st.builds(m.Within, stamps, windows, stamps)
atoms = st.one_of(
    st.builds(lambda e: m.Fact("has", e), event_names),
    st.builds(m.Compare, st.sampled_from(["<", "<=", ">", ">=", "=", "!="]), numbers, numbers),
    st.builds(m.Compare, st.sampled_from(["<", "="]), stamps, stamps),
    st.builds(
        lambda evs, e: m.Compare("=", m.FirstOf(tuple(evs)), m.EventConst(e)),
        st.lists(event_names, min_size=1, max_size=3), event_names,
    ),
    withins,
    st.builds(
        lambda v: m.Compare("=", m.Attr("studies", "therapeutic_area", m.Type.TEXT), m.Const(v, m.Type.TEXT)),
        st.sampled_from(["oncology", "neurology"]),
    ),
)  # fmt: skip
conditions = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.builds(m.Not, inner),
        st.builds(lambda op, xs: m.BoolOp(op, tuple(xs)), st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3)),
    ),
    max_leaves=4,
)  # fmt: skip
measures = st.one_of(
    st.builds(m.RateMeasure, st.one_of(conditions, withins)),
    st.builds(m.DurationMeasure, stamps, st.one_of(stamps, st.just(m.AsOf())), st.sampled_from(list(TU))),
    st.builds(m.RatioMeasure, numbers, st.sampled_from([Decimal(1), Decimal(100)])),
    st.builds(m.CountMeasure, st.one_of(conditions, numbers)),
    st.builds(m.ValueMeasure, numbers),
)  # fmt: skip
REASONS = ["cancelled", "it's; DROP TABLE events; --", 'ünïcödé "quoted"']
exclusions = st.lists(st.builds(m.Exclusion, conditions, st.sampled_from(REASONS)), max_size=2)
LEVELS = ["site", "study", "portfolio", "by:therapeutic_area", "by:country", "by:modality"]
GRAINS = ["month", "quarter", "year"]
BANDS = m.Bands(
    m.Direction.HIGHER_IS_BETTER, (m.BandDef("green", ">=", Decimal("0.5")), m.BandDef("red"))
)


@st.composite
def metrics(
    draw: Any,
    index: int,
    units: dict[str, m.UnitDef] = UNITS,
    levels: list[str] = LEVELS,
    unit_names: tuple[str, ...] = ("timepoint", "subject"),
) -> m.Metric:
    base = resolved(
        f"M-{index}", draw(measures), where=draw(st.lists(conditions, max_size=2)),
        excludes=draw(exclusions), summary=tuple(draw(st.lists(st.sampled_from(["median", "p90", "mean", "min", "max", "p25"]), min_size=1, max_size=3, unique=True))),
        bands=BANDS, min_n=draw(st.integers(1, 3)),
        levels=tuple(draw(st.lists(st.sampled_from(levels), min_size=1, max_size=4, unique=True))),
        **draw(st.one_of(
            st.builds(lambda p: {"period": p}, st.none() | st.builds(m.Period, st.sampled_from(GRAINS), stamps, st.booleans())),
            st.builds(lambda s: {"series": s}, st.sampled_from(GRAINS)),  # rule 18: a metric at each period end
        )),
        unit=units[draw(st.sampled_from(unit_names))],
    )  # fmt: skip
    variants = []
    for k in range(draw(st.integers(0, 2))):
        from dataclasses import replace

        column, values = draw(
            st.sampled_from(
                [
                    ("therapeutic_area", ("oncology",)),
                    ("phase", ("3",)),
                    ("therapeutic_area", ("neurology", "oncology")),
                ]
            )
        )
        changed = replace(
            base,
            where=draw(st.lists(conditions, max_size=1)),
            excludes=draw(exclusions),
            min_n=draw(st.integers(1, 3)),
        )
        if isinstance(base.measure, m.RateMeasure) and isinstance(base.measure.condition, m.Within):
            changed = replace(
                changed,
                measure=m.RateMeasure(replace(base.measure.condition, window=draw(windows))),
            )
        variants.append(
            m.Variant(
                f"v{k}", base.id, (m.SelectorTerm(column, values),), None, ("where",), changed
            )
        )
    return m.Metric(base, tuple(variants))


@st.composite
def datasets(draw: Any, min_rows: int = 0) -> Any:
    """Studies, sites and an event log of ``min_rows`` to ``min_rows + 25`` rows."""
    studies = [
        (
            s,
            draw(st.sampled_from(["oncology", "neurology", None])),
            draw(st.sampled_from(["2", "3", None])),
        )
        for s in ("S1", "S2")
    ]
    sites = [
        (
            s,
            site,
            draw(st.sampled_from(["US", "FR", None])),
            draw(st.sampled_from(["us", "eu", None, "bogus"])),
        )
        for s in ("S1", "S2", "S3")
        for site in ("1", "2")
    ]
    as_of = draw(instants).isoformat()
    return dataset(
        draw(st.lists(row, min_size=min_rows, max_size=min_rows + 25)), as_of, studies=studies, sites=sites,
        studies_header=("study", "therapeutic_area", "phase"), sites_header=("study", "site", "country", "calendar"),
    )  # fmt: skip


@settings(max_examples=max(200, settings().max_examples // 10))  # deep: 10,000
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(*(metrics(i) for i in range(n)))), datasets())
def test_reference_equals_duckdb(ms: tuple[m.Metric, ...], ds: Any) -> None:
    mod = m.Model(SCHEMA, ms)
    duck = evaluate(mod, ds, RunOptions(), engine="duckdb")
    ref = evaluate(mod, ds, RunOptions(), engine="reference")
    assert_same_results(duck, ref)  # floats within 1e-9, also inside `stats`


@settings(max_examples=max(100, settings().max_examples // 30))
@given(metrics(0), datasets())
def test_site_rows_roll_up_to_study_counts(metric: m.Metric, ds: Any) -> None:
    from dataclasses import replace

    base = replace(metric.base, levels=(m.Level("site"), m.Level("study")))
    res = evaluate(m.Model(SCHEMA, (m.Metric(base, metric.variants),)), ds, engine="reference")
    rows = res.table.to_pylist()
    for study in {r["study"] for r in rows if r["level"] == "study" and r["period"] is None}:
        sites = [
            r for r in rows if r["level"] == "site" and r["study"] == study and r["period"] is None
        ]
        total = next(
            r for r in rows if r["level"] == "study" and r["study"] == study and r["period"] is None
        )
        assert sum(s["denominator"] for s in sites) == total["denominator"]
        assert sum(s["excluded"] for s in sites) == total["excluded"]
        if total["value"] is not None and base.measure.__class__ is m.RateMeasure:
            assert 0.0 <= total["value"] <= 1.0


# ------------------------------------------------------------------ levels by any name (rule 17)
# A unit `read` keyed by the optional `reader`, and unit attributes of every kind of value: text
# that may be null (the `(none)` group), an event kind, a boolean, a number.
_READ_KEYS = ("study", "site", "subject", "timepoint", "reader")
_ATTRIBUTES = (
    m.UnitAttribute("area", m.Attr("studies", "therapeutic_area", m.Type.TEXT), m.Type.TEXT),
    m.UnitAttribute("first_qc", m.FirstOf(("qc_passed", "qc_failed")), m.Type.EVENT_KIND),
    m.UnitAttribute("queried", m.Fact("has", "query_opened"), m.Type.BOOLEAN),
    m.UnitAttribute("scans", m.Fact("count", "scan_acquired"), m.Type.NUMBER),
)


def _by_schema() -> m.SchemaDef:
    from dataclasses import replace

    events = SCHEMA.tables[0]
    columns = tuple(replace(c, key=True) if c.name == "reader" else c for c in events.columns)
    units = (
        m.UnitDef("timepoint", UNITS["timepoint"].keys, _ATTRIBUTES),
        m.UnitDef("subject", UNITS["subject"].keys, _ATTRIBUTES[1:3]),
        m.UnitDef("read", _READ_KEYS, _ATTRIBUTES[:2]),
    )
    tables = (replace(events, columns=columns), *SCHEMA.tables[1:])
    return replace(SCHEMA, tables=tables, units=units)


BY_SCHEMA = _by_schema()
BY_UNITS = {u.name: u for u in BY_SCHEMA.units}
BY_LEVELS = [
    "study", "portfolio", "by:reader", "by:site", "by:area", "by:first_qc", "by:queried",
    "by:scans", "by:therapeutic_area", "by:therapeutic_area+reader", "by:country+first_qc",
    "by:queried+scans", "by:reader+area",
]  # fmt: skip
by_metrics = st.integers(1, 3).flatmap(
    lambda n: st.tuples(
        *(metrics(i, BY_UNITS, BY_LEVELS, ("timepoint", "subject", "read")) for i in range(n))
    )
)


@settings(max_examples=max(60, settings().max_examples // 20))  # deep: 5,000
@given(by_metrics, datasets())
def test_reference_equals_duckdb_by_any_name(ms: tuple[m.Metric, ...], ds: Any) -> None:
    """`by` a unit key, a unit attribute (a null value its own group), a study or site
    attribute, and two of them crossed: the same rows on both evaluators, each group's unit
    rows adding up to its counts (rule 29), and no unit dropped for a null value: each unit is
    in exactly one group of each `by` level."""
    from evalkit import _in_group, assert_units_add_up

    mod = m.Model(BY_SCHEMA, ms)
    duck = evaluate(mod, ds, RunOptions(), engine="duckdb", units="all")
    ref = evaluate(mod, ds, RunOptions(), engine="reference", units="all")
    assert_same_results(duck, ref)
    assert_units_add_up(mod, ref)
    rows = [r for r in ref.table.to_pylist() if r["period"] is None]
    for metric in ms:
        mine = [r for r in rows if r["metric"] == metric.id]
        series = metric.base.series is not None  # its overall rows: the unit rows at the cut
        units = [u for u in ref.units[metric.id].to_pylist() if not series or u["period"] is None]
        for label in {r["level"] for r in mine if r["level"].startswith("by:")}:
            groups = [r for r in mine if r["level"] == label]
            for unit in units:
                found = sum(_in_group(r, unit, False, series) for r in groups)
                assert found == 1, (label, unit)
