"""Parquet event log → the six headline portfolio values, in idiomatic lazy Polars.

Written on its own from the definitions (the stdlib's `.imx` files and semantics rules 3–6), not
translated from the pandas or SQL baselines: one lazy query per table, wide per-timepoint facts
by a single `group_by` with conditional aggregates, business days by `pl.business_day_count` per
calendar, everything collected once at the end.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path

import polars as pl

ZONES = {"us": "America/New_York", "eu": "Europe/Berlin", "jp": "Asia/Tokyo"}
KEYS = ["study", "site", "subject", "timepoint"]
FIRST = ("scan_acquired", "images_received", "qc_passed", "qc_failed")
COUNTED = ("timepoint_cancelled", "query_opened", "read_completed", "discordance_flagged")
AGED_DAYS = 30


def _local_date(column: str) -> pl.Expr:
    """The instant's date in its site's calendar zone (the calendar column picks the zone)."""
    dates = [
        pl.when(pl.col("calendar") == name).then(
            pl.col(column).dt.convert_time_zone(zone).dt.date()
        )
        for name, zone in ZONES.items()
    ]
    return pl.coalesce(dates)


def _business_days(start: str, end: str, holidays: Mapping[str, list[dt.date]]) -> pl.Expr:
    """Business days after start's local date up to and including end's (rule 4's count)."""
    one = pl.duration(days=1)
    counts = [
        pl.when(pl.col("calendar") == name).then(
            pl.business_day_count(
                _local_date(start) + one, _local_date(end) + one, holidays=holidays.get(name, [])
            )
        )
        for name in ZONES
    ]
    return pl.coalesce(counts)


def _timepoints(events: pl.LazyFrame, sites: pl.LazyFrame) -> pl.LazyFrame:
    """One row per timepoint: the first instant of some events, the count of others, its calendar."""
    firsts = [pl.col("at").filter(pl.col("event") == e).min().alias(e) for e in FIRST]
    counts = [(pl.col("event") == e).sum().alias(f"n_{e}") for e in COUNTED]
    calendars = sites.select("study", "site", "calendar")
    keyed = pl.all_horizontal(pl.col(k).is_not_null() for k in KEYS)
    return (
        events.filter(keyed)
        .group_by(KEYS)
        .agg(*firsts, *counts)
        .join(calendars, on=["study", "site"], how="left")
        .with_columns(pl.col("calendar").fill_null("us"))
    )


def six(folder: Path, holidays: Mapping[str, list[dt.date]]) -> dict[str, float]:
    events = pl.scan_parquet(folder / "events.parquet").unique().filter(pl.col("at").is_not_null())
    as_of = events.select(pl.col("at").max()).collect().item()
    sites = pl.scan_parquet(folder / "sites.parquet")
    areas = pl.scan_parquet(folder / "studies.parquet").select("study", "therapeutic_area", "phase")
    tp = _timepoints(events, sites).cache()

    population = tp.filter(
        pl.col("scan_acquired").is_not_null() & (pl.col("n_timepoint_cancelled") == 0)
    )
    received = pl.col("images_received").is_not_null()
    xfer_ct = (
        population.filter(received)
        .select(_business_days("scan_acquired", "images_received", holidays).alias("d"))
        .filter(pl.col("d") >= 0)
        .select(pl.col("d").median().alias("XFER-CT"))
    )
    oncology = pl.col("therapeutic_area") == "oncology"  # the variants oncology and onc-ph3
    window = (
        pl.when(oncology & (pl.col("phase") == "3")).then(1).when(oncology).then(2).otherwise(3)
    )
    elapsed = (
        population.filter(~(pl.col("images_received") < pl.col("scan_acquired")).fill_null(False))
        .join(areas, on="study", how="left")
        .with_columns(pl.col("images_received").fill_null(pl.lit(as_of)).alias("end"))
        .with_columns(_business_days("scan_acquired", "end", holidays).alias("d"))
    )
    xfer_ot = elapsed.select(
        (
            (received & (pl.col("d") <= window)).sum() / (received | (pl.col("d") > window)).sum()
        ).alias("XFER-OT")
    )
    decided = pl.col("qc_passed").is_not_null() | pl.col("qc_failed").is_not_null()
    first_pass = pl.col("qc_failed").is_null() | (pl.col("qc_passed") <= pl.col("qc_failed"))
    qc_fpr = tp.filter(decided).select(first_pass.fill_null(False).mean().alias("QC-FPR"))
    qry_rate = tp.filter(received).select(
        (100 * pl.col("n_query_opened").sum() / pl.len()).alias("QRY-RATE")
    )
    adj_tp = tp.filter(pl.col("n_read_completed") >= 2).select(
        (pl.col("n_discordance_flagged") > 0).mean().alias("ADJ-TP")
    )
    queries = (
        events.group_by([*KEYS, "query"])
        .agg(
            pl.col("at").filter(pl.col("event") == "query_opened").min().alias("opened"),
            (pl.col("event") == "query_closed").sum().alias("closed"),
        )
        .filter(pl.col("opened").is_not_null() & (pl.col("closed") == 0))
    )
    aged = queries.select(
        ((pl.lit(as_of) - pl.col("opened")) > pl.duration(days=AGED_DAYS)).mean().alias("QRY-AGED")
    )
    parts = pl.collect_all([xfer_ct, xfer_ot, qc_fpr, qry_rate, adj_tp, aged])
    values = {k: v for part in parts for k, v in part.row(0, named=True).items()}
    return {k: math.nan if v is None else float(v) for k, v in values.items()}
