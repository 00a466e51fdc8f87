"""Builders for evaluation tests: the tour's schema and metrics as checked Models, and Datasets."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa

from imx import model as m
from imx.data import Dataset
from imx.results import Results

T = m.ColumnType
EVENTS = (
    "scan_acquired",
    "images_received",
    "qc_passed",
    "qc_failed",
    "query_opened",
    "query_closed",
    "read_completed",
    "discordance_flagged",
    "adjudication_completed",
    "timepoint_cancelled",
)
US_HOLIDAYS = frozenset(
    dt.date(2026, mo, d)
    for mo, d in [(1, 1), (1, 19), (2, 16), (5, 25), (7, 3), (9, 7), (11, 26), (12, 25)]
)
US = m.CalendarDef("us", None, True, frozenset({6, 7}), US_HOLIDAYS, "America/New_York")
EU = m.CalendarDef("eu", None, False, frozenset({6, 7}), frozenset(), "Europe/Berlin")


def schema(
    calendars: Sequence[m.CalendarDef] = (US, EU),
    events: Sequence[str] = EVENTS,
    studies_cols: Sequence[str] = ("therapeutic_area", "phase", "vendor"),
    sites_cols: Sequence[str] = ("country",),
) -> m.SchemaDef:
    ev = m.TableDef(
        "events",
        None,
        (
            m.ColumnDef("study", T.TEXT, key=True),
            m.ColumnDef("site", T.TEXT, key=True),
            m.ColumnDef("subject", T.TEXT, key=True),
            m.ColumnDef("timepoint", T.TEXT, key=True),
            m.ColumnDef("event", T.EVENT),
            m.ColumnDef("at", T.TIMESTAMP),
            m.ColumnDef("modality", T.TEXT, optional=True),
            m.ColumnDef("reader", T.TEXT, optional=True),
        ),
    )
    studies = m.TableDef(
        "studies",
        None,
        (m.ColumnDef("study", T.TEXT, key=True),)
        + tuple(m.ColumnDef(c, T.TEXT, optional=True) for c in studies_cols),
    )
    sites = m.TableDef(
        "sites",
        None,
        (m.ColumnDef("study", T.TEXT, key=True), m.ColumnDef("site", T.TEXT, key=True))
        + tuple(m.ColumnDef(c, T.TEXT, optional=True) for c in sites_cols)
        + (m.ColumnDef("calendar", T.TEXT, optional=True),),
    )
    units = (
        m.UnitDef("timepoint", ("study", "site", "subject", "timepoint")),
        m.UnitDef("subject", ("study", "site", "subject")),
        m.UnitDef("site", ("study", "site")),
        m.UnitDef("study", ("study",)),
    )
    return m.SchemaDef(
        "imaging",
        None,
        "2026.1",
        tuple(m.EventDef(e, None, i) for i, e in enumerate(events)),
        (ev, studies, sites),
        units,
        tuple(calendars),
    )


SCHEMA = schema()
UNIT = SCHEMA.units[0]


def first(e: str) -> m.Fact:
    return m.Fact("first", e)


def has(e: str) -> m.Fact:
    return m.Fact("has", e)


def count(e: str) -> m.Fact:
    return m.Fact("count", e)


def num(x: str | int | float) -> m.Const:
    return m.Const(Decimal(str(x)), m.Type.NUMBER)


def bd(n: int | str) -> m.DurationConst:
    return m.DurationConst(Decimal(str(n)), m.TimeUnit.BUSINESS_DAYS)


def resolved(
    id: str,
    measure: m.Measure,
    *,
    where: Iterable[m.Expr] = (),
    excludes: Iterable[m.Exclusion] = (),
    summary: tuple[str, ...] = (),
    value_unit: m.ValueUnit = m.ValueUnit.PERCENT,
    bands: m.Bands | None = None,
    target: m.Target | None = None,
    min_n: int = 1,
    levels: tuple[str, ...] = ("site", "study", "portfolio"),
    period: m.Period | None = None,
    unit: m.UnitDef = UNIT,
    series: str | None = None,
) -> m.ResolvedMetric:
    lv = tuple(
        m.Level("by", _by_names(x[3:])) if x.startswith("by:") else m.Level(x) for x in levels
    )
    return m.ResolvedMetric(
        id=id, title=None, category="test", question=None, unit=unit, where=tuple(where),
        excludes=tuple(excludes), measure=measure, summary=summary, value_unit=value_unit,
        target=target, bands=bands, min_n=min_n, levels=lv, period=period, companions=(),
        status=None, since=None, doc=None, params=(), series=series,
    )  # fmt: skip


def _by_names(text: str) -> tuple[str, ...]:
    """``vendor+therapeutic_area`` → two names crossed; any other text is one name (a test may
    group by a column named with quotes, spaces or a ``+``)."""
    parts = text.split("+")
    return tuple(parts) if len(parts) == 2 and all(p.isidentifier() for p in parts) else (text,)


def variant(
    name: str, base: m.ResolvedMetric, selector: dict[str, tuple[str, ...]], **changes: object
) -> m.Variant:
    from dataclasses import replace

    terms = tuple(m.SelectorTerm(k, v) for k, v in selector.items())
    return m.Variant(name, base.id, terms, None, tuple(changes), replace(base, **changes))  # type: ignore[arg-type]


def model(*metrics: m.Metric, schema_: m.SchemaDef = SCHEMA) -> m.Model:
    return m.Model(schema_, tuple(metrics))


def ts(text: str) -> dt.datetime:
    """``2026-03-02T10:00Z`` or with an offset → aware UTC datetime."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


