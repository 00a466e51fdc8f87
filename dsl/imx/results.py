"""Raw aggregates → the long results table (values, Wilson intervals, bands, statuses) and stamp.

Conventions (documented in the language reference):

* ``variant`` is the layer that judged the row's units: ``base`` or a variant name; a row whose
  units were judged under several layers (portfolio, ``by:`` levels) says ``mixed``.
* Bands, target and ``min_n``: site and study rows use their study's layer; ``by:`` rows use the
  layer when it is a single one, else the base; portfolio rows always use the base (rule 12).
* Duration and value metrics report every summary statistic in ``stats``, an Arrow map in the
  metric's order (``[("median", 1.5), ("p90", 4.0)]``; null for other kinds); the first is
  ``value``. ``mean`` is exact: sum / n.
* ``excluded`` counts population units set aside: user exclusions (first listed reason that holds),
  ``outside-measure`` (no start / anchor), ``negative-duration`` (end before start, also a
  data-quality finding), ``null-value`` (a null amount). ``excluded_by_reason`` is an Arrow map
  of the reasons that set any unit aside to their counts, in the metric's order.
* ``stats`` and ``excluded_by_reason`` stay typed here; only the writers (``imx.output``) turn
  them into JSON text (CSV, Parquet) or objects (JSON).
* ``target_met`` is null when the status is ``no_data`` or ``insufficient``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from imx import model as m
from imx.data import QualityFinding
from imx.plan import (
    EXAMPLE,
    MIXED,
    NEGATIVE,
    Layer,
    MetricPlan,
    Plan,
    by_names,
    metric_ranks,
    order_keys,
    reason_column,
    sort_by_keys,
    stat_column,
    stat_quantile,
    variant_labels,
)


@dataclass(frozen=True)
class RunOptions:
    """What to evaluate: ``levels``/``metrics`` of ``None`` mean each metric's own declaration."""

    as_of: dt.datetime | None = None
    levels: tuple[str, ...] | None = None  # "site", "study", "portfolio", "by:vendor"
    period: str | None = None  # "month" | "quarter" | "year"; None = each metric's own period
    metrics: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Stamp:
    """What reproduces a run: the spec (:func:`spec_hash`, the same for the same resolved spec
    whatever the run options), imx, the data as read (its fingerprint, which the time zone and
    column mapping it was read with change) and every run option that can change a value."""

    spec_hash: str
    imx_version: str
    data_fingerprint: str
    as_of: dt.datetime
    engine: str = "duckdb"
    levels: tuple[str, ...] | None = None  # None: each metric's own
    period: str | None = None  # None: each metric's own
    metrics: tuple[str, ...] | None = None  # None: every metric
    versions: tuple[str, ...] = ()  # each versioned metric evaluated, as `ID@V` (rule 27)


@dataclass(frozen=True)
class Results:
    """The long results table, the data-quality findings, and the stamp that reproduces them;
    ``units``, when the run asked for them, each metric's unit rows (``imx.units``)."""

    table: pa.Table
    quality: tuple[QualityFinding, ...]
    stamp: Stamp
    units: Mapping[str, pa.Table] = field(default_factory=dict)


