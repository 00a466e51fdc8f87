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
) -> m.ResolvedMetric:
    lv = tuple(m.Level("by", x[3:]) if x.startswith("by:") else m.Level(x) for x in levels)
    return m.ResolvedMetric(
        id=id, title=None, category="test", question=None, unit=unit, where=tuple(where),
        excludes=tuple(excludes), measure=measure, summary=summary, value_unit=value_unit,
        target=target, bands=bands, min_n=min_n, levels=lv, period=period, companions=(),
        status=None, since=None, doc=None, params=(),
    )  # fmt: skip


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
