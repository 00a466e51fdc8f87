"""`imx sql METRIC --standalone`: one script that runs as-is in a fresh database over the raw tables.

Each script is run where nothing of imx is: a fresh DuckDB connection, a fresh Spark session and a
real PostgreSQL server (Debian's package, `make postgres`) started here on a unix socket and
stopped by its pid. They hold only the demo log's raw tables (Parquet: typed, with its duplicates,
null timestamps and unknown events left in), created with the schema's names and types; each
script's last statement must give the result rows `imx run` gives for the same metric on the same
files: the same keys in the same order, and the same value (within 1e-9). Each database runs in a
session time zone other than UTC, which the scripts must not depend on.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import io
import math
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from imx.checker import check_paths
from imx.cli import main
from imx.demo_data import generate
from imx.model import Model
from imx.standalone import script

ROOT = Path(__file__).resolve().parent.parent
STDLIB = ROOT / "stdlib_metrics"
KEYS = ("metric", "variant", "level", "study", "site", "group", "group2", "period")
# a rate with variants and periods, business days, a by level, a series, a ratio, a mean of days
METRICS = ("XFER-OT", "QC-CT", "QRY-REASON", "QC-BACKLOG", "READS-PER-DAY", "DT-FPV")
SPARK_METRICS = ("XFER-OT",)  # each statement is Spark jobs: the calendar, variants and cut suffice
POSTGRES_TYPES = {
    "text": "text",
    "event": "text",
    "number": "double precision",
    "integer": "bigint",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamptz",
}


@pytest.fixture(scope="module")
def model() -> Model:
    found = check_paths([STDLIB]).model
    assert found is not None
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("standalone") / "data"
    generate(studies=2, seed=5, out=folder, fmt="parquet")
    return folder


@pytest.fixture(scope="module")
def expected(
    demo: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[dict[str, Any]]]:
    """`imx run`'s result rows of each metric on the demo log."""
    out: dict[str, list[dict[str, Any]]] = {}
    folder = tmp_path_factory.mktemp("runs")
    for metric in METRICS:
        path = folder / f"{metric}.csv"
        assert (
            main(["run", str(STDLIB), "--data", str(demo), "--metric", metric, "--out", str(path)])
            == 0
        )
        out[metric] = _read(path)
    return out


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _statements(text: str) -> list[str]:
    """The script's statements (each ends a line with `;`), comments left out."""
    parts = [p for p in text.split(";\n")]
    return [p for p in parts if any(line and not line.startswith("--") for line in p.splitlines())]


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _same(expected: list[dict[str, Any]], got: list[dict[str, Any]], where: str) -> None:
    """The same keys in the same order, and the same values."""
    want_keys = [tuple(_text(r[k]) for k in KEYS) for r in expected]
    got_keys = [tuple(_text(r[k]) for k in KEYS) for r in got]
    assert got_keys == want_keys, f"{where}: the result rows differ from imx run's"
    for want, row in zip(expected, got, strict=True):
        a, b = _text(want["value"]), _text(row["value"])
        if a is None or b is None:
            assert a == b, f"{where}: {row} against {want}"
            continue
        assert math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9), f"{where}: {row}"
    assert got, f"{where}: no rows"


def _typed_columns(model: Model, name: str, types: dict[str, str]) -> str:
    table = model.schema.table(name)
    assert table is not None
    return ", ".join(f'"{c.name}" {types[c.type.value]}' for c in table.columns)


# ----------------------------------------------------------------------------------- DuckDB


def _duckdb_tables(model: Model, demo: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'Asia/Tokyo'")
    types = {k: v.replace("double precision", "DOUBLE") for k, v in POSTGRES_TYPES.items()}
    for table in model.schema.tables:
        con.execute(f'CREATE TABLE "{table.name}" ({_typed_columns(model, table.name, types)})')
        names = ", ".join(f'"{c.name}"' for c in table.columns)
        source = demo / f"{table.name}.parquet"
        con.execute(
            f'INSERT INTO "{table.name}" SELECT {names} FROM read_parquet(?)', [str(source)]
        )
    return con


@pytest.mark.parametrize("metric", METRICS)
def test_duckdb_script_gives_imx_runs_results(
    metric: str, model: Model, demo: Path, expected: dict[str, list[dict[str, Any]]]
) -> None:
    con = _duckdb_tables(model, demo)
    statements = _statements(script(model, metric, "duckdb").text())
    for statement in statements[:-1]:
        con.execute(statement)
    found = con.sql(statements[-1])
    rows = [dict(zip(found.columns, r, strict=True)) for r in found.fetchall()]
    assert found.columns[:9] == [*KEYS, "value"]
    _same(expected[metric], rows, f"{metric} on DuckDB")


def test_the_cut_is_the_scripts_parameter(model: Model, demo: Path, tmp_path: Path) -> None:
    """`--as-of` writes the cut into the script; the script then gives `imx run --as-of`'s rows."""
    cut = "2026-01-15T00:00:00+00:00"
    path = tmp_path / "cut.csv"
    argv = ["run", str(STDLIB), "--data", str(demo), "--metric", "XFER-OT", "--as-of", cut]
    assert main([*argv, "--out", str(path)]) == 0
    con = _duckdb_tables(model, demo)
    when = dt.datetime.fromisoformat(cut)
    statements = _statements(script(model, "XFER-OT", "duckdb", when).text())
    for statement in statements[:-1]:
        con.execute(statement)
    found = con.sql(statements[-1])
    rows = [dict(zip(found.columns, r, strict=True)) for r in found.fetchall()]
    _same(_read(path), rows, "XFER-OT cut in January")


def test_the_command_prints_the_script(model: Model, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "XFER-OT", str(STDLIB), "--standalone", "--dialect", "postgres"]) == 0
    printed = capsys.readouterr()
    assert printed.out == script(model, "XFER-OT", "postgres").text()
    assert "run as-is in a fresh database by imx's tests" in printed.out.splitlines()[0]
    assert "printed only" not in printed.err
    assert main(["sql", "XFER-OT", str(STDLIB), "--standalone", "--dialect", "snowflake"]) == 0
    printed = capsys.readouterr()
    assert "printed only" in printed.out.splitlines()[0]
    assert "printed only" in printed.err