STATS_TYPE = pa.map_(pa.string(), pa.float64())  # statistic → value (null: none computed)
REASONS_TYPE = pa.map_(pa.string(), pa.int64())  # reason → units set aside
RESULT_SCHEMA = pa.schema(
    [
        ("metric", pa.string()),
        ("version", pa.string()),  # the metric's version (rule 27); null when it has none
        ("variant", pa.string()),
        ("level", pa.string()),
        ("study", pa.string()),
        ("site", pa.string()),
        ("group", pa.string()),
        ("group2", pa.string()),
        ("period", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("numerator", pa.float64()),
        ("denominator", pa.int64()),
        ("excluded", pa.int64()),
        ("excluded_by_reason", REASONS_TYPE),
        ("pending", pa.int64()),
        ("open", pa.int64()),
        ("ci_low", pa.float64()),
        ("ci_high", pa.float64()),
        ("band", pa.string()),
        ("status", pa.string()),
        ("target_met", pa.bool_()),
        ("stats", STATS_TYPE),
    ]
)
Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution
Row = dict[str, Any]


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion; None when ``n`` is 0.

    >>> [round(x, 4) for x in wilson(8, 10)]
    [0.4902, 0.9433]
    """
    if n <= 0:
        return None
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


_OPS = {
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def band_of(value: float | None, bands: m.Bands | None) -> str | None:
    """The first band whose condition holds for ``value`` (rule 10); None without bands/value."""
    if value is None or bands is None:
        return None
    for band in bands.bands:
        if band.is_catch_all:
            return band.name
        if band.op is not None and band.bound is not None:
            if _OPS[band.op](value, float(band.bound)):
                return band.name
        elif band.low is not None and band.high is not None:
            if float(band.low) <= value <= float(band.high):
                return band.name
    return None


NO_GROUP = "(none)"  # how every rendering shows the group of units whose ``by`` value is null


def group_label(level: str, group: object, group2: object = None) -> str:
    """How people read the group of a ``by`` row (rule 17: a null value is its own group).

    >>> group_label("by:reader", "R07")
    'reader R07'
    >>> group_label("by:vendor+therapeutic_area", None, "oncology")
    'vendor (none) × therapeutic_area oncology'
    """
    names = by_names(level)
    values = (group, group2)[: len(names)]
    shown = (NO_GROUP if v is None or v == "" else str(v) for v in values)
    return " × ".join(f"{n} {v}" for n, v in zip(names, shown, strict=False))


def level_text(label: str) -> str:
    """A level as people read it: ``by:vendor+therapeutic_area`` → ``by vendor and
    therapeutic_area``; ``site``, ``study``, ``portfolio`` as they are.

    >>> level_text("by:reader"), level_text("by:vendor+therapeutic_area"), level_text("study")
    ('by reader', 'by vendor and therapeutic_area', 'study')
    """
    names = by_names(label)
    return "by " + " and ".join(names) if names else label


def period_label(key: int | None, grain: str | None) -> str | None:
    """``202603`` → ``2026-03`` (month), ``20261`` → ``2026-Q1`` (quarter), ``2026`` (year)."""
    if key is None or grain is None:
        return None
    if grain == "month":
        return f"{key // 100:04d}-{key % 100:02d}"
    if grain == "quarter":
        return f"{key // 10:04d}-Q{key % 10}"
    return f"{key:04d}"


# ------------------------------------------------------------------------------ finalization
#
# Finalization works a column at a time (numpy and Arrow), one metric and one judging layer at a
# time, so that a portfolio's hundreds of thousands of raw rows take a second, not minutes. The
# scalar helpers above (``wilson``, ``band_of``, ``period_label``) state the same rules row by
# row; tests hold the two to the same answers.

_NUMPY_OPS: Mapping[str, Any] = {
    "<=": np.less_equal,
    "<": np.less,
    ">=": np.greater_equal,
    ">": np.greater,
    "=": np.equal,
    "!=": np.not_equal,
}


def _floats(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A float64 array with NaN for nulls."""
    return np.asarray(pc.fill_null(column.cast(pa.float64()), np.nan).to_numpy(), dtype=np.float64)


def _ints(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """An int64 array with 0 for nulls."""
    return np.asarray(pc.fill_null(column, 0).to_numpy(), dtype=np.int64)


def _nullable(values: np.ndarray) -> pa.Array:
    """float64 with NaN → an Arrow array with nulls (and -0.0 written as 0.0)."""
    return pa.array(values + 0.0, pa.float64(), mask=np.isnan(values))


def as_bools(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy, nulls as False."""
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def _wilson_arrays(successes: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, ...]:
    """:func:`wilson` over arrays, operation for operation (NaN where ``n`` is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        nf = n.astype(np.float64)
        p = successes / nf
        z2 = z * z
        centre = (p + z2 / (2 * nf)) / (1 + z2 / nf)
        half = z * np.sqrt(p * (1 - p) / nf + z2 / (4 * nf * nf)) / (1 + z2 / nf)
        low, high = np.maximum(0.0, centre - half), np.minimum(1.0, centre + half)
    empty = n <= 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def _band_indices(values: np.ndarray, bands: m.Bands | None) -> np.ndarray:
    """:func:`band_of` over an array: each value's band as its place in ``bands.bands``, -1
    without bands or value."""
    out = np.full(len(values), -1, np.int64)
    if bands is None:
        return out
    open_ = ~np.isnan(values)
    for i, band in enumerate(bands.bands):
        if band.is_catch_all:
            hit = open_
        elif band.op is not None and band.bound is not None:
            hit = open_ & _NUMPY_OPS[band.op](values, float(band.bound))
        elif band.low is not None and band.high is not None:
            hit = open_ & (float(band.low) <= values) & (values <= float(band.high))
        else:
            continue
        out[hit] = i
        open_ = open_ & ~hit
    return out


class _Texts:
    """A text column built as codes into a list of its distinct values (-1: null)."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def code(self, text: str) -> int:
        return self.values.setdefault(text, len(self.values))

    def array(self, codes: np.ndarray) -> pa.Array:
        texts = pa.array(list(self.values), pa.string())
        return pc.take(texts, pa.array(codes, pa.int64(), mask=codes < 0))


def period_labels(periods: pa.ChunkedArray | pa.Array, grain: str | None) -> pa.Array:
    """Integer period keys → their labels (:func:`period_label`), a column at a time."""
    keys = periods.combine_chunks() if isinstance(periods, pa.ChunkedArray) else periods
    distinct = pc.unique(keys)
    labels = pa.array([period_label(k, grain) for k in distinct.to_pylist()], pa.string())
    return pc.take(labels, pc.index_in(keys, distinct))


def _owned(column: pa.ChunkedArray) -> pa.Array:
    """The column copied into buffers of its own. An engine's Arrow batches are freed a batch
    at a time, so a column kept as it came would keep every other column of its batch alive
    (about 80 MB per metric of 440,000 rows)."""
    return pa.concat_arrays([pa.array([], column.type), *column.chunks])


class _Layers:
    """Which raw rows each judging layer judges (rules 11, 12, module docstring): a study row
    its study's layer, a ``by:`` row its one layer, a portfolio or ``mixed`` row the base."""

    def __init__(self, raw: pa.Table, level: pa.Array) -> None:
        self.label = variant_labels(raw)
        encoded = pc.dictionary_encode(self.label)
        self.known: list[str] = encoded.dictionary.to_pylist()
        self.codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), np.int64)
        self.by_base: np.ndarray = as_bools(pc.equal(level, "portfolio")) | self.labelled(MIXED)

    def labelled(self, *texts: str) -> np.ndarray:
        return np.isin(self.codes, [self.known.index(t) for t in texts if t in self.known])

    def rows(self, mp: MetricPlan, layer: Layer) -> np.ndarray:
        """The rows ``layer`` of ``mp`` judges."""
        if layer is mp.layers[0]:
            return np.asarray(self.by_base | ~self.labelled(*(x.label for x in mp.layers[1:])))
        return np.asarray(~self.by_base & self.labelled(layer.label))


@dataclass(frozen=True)
class _Measured:
    """A metric's numbers per raw row (NaN: none): value, numerator, denominator, statistics."""

    value: np.ndarray
    num: np.ndarray
    den: np.ndarray
    met: np.ndarray
    stats: dict[str, np.ndarray]


def _measured(mp: MetricPlan, raw: pa.Table) -> _Measured:
    """Value, numerator and denominator of each raw row by the metric's kind (rules 7–9)."""
    met, missed = _ints(raw.column("met")), _ints(raw.column("missed"))
    n_val, v_sum = _ints(raw.column("n_val")), _floats(raw.column("v_sum"))
    with np.errstate(divide="ignore", invalid="ignore"):
        stats = _statistics(mp, raw, n_val, v_sum)
        if mp.kind == "rate":
            den = met + missed
            return _Measured(np.where(den > 0, met / den, np.nan), met * 1.0, den, met, stats)
        if mp.kind in ("ratio", "count"):
            num = np.where(np.isnan(v_sum), 0.0, v_sum)
            value = np.where(n_val > 0, num / n_val * mp.ratio_scale, np.nan)
            return _Measured(num if mp.kind == "count" else value, num, n_val, met, stats)
        none = np.full(raw.num_rows, np.nan)
        return _Measured(stats[mp.stats[0]], none, n_val, met, stats)


def _statistics(
    mp: MetricPlan, raw: pa.Table, n_val: np.ndarray, v_sum: np.ndarray
) -> dict[str, np.ndarray]:
    """Each summary statistic in the metric's unit: quantiles as the engine gave them, the mean
    exact (sum / n)."""
    stats = {}
    for k, name in enumerate(mp.stats):
        if stat_quantile(name) is None:
            stats[name] = np.where(n_val > 0, v_sum / n_val / mp.scale, np.nan)
        else:
            stats[name] = _floats(raw.column(stat_column(k))) / mp.scale
    return stats


class _Judged:
    """Band, status, unit and target of each raw row, filled in a judging layer at a time;
    texts are codes into their few distinct values (-1: null)."""

    def __init__(self, n_rows: int) -> None:
        self.texts, self.units = _Texts(), _Texts()  # status and band names; units
        self.no_data, self.insufficient, self.unbanded = (
            self.texts.code(s) for s in ("no_data", "insufficient", "unbanded")
        )
        self.band = np.full(n_rows, -1, np.int64)
        self.status = np.full(n_rows, -1, np.int64)
        self.unit = np.full(n_rows, -1, np.int64)
        self.target_hit = np.zeros(n_rows, bool)
        self.target_shown = np.zeros(n_rows, bool)

    def judge(self, judge: m.ResolvedMetric, rows: np.ndarray, measured: _Measured) -> None:
        """Judge ``rows`` by one layer's bands, ``min_n`` and target (rule 10)."""
        names = [self.texts.code(b.name) for b in judge.bands.bands] if judge.bands else []
        found = np.array([*names, -1], np.int64)[_band_indices(measured.value[rows], judge.bands)]
        self.band[rows] = found
        self.unit[rows] = self.units.code(judge.value_unit.value)
        den = measured.den[rows]
        judged = np.where(found < 0, self.unbanded, found)
        judged = np.where(den < judge.min_n, self.insufficient, judged)
        judged = np.where(den == 0, self.no_data, judged)
        self.status[rows] = judged
        if judge.target is not None:
            self.target(judge.target, rows, measured, judged)

    def target(
        self, target: m.Target, rows: np.ndarray, measured: _Measured, judged: np.ndarray
    ) -> None:
        absent = np.full(len(measured.value), np.nan)
        actual = (measured.stats.get(target.stat, absent) if target.stat else measured.value)[rows]
        with np.errstate(invalid="ignore"):
            self.target_hit[rows] = _NUMPY_OPS[target.op](actual, float(target.value))
        silent = (judged == self.no_data) | (judged == self.insufficient)
        self.target_shown[rows] = ~(np.isnan(actual) | silent)


def _reasons(mp: MetricPlan, raw: pa.Table) -> tuple[np.ndarray, pa.Array]:
    """Units set aside per row: in all, and by reason (the reasons with any, in the metric's
    order) as a map."""
    n_rows, n_reasons = raw.num_rows, len(mp.reasons)
    counts = np.zeros((n_rows, n_reasons), np.int64)
    for k in range(n_reasons):
        counts[:, k] = _ints(raw.column(reason_column(k)))
    shown = counts > 0
    offsets = np.concatenate([[0], np.cumsum(shown.sum(axis=1))])
    keys = pc.take(pa.array(list(mp.reasons), pa.string()), pa.array(np.nonzero(shown)[1]))
    by_reason = pa.MapArray.from_arrays(
        pa.array(offsets, pa.int32()), keys, pa.array(counts[shown], pa.int64()), REASONS_TYPE
    )
    return counts.sum(axis=1, dtype=np.int64), by_reason


def _stats_map(mp: MetricPlan, stats: Mapping[str, np.ndarray], n_rows: int) -> pa.Array:
    """Every summary statistic of each row as a map in the metric's order (null: no statistics;
    a null value: none computed)."""
    if not mp.stats:
        return pa.nulls(n_rows, STATS_TYPE)
    k = len(mp.stats)
    values = np.column_stack([stats[name] + 0.0 for name in mp.stats]).ravel()  # -0.0 is 0.0
    keys = pc.take(pa.array(list(mp.stats), pa.string()), pa.array(np.tile(np.arange(k), n_rows)))
    offsets = pa.array(np.arange(0, n_rows * k + 1, k), pa.int32())
    items = pa.array(values, pa.float64(), mask=np.isnan(values))
    return pa.MapArray.from_arrays(offsets, keys, items, STATS_TYPE)


def _metric_rows(mp: MetricPlan, raw: pa.Table) -> pa.Table:
    """The results rows of one metric's raw aggregate rows (rules 7–12, module docstring)."""
    n_rows = raw.num_rows
    level = _owned(raw.column("level"))
    layers, measured, judged = _Layers(raw, level), _measured(mp, raw), _Judged(n_rows)
    for layer in mp.layers:
        rows = layers.rows(mp, layer)
        if rows.any():
            judged.judge(layer.metric, rows, measured)
    excluded, by_reason = _reasons(mp, raw)
    nan = np.full(n_rows, np.nan)
    ci_low, ci_high = (
        _wilson_arrays(measured.met, measured.den) if mp.kind == "rate" else (nan,) * 2
    )
    none_int = pa.nulls(n_rows, pa.int64())
    columns: dict[str, Any] = {
        "metric": pa.repeat(pa.scalar(mp.id, pa.string()), n_rows),
        "version": pa.repeat(pa.scalar(mp.version, pa.string()), n_rows),
        "variant": layers.label,
        "level": level,
        "study": _owned(raw.column("study")),
        "site": _owned(raw.column("site")),
        "group": _owned(raw.column("grp")),
        "group2": _owned(raw.column("grp2")),
        "period": period_labels(raw.column("period"), mp.period_grain),
        "value": _nullable(measured.value),
        "unit": judged.units.array(judged.unit),
        "numerator": _nullable(measured.num),
        "denominator": pa.array(measured.den, pa.int64()),
        "excluded": pa.array(excluded, pa.int64()),
        "excluded_by_reason": by_reason,
        "pending": _owned(raw.column("pending")) if mp.kind == "rate" else none_int,
        "open": _owned(raw.column("open")) if mp.kind == "duration" else none_int,
        "ci_low": _nullable(ci_low),
        "ci_high": _nullable(ci_high),
        "band": judged.texts.array(judged.band),
        "status": judged.texts.array(judged.status),
        "target_met": pa.array(judged.target_hit, pa.bool_(), mask=~judged.target_shown),
        "stats": _stats_map(mp, measured.stats, n_rows),
    }
    return pa.table(columns).cast(RESULT_SCHEMA)


def _negative_finding(mp: MetricPlan, raw: Row) -> QualityFinding | None:
    if NEGATIVE not in mp.reasons:
        return None
    n = raw[reason_column(mp.reasons.index(NEGATIVE))]
    if not n:
        return None
    examples = tuple(raw[EXAMPLE] or ())
    message = f"{n} unit(s) of {mp.id} end before they start; left out of the measure"
    return QualityFinding("negative-duration", "events", n, examples, mp.id, message)


def _ordered(raw: pa.Table, plans: Mapping[str, MetricPlan]) -> tuple[pa.Table, np.ndarray]:
    """Raw rows in the canonical order (:data:`imx.plan.RESULT_ORDER`), and where each metric's
    rows start and end. Rows already in that order (as every engine gives them) are not sorted
    again."""
    keys = order_keys(raw, list(plans))
    ranks = metric_ranks(raw, list(plans))
    bounds = np.concatenate([[0], np.cumsum(np.bincount(ranks, minlength=len(plans) + 1))])
    return sort_by_keys(raw, keys), bounds


def finalize(
    plan: Plan, raw: Iterable[pa.Table], quality: tuple[QualityFinding, ...], stamp: Stamp
) -> Results:
    """Raw aggregates of any engine → :class:`Results`, its rows in the canonical order of
    results (:data:`imx.plan.RESULT_ORDER`): every engine gives them so, and a part that is not
    is sorted (:func:`_ordered`).

    ``raw`` comes in parts (an engine's output a metric or a grain at a time), each holding every
    raw row of the metrics it names; each part is finished and let go before the next is taken, so
    only one part's raw rows are held at a time.
    """
    plans = {mp.id: mp for g in plan.grains for mp in g.metrics}  # in plan order
    done: dict[str, pa.Table] = {}
    findings: list[QualityFinding] = []
    for part in raw:
        rows, bounds = _ordered(part, plans)
        del part  # the sorted copy replaces it
        for i, mp in enumerate(plans.values()):
            start, stop = int(bounds[i]), int(bounds[i + 1])
            if stop > start:
                if mp.id in done:
                    raise ValueError(f"the raw rows of {mp.id} came in more than one part")
                done[mp.id] = _metric_rows(mp, rows.slice(start, stop - start))
        whole = rows.slice(int(bounds[-2]), int(bounds[-1] - bounds[-2]))
        for r in whole.to_pylist():
            finding = _negative_finding(plans[r["metric"]], r)
            findings.extend([finding] if finding else [])
    order = list(plans)
    findings.sort(key=lambda f: order.index(f.metric or ""))
    parts = [RESULT_SCHEMA.empty_table(), *(done[i] for i in plans if i in done)]
    return Results(pa.concat_tables(parts), tuple(quality) + tuple(findings), stamp)


# ------------------------------------------------------------------------------------ stamp


def canonical(value: object) -> object:
    """A JSON-ready rendering independent of hash seeds and source locations."""
    if is_dataclass(value) and not isinstance(value, type):
        skip = {"origin", "files", "examples"}
        body = {
            f.name: canonical(getattr(value, f.name)) for f in fields(value) if f.name not in skip
        }
        return {"@": type(value).__name__, **body}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal | dt.date | dt.datetime):
        return str(value)
    if isinstance(value, frozenset | set):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, tuple | list):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    return value


def spec_hash(model: m.Model) -> str:
    """The one hash of a resolved spec (sha256 of :func:`canonical`): the stamp, the handbook and
    the scorecard show it; comments, layout and file names never change it, run options neither.

    >>> spec_hash(m.Model(m.SchemaDef("s", None, None, (), (), (), ()), ()))[:12]
    '69805687ff67'
    """
    spec = json.dumps(canonical(model), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(spec.encode("utf-8")).hexdigest()


def make_stamp(
    model: m.Model,
    options: RunOptions,
    fingerprint: str,
    as_of: dt.datetime,
    engine: str = "duckdb",
) -> Stamp:
    """The spec's hash, imx's version, the data fingerprint, the cut and the run options."""
    from imx import __version__

    run = model.chosen(options.metrics).metrics
    return Stamp(
        spec_hash(model), __version__, fingerprint, as_of, engine,
        options.levels, options.period, options.metrics,
        tuple(x.key for x in run if x.version is not None),
    )  # fmt: skip
