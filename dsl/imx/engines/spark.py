"""Plan + Arrow tables or Parquet/CSV files → raw aggregates (Arrow), by running Spark SQL.

The plan is compiled once per grain with :func:`imx.sql.compile_steps` for the ``spark`` dialect
(the same sqlglot trees DuckDB runs) and executed on a SparkSession: ``local[*]`` by default, or the
``spark_master`` of :class:`~imx.engines.EngineSettings` (``spark://host:7077``). Each run gets its
own child session (``newSession``: same cluster, separate temporary views), with the session time
zone set to UTC so timestamps are instants and local dates come from ``FROM_UTC_TIMESTAMP``.

Inputs: an Arrow table becomes a DataFrame through Arrow (``spark.sql.execution.arrow.pyspark.
enabled``); a :class:`FileSource` (a clean Parquet or CSV file, e.g. on shared storage) is read by
Spark itself and registered as a view, so a large table never passes through Python. pyspark is the
optional extra ``imx[spark]`` and needs Java 17+; without them :func:`run` raises
:class:`~imx.engines.EngineUnavailable` naming what to install.
"""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import pyarrow as pa

from imx.calendars import CALENDAR_TABLE, CUTS_TABLE
from imx.data import StoredTables
from imx.engines import DEFAULT_SETTINGS, EngineSettings, UnitSink, memory_bytes
from imx.engines.duckdb import calendar_for, cuts_for
from imx.errors import EngineUnavailable
from imx.plan import Plan, raw_schema, unit_schema
from imx.sql import UNITS, compile_steps, in_result_order, render, union_all

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

INSTALL_HINTS = (
    'install the Spark extra: pip install "imx[spark]"',
    "Spark needs Java 17 or later: install a JDK (e.g. apt-get install openjdk-17-jre-headless) "
    "and set JAVA_HOME",
)
DEFAULT_DRIVER_MEMORY = "4g"
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
}
_PANDAS_WARNING = "PySpark does not yet fully support pandas"


@dataclass(frozen=True)
class FileSource:
    """A clean table in a Parquet or CSV file (already past the loader's hygiene rules)."""

    path: str
    format: str = "parquet"  # "parquet" | "csv"


Table: TypeAlias = "pa.Table | FileSource"


def check_available() -> None:
    """Raise :class:`EngineUnavailable` unless pyspark imports and a Java runtime is found."""
    try:
        import pyspark  # noqa: F401
    except ImportError as error:
        raise EngineUnavailable(
            "the Spark engine needs pyspark, which is not installed", INSTALL_HINTS
        ) from error
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        raise EngineUnavailable(
            "the Spark engine needs Java (17 or later), and no `java` was found", INSTALL_HINTS[1:]
        )


@contextmanager
def _quiet() -> Iterator[None]:
    """pyspark warns about pandas 3 on every Arrow conversion; imx uses Arrow, not pandas."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_PANDAS_WARNING, category=FutureWarning)
        yield


_SESSIONS: dict[tuple[str, str | None], SparkSession] = {}


def session(settings: EngineSettings = DEFAULT_SETTINGS) -> SparkSession:
    """The shared SparkSession for the settings' master (started once per process)."""
    check_available()
    from pyspark.sql import SparkSession

    master = settings.spark_master or f"local[{settings.threads or '*'}]"
    key = (master, settings.memory_limit)
    if key not in _SESSIONS:
        builder: Any = SparkSession.builder.master(master).appName("imx")
        for name, value in SESSION_CONF.items():
            builder = builder.config(name, value)
        # Spark's 1 GB default driver heap runs out on the standard library's many branches.
        memory = (
            _jvm_size(settings.memory_limit) if settings.memory_limit else DEFAULT_DRIVER_MEMORY
        )
        builder = builder.config("spark.driver.memory", memory)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        _SESSIONS[key] = spark
    return _SESSIONS[key]


def _jvm_size(limit: str) -> str:
    """A size as ``--memory-limit`` reads it (``4GB``, ``1.5 GiB``) → the JVM's whole megabytes.

    The JVM takes no fractions and no spaces, and its ``g`` is a GiB:

    >>> _jvm_size("1.5GB"), _jvm_size("4 gib"), _jvm_size("512MiB")
    ('1430m', '4096m', '512m')
    """
    return f"{memory_bytes(limit) // 2**20}m"


def stop_all() -> None:
    """Stop every session this process started (tests and benchmarks call it at exit)."""
    for spark in _SESSIONS.values():
        spark.stop()
    _SESSIONS.clear()


