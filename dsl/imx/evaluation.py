"""Model + Dataset + RunOptions → Results: plan, run on an engine (DuckDB, Spark, reference), finalize.

>>> from imx.evaluation import ENGINES
>>> sorted(ENGINES)
['duckdb', 'reference', 'spark']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from imx import messages as M
from imx import model as m
from imx import reference
from imx.data import EXAMPLES, Dataset, QualityFinding, StoredTables, cut_events, merge_cut
from imx.engines import DEFAULT_SETTINGS, EngineSettings, UnitSink, duckdb_failures
from imx.engines import duckdb as duckdb_engine
from imx.engines import spark as spark_engine
from imx.errors import RunFailed
from imx.plan import ALL_LEVEL, CONFLICT, EXAMPLE, MetricPlan, Plan, build_plan, utc
from imx.results import Results, RunOptions, Stamp, finalize, make_stamp
from imx.sql import compile_sql
from imx.units import finish_units

__all__ = ["ENGINES", "compile_sql", "evaluate", "prepare_tables", "run_findings"]


def _reference(
    plan: Plan,
    tables: Mapping[str, pa.Table],
    settings: EngineSettings,
    units: UnitSink | None = None,
) -> Iterator[pa.Table]:
    """The pure-Python evaluator's raw aggregates, in one part."""
    yield reference.run(plan, tables, units)
    for mp in (mp for g in plan.grains for mp in g.metrics):
        settings.step(mp.id)


Engine = Callable[
    [Plan, Mapping[str, pa.Table], EngineSettings, UnitSink | None], Iterable[pa.Table]
]
ENGINES: dict[str, Engine] = {  # raw aggregates in parts, in imx.plan.RESULT_ORDER (finalize)
    "duckdb": duckdb_engine.run_parts,
    "spark": spark_engine.run_parts,
    "reference": _reference,
}
_ARROW = {
    m.ColumnType.TEXT: pa.string(),
    m.ColumnType.EVENT: pa.string(),
    m.ColumnType.NUMBER: pa.float64(),
    m.ColumnType.INTEGER: pa.int64(),
    m.ColumnType.BOOLEAN: pa.bool_(),
    m.ColumnType.DATE: pa.date32(),
    m.ColumnType.TIMESTAMP: pa.timestamp("us", tz="UTC"),
}
DEFAULT_OPTIONS = RunOptions()


UnitsTaker = Callable[[str, pa.Table, Stamp], None]  # a metric's id, its unit rows, the stamp


