"""The synthetic world in → workflow events (start-up, acquisition, QC, queries, reads, transfers, governance) out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from imx.demo_data.world import (
    AREAS,
    AUTO_QC_VENDORS,
    BIOMARKERS,
    COUNTRIES,
    DAY,
    FINAL_TRANSFER,
    HOUR,
    MODALITIES,
    OTHER_MODALITIES,
    US,
    VENDORS,
    BoolArray,
    FloatArray,
    IntArray,
    _clinic_time,
    _lab_holidays,
    _Log,
    _lognormal,
    _roll_to_business,
    _World,
)


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
    return _scanner_changes(log, w, hol, keys, qualified)


def _scanner_changes(
    log: _Log, w: _World, hol: IntArray, keys: dict[str, IntArray], qualified: IntArray
) -> IntArray:
    rng, n = w.rng, len(w.site_study)
    changed = rng.random(n) < 0.12
    change = w.site_activated + rng.integers(60, 300, n) * DAY
    requalified = _roll_to_business(change + _lognormal(rng, 90.0, 0.8, n), hol)
    log.add("scanner_changed", change, changed, scanner=1, **keys)
    log.add("scanner_qualified", requalified, changed, scanner=1, **keys)
    never = np.full(n, np.iinfo(np.int64).max // 2)
    _phantoms(log, w, keys, 0, qualified, np.where(changed, change, never))
    _phantoms(log, w, keys, 1, np.where(changed, requalified, never), never)
    return np.where(changed, change, never)


def _phantoms(
    log: _Log, w: _World, keys: dict[str, IntArray], scanner: int, start: IntArray, end: IntArray
) -> None:
    """Monthly phantom QC scans of one scanner per site from its qualification until it is
    replaced or the cut; ``reading`` is the phantom's SNR: a baseline of its own per scanner,
    noise of 2%, a slow drift, and on about one scanner in ten (an ageing coil or tube) a loss of
    1.5% a month."""
    rng, n = w.extra, len(start)
    baseline = 120.0 * rng.lognormal(0.0, 0.15, n)
    drift = np.where(rng.random(n) < 0.1, rng.normal(-0.015, 0.005, n), rng.normal(0, 0.002, n))
    stop = np.minimum(end, w.as_of_us)
    scans = np.where(start < stop, (stop - start) // (30 * DAY) + 1, 0)
    which = np.repeat(np.arange(n), scans)
    month = np.arange(len(which)) - np.repeat(np.cumsum(scans) - scans, scans)
    at = start[which] + month * 30 * DAY + rng.integers(0, 4 * 24, len(which)) * HOUR
    level = baseline[which] * (1 + drift[which] * month)
    reading = np.round(level * (1 + 0.02 * rng.standard_normal(len(which))), 1)
    site_keys = {k: v[which] for k, v in keys.items()}
    log.add("phantom_scanned", at, None, scanner=scanner, reading=reading, **site_keys)


@dataclass
class _Timepoints:
    """One element per scheduled imaging visit."""

    site: IntArray  # global site index
    subject: IntArray  # global subject code
    weeks: IntArray  # visit label code: 0 = BL, else weeks since baseline
    scheduled: IntArray
    prone: BoolArray  # the subject's images are hard to read (discordance-prone)
    modality: IntArray  # MODALITIES code, on every event of the timepoint

    def keys(self, w: _World) -> dict[str, IntArray]:
        """The timepoint's key columns and its modality, the columns of its every event."""
        return {
            "study": w.site_study[self.site],
            "site": w.site_number[self.site],
            "subject": self.subject,
            "timepoint": self.weeks,
            "modality": self.modality,
        }


def _modalities(w: _World, area: IntArray) -> IntArray:
    """Each timepoint's modality: its area's own, or one of the area's other modalities."""
    own = np.searchsorted(MODALITIES, np.array([a[4] for a in AREAS])[area])
    draw = w.extra.random(len(area))
    for index, others in OTHER_MODALITIES.items():
        floor = 0.0
        for name, share in others:
            pick = (area == index) & (draw >= floor) & (draw < floor + share)
            own = np.where(pick, MODALITIES.index(name), own)
            floor += share
    return own


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
    modality = _modalities(w, w.study_area[w.site_study[site[subject]]])
    return _Timepoints(site[subject], subject, weeks, scheduled, prone, modality)


