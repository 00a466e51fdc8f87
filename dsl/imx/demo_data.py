"""Seeded synthetic imaging event logs: (studies, seed, format) in → events, studies, sites files
plus a manifest of the data faults injected, out.

The log follows the standard library schema (``stdlib_metrics/schema.imx``): every workflow event
from site start-up to data transfer and governance, with long-tailed (log-normal) durations, site
and vendor effects, core-lab work that waits for business days, adjudication near 35% of
timepoints, queries, rescans and timepoints still open at the data cut. Everything is drawn from
one ``numpy.random.Generator`` and built as whole arrays, so one seed always gives the same bytes.

Size: about 4,000 events per study (``--studies 265`` gave 1.08 million events in 2.5 s as Parquet,
3.3 s as CSV, on the development machine).

Injected faults, counted exactly in ``manifest.json`` by data-quality rule:

* ``duplicate-row``: extra exact copies of clean rows (the count is the number of extra copies);
* ``negative-duration``: timepoints whose first ``images_received`` is moved before its
  ``scan_acquired`` (stop before start); each such timepoint is one finding for each metric in
  ``NEGATIVE_DURATION_METRICS``;
* ``unknown-event``: extra rows copying a clean row with a misspelt or undeclared event name;
* ``null-timestamp``: rows whose ``at`` is emptied;
* ``naive-timestamp``: CSV only, rows whose ``at`` is the site's local wall time with no offset.
  Parquet stores ``at`` as ``timestamp[us, tz=UTC]``, a type that cannot hold a naive value, so
  Parquet output has none (the manifest says 0).

The faults touch disjoint sets of rows and timepoints, so each is found by exactly one rule. Events
after the data cut (``as_of``) are not written: the log is an extract taken at the cut.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

Format = Literal["parquet", "csv"]
Arr = np.ndarray[Any, np.dtype[Any]]  # numpy's dtype algebra is beyond mypy: one array alias
IntArray = Arr
BoolArray = Arr
FloatArray = Arr

US = 1_000_000  # microseconds per second
HOUR = 3600 * US
DAY = 24 * HOUR
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
DEFAULT_AS_OF = dt.datetime(2026, 6, 30, tzinfo=dt.UTC)
EVENTS_PER_STUDY = 3_800  # rough (varies with the seed); documented in the module docstring

EVENTS = (
    "site_survey_completed", "site_training_completed", "technician_certified",
    "qualification_scan_received", "qualification_scan_passed", "qualification_scan_failed",
    "scanner_qualified", "scanner_changed", "site_activated",
    "timepoint_expected", "scan_acquired", "deidentified", "upload_completed", "media_shipped",
    "images_received",
    "phi_found", "images_incomplete", "protocol_deviation_found", "qc_passed", "qc_failed",
    "query_opened", "query_answered", "query_closed", "resubmission_received", "rescan_requested",
    "released_to_read", "read_assigned", "read_completed", "read_qc_issue", "discordance_flagged",
    "adjudication_completed", "read_selected", "read_not_selected", "global_read_completed",
    "assessment_finalised", "non_evaluable", "timepoint_cancelled",
    "eligibility_read_requested", "eligibility_read_reported", "progression_read_requested",
    "progression_read_reported", "safety_read_requested", "safety_read_reported",
    "progression_unconfirmed", "confirmation_scan_acquired",
    "transfer_cutoff", "data_transfer_sent", "transfer_validated", "transfer_rejected",
    "reconciliation_completed", "reconciliation_discrepancy", "final_data_transfer_sent",
    "database_locked",
    "governance_action_raised", "governance_action_closed", "incident_detected",
    "incident_notified", "incident_closed", "escalation_raised", "escalation_resolved",
)  # fmt: skip
UNKNOWN_EVENTS = ("image_recieved", "qc_pending", "read_started", "Images Received", "qc_hold")
NEGATIVE_DURATION_METRICS = ("XFER-CT", "XFER-OT")
KEYS = (
    "study", "site", "subject", "timepoint", "submission", "query", "reader", "scanner",
    "transfer", "action", "incident", "escalation",
)  # fmt: skip
ATTRS = ("modality", "query_reason", "qc_outcome", "transfer_method", "read_type")
QUERY_REASONS = ("missing-series", "protocol", "phi", "image-quality", "form")
TRANSFER_METHODS = ("electronic", "media")
READ_TYPES = ("routine", "eligibility", "progression", "safety")
QC_OUTCOMES = ("accepted", "rejected")

# (therapeutic_area, indication, response_criteria, visit interval in weeks, modality, weight)
AREAS = (
    ("oncology", "NSCLC", "RECIST 1.1", 8, "CT", 3),
    ("oncology", "melanoma", "iRECIST", 8, "CT", 2),
    ("oncology", "lymphoma", "Lugano", 12, "PET", 1),
    ("oncology", "glioblastoma", "RANO", 8, "MRI", 1),
    ("neurology", "multiple sclerosis", "McDonald 2017", 24, "MRI", 2),
    ("neurology", "Alzheimer's disease", "amyloid PET and ARIA", 12, "MRI", 2),
    ("cardiology", "heart failure", "ASE echo", 24, "echo", 1),
    ("rheumatology", "rheumatoid arthritis", "mTSS", 24, "X-ray", 1),
    ("ophthalmology", "neovascular AMD", "OCT CST", 4, "OCT", 1),
)
# (vendor, speed multiplier, first-pass QC probability, electronic upload probability, calendar)
VENDORS = (
    ("Meridian Imaging", 1.0, 0.90, 0.97, "us"),
    ("Northlake Core Lab", 1.35, 0.86, 0.90, "us"),
    ("Sakura Imaging Sciences", 0.9, 0.92, 0.95, "jp"),
    ("Veritas Radiology", 1.7, 0.82, 0.80, "eu"),
)
# (country, calendar, UTC offset in hours used for local clinic hours, weight)
COUNTRIES = (
    ("US", "us", -5, 5), ("CA", "us", -5, 1), ("DE", "eu", 1, 2), ("FR", "eu", 1, 2),
    ("ES", "eu", 1, 1), ("PL", "eu", 1, 1), ("JP", "jp", 9, 2),
)  # fmt: skip
HOLIDAY_COUNTRY = {"us": "US", "eu": "DE", "jp": "JP"}
MODALITIES = tuple(sorted({a[4] for a in AREAS}))
READERS = tuple(f"R{i:02d}" for i in range(1, 9)) + ("ADJ1", "ADJ2")
FINAL_TRANSFER = 999
INTERNAL = ("protect",)  # 1 on rows a fault must not touch (the stop-before-start pairs)


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


# ------------------------------------------------------------------------------ the event log


class _Log:
    """Event rows collected as whole columns of integer codes (-1 = null) and microsecond times."""

    def __init__(self) -> None:
        self.blocks: list[dict[str, IntArray]] = []

    def add(self, event: str, at: IntArray, keep: BoolArray | None = None, /, **cols: Any) -> None:
        """Add one row per element of ``at`` (where ``keep``); ``cols`` are arrays or scalars."""
        mask = np.ones(len(at), dtype=bool) if keep is None else keep
        n = int(mask.sum())
        if n == 0:
            return
        block = {"event": np.full(n, EVENTS.index(event), dtype=np.int64), "at": at[mask]}
        for name in (*KEYS, *ATTRS, *INTERNAL):
            value = cols.get(name, -1)
            arr = np.broadcast_to(np.asarray(value, dtype=np.int64), mask.shape)
            block[name] = np.ascontiguousarray(arr[mask])
        self.blocks.append(block)

    def columns(self) -> dict[str, IntArray]:
        names = self.blocks[0].keys()
        return {k: np.concatenate([b[k] for b in self.blocks]) for k in names}


@dataclass
class _World:
    """Study, site and subject-level draws shared by the event builders."""

    rng: np.random.Generator
    as_of_us: int
    study_area: IntArray
    study_vendor: IntArray
    study_start: IntArray
    site_study: IntArray
    site_number: IntArray
    site_country: IntArray
    site_speed: FloatArray
    site_quality: FloatArray
    site_activated: IntArray
    subject_site: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    subject_names: list[str] = field(default_factory=list)
    holidays: dict[str, IntArray] = field(default_factory=dict)


@functools.cache
def _holiday_days(calendar: str) -> tuple[int, ...]:
    import holidays  # a dependency of imx; public holidays of the calendar's country

    days = holidays.country_holidays(HOLIDAY_COUNTRY[calendar], years=range(2024, 2029))
    return tuple(sorted((d - EPOCH.date()).days for d in days))


def _roll_to_business(at: IntArray, holiday_days: IntArray) -> IntArray:
    """Move times that fall on a weekend or holiday (UTC date) to the next business morning."""
    out = at.copy()
    for _ in range(6):
        day = out // DAY
        off = ((day + 3) % 7 >= 5) | np.isin(day, holiday_days)
        if not off.any():
            break
        out = np.where(off, (day + 1) * DAY + 13 * HOUR + (out % HOUR), out)
    return out


def _lognormal(
    rng: np.random.Generator, median_hours: FloatArray | float, sigma: float, n: int
) -> IntArray:
    hours = np.asarray(median_hours) * rng.lognormal(0.0, sigma, n)
    return (hours * HOUR).astype(np.int64)


def _clinic_time(rng: np.random.Generator, day_us: IntArray, offset_hours: IntArray) -> IntArray:
    """A time during local clinic hours (08:00-18:00) on the given UTC day, as UTC."""
    local: IntArray = rng.integers(8 * 3600, 18 * 3600, len(day_us)) * US
    start: IntArray = (day_us // DAY) * DAY
    result: IntArray = start + local - offset_hours * HOUR
    return result


# ------------------------------------------------------------------------------ studies and sites


def _studies(rng: np.random.Generator, n: int, as_of_us: int) -> tuple[IntArray, ...]:
    weights = np.array([a[5] for a in AREAS], dtype=float)
    area = rng.choice(len(AREAS), n, p=weights / weights.sum())
    vendor = rng.integers(0, len(VENDORS), n)
    first = int((dt.datetime(2024, 7, 1, tzinfo=dt.UTC) - EPOCH).total_seconds()) * US
    latest = max(first + DAY, as_of_us - 120 * DAY)
    start = rng.integers(first, latest, n) // DAY * DAY
    # the older studies have often finished imaging: they reach their final data transfer
    closed = (start < as_of_us - 500 * DAY) & (rng.random(n) < 0.6)
    end = np.where(closed, start + 420 * DAY, np.iinfo(np.int64).max // 2)
    return area, vendor, start, end


def _sites(rng: np.random.Generator, n_studies: int) -> tuple[IntArray, ...]:
    per_study = 10 + rng.poisson(8, n_studies)
    site_study = np.repeat(np.arange(n_studies), per_study)
    starts = np.repeat(np.cumsum(per_study) - per_study, per_study)
    number = np.arange(len(site_study)) - starts + 1
    weights = np.array([c[3] for c in COUNTRIES], dtype=float)
    country = rng.choice(len(COUNTRIES), len(site_study), p=weights / weights.sum())
    return site_study, number, country


def _world(n_studies: int, seed: int, as_of_us: int) -> tuple[_World, IntArray]:
    rng = np.random.default_rng(seed)
    area, vendor, start, end = _studies(rng, n_studies, as_of_us)
    site_study, number, country = _sites(rng, n_studies)
    n_sites = len(site_study)
    world = _World(
        rng=rng,
        as_of_us=as_of_us,
        study_area=area,
        study_vendor=vendor,
        study_start=start,
        site_study=site_study,
        site_number=number,
        site_country=country,
        site_speed=rng.lognormal(0.0, 0.45, n_sites),
        site_quality=rng.lognormal(0.0, 0.35, n_sites),
        site_activated=np.zeros(n_sites, dtype=np.int64),
    )
    world.holidays = {c: np.array(_holiday_days(c), dtype=np.int64) for c in HOLIDAY_COUNTRY}
    return world, end


def _lab_holidays(world: _World, study: IntArray) -> IntArray:
    """Holidays of the core lab's calendar; vendors in one calendar share one set (all: union)."""
    calendars = {VENDORS[v][4] for v in np.unique(world.study_vendor[study]).tolist()}
    return np.unique(np.concatenate([world.holidays[c] for c in sorted(calendars)]))