EVENT_FIELDS = [
    ("study", pa.string()),
    ("site", pa.string()),
    ("subject", pa.string()),
    ("timepoint", pa.string()),
    ("event", pa.string()),
    ("at", pa.timestamp("us", tz="UTC")),
    ("modality", pa.string()),
    ("reader", pa.string()),
]


def events_table(rows: Iterable[Sequence[object]]) -> pa.Table:
    """Rows of (study, site, subject, timepoint, event, at[, modality[, reader]])."""
    cols: list[list[object]] = [[] for _ in EVENT_FIELDS]
    for row in rows:
        full = list(row) + [None] * (len(EVENT_FIELDS) - len(row))
        for i, v in enumerate(full):
            cols[i].append(ts(v) if i == 5 and isinstance(v, str) else v)
    return pa.table({n: pa.array(c, type=t) for (n, t), c in zip(EVENT_FIELDS, cols, strict=True)})


def dim_table(header: Sequence[str], rows: Iterable[Sequence[str | None]]) -> pa.Table:
    data = list(rows)
    return pa.table(
        {h: pa.array([r[i] for r in data], type=pa.string()) for i, h in enumerate(header)}
    )


def dataset(
    events: Iterable[Sequence[object]],
    as_of: str,
    studies: Iterable[Sequence[str | None]] = (),
    sites: Iterable[Sequence[str | None]] = (),
    studies_header: Sequence[str] = ("study", "therapeutic_area"),
    sites_header: Sequence[str] = ("study", "site", "calendar"),
) -> Dataset:
    tables = {"events": events_table(events)}
    study_rows, site_rows = list(studies), list(sites)
    if study_rows:
        tables["studies"] = dim_table(studies_header, study_rows)
    if site_rows:
        tables["sites"] = dim_table(sites_header, site_rows)
    return Dataset(tables, ts(as_of), (), "test-fingerprint")


def same_value(a: Any, b: Any) -> bool:
    """Equal, floats within 1e-9 (also inside the maps of `stats` and `excluded_by_reason`)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, list) and isinstance(b, list):  # a map: (key, value) pairs in order
        pairs = zip(a, b, strict=False)
        return len(a) == len(b) and all(x == y and same_value(v, w) for (x, v), (y, w) in pairs)
    return bool(a == b)


def assert_same_results(one: Results, other: Results) -> None:
    """Equal quality reports and row-for-row equal tables (floats within 1e-9)."""
    assert one.quality == other.quality
    rows, others = one.table.to_pylist(), other.table.to_pylist()
    assert len(rows) == len(others)
    for a, b in zip(rows, others, strict=True):
        bad = {k: (a[k], b[k]) for k in a if not same_value(a[k], b[k])}
        assert not bad, (a["metric"], a["level"], a["period"], bad)


# ---------------------------------------------------------------------------------- unit rows


def assert_same_units(one: Results, other: Results) -> None:
    """The same metrics' unit rows, row for row in order (floats within 1e-9)."""
    assert list(one.units) == list(other.units)
    for metric, table in one.units.items():
        theirs = other.units[metric]
        assert table.schema == theirs.schema, metric
        rows, others = table.to_pylist(), theirs.to_pylist()
        assert len(rows) == len(others), metric
        for a, b in zip(rows, others, strict=True):
            bad = {k: (a[k], b[k]) for k in a if not same_value(a[k], b[k])}
            assert not bad, (metric, a, bad)