def _acquisition(log: _Log, w: _World, tp: _Timepoints, change: IntArray) -> dict[str, IntArray]:
    rng, n, keys = w.rng, len(tp.site), tp.keys(w)
    offset = np.array([COUNTRIES[c][2] for c in w.site_country])[tp.site]
    log.add("timepoint_expected", tp.scheduled, **keys)
    fate = rng.random(n)
    cancelled, imaged = fate < 0.03, fate >= 0.045
    log.add("timepoint_cancelled", tp.scheduled + DAY, cancelled, **keys)
    late = _late_visits(w, tp)
    scan = _clinic_time(rng, tp.scheduled + rng.integers(-3, 5, n) * DAY + late, offset)
    scanner = (scan >= change[tp.site]).astype(np.int64)
    log.add("scan_acquired", scan, imaged, scanner=scanner, **keys)
    log.add("deidentified", scan + _lognormal(rng, 2.0, 0.5, n), imaged, **keys)
    vendor = w.study_vendor[w.site_study[tp.site]]
    electronic = rng.random(n) < np.array([v[3] for v in VENDORS])[vendor]
    sent = scan + _lognormal(rng, 20.0 * w.site_speed[tp.site], 0.9, n)
    received = np.where(
        electronic, sent + _lognormal(rng, 0.5, 0.5, n), sent + _lognormal(rng, 60.0, 0.4, n)
    )
    method = np.where(electronic, 0, 1)
    _upload_failures(log, w, tp, scan, sent, imaged & electronic)
    log.add("upload_completed", sent, imaged & electronic, submission=0, transfer_method=0, **keys)
    log.add("media_shipped", sent, imaged & ~electronic, submission=0, transfer_method=1, **keys)
    return {
        "scan": scan,
        "received": received,
        "imaged": imaged,
        "vendor": vendor,
        "method": method,
        "cancelled": cancelled,
    }


def _late_visits(w: _World, tp: _Timepoints) -> IntArray:
    """Days some subjects come late for their visit, outside the protocol's window (slow sites
    more often; a long tail up to months)."""
    n = len(tp.site)
    late = w.extra.random(n) < np.clip(0.04 * w.site_speed[tp.site] ** 1.5, 0.0, 0.5)
    days = 6 + w.extra.lognormal(np.log(6.0), 0.8, n).astype(np.int64)
    return np.where(late & (tp.weeks > 0), days * DAY, 0)


def _upload_failures(
    log: _Log, w: _World, tp: _Timepoints, scan: IntArray, sent: IntArray, electronic: BoolArray
) -> None:
    """Failed upload attempts before the one that completes: a few sites (poor connections, old
    upload tools) fail often, most rarely; a site retries up to three more times."""
    n, keys = len(tp.site), tp.keys(w)
    chance = np.clip(0.03 * w.site_quality[tp.site] ** 3, 0.0, 0.6)
    attempts = np.zeros(n, dtype=np.int64)
    for k in range(3):
        attempts += (w.extra.random(n) < chance) & (attempts == k)
    for k in range(1, 4):
        at = scan + ((sent - scan) * (k / (attempts + 1.0))).astype(np.int64)
        failed = electronic & (attempts >= k)
        log.add("upload_failed", at, failed, submission=0, transfer_method=0, **keys)


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
    severity = _severity(w, tp)
    log.add("protocol_deviation_found", qc1, imaged & deviation, severity=severity, **keys)
    failed = imaged & ~passed_first
    _automated_qc(log, w, tp, acq, passed_first)
    log.add("qc_failed", qc1, failed, submission=0, qc_outcome=1, actor=1, **keys)
    cause = np.where(phi, 2, np.where(incomplete, 0, np.where(deviation, 1, 3)))
    accepted = _query_loop(log, w, tp, qc1, failed, hol, speed, cause)
    accepted = np.where(passed_first, qc1, accepted)
    log.add(
        "qc_passed", accepted, imaged & passed_first, submission=0, qc_outcome=0, actor=1, **keys
    )
    _form_queries(log, w, tp, accepted, imaged)
    return accepted


def _severity(w: _World, tp: _Timepoints) -> IntArray:
    """A protocol deviation's severity (SEVERITIES code): mostly minor; sites of poorer quality
    commit more major and critical ones."""
    q = w.site_quality[tp.site]
    draw = w.extra.random(len(tp.site))
    critical, major = np.clip(0.04 * q**2, 0, 0.3), np.clip(0.2 * q, 0, 0.6)
    return np.where(draw < critical, 2, np.where(draw < critical + major, 1, 0))