def _site_events(log: _Log, w: _World) -> IntArray:
    """Start-up events per site; returns the scanner-change time per site (huge if none)."""
    rng, n = w.rng, len(w.site_study)
    offset = np.array([COUNTRIES[c][2] for c in w.site_country])
    keys = {"study": w.site_study, "site": w.site_number}
    hol = _lab_holidays(w, w.site_study)
    survey = _clinic_time(rng, w.study_start[w.site_study] + rng.integers(0, 120, n) * DAY, offset)
    training = survey + _lognormal(rng, 120.0 * w.site_speed, 0.6, n)
    received = training + _lognormal(rng, 96.0 * w.site_speed, 0.7, n)
    ophthalmology = w.study_area[w.site_study] == 8
    first_pass = rng.random(n) < np.where(ophthalmology, 0.63, 0.82)
    review = _roll_to_business(received + _lognormal(rng, 30.0, 0.6, n), hol)
    retry = review + _lognormal(rng, 170.0 * w.site_speed, 0.6, n)
    passed = np.where(first_pass, review, _roll_to_business(retry + 30 * HOUR, hol))
    qualified = passed + HOUR
    activated = _roll_to_business(qualified + _lognormal(rng, 60.0, 0.7, n), hol)
    late_cert = rng.random(n) < 0.06
    certified = np.where(
        late_cert,
        activated + _lognormal(rng, 900.0, 0.5, n),
        training + _lognormal(rng, 40.0, 0.5, n),
    )
    log.add("site_survey_completed", survey, **keys)
    log.add("site_training_completed", training, **keys)
    log.add("technician_certified", certified, **keys)
    log.add("qualification_scan_received", received, **keys)
    log.add("qualification_scan_failed", review, ~first_pass, **keys)
    log.add("qualification_scan_received", retry, ~first_pass, **keys)
    log.add("qualification_scan_passed", passed, **keys)
    log.add("scanner_qualified", qualified, scanner=0, **keys)
    log.add("site_activated", activated, **keys)
    w.site_activated = activated
    return _scanner_changes(log, w, hol, keys)


