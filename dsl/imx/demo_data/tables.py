"""Collected event rows in → Arrow tables with injected faults, and the studies and sites tables, out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from imx.demo_data.world import (
    ACTORS,
    AREAS,
    ATTRS,
    COUNTRIES,
    EVENTS,
    FINAL_TRANSFER,
    HOUR,
    KEYS,
    MODALITIES,
    QC_OUTCOMES,
    QUERY_REASONS,
    READ_TYPES,
    READERS,
    SEVERITIES,
    TRANSFER_METHODS,
    UNKNOWN_EVENTS,
    UNKNOWN_MODALITIES,
    US,
    VENDORS,
    BoolArray,
    Format,
    IntArray,
    _Log,
    _World,
)


@dataclass
class _Rows:
    """The final event rows: integer columns plus fault masks."""

    cols: dict[str, IntArray]
    null_at: BoolArray
    naive: BoolArray
    bad_reading: BoolArray


def _clean_rows(log: _Log, as_of_us: int) -> dict[str, IntArray]:
    cols = log.columns()
    cols["at"] = cols["at"] // US * US
    keep = cols["at"] <= as_of_us
    cols = {k: v[keep] for k, v in cols.items()}
    order = np.lexsort((cols["event"], cols["study"], cols["at"]))
    return {k: v[order] for k, v in cols.items()}


def _fault_counts(n_rows: int, fmt: Format) -> dict[str, int]:
    return {
        "duplicate-row": round(n_rows * 0.002),
        "unknown-event": round(n_rows * 0.001),
        "null-timestamp": round(n_rows * 0.001),
        "naive-timestamp": round(n_rows * 0.001) if fmt == "csv" else 0,
        "unknown-modality": round(n_rows * 0.0005),
        "unreadable-row": round(n_rows * 0.0003) if fmt == "csv" else 0,
    }


def _inject(rng: np.random.Generator, cols: dict[str, IntArray], counts: dict[str, int]) -> _Rows:
    """Copy, rename and blank rows as ``counts`` says; the chosen rows never overlap."""
    n = len(cols["at"])
    eligible = rng.permutation(np.flatnonzero(cols["protect"] != 1))
    cuts = np.cumsum([counts[k] for k in ("duplicate-row", "unknown-event", "null-timestamp")])
    dup, unk, null = np.split(eligible[: cuts[-1] + counts["naive-timestamp"]], cuts)[:3]
    naive = eligible[cuts[-1] : cuts[-1] + counts["naive-timestamp"]]
    unknown_codes = len(EVENTS) + rng.integers(0, len(UNKNOWN_EVENTS), len(unk))
    position = np.arange(n) * 2
    extra_pos = np.concatenate([dup * 2 + 1, rng.integers(0, n, len(unk)) * 2 + 1])
    source = np.concatenate([dup, unk])
    out = {k: np.concatenate([v, v[source]]) for k, v in cols.items()}
    out["event"][n + len(dup) :] = unknown_codes
    order = np.argsort(np.concatenate([position, extra_pos]), kind="stable")
    null_at = np.zeros(len(order), dtype=bool)
    naive_mask = np.zeros(len(order), dtype=bool)
    null_at[null] = True
    naive_mask[naive] = True
    bad_reading = np.zeros(len(order), dtype=bool)
    modality, reading = _attribute_faults(out, eligible[cuts[-1] + len(naive) :], counts)
    bad_reading[reading] = True
    unknown = rng.integers(0, len(UNKNOWN_MODALITIES), len(modality))
    out["modality"][modality] = len(MODALITIES) + unknown
    return _Rows(
        {k: v[order] for k, v in out.items()}, null_at[order], naive_mask[order], bad_reading[order]
    )


def _attribute_faults(
    cols: dict[str, IntArray], rest: IntArray, counts: dict[str, int]
) -> tuple[IntArray, IntArray]:
    """Rows (of ``rest``, a random order of rows no other fault touches) given an unknown modality
    code (``scan_acquired`` rows) or a reading that is not a number (rows with a reading)."""
    scans = rest[cols["event"][rest] == EVENTS.index("scan_acquired")]
    measured = rest[~np.isnan(cols["reading"][rest])]
    return scans[: counts["unknown-modality"]], measured[: counts["unreadable-row"]]


def _dictionaries(w: _World) -> dict[str, list[str]]:
    weeks = ["BL"] + [f"W{i:02d}" for i in range(1, 600)]
    return {
        "study": [f"S{i + 1:03d}" for i in range(len(w.study_start))],
        "site": [f"{i:03d}" for i in range(1000)],
        "subject": w.subject_names,
        "timepoint": weeks,
        "submission": ["1", "2"],
        "query": ["Q1", "Q2"],
        "reader": list(READERS),
        "scanner": ["A", "B"],
        "transfer": [f"T{i + 1:03d}" for i in range(FINAL_TRANSFER)] + ["FINAL"],
        "action": [f"GA-{i + 1:03d}" for i in range(1000)],
        "incident": [f"INC-{i + 1:03d}" for i in range(1000)],
        "escalation": [f"ESC-{i + 1:03d}" for i in range(1000)],
        "event": [*EVENTS, *UNKNOWN_EVENTS],
        "modality": [*MODALITIES, *UNKNOWN_MODALITIES],
        "query_reason": list(QUERY_REASONS),
        "qc_outcome": list(QC_OUTCOMES),
        "transfer_method": list(TRANSFER_METHODS),
        "read_type": list(READ_TYPES),
        "severity": list(SEVERITIES),
        "actor": list(ACTORS),
    }


def _text(codes: IntArray, words: Sequence[str]) -> pa.Array:
    indices = pa.array(codes, type=pa.int32(), mask=codes < 0)
    return pc.take(pa.array(words, type=pa.string()), indices)


def _event_table(w: _World, rows: _Rows, fmt: Format) -> pa.Table:
    words = _dictionaries(w)
    columns = {name: _text(rows.cols[name], words[name]) for name in KEYS}
    columns["event"] = _text(rows.cols["event"], words["event"])
    at = pa.array(rows.cols["at"], type=pa.timestamp("us", tz="UTC"), mask=rows.null_at)
    columns["at"] = _csv_times(w, rows, at) if fmt == "csv" else at
    for name in ATTRS:
        columns[name] = _text(rows.cols[name], words[name])
    reading = pa.array(rows.cols["reading"], type=pa.float64(), from_pandas=True)
    columns["reading"] = _csv_readings(rows, reading) if fmt == "csv" else reading
    return pa.table(columns)


def _csv_readings(rows: _Rows, reading: pa.Array) -> pa.Array:
    """Readings as CSV text; the rows of the ``unreadable-row`` fault hold what some site systems
    write instead of a number: the value with a decimal comma, "n/a" or "<LOD"."""
    values = rows.cols["reading"][rows.bad_reading]
    forms = (lambda v: f"{v:.1f}".replace(".", ","), lambda v: "n/a", lambda v: "<LOD")
    words = [forms[i % 3](float(v)) for i, v in enumerate(values)]
    text = pc.cast(reading, pa.string())
    return pc.replace_with_mask(text, pa.array(rows.bad_reading), pa.array(words, pa.string()))


def _csv_times(w: _World, rows: _Rows, at: pa.Array) -> pa.Array:
    """ISO 8601 text in UTC (``...Z``); naive rows hold the site's local wall time, no offset."""
    seconds = at.cast(pa.timestamp("s", tz="UTC"))
    aware = pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%SZ")
    site_of = {
        (int(s), int(n)): i
        for i, (s, n) in enumerate(zip(w.site_study, w.site_number, strict=True))
    }
    offsets = np.zeros(len(rows.naive), dtype=np.int64)
    for i in np.flatnonzero(rows.naive):
        site = site_of.get((int(rows.cols["study"][i]), int(rows.cols["site"][i])))
        offsets[i] = COUNTRIES[w.site_country[site]][2] if site is not None else 0
    local = pa.array((rows.cols["at"] + offsets * HOUR) // US, type=pa.timestamp("s", tz="UTC"))
    naive = pc.strftime(local, format="%Y-%m-%dT%H:%M:%S")
    return pc.if_else(pa.array(rows.naive), naive, aware)


def _dimension_tables(w: _World) -> tuple[pa.Table, pa.Table]:
    area = [AREAS[a] for a in w.study_area]
    phases = ["2", "3", "3", "2", "3", "3", "2", "3", "3"]
    studies = pa.table(
        {
            "study": [f"S{i + 1:03d}" for i in range(len(area))],
            "therapeutic_area": [a[0] for a in area],
            "indication": [a[1] for a in area],
            "phase": [phases[i % len(phases)] for i in range(len(area))],
            "vendor": [VENDORS[v][0] for v in w.study_vendor],
            "read_design": ["2+1"] * len(area),
            "response_criteria": [a[2] for a in area],
        }
    )
    sites = pa.table(
        {
            "study": [f"S{s + 1:03d}" for s in w.site_study],
            "site": [f"{n:03d}" for n in w.site_number],
            "country": [COUNTRIES[c][0] for c in w.site_country],
            "calendar": [COUNTRIES[c][1] for c in w.site_country],
        }
    )
    return studies, sites
