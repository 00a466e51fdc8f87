"""Plan + Arrow tables → raw aggregates (Arrow), by running the compiled SQL on in-process DuckDB.

The Dataset's Arrow tables are registered as views (no copy, nothing written to disk) under their
schema names, next to the generated calendar table; each grain's query runs once. ``threads`` and
``memory_limit`` of :class:`~imx.engines.EngineSettings` become the connection's configuration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from imx.calendars import CALENDAR_SCHEMA, CALENDAR_TABLE, calendar_table, local_date
from imx.engines import DEFAULT_SETTINGS, EngineSettings
from imx.plan import Plan, raw_schema
from imx.sql import compile_plan, render


def calendar_for(plan: Plan, events: pa.Table, time_column: str) -> pa.Table:
    """The calendar table covering every local date the plan's business days can touch."""
    if not plan.calendars or not any(g.bd_args for g in plan.grains):
        return CALENDAR_SCHEMA.empty_table()
    instants: list[dt.datetime] = list(plan.literals)
    if plan.as_of is not None:
        instants.append(plan.as_of)
    if events.num_rows and time_column in events.column_names:
        bounds = pc.min_max(events[time_column]).as_py()
        instants.extend(v for v in (bounds["min"], bounds["max"]) if v is not None)
    if not instants:
        return CALENDAR_SCHEMA.empty_table()
    days = [local_date(t, c) for t in instants for c in plan.calendars]
    margin = dt.timedelta(days=2)
    return calendar_table(plan.calendars, min(days) - margin, max(days) + margin)


def connect(settings: EngineSettings = DEFAULT_SETTINGS) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection configured with the settings' threads and memory limit."""
    config: dict[str, str | bool | int | float | list[str]] = {}
    if settings.threads is not None:
        config["threads"] = settings.threads
    if settings.memory_limit is not None:
        config["memory_limit"] = settings.memory_limit
    return duckdb.connect(":memory:", config=config)


def run(
    plan: Plan, tables: Mapping[str, pa.Table], settings: EngineSettings = DEFAULT_SETTINGS
) -> pa.Table:
    """Every grain's raw aggregates, concatenated, with the schema of :func:`raw_schema`."""
    schema = raw_schema(plan)
    parts = [schema.empty_table()]
    con = connect(settings)
    try:
        for name, table in tables.items():
            con.register(name, table)
        if plan.grains:
            grain = plan.grains[0]
            calendar = calendar_for(plan, tables[grain.events_table], grain.time_column)
            con.register(CALENDAR_TABLE, calendar)
        for grain, tree in zip(plan.grains, compile_plan(plan, "duckdb"), strict=True):
            result = con.sql(render(tree, "duckdb")).to_arrow_table()
            assert result is not None
            parts.append(result.cast(schema))
            settings.step(grain.unit.name)
    finally:
        con.close()
    return pa.concat_tables(parts)
