"""The SQL dialects imx prints, and the ones its test suite executes (a claim kept honest)."""

from __future__ import annotations

DIALECTS = ("duckdb", "spark", "postgres", "snowflake", "bigquery", "trino")
TESTED_DIALECTS = ("duckdb", "spark")  # executed and compared with the reference evaluator
STANDALONE_DIALECTS = (
    "duckdb",
    "spark",
    "postgres",
)  # `imx sql --standalone` run in a fresh database
