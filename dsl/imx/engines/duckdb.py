"""Plan + tables (loaded in DuckDB, or Arrow) → raw aggregates (Arrow), by in-process DuckDB.

A loaded dataset's clean tables are already in DuckDB (:class:`~imx.data.StoredTables`): the
queries run on that connection, over views named after the schema tables. Plain Arrow tables are
registered with a new connection (no copy). The generated calendar table and the cuts of series
(``imx_cuts``, rule 18) sit next to them. Each
grain runs in steps: its unit rows once, then each metric over them; a series grain reads the
first facts of its unit that the plain grain computed (kept as a table till the run ends).
``threads`` and ``memory_limit`` of :class:`~imx.engines.EngineSettings` become the
connection's configuration.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from imx import staging as S
from imx.calendars import (
    CALENDAR_SCHEMA,
    CALENDAR_TABLE,
    CUTS_SCHEMA,
    CUTS_TABLE,
    calendar_table,
    cuts_table,
    local_date,
)
from imx.data import StoredTables
from imx.engines import DEFAULT_SETTINGS, EngineSettings, UnitSink, duckdb_failures
from imx.plan import Plan, raw_schema, unit_schema
from imx.sql import UNITS, compile_steps, in_result_order, render

UNITS_DB = "imx_units_db"  # the in-memory database holding a grain's unit rows
COMPRESS_CELLS = 50_000_000  # unit rows × columns above which they are compressed (about 0.5 GB)


def calendar_for(plan: Plan, events: pa.Table, time_column: str) -> pa.Table:
    """The calendar table covering every local date the plan's business days can touch."""
    return calendar_between(plan, _bounds_of(events, time_column))


def cuts_for(plan: Plan, events: pa.Table, time_column: str) -> pa.Table:
    """The cuts table (:func:`cuts_between`) of an Arrow events table."""
    return cuts_between(plan, _bounds_of(events, time_column))


def calendar_between(plan: Plan, bounds: list[dt.datetime]) -> pa.Table:
    """The calendar table covering the plan's instants and ``bounds`` (the events' first and
    last timestamps), with a margin of two days."""
    if not plan.calendars or not any(g.bd_args for g in plan.grains):
        return CALENDAR_SCHEMA.empty_table()
    instants: list[dt.datetime] = list(plan.literals) + bounds
    if plan.as_of is not None:
        instants.append(plan.as_of)
    if not instants:
        return CALENDAR_SCHEMA.empty_table()
    days = [local_date(t, c) for t in instants for c in plan.calendars]
    margin = dt.timedelta(days=2)
    return calendar_table(plan.calendars, min(days) - margin, max(days) + margin)


def cuts_between(plan: Plan, bounds: list[dt.datetime]) -> pa.Table:
    """The cuts of the plan's series grains (rule 18): from the period of the events' first
    timestamp (``bounds``) to the data cut's, in the default calendar's zone."""
    grains = [g.series for g in plan.grains if g.series is not None]
    if not grains or plan.as_of is None:
        return CUTS_SCHEMA.empty_table()
    return cuts_table(grains, plan.zone, min(bounds, default=None), plan.as_of)


def _bounds_of(events: pa.Table, time_column: str) -> list[dt.datetime]:
    if not events.num_rows or time_column not in events.column_names:
        return []
    found = pc.min_max(events[time_column]).as_py()
    return [v for v in (found["min"], found["max"]) if v is not None]


def connect(settings: EngineSettings = DEFAULT_SETTINGS) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection configured with the settings' threads and memory limit."""
    config: dict[str, str | bool | int | float | list[str]] = {}
    if settings.threads is not None:
        config["threads"] = settings.threads
    if settings.memory_limit is not None:
        config["memory_limit"] = settings.memory_limit
    return duckdb.connect(":memory:", config=config)


def _configure(con: duckdb.DuckDBPyConnection, settings: EngineSettings) -> None:
    if settings.threads is not None:
        con.execute(S.render(S.set_option("threads", S.number(int(settings.threads)))))
    if settings.memory_limit is not None:
        con.execute(S.render(S.set_option("memory_limit", S.string(settings.memory_limit))))


def _attach(
    plan: Plan, tables: Mapping[str, pa.Table], settings: EngineSettings
) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """A connection seeing ``tables`` under their schema names and the calendar table, and
    whether it is this run's own (else it is the one a loaded dataset lives in)."""
    grain = plan.grains[0] if plan.grains else None
    if isinstance(tables, StoredTables):
        con = tables.connection
        _configure(con, settings)
        for name in tables:
            view = S.select_all(S.table(tables.relation(name)))
            con.execute(S.render(S.create_view(S.table(name), view, temp=True, replace=True)))
        bounds = []
        if grain is not None and grain.events_table in tables:
            found = tables.bounds(grain.events_table, grain.time_column)
            bounds = [v for v in found if v is not None]
        con.register(CALENDAR_TABLE, calendar_between(plan, bounds))
        con.register(CUTS_TABLE, cuts_between(plan, bounds))
        return con, False
    con = connect(settings)
    for name, table in tables.items():
        con.register(name, table)
    if grain is not None:
        events = tables[grain.events_table]
        con.register(CALENDAR_TABLE, calendar_for(plan, events, grain.time_column))
        con.register(CUTS_TABLE, cuts_for(plan, events, grain.time_column))
    return con, True