def _frame(spark: SparkSession, table: Table) -> DataFrame:
    if isinstance(table, FileSource):
        reader = spark.read.option("header", "true") if table.format == "csv" else spark.read
        return reader.format(table.format).load(table.path)
    with _quiet():
        return spark.createDataFrame(table)


def files_of(tables: Mapping[str, Table]) -> Mapping[str, Table]:
    """A loaded dataset's clean tables as Parquet files DuckDB writes in its temporary folder
    (:meth:`imx.data.StoredTables.exported`), which Spark reads itself: the driver never holds
    the rows. Other tables are given as they are."""
    if not isinstance(tables, StoredTables):
        return tables
    found: dict[str, Table] = {}
    for name in tables:
        path = tables.exported(name)
        found[name] = FileSource(path) if path is not None else tables[name]
    return found


def register(spark: SparkSession, tables: Mapping[str, Table]) -> None:
    """Register each table (Arrow or file) as a temporary view under its schema name."""
    for name, table in tables.items():
        _frame(spark, table).createOrReplaceTempView(name)


def run_parts(
    plan: Plan,
    tables: Mapping[str, Table],
    settings: EngineSettings = DEFAULT_SETTINGS,
    units: UnitSink | None = None,
) -> Iterator[pa.Table]:
    """Each grain's raw aggregates (schema of :func:`raw_schema`); the unit rows of the metrics
    planned with them go to ``units``, read from the same checkpointed unit rows.

    A grain runs in steps (:func:`imx.sql.compile_steps`): Spark inlines a CTE into every
    reference, so the one-statement tree would scan and aggregate the events once per branch;
    computing the unit rows once (checkpointed) keeps one scan per grain. Each metric's branches
    then run as a job of their own over them, its rows in the order of results
    (:func:`imx.sql.in_result_order`), one part per metric: a job of a grain's every metric
    ships a task of its generated code for each branch (over 150 MiB for the standard library's
    timepoints), which executors on a cluster struggle to take.
    """
    schema = raw_schema(plan)
    spark = session(settings).newSession()
    for name, value in SESSION_CONF.items():
        if not name.startswith("spark.ui"):
            spark.conf.set(name, value)
    tables = files_of(tables)
    register(spark, tables)
    if plan.grains:
        grain = plan.grains[0]
        events = tables[grain.events_table]
        if isinstance(events, FileSource):
            events = _bounds(spark, grain.events_table, grain.time_column)
        calendar = calendar_for(plan, events, grain.time_column)
        cuts = cuts_for(plan, events, grain.time_column)
        register(spark, {CALENDAR_TABLE: calendar, CUTS_TABLE: cuts})
    shared = []  # plain grains' unit-row columns that series grains read, kept till the end
    for grain, steps in zip(plan.grains, compile_steps(plan, "spark"), strict=True):
        with _quiet():
            frame = spark.sql(render(steps.units, "spark")).localCheckpoint()
            frame.createOrReplaceTempView(UNITS)
            if steps.shared is not None:
                name, columns = steps.shared
                shared.append(spark.sql(render(columns, "spark")).localCheckpoint())
                shared[-1].createOrReplaceTempView(name)
            settings.units_done(grain.unit.name, len(steps.metrics))
            for metric, query in steps.metrics:
                ordered = in_result_order(union_all([query]), [metric])
                yield spark.sql(render(ordered, "spark")).toArrow().cast(schema)
                settings.step(metric)
            for metric, query in steps.unit_rows:
                if units is not None:
                    found = spark.sql(render(query, "spark")).toArrow()
                    units(metric, found.cast(unit_schema(plan.metric(metric))))
            frame.unpersist()
    for kept in shared:
        kept.unpersist()


def run(
    plan: Plan, tables: Mapping[str, Table], settings: EngineSettings = DEFAULT_SETTINGS
) -> pa.Table:
    """Every grain's raw aggregates, concatenated (:func:`run_parts`)."""
    return pa.concat_tables([raw_schema(plan).empty_table(), *run_parts(plan, tables, settings)])


def _bounds(spark: SparkSession, table: str, column: str) -> pa.Table:
    """The earliest and latest timestamp of a file-backed table (for the calendar's range)."""
    from pyspark.sql import functions as F

    frame = spark.table(table)
    low = frame.agg(F.min(frame[column]).alias(column))
    high = frame.agg(F.max(frame[column]).alias(column))
    with _quiet():
        return low.union(high).toArrow()
