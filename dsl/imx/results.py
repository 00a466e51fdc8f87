"""Raw aggregates → the long results table (values, Wilson intervals, bands, statuses) and stamp.

Conventions (documented in the language reference):

* ``variant`` is the layer that judged the row's units: ``base`` or a variant name; a row whose
  units were judged under several layers (portfolio, ``by:`` levels) says ``mixed``.
* Bands, target and ``min_n``: site and study rows use their study's layer; ``by:`` rows use the
  layer when it is a single one, else the base; portfolio rows always use the base (rule 12).
* Duration and value metrics report every summary statistic in ``stats`` (JSON text, e.g.
  ``{"median": 1.5, "p90": 4.0}``); the first is ``value``. ``mean`` is exact: sum / n.
* ``excluded`` counts population units set aside: user exclusions (first listed reason that holds),
  ``outside-measure`` (no start / anchor), ``negative-duration`` (end before start, also a
  data-quality finding), ``null-value`` (a null amount). ``excluded_by_reason`` is JSON text.
* ``target_met`` is null when the status is ``no_data`` or ``insufficient``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

import pyarrow as pa

from imx import model as m
from imx.data import QualityFinding
from imx.plan import ALL_LEVEL, BASE, MIXED, NEGATIVE, MetricPlan, Plan, stat_quantile


@dataclass(frozen=True)
class RunOptions:
    """What to evaluate: ``levels``/``metrics`` of ``None`` mean each metric's own declaration."""

    as_of: dt.datetime | None = None
    levels: tuple[str, ...] | None = None  # "site", "study", "portfolio", "by:vendor"
    period: str | None = None  # "month" | "quarter" | "year"; None = each metric's own period
    metrics: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Stamp:
    spec_hash: str
    imx_version: str
    data_fingerprint: str
    as_of: dt.datetime


@dataclass(frozen=True)
class Results:
    """The long results table, the data-quality findings, and the stamp that reproduces them."""

    table: pa.Table
    quality: tuple[QualityFinding, ...]
    stamp: Stamp