def _scanner_changes(log: _Log, w: _World, hol: IntArray, keys: dict[str, IntArray]) -> IntArray:
    rng, n = w.rng, len(w.site_study)
    changed = rng.random(n) < 0.12
    change = w.site_activated + rng.integers(60, 300, n) * DAY
    requalified = _roll_to_business(change + _lognormal(rng, 90.0, 0.8, n), hol)
    log.add("scanner_changed", change, changed, scanner=1, **keys)
    log.add("scanner_qualified", requalified, changed, scanner=1, **keys)
    return np.where(changed, change, np.iinfo(np.int64).max // 2)


# ------------------------------------------------------------------------------ timepoints


@dataclass
class _Timepoints:
    """One element per scheduled imaging visit."""

    site: IntArray  # global site index
    subject: IntArray  # global subject code
    weeks: IntArray  # visit label code: 0 = BL, else weeks since baseline
    scheduled: IntArray
    prone: BoolArray  # the subject's images are hard to read (discordance-prone)

    def keys(self, w: _World) -> dict[str, IntArray]:
        return {
            "study": w.site_study[self.site],
            "site": w.site_number[self.site],
            "subject": self.subject,
            "timepoint": self.weeks,
        }


def _subjects(w: _World, study_end: IntArray) -> _Timepoints:
    rng = w.rng
    per_site = 1 + rng.poisson(6, len(w.site_study))
    site = np.repeat(np.arange(len(w.site_study)), per_site)
    seq = np.arange(len(site)) - np.repeat(np.cumsum(per_site) - per_site, per_site) + 1
    w.subject_site = site
    w.subject_names = [f"{n:03d}-{s:04d}" for n, s in zip(w.site_number[site], seq, strict=True)]
    enrol = w.site_activated[site] + rng.integers(5, 420, len(site)) * DAY
    interval = np.array([a[3] for a in AREAS])[w.study_area[w.site_study[site]]] * 7 * DAY
    end = np.minimum(study_end[w.site_study[site]], w.as_of_us + 20 * DAY)
    room = np.clip((end - enrol) // interval + 1, 0, 14)
    visits = np.minimum(room, 1 + rng.geometric(0.09, len(site)))
    subject = np.repeat(np.arange(len(site)), visits)
    k = np.arange(len(subject)) - np.repeat(np.cumsum(visits) - visits, visits)
    scheduled = enrol[subject] + k * interval[subject]
    weeks = k * interval[subject] // (7 * DAY)
    prone = (rng.random(len(site)) < 0.55)[subject]
    return _Timepoints(site[subject], subject, weeks, scheduled, prone)


def _acquisition(log: _Log, w: _World, tp: _Timepoints, change: IntArray) -> dict[str, IntArray]:
    rng, n, keys = w.rng, len(tp.site), tp.keys(w)
    offset = np.array([COUNTRIES[c][2] for c in w.site_country])[tp.site]
    modality = np.array([a[4] for a in AREAS])[w.study_area[w.site_study[tp.site]]]
    mod_code = np.searchsorted(MODALITIES, modality)
    log.add("timepoint_expected", tp.scheduled, **keys)
    fate = rng.random(n)
    cancelled, imaged = fate < 0.03, fate >= 0.045
    log.add("timepoint_cancelled", tp.scheduled + DAY, cancelled, **keys)
    scan = _clinic_time(rng, tp.scheduled + rng.integers(-3, 5, n) * DAY, offset)
    scanner = (scan >= change[tp.site]).astype(np.int64)
    log.add("scan_acquired", scan, imaged, scanner=scanner, modality=mod_code, **keys)
    log.add("deidentified", scan + _lognormal(rng, 2.0, 0.5, n), imaged, **keys)
    vendor = w.study_vendor[w.site_study[tp.site]]
    electronic = rng.random(n) < np.array([v[3] for v in VENDORS])[vendor]
    sent = scan + _lognormal(rng, 20.0 * w.site_speed[tp.site], 0.9, n)
    received = np.where(
        electronic, sent + _lognormal(rng, 0.5, 0.5, n), sent + _lognormal(rng, 60.0, 0.4, n)
    )
    method = np.where(electronic, 0, 1)
    log.add("upload_completed", sent, imaged & electronic, submission=0, transfer_method=0, **keys)
    log.add("media_shipped", sent, imaged & ~electronic, submission=0, transfer_method=1, **keys)
    return {
        "scan": scan,
        "received": received,
        "imaged": imaged,
        "modality": mod_code,
        "vendor": vendor,
        "method": method,
        "cancelled": cancelled,
    }


def _negatives(w: _World, acq: dict[str, IntArray], rate: float) -> BoolArray:
    """Pick timepoints whose receipt is moved before acquisition (stop before start)."""
    eligible = np.flatnonzero(acq["imaged"] & (acq["scan"] <= w.as_of_us - 3 * DAY))
    k = int(round(len(eligible) * rate))
    chosen = np.zeros(len(acq["scan"]), dtype=bool)
    chosen[w.rng.choice(eligible, k, replace=False)] = True
    early = acq["scan"] - w.rng.integers(1, 48, len(chosen)) * HOUR
    acq["received"] = np.where(chosen, early, acq["received"])
    return chosen


def _quality_control(
    log: _Log, w: _World, tp: _Timepoints, acq: dict[str, IntArray], negative: BoolArray
) -> IntArray:
    """Receipt, QC findings, the query loop and resubmission; returns the QC acceptance time."""
    rng, n, keys, imaged = w.rng, len(tp.site), tp.keys(w), acq["imaged"]
    speed = np.array([v[1] for v in VENDORS])[acq["vendor"]]
    hol = _lab_holidays(w, w.site_study[tp.site])
    received = acq["received"]
    log.add(
        "images_received",
        received,
        imaged,
        submission=0,
        modality=acq["modality"],
        transfer_method=acq["method"],
        protect=negative.astype(np.int64),
        **keys,
    )
    qc1 = _roll_to_business(
        np.maximum(received, acq["scan"]) + _lognormal(rng, 16.0 * speed, 0.8, n), hol
    )
    phi, incomplete = rng.random(n) < 0.01, rng.random(n) < 0.07
    deviation = rng.random(n) < 0.04 * w.site_quality[tp.site]
    fp = np.array([v[2] for v in VENDORS])[acq["vendor"]] ** w.site_quality[tp.site]
    fp = np.where(w.study_area[w.site_study[tp.site]] == 6, fp * 0.92, fp)  # echo
    passed_first = (rng.random(n) < fp) & ~phi & ~incomplete
    log.add("phi_found", qc1, imaged & phi, **keys)
    log.add("images_incomplete", received + 2 * HOUR, imaged & incomplete, **keys)
    log.add("protocol_deviation_found", qc1, imaged & deviation, **keys)
    failed = imaged & ~passed_first
    log.add("qc_failed", qc1, failed, submission=0, qc_outcome=1, **keys)
    accepted = _query_loop(log, w, tp, qc1, failed, hol, speed)
    accepted = np.where(passed_first, qc1, accepted)
    log.add("qc_passed", accepted, imaged & passed_first, submission=0, qc_outcome=0, **keys)
    _form_queries(log, w, tp, accepted, imaged)
    return accepted


def _query_loop(
    log: _Log,
    w: _World,
    tp: _Timepoints,
    qc1: IntArray,
    failed: BoolArray,
    hol: IntArray,
    speed: FloatArray,
) -> IntArray:
    rng, n, keys = w.rng, len(tp.site), tp.keys(w)
    opened = qc1 + 10 * 60 * US
    reason = rng.integers(0, len(QUERY_REASONS), n)
    rescan = failed & (rng.random(n) < 0.2)
    answered = opened + _lognormal(rng, 40.0 * w.site_speed[tp.site], 1.0, n)
    resubmitted = answered + np.where(rescan, _lognormal(rng, 120.0, 0.5, n), HOUR)
    qc2 = _roll_to_business(resubmitted + _lognormal(rng, 12.0 * speed, 0.8, n), hol)
    closed = qc2 + 30 * 60 * US
    log.add("query_opened", opened, failed, query=0, query_reason=reason, **keys)
    log.add("rescan_requested", opened + HOUR, rescan, **keys)
    log.add("query_answered", answered, failed, query=0, **keys)
    log.add("resubmission_received", resubmitted, failed, submission=1, **keys)
    log.add("qc_passed", qc2, failed, submission=1, qc_outcome=0, **keys)
    log.add("query_closed", closed, failed, query=0, **keys)
    return qc2


def _form_queries(
    log: _Log, w: _World, tp: _Timepoints, accepted: IntArray, imaged: BoolArray
) -> None:
    rng, n, keys = w.rng, len(tp.site), tp.keys(w)
    asked = imaged & (rng.random(n) < 0.06)
    reopened = asked & (rng.random(n) < 0.15)
    opened = accepted + _lognormal(rng, 30.0, 0.5, n)
    answered = opened + _lognormal(rng, 50.0 * w.site_speed[tp.site], 1.1, n)
    again = answered + _lognormal(rng, 60.0, 0.8, n)
    last = np.where(reopened, again, answered)
    closed = last + _lognormal(rng, 20.0, 1.0, n)
    log.add("query_opened", opened, asked, query=1, query_reason=4, **keys)
    log.add("query_answered", answered, asked, query=1, **keys)
    log.add("query_answered", again, reopened, query=1, **keys)
    log.add("query_closed", closed, asked, query=1, **keys)


# ------------------------------------------------------------------------------ central read


def _pick_readers(w: _World, tp: _Timepoints) -> tuple[IntArray, IntArray]:
    rng, n = w.rng, len(tp.site)
    pool = 4 + w.site_study[tp.site] % 5  # 4 to 8 primary readers per study
    first = rng.integers(0, 1 << 30, n) % pool
    second = (first + 1 + rng.integers(0, 1 << 30, n) % (pool - 1)) % pool
    return first, second


def _reads(
    log: _Log, w: _World, tp: _Timepoints, accepted: IntArray, imaged: BoolArray
) -> IntArray:
    """Release, two primary reads, discordance and adjudication; returns the final time."""
    rng, n, keys = w.rng, len(tp.site), tp.keys(w)
    study = w.site_study[tp.site]
    speed = np.array([v[1] for v in VENDORS])[w.study_vendor[study]]
    hol = _lab_holidays(w, study)
    released = _roll_to_business(accepted + _lognormal(rng, 20.0 * speed, 0.9, n), hol)
    log.add("released_to_read", released, imaged, **keys)
    a, b = _pick_readers(w, tp)
    reader_pace = 1.0 + 0.15 * ((study * 7 + a * 3) % 5)
    done_a = _roll_to_business(released + _lognormal(rng, 30.0 * reader_pace, 0.9, n), hol)
    done_b = _roll_to_business(released + _lognormal(rng, 30.0, 0.9, n), hol)
    for reader, done in ((a, done_a), (b, done_b)):
        log.add("read_assigned", released + 300 * US, imaged, reader=reader, read_type=0, **keys)
        log.add("read_completed", done, imaged, reader=reader, read_type=0, **keys)
    log.add("read_qc_issue", done_a, imaged & (rng.random(n) < 0.015), **keys)
    both = np.maximum(done_a, done_b)
    rate = np.where(tp.prone, 0.55, 0.07)
    disc = imaged & (rng.random(n) < rate)
    flagged = both + HOUR
    adjudicated = _roll_to_business(flagged + _lognormal(rng, 40.0 * speed, 0.8, n), hol)
    adjudicator = 8 + study % 2
    log.add("discordance_flagged", flagged, disc, **keys)
    log.add("adjudication_completed", adjudicated, disc, reader=adjudicator, **keys)
    lean = 0.5 + 0.12 * (((study + a) % 3) - 1)  # some readers are overruled more often
    pick_a = rng.random(n) < lean
    log.add("read_selected", adjudicated, disc, reader=np.where(pick_a, a, b), **keys)
    log.add("read_not_selected", adjudicated, disc, reader=np.where(pick_a, b, a), **keys)
    final = np.where(disc, adjudicated, both) + 30 * 60 * US
    unreadable = rng.random(n) < 0.02
    log.add("assessment_finalised", final, imaged & ~unreadable, **keys)
    log.add("non_evaluable", final, imaged & unreadable, **keys)
    return np.where(imaged, final, np.iinfo(np.int64).max // 2)


def _rapid_reads(
    log: _Log, w: _World, tp: _Timepoints, received: IntArray, imaged: BoolArray
) -> None:
    rng, n, keys = w.rng, len(tp.site), tp.keys(w)
    area = w.study_area[w.site_study[tp.site]]
    baseline, follow_up = tp.weeks == 0, tp.weeks > 0
    alzheimer, oncology = area == 5, area <= 3
    eligibility = imaged & baseline & (alzheimer | (oncology & (rng.random(n) < 0.3)))
    progression = imaged & follow_up & oncology & (rng.random(n) < 0.05)
    safety = imaged & follow_up & alzheimer
    speed = w.site_speed[tp.site] ** 0.3
    for kind, mask, median, code in (
        ("eligibility", eligibility, 30.0, 1),
        ("progression", progression, 40.0, 2),
        ("safety", safety, 10.0, 3),
    ):
        asked = received + HOUR
        told = asked + _lognormal(rng, median * speed, 0.6, n)
        log.add(f"{kind}_read_requested", asked, mask, read_type=code, **keys)
        log.add(f"{kind}_read_reported", told, mask, read_type=code, **keys)


def _after_read(log: _Log, w: _World, tp: _Timepoints, final: IntArray, imaged: BoolArray) -> None:
    """iRECIST confirmation scans and reconciliation with the clinical database."""
    rng, n, keys = w.rng, len(tp.site), tp.keys(w)
    irecist = w.study_area[w.site_study[tp.site]] == 1
    iupd = imaged & irecist & (tp.weeks > 0) & (rng.random(n) < 0.06)
    confirmation = final + _lognormal(rng, 40.0 * 24, 0.25, n)
    log.add("progression_unconfirmed", final + HOUR, iupd, **keys)
    log.add("confirmation_scan_acquired", confirmation, iupd & (rng.random(n) < 0.92), **keys)
    reconciled = final + _lognormal(rng, 20.0 * 24, 0.6, n)
    log.add("reconciliation_completed", reconciled, imaged, **keys)
    log.add(
        "reconciliation_discrepancy", reconciled + HOUR, imaged & (rng.random(n) < 0.02), **keys
    )


# ------------------------------------------------------------------------------ study level


def _series(w: _World, every_days: float, first_days: int) -> tuple[IntArray, IntArray, IntArray]:
    """Items per study at random times from ``first_days`` after start to the cut: (study, id, t)."""
    span = np.maximum(w.as_of_us - w.study_start - first_days * DAY, DAY)
    count = w.rng.poisson(span / (every_days * DAY))
    study = np.repeat(np.arange(len(span)), count)
    ident = np.arange(len(study)) - np.repeat(np.cumsum(count) - count, count)
    at = w.study_start[study] + first_days * DAY + (w.rng.random(len(study)) * span[study])
    return study, ident, at.astype(np.int64) // US * US


def _transfers(log: _Log, w: _World) -> None:
    rng = w.rng
    study, ident, cutoff = _series(w, 90.0, 120)
    n = len(study)
    speed = np.array([v[1] for v in VENDORS])[w.study_vendor[study]]
    sent = _roll_to_business(cutoff + _lognormal(rng, 100.0 * speed, 0.6, n), w.holidays["us"])
    rejected = rng.random(n) < 0.08
    checked = sent + _lognormal(rng, 70.0, 0.5, n)
    valid = checked + np.where(rejected, _lognormal(rng, 120.0, 0.4, n), 0)
    keys = {"study": study, "transfer": ident}
    log.add("transfer_cutoff", cutoff, **keys)
    log.add("data_transfer_sent", sent, transfer_method=0, **keys)
    log.add("transfer_rejected", checked, rejected, **keys)
    log.add("transfer_validated", valid, **keys)


def _final_transfer(
    log: _Log, w: _World, closed: BoolArray, tp: _Timepoints, received: IntArray, imaged: BoolArray
) -> None:
    study = w.site_study[tp.site]
    last = np.full(len(w.study_start), -1, dtype=np.int64)
    np.maximum.at(last, study[imaged], received[imaged])
    has = closed & (last > 0)
    final = last + _lognormal(w.rng, 24.0 * 18, 0.5, len(last))
    locked = final + _lognormal(w.rng, 24.0 * 12, 0.4, len(last))
    ident = np.arange(len(last))
    log.add("final_data_transfer_sent", final, has, study=ident, transfer=FINAL_TRANSFER)
    log.add("database_locked", locked, has, study=ident)


def _governance(log: _Log, w: _World) -> None:
    rng = w.rng
    study, ident, raised = _series(w, 25.0, 30)
    closed = raised + _lognormal(rng, 24.0 * 16, 0.7, len(study))
    log.add("governance_action_raised", raised, study=study, action=ident)
    log.add("governance_action_closed", closed, study=study, action=ident)
    study, ident, found = _series(w, 110.0, 60)
    notified = found + _lognormal(rng, 14.0, 1.0, len(study))
    done = notified + _lognormal(rng, 24.0 * 20, 0.6, len(study))
    log.add("incident_detected", found, study=study, incident=ident)
    log.add("incident_notified", notified, study=study, incident=ident)
    log.add("incident_closed", done, study=study, incident=ident)
    study, ident, raised = _series(w, 140.0, 60)
    resolved = raised + _lognormal(rng, 24.0 * 9, 0.8, len(study))
    log.add("escalation_raised", raised, study=study, escalation=ident)
    log.add("escalation_resolved", resolved, study=study, escalation=ident)


# ------------------------------------------------------------------------------ faults


@dataclass
class _Rows:
    """The final event rows: integer columns plus fault masks."""

    cols: dict[str, IntArray]
    null_at: BoolArray
    naive: BoolArray


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
    }


def _inject(rng: np.random.Generator, cols: dict[str, IntArray], counts: dict[str, int]) -> _Rows:
    """Copy, rename and blank rows as ``counts`` says; the chosen rows never overlap."""
    n = len(cols["at"])
    eligible = rng.permutation(np.flatnonzero(cols["protect"] == 0))
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
    return _Rows({k: v[order] for k, v in out.items()}, null_at[order], naive_mask[order])


# ------------------------------------------------------------------------------ tables and files


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
        "modality": list(MODALITIES),
        "query_reason": list(QUERY_REASONS),
        "qc_outcome": list(QC_OUTCOMES),
        "transfer_method": list(TRANSFER_METHODS),
        "read_type": list(READ_TYPES),
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
    return pa.table(columns)


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


def _write(table: pa.Table, path: Path, fmt: Format) -> None:
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd", write_statistics=True)
    else:
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))


# ------------------------------------------------------------------------------ entry point


def _simulate(studies: int, seed: int, as_of_us: int) -> tuple[_World, _Log, int]:
    """Draw the whole log; returns the world, the log and the number of stop-before-start pairs."""
    w, study_end = _world(studies, seed, as_of_us)
    log = _Log()
    change = _site_events(log, w)
    tp = _subjects(w, study_end)
    acq = _acquisition(log, w, tp, change)
    negative = _negatives(w, acq, 0.004)
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
    >>> m.faults["naive-timestamp"] > 0, m.rows["events"] > 1000
    (True, True)
    """
    cut = (as_of or DEFAULT_AS_OF).astimezone(dt.UTC)
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
