"""Seeded synthetic imaging event logs: (studies, seed, format) in → events, studies, sites files
plus a manifest of the data faults injected, out.

The log follows the standard library schema (``stdlib_metrics/schema.imx``): every workflow event
from site start-up to data transfer and governance, with long-tailed (log-normal) durations, site
and vendor effects, core-lab work that waits for business days, adjudication near 35% of
timepoints, queries, rescans and timepoints still open at the data cut.

What the events say, in the attribute columns: the modality on every event of a timepoint (mostly
the area's own, some brain MRI in lung cancer, staging CT in lymphoma, amyloid PET in Alzheimer's
disease); a query's reason (what QC found, else image quality, a long tail of rarer reasons); a
protocol deviation's severity (more major and critical ones at poorer sites); the QC actor (the
reviewers' decisions are ``manual``; two vendors' software checks each receipt first,
``qc_auto_checked``, ``auto``, and misses about a quarter of what the reviewers reject); a
``reading`` on monthly ``phantom_scanned`` rows (a baseline SNR per scanner, 2% noise, a loss of
about 1.5% a month on one scanner in ten) and on each assessed timepoint's
``biomarker_measured`` (the area's biomarker, with about one baseline in ten measured again on a
repeat scan, ``retest_scan_measured``). Failed upload attempts (``upload_failed``) come before
some electronic uploads, often at a few sites; some subjects come late for their visit, outside
its window; reads wait hours, now and then days, for a reader.

Every draw comes from two ``numpy.random.Generator`` streams seeded from the seed, and everything
is built as whole arrays, so one seed always gives the same bytes. The second stream holds only
the draws of what the log gained in 2026.2 (the attributes and events above), so the draws of the
events it had before are unchanged by them.

Size: about 4,600 events per study (``--studies 265`` gave 1.23 million events in 5.8 s as
Parquet on the development machine).

Injected faults, counted exactly in ``manifest.json`` by data-quality rule:

* ``duplicate-row``: extra exact copies of clean rows (the count is the number of extra copies);
* ``negative-duration``: timepoints whose first ``images_received`` is moved before its
  ``scan_acquired`` (stop before start); each such timepoint is one finding for each metric in
  ``NEGATIVE_DURATION_METRICS``;
* ``unknown-event``: extra rows copying a clean row with a misspelt or undeclared event name;
* ``null-timestamp``: rows whose ``at`` is emptied;
* ``naive-timestamp``: CSV only, rows whose ``at`` is the site's local wall time with no offset.
  Parquet stores ``at`` as ``timestamp[us, tz=UTC]``, a type that cannot hold a naive value, so
  Parquet output has none (the manifest says 0);
* ``unreadable-row``: CSV only, rows whose ``reading`` is not a number (a decimal comma, ``n/a``,
  ``<LOD``), as some site systems write; Parquet stores ``reading`` as a double (0);
* ``unknown-modality``: ``scan_acquired`` rows whose modality is a code the schema's list does not
  name (``MR``, ``ct``, ``PET-CT``, ``US``). No loading rule checks attribute values, so these rows
  are kept: they show as their own group in a level ``by modality``.

The faults touch disjoint sets of rows and timepoints, so each is found by exactly one rule. Events
after the data cut (``as_of``) are not written: the log is an extract taken at the cut.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from imx import messages as M
from imx.demo_data.tables import (
    _clean_rows,
    _dimension_tables,
    _event_table,
    _fault_counts,
    _inject,
)
from imx.demo_data.workflow import (
    _acquisition,
    _after_read,
    _final_transfer,
    _governance,
    _negatives,
    _quality_control,
    _rapid_reads,
    _reads,
    _site_events,
    _subjects,
    _transfers,
)
from imx.demo_data.world import (
    DEFAULT_AS_OF,
    EPOCH,
    NEGATIVE_DURATION_METRICS,
    US,
    Format,
    _Log,
    _World,
    _world,
)
from imx.errors import UsageError

AS_OF_RANGE = (dt.datetime(2024, 11, 1, tzinfo=dt.UTC), dt.datetime(2028, 12, 31, tzinfo=dt.UTC))
"""The data cuts a demo log can be taken at: its studies start from July 2024 (a cut before
November leaves too little to evaluate) and its holiday calendars end with 2028."""
MAX_STUDIES = 10_000
"""The most studies a demo log may have: about 40 million events, several GB while it is drawn
(a request of a million would exhaust the memory of most machines)."""


def check_studies(studies: int) -> int:
    """``studies`` if a demo log can have that many (1 to :data:`MAX_STUDIES`), else a
    :class:`UsageError`."""
    if not 1 <= studies <= MAX_STUDIES:
        raise UsageError(M.STUDIES_RANGE.format(studies, MAX_STUDIES))
    return studies


def check_as_of(cut: dt.datetime) -> dt.datetime:
    """``cut`` if a demo log can be taken at it (within :data:`AS_OF_RANGE`), else a
    :class:`UsageError`."""
    if not AS_OF_RANGE[0] <= cut <= AS_OF_RANGE[1]:
        earliest, latest = (d.date().isoformat() for d in AS_OF_RANGE)
        shown = cut.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        raise UsageError(M.DEMO_CUT.format(shown), [M.DEMO_CUT_HINT.format(earliest, latest)])
    return cut


@dataclass(frozen=True)
class Manifest:
    """What was written and which faults were injected, by data-quality rule name."""

    seed: int
    studies: int
    format: str
    as_of: str
    rows: dict[str, int]
    faults: dict[str, int]
    negative_duration_metrics: tuple[str, ...]
    files: dict[str, str]
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    def __str__(self) -> str:
        faults = ", ".join(f"{k} {v}" for k, v in sorted(self.faults.items()))
        return f"{self.rows['events']} events, {self.studies} studies; faults: {faults}"


def _write(table: pa.Table, path: Path, fmt: Format) -> None:
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd", write_statistics=True)
    else:
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))


def _simulate(studies: int, seed: int, as_of_us: int) -> tuple[_World, _Log, int]:
    """Draw the whole log; returns the world, the log and the number of stop-before-start pairs."""
    w, study_end = _world(studies, seed, as_of_us)
    log = _Log()
    change = _site_events(log, w)
    tp = _subjects(w, study_end)
    acq = _acquisition(log, w, tp, change)
    negative = _negatives(w, acq, 0.004)
    log.protect("scan_acquired", acq["imaged"], negative)
    accepted = _quality_control(log, w, tp, acq, negative)
    imaged = acq["imaged"] & (accepted <= as_of_us)
    final = _reads(log, w, tp, accepted, imaged)
    _rapid_reads(log, w, tp, acq["received"], acq["imaged"])
    _after_read(log, w, tp, final, imaged)
    _transfers(log, w)
    _final_transfer(
        log, w, study_end < np.iinfo(np.int64).max // 2, tp, acq["received"], acq["imaged"]
    )
    _governance(log, w)
    return w, log, int(negative.sum())


def generate(
    studies: int, seed: int, out: Path, fmt: Format = "parquet", as_of: dt.datetime | None = None
) -> Manifest:
    """Write ``events``, ``studies`` and ``sites`` (Parquet or CSV) and ``manifest.json`` to ``out``.

    >>> import tempfile
    >>> m = generate(1, 7, Path(tempfile.mkdtemp()), "csv")
    >>> m.faults["naive-timestamp"] > 0, m.rows["events"] > 500
    (True, True)
    """
    check_studies(studies)
    cut = check_as_of((as_of or DEFAULT_AS_OF).astimezone(dt.UTC))
    as_of_us = int((cut - EPOCH).total_seconds()) * US
    w, log, negatives = _simulate(studies, seed, as_of_us)
    cols = _clean_rows(log, as_of_us)
    counts = _fault_counts(len(cols["at"]), fmt)
    rows = _inject(np.random.default_rng([seed, 1]), cols, counts)
    out.mkdir(parents=True, exist_ok=True)
    events = _event_table(w, rows, fmt)
    studies_table, sites_table = _dimension_tables(w)
    files = {name: f"{name}.{fmt}" for name in ("events", "studies", "sites")}
    for name, table in (("events", events), ("studies", studies_table), ("sites", sites_table)):
        _write(table, out / files[name], fmt)
    manifest = _manifest(
        studies,
        seed,
        fmt,
        cut,
        events,
        studies_table,
        sites_table,
        files,
        {**counts, "negative-duration": negatives},
    )
    (out / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _manifest(
    studies: int,
    seed: int,
    fmt: Format,
    cut: dt.datetime,
    events: pa.Table,
    studies_table: pa.Table,
    sites_table: pa.Table,
    files: dict[str, str],
    faults: dict[str, int],
) -> Manifest:
    notes = (
        "duplicate-row counts the extra copies; each original row is kept once",
        "negative-duration counts timepoints with images_received before scan_acquired; the "
        "data-quality report finds each once per metric in negative_duration_metrics",
        "naive-timestamp: CSV only; Parquet stores `at` as timestamp[us, tz=UTC] (never naive)",
        "unreadable-row: CSV only, a reading that is not a number; Parquet stores a double",
        "unknown-modality: scan_acquired rows with a modality code outside the schema's list; "
        "kept by the loader (no rule checks attribute values), their own group by modality",
        "events after as_of are not written",
    )
    return Manifest(
        seed=seed,
        studies=studies,
        format=fmt,
        as_of=cut.isoformat().replace("+00:00", "Z"),
        rows={
            "events": events.num_rows,
            "studies": studies_table.num_rows,
            "sites": sites_table.num_rows,
        },
        faults=dict(sorted(faults.items())),
        negative_duration_metrics=NEGATIVE_DURATION_METRICS,
        files=files,
        notes=notes,
    )