# ------------------------------------------------------------------------------------ Spark


@pytest.mark.spark
@pytest.mark.parametrize("metric", SPARK_METRICS)
def test_spark_script_gives_imx_runs_results(
    metric: str,
    model: Model,
    demo: Path,
    expected: dict[str, list[dict[str, Any]]],
    spark_settings: Any,
) -> None:
    from imx.engines import spark as spark_engine

    spark = spark_engine.session(spark_settings).newSession()  # fresh temporary views
    spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")  # the script sets UTC
    for table in model.schema.tables:
        columns = _typed_columns(
            model,
            table.name,
            {
                **POSTGRES_TYPES,
                "number": "double",
                "timestamp": "timestamp",
                "text": "string",
                "event": "string",
            },
        )
        frame = spark.read.schema(columns.replace('"', "`")).parquet(
            str(demo / f"{table.name}.parquet")
        )
        frame.createOrReplaceTempView(table.name)
    statements = _statements(script(model, metric, "spark").text())
    for statement in statements[:-1]:
        spark.sql(statement)
    found = spark.sql(statements[-1])
    rows = [r.asDict() for r in found.collect()]
    _same(expected[metric], rows, f"{metric} on Spark")
    for table in spark.catalog.listTables():
        if table.isTemporary:
            spark.catalog.dropTempView(table.name)
    spark.catalog.clearCache()


# ------------------------------------------------------------------------------- PostgreSQL


def _postgres_bin() -> Path:
    """Debian's PostgreSQL binaries; their absence fails the test, saying how to install them."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not found:
        pytest.fail(
            "the PostgreSQL test needs Debian's postgresql package, which is not installed: "
            "run `make postgres` (apt-get install postgresql)",
            pytrace=False,
        )
    return Path(found[-1]).parent


def _as_user(folder: Path) -> list[str]:
    """Run as `nobody` when root (PostgreSQL refuses to run as root), else as ourselves."""
    if os.geteuid() != 0:
        return []
    shutil.chown(folder, "nobody", "nogroup")
    for path in folder.rglob("*"):
        shutil.chown(path, "nobody", "nogroup")
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


@pytest.fixture(scope="module")
def postgres() -> Iterator[tuple[Path, Path]]:
    """A PostgreSQL server of our own on a unix socket: (its bin folder, the socket folder).
    Its folder is made here (pytest's own is the user's alone, which `nobody` cannot enter)."""
    bin_dir = _postgres_bin()
    folder = Path(tempfile.mkdtemp(prefix="imx-postgres-"))
    try:
        yield from _serve(bin_dir, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _serve(bin_dir: Path, folder: Path) -> Iterator[tuple[Path, Path]]:
    data, socket = folder / "data", folder / "socket"
    socket.mkdir()
    user = _as_user(folder)
    subprocess.run(
        [*user, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "imx", "--no-sync"],
        check=True,
        capture_output=True,
    )
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [*user, str(bin_dir / "postgres"), "-D", str(data), "-k", str(socket),
         "-c", "listen_addresses=", "-c", "fsync=off", "-c", "TimeZone=America/Sao_Paulo"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        ready = [str(bin_dir / "pg_isready"), "-h", str(socket), "-U", "imx", "-q"]
        while subprocess.run(ready).returncode != 0:
            assert server.poll() is None, (folder / "server.log").read_text()
            assert time.monotonic() < deadline, "PostgreSQL did not start within 60 s"
            time.sleep(0.2)
        yield bin_dir, socket
    finally:
        server.send_signal(signal.SIGINT)  # a fast shutdown of exactly the server started here
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _psql(bin_dir: Path, socket: Path, database: str, text: str) -> str:
    command = [str(bin_dir / "psql"), "-h", str(socket), "-U", "imx", "-d", database]
    done = subprocess.run(
        [*command, "-v", "ON_ERROR_STOP=1", "-q", "--csv", "-f", "-"],
        input=text,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow  # starts a PostgreSQL server
def test_postgres_script_gives_imx_runs_results(
    model: Model,
    demo: Path,
    expected: dict[str, list[dict[str, Any]]],
    postgres: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    bin_dir, socket = postgres
    _psql(bin_dir, socket, "postgres", "CREATE DATABASE raw")
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    load = []
    for table in model.schema.tables:
        names = ", ".join(f'"{c.name}"' for c in table.columns)
        path = tmp_path / f"{table.name}.csv"
        source = str(demo / f"{table.name}.parquet")
        con.execute(f"COPY (SELECT {names} FROM read_parquet('{source}')) TO '{path}' (HEADER)")
        load.append(
            f'CREATE TABLE "{table.name}" ({_typed_columns(model, table.name, POSTGRES_TYPES)});'
        )
        load.append(f"\\copy \"{table.name}\" FROM '{path}' WITH (FORMAT csv, HEADER)")
    _psql(bin_dir, socket, "raw", "\n".join(load) + "\n")
    for metric in METRICS[:4]:
        printed = _psql(bin_dir, socket, "raw", script(model, metric, "postgres").text())
        rows = list(csv.DictReader(io.StringIO(printed)))
        _same(expected[metric], rows, f"{metric} on PostgreSQL")
