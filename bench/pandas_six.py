"""Parquet event log → the six headline portfolio values, in pandas as an analyst would write them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

ZONES = {"us": "America/New_York", "eu": "Europe/Berlin", "jp": "Asia/Tokyo"}


def _local_days(ts: pd.Series, zones: pd.Series) -> np.ndarray:  # type: ignore[type-arg]
    out = np.empty(len(ts), dtype="datetime64[D]")
    for name, zone in ZONES.items():
        mask = (zones == name).to_numpy()
        out[mask] = ts[mask].dt.tz_convert(zone).dt.tz_localize(None).to_numpy().astype("M8[D]")
    return out


def _business_days(
    a: pd.Series, b: pd.Series, cal: pd.Series, holidays: Mapping[str, list[dt.date]]
) -> pd.Series:
    """Business days strictly after a's local date up to and including b's (negative if b < a)."""
    out = pd.Series(np.nan, index=a.index)
    ok = a.notna() & b.notna()
    for name in ZONES:
        m = ok & (cal == name)
        if m.any():
            da, db = _local_days(a[m], cal[m]), _local_days(b[m], cal[m])
            hol = np.array(holidays.get(name, []), dtype="datetime64[D]")
            out[m] = np.busday_count(da + 1, db + 1, holidays=hol)
    return out


def six(folder: Path, holidays: Mapping[str, list[dt.date]]) -> dict[str, float]:
    ev = pd.read_parquet(folder / "events.parquet").drop_duplicates()
    ev = ev[ev["at"].notna()]
    as_of = ev["at"].max()
    sites = pd.read_parquet(folder / "sites.parquet")
    keys = ["study", "site", "subject", "timepoint"]
    firsts = ev.groupby(keys + ["event"])["at"].min().unstack()
    counts = ev.groupby(keys + ["event"]).size().unstack(fill_value=0)
    tp = firsts.join(counts, suffixes=("", "_n")).reset_index()
    tp = tp.merge(sites[["study", "site", "calendar"]], on=["study", "site"], how="left")
    tp["calendar"] = tp["calendar"].fillna("us")
    out: dict[str, float] = {}

    pop = tp[tp["scan_acquired"].notna() & (tp["timepoint_cancelled_n"] == 0)]
    closed = pop[pop["images_received"].notna()]
    bd = _business_days(
        closed["scan_acquired"], closed["images_received"], closed["calendar"], holidays
    )
    out["XFER-CT"] = float(bd[bd >= 0].median())

    # A receipt before the acquisition is a negative duration: left out of the measure (rule 4).
    pop = pop[~(pop["images_received"] < pop["scan_acquired"])]
    end = pop["images_received"].fillna(as_of)
    d = _business_days(pop["scan_acquired"], end, pop["calendar"], holidays)
    # The window is 3 business days, 2 for oncology studies, 1 for phase 3 oncology studies (the
    # stdlib's `oncology` and `onc-ph3` variants).
    studies = pd.read_parquet(folder / "studies.parquet").set_index("study")
    oncology = (pop["study"].map(studies["therapeutic_area"]) == "oncology").to_numpy()
    phase3 = (pop["study"].map(studies["phase"]) == "3").to_numpy()
    window = np.where(oncology & phase3, 1, np.where(oncology, 2, 3))
    met = pop["images_received"].notna() & (d <= window)
    decided = pop["images_received"].notna() | (d > window)
    out["XFER-OT"] = float(met.sum() / decided.sum())

    qc = tp[tp["qc_passed"].notna() | tp["qc_failed"].notna()]
    out["QC-FPR"] = float((qc["qc_failed"].isna() | (qc["qc_passed"] <= qc["qc_failed"])).mean())

    received = tp[tp["images_received"].notna()]
    out["QRY-RATE"] = float(100 * received["query_opened_n"].sum() / len(received))

    double = tp[tp["read_completed_n"] >= 2]
    out["ADJ-TP"] = float((double["discordance_flagged_n"] > 0).mean())

    qkeys = keys + ["query"]
    opened = ev[ev["event"] == "query_opened"].groupby(qkeys, dropna=False)["at"].min()
    closed = ev[ev["event"] == "query_closed"].groupby(qkeys, dropna=False).size()
    q = pd.DataFrame({"opened": opened}).join(closed.rename("closed")).fillna({"closed": 0})
    q = q[q["opened"].notna() & (q["closed"] == 0)]
    out["QRY-AGED"] = float(((as_of - q["opened"]) > pd.Timedelta(days=30)).mean())
    return out
