"""The synthetic world: constants, the event-log collector, and study, site and subject draws."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

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
    "scanner_qualified", "scanner_changed", "phantom_scanned", "site_activated",
    "timepoint_expected", "scan_acquired", "deidentified", "upload_failed", "upload_completed",
    "media_shipped", "images_received",
    "phi_found", "images_incomplete", "protocol_deviation_found", "qc_auto_checked", "qc_passed",
    "qc_failed",
    "query_opened", "query_answered", "query_closed", "resubmission_received", "rescan_requested",
    "released_to_read", "read_assigned", "read_completed", "read_qc_issue", "discordance_flagged",
    "adjudication_completed", "read_selected", "read_not_selected", "global_read_completed",
    "assessment_finalised", "non_evaluable", "timepoint_cancelled", "biomarker_measured",
    "retest_scan_measured",
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


ATTRS = (
    "modality", "query_reason", "qc_outcome", "transfer_method", "read_type", "severity", "actor",
)  # fmt: skip


NUMBERS = ("reading",)  # numeric attributes: float columns, NaN = null


QUERY_REASONS = (
    "missing-series", "protocol", "phi", "image-quality", "form", "subject-id", "visit-date",
    "corrupt-file",
)  # fmt: skip


SEVERITIES = ("minor", "major", "critical")


ACTORS = ("auto", "manual")


AUTO_QC_VENDORS = (0, 2)  # the vendors (VENDORS index) that run automated QC at receipt


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


MODALITIES = tuple(sorted({a[4] for a in AREAS} | {"MRI", "PET"}))


# per area (AREAS index): modalities other than the area's own, with the share of timepoints
# imaged with each (brain MRI in lung cancer and melanoma, staging CT in lymphoma, amyloid PET)
OTHER_MODALITIES = {
    0: (("MRI", 0.10),),
    1: (("MRI", 0.18),),
    2: (("CT", 0.15),),
    5: (("PET", 0.3),),
}


UNKNOWN_MODALITIES = ("MR", "ct", "PET-CT", "US")  # codes a site system might send


# a quantitative biomarker per area (AREAS order): (typical reading, log-normal spread between
# subjects, within-subject CV): NSCLC and melanoma the sum of target-lesion diameters (mm),
# lymphoma SUVmax, glioblastoma the enhancing lesion area (cm2), MS the T2 lesion volume (mL),
# Alzheimer's the hippocampal volume (mL), heart failure LVEF (%), RA the mTSS, nAMD the central
# subfield thickness (µm)
BIOMARKERS = (
    (62.0, 0.45, 0.08), (55.0, 0.5, 0.08), (9.0, 0.4, 0.10), (18.0, 0.5, 0.12), (7.5, 0.8, 0.08),
    (3.2, 0.12, 0.03), (42.0, 0.2, 0.06), (28.0, 0.6, 0.08), (310.0, 0.12, 0.02),
)  # fmt: skip


READERS = tuple(f"R{i:02d}" for i in range(1, 9)) + ("ADJ1", "ADJ2")


FINAL_TRANSFER = 999


INTERNAL = ("protect",)  # 1 on rows a fault must not touch (the stop-before-start pairs)


class _Log:
    """Event rows collected as whole columns of integer codes (-1 = null), microsecond times and
    the numeric attributes (NaN = null)."""

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
        for name in NUMBERS:
            value = cols.get(name, np.nan)
            arr = np.broadcast_to(np.asarray(value, dtype=np.float64), mask.shape)
            block[name] = np.ascontiguousarray(arr[mask])
        self.blocks.append(block)

    def protect(self, event: str, keep: BoolArray, rows: BoolArray) -> None:
        """Mark ``rows`` (of the arrays given to the one :meth:`add` of ``event`` with ``keep``)
        as rows no fault may touch."""
        (block,) = (b for b in self.blocks if b["event"][0] == EVENTS.index(event))
        block["protect"] = np.where(rows[keep], 1, block["protect"])

    def columns(self) -> dict[str, IntArray]:
        names = self.blocks[0].keys()
        return {k: np.concatenate([b[k] for b in self.blocks]) for k in names}


@dataclass
class _World:
    """Study, site and subject-level draws shared by the event builders."""

    rng: np.random.Generator
    extra: np.random.Generator  # the draws of the attributes and events added since 2026.1
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
        extra=np.random.default_rng([seed, 2]),
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