RESULT_SCHEMA = pa.schema(
    [
        ("metric", pa.string()),
        ("variant", pa.string()),
        ("level", pa.string()),
        ("study", pa.string()),
        ("site", pa.string()),
        ("group", pa.string()),
        ("period", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("numerator", pa.float64()),
        ("denominator", pa.int64()),
        ("excluded", pa.int64()),
        ("excluded_by_reason", pa.string()),
        ("pending", pa.int64()),
        ("open", pa.int64()),
        ("ci_low", pa.float64()),
        ("ci_high", pa.float64()),
        ("band", pa.string()),
        ("status", pa.string()),
        ("target_met", pa.bool_()),
        ("stats", pa.string()),
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


def _layer_label(raw: Row) -> str:
    lo, hi = raw["layer_min"], raw["layer_max"]
    if lo is None:
        return BASE
    return str(lo) if lo == hi else MIXED


def _judge(mp: MetricPlan, level: str, label: str) -> m.ResolvedMetric:
    """The layer whose bands, target and min_n judge a row (see the module docstring)."""
    if level == "portfolio" or label == MIXED:
        return mp.layers[0].metric
    return mp.layer(label).metric


def _stats(mp: MetricPlan, raw: Row) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for k, name in enumerate(mp.stats):
        if stat_quantile(name) is None:
            n = raw["n_val"]
            out[name] = raw["v_sum"] / n / mp.scale if n and raw["v_sum"] is not None else None
        else:
            v = raw.get(f"st{k}")
            out[name] = None if v is None else v / mp.scale
    return out


def _measure(mp: MetricPlan, raw: Row) -> tuple[float | None, float | None, int]:
    """(value, numerator, denominator) per rules 7–9."""
    if mp.kind == "rate":
        den = raw["met"] + raw["missed"]
        return (raw["met"] / den if den else None), float(raw["met"]), den
    total, n = raw["v_sum"], raw["n_val"]
    if mp.kind == "ratio":
        num = total if total is not None else 0.0
        return (num / n * mp.ratio_scale if n else None), num, n
    if mp.kind == "count":
        num = total if total is not None else 0.0
        return num, num, n
    stats = _stats(mp, raw)
    return stats[mp.stats[0]], None, n


def _status(value: float | None, den: int, judge: m.ResolvedMetric) -> tuple[str | None, str]:
    band = band_of(value, judge.bands)
    if den == 0:
        return band, "no_data"
    if den < judge.min_n:
        return band, "insufficient"
    return band, band if band is not None else "unbanded"


def _target(
    value: float | None, stats: Mapping[str, float | None], judge: m.ResolvedMetric, status: str
) -> bool | None:
    target = judge.target
    if target is None or status in ("no_data", "insufficient"):
        return None
    actual = stats.get(target.stat) if target.stat else value
    return None if actual is None else bool(_OPS[target.op](actual, float(target.value)))


def result_row(mp: MetricPlan, raw: Row) -> Row:
    """One raw aggregate row → one results row."""
    label = _layer_label(raw)
    judge = _judge(mp, raw["level"], label)
    value, num, den = _measure(mp, raw)
    stats = _stats(mp, raw) if mp.stats else {}
    band, status = _status(value, den, judge)
    reasons = {r: raw[f"x{k}"] for k, r in enumerate(mp.reasons) if raw[f"x{k}"]}
    ci = wilson(raw["met"], den) if mp.kind == "rate" else None
    return {
        "metric": mp.id, "variant": label, "level": raw["level"], "study": raw["study"],
        "site": raw["site"], "group": raw["grp"], "period": period_label(raw["period"], mp.period_grain),
        "value": value, "unit": judge.value_unit.value, "numerator": num, "denominator": den,
        "excluded": sum(reasons.values()), "excluded_by_reason": json.dumps(reasons, ensure_ascii=False),
        "pending": raw["pending"] if mp.kind == "rate" else None,
        "open": raw["open"] if mp.kind == "duration" else None,
        "ci_low": ci[0] if ci else None, "ci_high": ci[1] if ci else None,
        "band": band, "status": status, "target_met": _target(value, stats, judge, status),
        "stats": json.dumps(stats) if stats else None,
    }  # fmt: skip


def _negative_finding(mp: MetricPlan, raw: Row) -> QualityFinding | None:
    if NEGATIVE not in mp.reasons:
        return None
    n = raw[f"x{mp.reasons.index(NEGATIVE)}"]
    if not n:
        return None
    examples = (raw["example"],) if raw["example"] else ()
    message = f"{n} unit(s) of {mp.id} end before they start; left out of the measure"
    return QualityFinding("negative-duration", "events", n, examples, mp.id, message)


def _order(plans: Mapping[str, MetricPlan]) -> Any:
    rank = {metric_id: i for i, metric_id in enumerate(plans)}
    levels = {metric_id: {v: i for i, v in enumerate(mp.levels)} for metric_id, mp in plans.items()}

    def nullable(x: Any) -> tuple[bool, Any]:
        return (x is not None, x if x is not None else "")

    def key(row: Row) -> tuple[Any, ...]:
        own = levels[row["metric"]]
        level = own.get(row["level"], len(own))
        cols = ("study", "site", "group", "period", "variant")
        return (rank[row["metric"]], level, *(nullable(row[c]) for c in cols))

    return key


def finalize(
    plan: Plan, raw: pa.Table, quality: tuple[QualityFinding, ...], stamp: Stamp
) -> Results:
    """Raw aggregates of either evaluator → :class:`Results`, rows in a deterministic order."""
    plans = {mp.id: mp for g in plan.grains for mp in g.metrics}  # in plan order
    rows: list[Row] = []
    findings: list[QualityFinding] = []
    for r in raw.to_pylist():
        mp = plans[r["metric"]]
        if r["level"] == ALL_LEVEL:
            finding = _negative_finding(mp, r)
            findings.extend([finding] if finding else [])
        else:
            rows.append(result_row(mp, r))
    rows.sort(key=_order(plans))
    order = list(plans)
    findings.sort(key=lambda f: order.index(f.metric or ""))
    table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
    return Results(table, tuple(quality) + tuple(findings), stamp)


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


def make_stamp(model: m.Model, options: RunOptions, fingerprint: str, as_of: dt.datetime) -> Stamp:
    """Hash of the resolved model and run options, with imx version, data fingerprint and as_of."""
    from imx import __version__

    spec = json.dumps([canonical(model), canonical(options)], sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(spec.encode("utf-8")).hexdigest()
    return Stamp(digest, __version__, fingerprint, as_of)