def evaluate(
    model: m.Model,
    dataset: Dataset,
    options: RunOptions = DEFAULT_OPTIONS,
    engine: str = "duckdb",
    settings: EngineSettings = DEFAULT_SETTINGS,
    units: str | None = None,
    on_units: UnitsTaker | None = None,
) -> Results:
    """Evaluate the model's metrics (or ``options.metrics``) over a clean dataset.

    ``engine="spark"`` raises :class:`~imx.engines.EngineUnavailable` (saying what to install)
    when pyspark or Java is missing; ``settings`` carries threads, memory and a progress hook.
    ``units`` (``"population"``, or ``"all"`` with the units outside it) also gives each
    metric's unit rows (``Results.units``, semantics rule 29), from the same plan and run; with
    ``on_units``, each metric's unit rows go to it as they are finished (with the run's stamp)
    and are not kept, so a run writing them holds one metric's at a time.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(sorted(ENGINES))}")
    as_of = utc(options.as_of or dataset.as_of)
    plan = build_plan(model, options.metrics, options.levels, options.period, as_of, units)
    with duckdb_failures(settings.memory_limit):  # a loaded dataset is read again from here on
        tables, cut = prepare_tables(model.schema, dataset.tables, as_of)
        findings = run_findings(model.schema, plan, tables)
    settings.step("plan")
    quality = merge_cut(dataset.quality, cut) + findings
    stamp = make_stamp(model, options, dataset.fingerprint, as_of, engine)
    # finalize takes the raw aggregates a part at a time, as the engine computes them
    found: dict[str, pa.Table] = {}

    def keep(metric: str, rows: pa.Table) -> None:
        finished = finish_units(plan.metric(metric), rows)
        if _tied(finished.column("variant")) is not None:
            return  # the run fails once the engine is done (rule 28): nothing is written
        if on_units is None:
            found[metric] = finished
        else:
            on_units(metric, finished, stamp)

    parts = _untied(plan, ENGINES[engine](plan, tables, settings, keep if units else None))
    results = finalize(plan, parts, quality, stamp)
    settings.step("finalize")
    if units:
        ids = [mp.id for g in plan.grains for mp in g.metrics]
        results = replace(results, units={i: found[i] for i in ids if i in found})
    return results


def prepare_tables(
    schema: m.SchemaDef, tables: Mapping[str, pa.Table], as_of: dt.datetime
) -> tuple[Mapping[str, pa.Table], tuple[QualityFinding, ...]]:
    """Every schema table with every declared column (missing ones empty / null), events cut
    (by :func:`imx.data.cut_events`, the cut's one owner)."""
    if isinstance(tables, StoredTables):  # a loaded dataset: every column is there
        return cut_events(schema, tables, as_of)
    out: dict[str, pa.Table] = {}
    for tdef in schema.tables:
        table = tables.get(tdef.name)
        if table is None:
            table = pa.schema([(c.name, _ARROW[c.type]) for c in tdef.columns]).empty_table()
        for c in tdef.columns:
            if c.name not in table.column_names:
                table = table.append_column(c.name, pa.nulls(table.num_rows, _ARROW[c.type]))
        out[tdef.name] = table
    return cut_events(schema, out, as_of)


def run_findings(
    schema: m.SchemaDef, plan: Plan, tables: Mapping[str, pa.Table]
) -> tuple[QualityFinding, ...]:
    """Sites naming unknown calendars."""
    del plan  # ties of variants are found in the engine's own rows (:func:`_untied`)
    return _unknown_calendars(schema, tables)


def _tied(layers: pa.ChunkedArray | pa.Array) -> pa.Array | None:
    """Where a layer is a tie of two equally specific variants (rule 28), or None if nowhere."""
    tied = pc.fill_null(pc.starts_with(layers, CONFLICT), False)
    return tied if pc.any(tied).as_py() else None


def _untied(plan: Plan, parts: Iterable[pa.Table]) -> Iterator[pa.Table]:
    """The engine's raw aggregates as they come; once it is done, :class:`RunFailed` if a
    unit of any metric matched two equally specific variants and none more specific (rule 28),
    naming the studies (sites, for selectors on site or unit attributes) and the least units."""
    found: list[dict[str, Any]] = []
    for part in parts:
        tied = _tied(part.column("layer_min"))
        if tied is not None:
            wanted = ["metric", "level", "study", "site", "layer_min", EXAMPLE]
            found.extend(part.filter(tied).select(wanted).to_pylist())
        yield part
    if found:
        clashes = [_clash(mp, found) for g in plan.grains for mp in g.metrics]
        named = [c for c in clashes if c]
        raise RunFailed(M.VARIANT_CONFLICT.format(len(named), "; ".join(named)),
                        [M.VARIANT_CONFLICT_HINT])  # fmt: skip


def _clash(mp: MetricPlan, found: list[dict[str, Any]]) -> str:
    """``XFER-OT: study BOTH matches oncology and late-phase (units BOTH/1/a/BL)``, or ''."""
    rows = [r for r in found if r["metric"] == mp.id]
    if not rows:
        return ""
    fine = any(t.table != "studies" for x in mp.layers for t in x.selector)
    level = next(
        (x for x in (("site",) if fine else ()) + ("study",) if any(r["level"] == x for r in rows)),
        ALL_LEVEL,
    )
    places: dict[str, str] = {}
    for r in rows:
        if r["level"] == level:
            where = r["study"] if level == "study" else f"{r['study']}/{r['site']}"
            places.setdefault(where, _pair(r["layer_min"]))
    units = sorted({u[2:] for r in rows if r["level"] == ALL_LEVEL for u in r[EXAMPLE] or ()
                    if u.startswith(f"{CONFLICT}/")})[:EXAMPLES]  # fmt: skip
    shown = f" (units {', '.join(units)})" if units else ""
    if level == ALL_LEVEL:
        pair = _pair(min(r["layer_min"] for r in rows))
        return f"{mp.id}: units match {pair}{shown}"
    said = "; ".join(f"{level} {k} matches {v}" for k, v in sorted(places.items()))
    return f"{mp.id}: {said}{shown}"


def _pair(layer: str) -> str:
    return " and ".join(layer[len(CONFLICT) :].split("+", 1))


def _unknown_calendars(
    schema: m.SchemaDef, tables: Mapping[str, pa.Table]
) -> tuple[QualityFinding, ...]:
    sites = tables.get("sites")
    if sites is None or "calendar" not in sites.column_names or not schema.calendars:
        return ()
    known = pa.array(sorted(c.name for c in schema.calendars), pa.string())
    named = pc.cast(sites.column("calendar"), pa.string())
    bad = sites.filter(pc.and_(pc.is_valid(named), pc.invert(pc.is_in(named, known)))).to_pylist()
    if not bad:
        return ()
    keys = tuple("/".join(str(r.get(k)) for k in ("study", "site")) for r in bad)
    default = schema.default_calendar.name if schema.default_calendar else "?"
    msg = f"{len(bad)} site(s) name an undeclared calendar; the default {default!r} is used"
    return (QualityFinding("unknown-calendar", "sites", len(bad), keys[:EXAMPLES], None, msg),)