def run_parts(
    plan: Plan,
    tables: Mapping[str, pa.Table],
    settings: EngineSettings = DEFAULT_SETTINGS,
    units: UnitSink | None = None,
) -> Iterator[pa.Table]:
    """Each metric's raw aggregates (schema of :func:`raw_schema`), a grain at a time; the unit
    rows of the metrics planned with them go to ``units``, read from the same unit rows.

    A grain runs in steps (:func:`imx.sql.compile_steps`): its unit rows are computed once (the
    one scan of the events) into a table of an in-memory database, then each metric's branches
    read that table. DuckDB then holds one metric's aggregation at a time, not the whole grain's,
    and gives its rows in the order of results (:func:`imx.sql.in_result_order`).
    Unit rows of more than :data:`COMPRESS_CELLS` values are compressed (a checkpoint of that
    database): the timepoints of the 10M-event demo log then take 35 MB instead of 870 MB.
    """
    schema = raw_schema(plan)
    stored = S.table(UNITS, UNITS_DB)
    shared: list[str] = []
    with duckdb_failures(settings.memory_limit):
        con, own = _attach(plan, tables, settings)
        try:
            con.execute(S.render(S.detach(UNITS_DB)))
            con.execute(S.render(S.attach_memory(UNITS_DB)))
            for grain, steps in zip(plan.grains, compile_steps(plan, "duckdb"), strict=True):
                _store_units(con, steps.units, stored)
                if steps.shared is not None:  # read by a series grain of the unit, later
                    shared.append(_keep_shared(con, *steps.shared))
                settings.units_done(grain.unit.name, len(steps.metrics))
                unit_rows = dict(steps.unit_rows)
                for metric, query in steps.metrics:
                    ordered = render(in_result_order(query, [metric]))  # finalize checks it
                    yield con.sql(ordered).to_arrow_table().cast(schema)
                    if units is not None and metric in unit_rows:
                        found = con.sql(render(unit_rows[metric])).to_arrow_table()
                        units(metric, found.cast(unit_schema(plan.metric(metric))))
                    settings.step(metric)
                con.execute(S.render(S.drop("TABLE", stored)))
        finally:
            if own:
                con.close()
            else:
                for cleanup in (
                    S.drop("VIEW", S.table(UNITS), if_exists=True),
                    *(S.drop("VIEW", S.table(name), if_exists=True) for name in shared),
                    S.detach(UNITS_DB),
                ):
                    with contextlib.suppress(duckdb.Error):  # after a failure, its error stands
                        con.execute(S.render(cleanup))
                con.unregister(CALENDAR_TABLE)
                con.unregister(CUTS_TABLE)


def _store_units(con: duckdb.DuckDBPyConnection, units: S.Sql, stored: S.Sql) -> None:
    """A grain's unit rows computed once into ``stored`` (compressed when large), and seen as
    the view :data:`imx.sql.UNITS`."""
    con.execute(S.render(S.create_table(stored, units, replace=True)))
    (rows,) = con.sql(S.render(S.count_rows(stored))).fetchall()[0]
    if rows * len(units.expressions) > COMPRESS_CELLS:
        con.execute(S.render(S.checkpoint(UNITS_DB)))  # compresses the rows just written
    view = S.create_view(S.table(UNITS), S.select_all(stored), temp=True, replace=True)
    con.execute(S.render(view))


def _keep_shared(con: duckdb.DuckDBPyConnection, name: str, query: S.Sql) -> str:
    """A plain grain's unit-row columns that a series grain reads (:class:`imx.sql.GrainSteps`
    ``shared``), kept as the table ``name`` of the unit rows' database, seen under its name."""
    kept = S.table(name, UNITS_DB)
    con.execute(S.render(S.create_table(kept, query, replace=True)))
    con.execute(S.render(S.create_view(S.table(name), S.select_all(kept), temp=True, replace=True)))
    return name


def run(
    plan: Plan, tables: Mapping[str, pa.Table], settings: EngineSettings = DEFAULT_SETTINGS
) -> pa.Table:
    """Every grain's raw aggregates, concatenated (:func:`run_parts`)."""
    return pa.concat_tables([raw_schema(plan).empty_table(), *run_parts(plan, tables, settings)])