def _in_group(
    row: dict[str, Any], unit: dict[str, Any], cumulative: bool, series: bool = False
) -> bool:
    """Whether ``unit`` is one of the units result ``row`` aggregates (its level's key, its
    period: the same one, or any before it for a cumulative period; a series' row without a
    period, at the data cut, has the unit rows without one)."""
    level = row["level"]
    if level == "site" and (unit["study"], unit["site"]) != (row["study"], row["site"]):
        return False
    if level == "study" and unit["study"] != row["study"]:
        return False
    if level.startswith("by:"):
        names = _by_names(level[3:])
        wanted = (row["group"], row["group2"])[: len(names)]
        if tuple(_text(unit[n]) for n in names) != wanted:
            return False
    if row["period"] is None:
        return not series or unit["period"] is None
    if unit["period"] is None:
        return False
    return unit["period"] <= row["period"] if cumulative else unit["period"] == row["period"]


def _text(value: Any) -> str | None:
    """A unit row's value as its ``by`` group names it (null stays null: the ``(none)`` group)."""
    if value is None or isinstance(value, str):
        return value
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _variant(units: Sequence[dict[str, Any]]) -> str:
    labels = {u["variant"] for u in units}
    return "base" if not labels else labels.pop() if len(labels) == 1 else "mixed"


def assert_units_add_up(model_: m.Model, results: Results) -> None:
    """Semantics rule 29: each result row's numerator, denominator, pending, open and excluded
    (by reason), its variant and its statistics, from the unit rows of its key alone (every
    unit, ``units="all"``)."""
    from imx.reference import kaplan_meier, quantile

    for metric in model_.metrics:
        units = results.units[metric.id].to_pylist()
        cumulative = metric.base.period is not None and metric.base.period.cumulative
        kind = type(metric.base.measure).__name__.removesuffix("Measure").lower()
        rows = [r for r in results.table.to_pylist() if r["metric"] == metric.id]
        for row in rows:
            series = metric.base.series is not None
            members = [u for u in units if _in_group(row, u, cumulative, series)]
            assert members or row["level"] == "portfolio", row  # no result row without units
            assert row["variant"] == _variant(members), row
            _assert_counts(kind, row, [u for u in members if u["outcome"] != "outside"])
            measured = [u["value"] for u in members if u["outcome"] == "measured"]
            at_risk = [
                (u["value"], u["outcome"] == "measured")
                for u in members
                if u["outcome"] in ("measured", "open")
            ]
            for name, value in row["stats"] or []:
                km = m.km_statistic(name)
                if km is not None:  # rule 21: the open units censored at their value so far
                    q = 0.5 if km == "median" else float(km[1:]) / 100
                    found = kaplan_meier(at_risk, q)
                else:
                    found = _statistic(name, measured, quantile)
                assert value is None and found is None or same_value(value, found), (row, name)


def _statistic(name: str, values: list[float], quantile: Any) -> float | None:
    if not values:
        return None
    if name == "mean":
        return math.fsum(values) / len(values)
    q = {"median": 0.5, "min": 0.0, "max": 1.0}.get(name)
    return float(quantile(values, q if q is not None else float(name[1:]) / 100))


def _assert_counts(kind: str, row: dict[str, Any], units: Sequence[dict[str, Any]]) -> None:
    def n(*outcomes: str) -> int:
        return sum(u["outcome"] in outcomes for u in units)

    set_aside = [u["reason"] for u in units if u["outcome"] in ("excluded", "negative")]
    assert row["excluded"] == len(set_aside), row
    by_reason = {r: set_aside.count(r) for r in dict.fromkeys(set_aside)}
    assert dict(row["excluded_by_reason"]) == by_reason, (row, by_reason)
    if kind == "rate":
        assert (row["numerator"], row["denominator"]) == (n("met"), n("met", "missed")), row
        assert row["pending"] == n("pending"), row
        return
    assert row["denominator"] == n("measured"), row
    if kind == "duration":
        assert row["open"] == n("open"), row
    if kind in ("ratio", "count"):
        total = math.fsum(u["value"] for u in units if u["outcome"] == "measured")
        assert same_value(row["numerator"], total), (row, total)