def _automated_qc(
    log: _Log, w: _World, tp: _Timepoints, acq: dict[str, IntArray], passed_first: BoolArray
) -> None:
    """Vendors with automated QC check each first receipt minutes after it arrives (actor auto,
    qc_outcome accepted or rejected); the manual review decides. The software misses about a
    quarter of what the reviewers reject and rejects a few images they accept."""
    n, keys = len(tp.site), tp.keys(w)
    checked = acq["imaged"] & np.isin(acq["vendor"], AUTO_QC_VENDORS)
    agree = w.extra.random(n) < np.where(passed_first, 0.94, 0.75)
    rejected = np.where(agree, ~passed_first, passed_first).astype(np.int64)
    at = acq["received"] + _lognormal(w.extra, 0.15, 0.6, n)
    log.add("qc_auto_checked", at, checked, submission=0, qc_outcome=rejected, actor=0, **keys)


def _query_loop(
    log: _Log,
    w: _World,
    tp: _Timepoints,
    qc1: IntArray,
    failed: BoolArray,
    hol: IntArray,
    speed: FloatArray,
    cause: IntArray,
) -> IntArray:
    """The query a QC failure raises, its answer, the resubmission and the second QC; its reason
    is what failed (PHI, missing series, a deviation), else image quality (now and then a corrupt
    file or a wrong subject id)."""
    rng, n, keys = w.rng, len(tp.site), tp.keys(w)
    opened = qc1 + 10 * 60 * US
    rng.integers(0, 5, n)  # the reasons drawn before 2026.1: kept so later draws stay the same
    draw = w.extra.random(n)
    other = np.where(draw < 0.06, 7, np.where(draw < 0.1, 5, 3))
    reason = np.where(cause == 3, other, cause)
    rescan = failed & (rng.random(n) < 0.2)
    answered = opened + _lognormal(rng, 40.0 * w.site_speed[tp.site], 1.0, n)
    resubmitted = answered + np.where(rescan, _lognormal(rng, 120.0, 0.5, n), HOUR)
    qc2 = _roll_to_business(resubmitted + _lognormal(rng, 12.0 * speed, 0.8, n), hol)
    closed = qc2 + 30 * 60 * US
    log.add("query_opened", opened, failed, query=0, query_reason=reason, **keys)
    log.add("rescan_requested", opened + HOUR, rescan, **keys)
    log.add("query_answered", answered, failed, query=0, **keys)
    log.add("resubmission_received", resubmitted, failed, submission=1, **keys)
    log.add("qc_passed", qc2, failed, submission=1, qc_outcome=0, actor=1, **keys)
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
    draw = w.extra.random(n)
    reason = np.where(draw < 0.12, 5, np.where(draw < 0.25, 6, 4))  # form, subject id, visit date
    log.add("query_opened", opened, asked, query=1, query_reason=reason, **keys)
    log.add("query_answered", answered, asked, query=1, **keys)
    log.add("query_answered", again, reopened, query=1, **keys)
    log.add("query_closed", closed, asked, query=1, **keys)


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
        # reads wait for a free reader: hours mostly, days when the readers are busy
        wait = _lognormal(w.extra, 3.0 * speed, 1.3, n)
        assigned = released + np.minimum(300 * US + wait, (done - released) // 2)
        log.add("read_assigned", assigned, imaged, reader=reader, read_type=0, **keys)
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
    _biomarkers(log, w, tp, final, imaged & ~unreadable)
    return np.where(imaged, final, np.iinfo(np.int64).max // 2)


def _biomarkers(
    log: _Log, w: _World, tp: _Timepoints, final: IntArray, assessed: BoolArray
) -> None:
    """The area's quantitative biomarker (BIOMARKERS) read on each assessed timepoint; about one
    baseline in ten is scanned twice at the visit (test-retest), measured again a day later. Each
    measurement errs by the within-subject CV, more at sites of poorer quality."""
    rng, n, keys = w.extra, len(tp.site), tp.keys(w)
    typical, spread, cv = (
        np.array(c)[w.study_area[w.site_study[tp.site]]] for c in zip(*BIOMARKERS, strict=True)
    )
    true = typical * rng.lognormal(0.0, spread, n)
    error = cv * w.site_quality[tp.site]
    test = true * (1 + error * rng.standard_normal(n))
    retest = true * (1 + error * rng.standard_normal(n))
    twice = assessed & (tp.weeks == 0) & (rng.random(n) < 0.1)
    later = final + _lognormal(rng, 24.0, 0.5, n)
    log.add("biomarker_measured", final + HOUR, assessed, reading=np.round(test, 2), **keys)
    log.add("retest_scan_measured", later, twice, reading=np.round(retest, 2), **keys)


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
