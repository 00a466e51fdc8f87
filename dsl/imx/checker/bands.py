"""Bands and targets: syntax bands and a value unit in → model.Bands / model.Target out.

Coverage is decided exactly: the bounds cut the number line into points and open pieces, each of
which lies wholly inside or outside every band, so reachability and gaps are set operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from imx import messages as M
from imx import model as m
from imx.checker.context import Reporter
from imx.checker.types import TIME_UNITS, literal_in_range
from imx.diagnostics import available, did_you_mean, replacement_fix
from imx.source import Span
from imx.syntax import ast as A

U = m.ValueUnit
DIRECTIONS = {d.value: d for d in m.Direction}
ORDER_OPS = ("<", "<=", ">", ">=")
_DURATION_UNITS = {
    U.HOURS: m.TimeUnit.HOURS,
    U.DAYS: m.TimeUnit.DAYS,
    U.BUSINESS_DAYS: m.TimeUnit.BUSINESS_DAYS,
}
_HOURS_PER = {m.TimeUnit.HOURS: Decimal(1), m.TimeUnit.DAYS: Decimal(24)}


@dataclass(frozen=True)
class Domain:
    """The values a metric can take: ``[low, high]``, ``None`` for unbounded."""

    low: Decimal | None
    high: Decimal | None
    unit: m.ValueUnit

    def holds(self, x: Decimal) -> bool:
        return (self.low is None or x >= self.low) and (self.high is None or x <= self.high)


def domain_of(unit: m.ValueUnit, signed: bool) -> Domain:
    """Rates lie in [0, 1]; durations, counts and ratios are never negative; values may be."""
    if unit is U.PERCENT:
        return Domain(Decimal(0), Decimal(1), unit)
    return Domain(None if signed else Decimal(0), None, unit)


def unit_words(unit: m.ValueUnit) -> str:
    if unit in _DURATION_UNITS:
        return f"in {unit.value}"
    return {U.PERCENT: "a percentage", U.COUNT: "a count", U.NUMBER: "a plain number"}[unit]


def _literal_words(lit: A.Literal) -> str:
    if isinstance(lit, A.PercentLit):
        return "a percentage"
    if isinstance(lit, A.NumberLit):
        return "a plain number"
    if isinstance(lit, A.DurationLit):
        return f"a duration in {lit.unit.text}"
    return "not a number"


def _unit_hint(unit: m.ValueUnit) -> str:
    if unit is U.PERCENT:
        return "write rate bounds as percentages, e.g. `90%`"
    if unit in _DURATION_UNITS:
        return f"write a number of {unit.value}, e.g. `5`"
    return "write a plain number, e.g. `15`"


def bound_value(lit: A.Literal, unit: m.ValueUnit, rep: Reporter, what: str) -> Decimal | None:
    """The number a band bound or target stands for, in the metric's value unit."""
    if not literal_in_range(lit, rep):
        return None
    value = _bound(lit, unit)
    if value is None:
        msg = M.BAND_UNIT_MISMATCH.format(what, _literal_words(lit), unit_words(unit))
        rep.report(msg, lit.span, hints=[_unit_hint(unit)])
    return value


def _bound(lit: A.Literal, unit: m.ValueUnit) -> Decimal | None:
    if isinstance(lit, A.PercentLit):
        return lit.fraction if unit is U.PERCENT else None
    if isinstance(lit, A.NumberLit):
        return lit.value if unit is not U.PERCENT else None
    if isinstance(lit, A.DurationLit) and unit in _DURATION_UNITS:
        found = TIME_UNITS.get(lit.unit.text)
        if found is None:
            return None
        have, factor = found
        want = _DURATION_UNITS[unit]
        if have is want:
            return lit.amount.value * factor
        if have in _HOURS_PER and want in _HOURS_PER:
            return lit.amount.value * factor * _HOURS_PER[have] / _HOURS_PER[want]
    return None


# ------------------------------------------------------------------------------------ bands


def check_bands(clause: A.BandsClause, domain: Domain, rep: Reporter) -> m.Bands | None:
    """Convert and check a bands clause: units, names, direction, reachability and coverage."""
    direction = DIRECTIONS.get(clause.direction.text)
    if direction is None:
        hints = did_you_mean(clause.direction.text, DIRECTIONS) or available(
            "directions", DIRECTIONS
        )
        msg = M.UNKNOWN_DIRECTION.format(clause.direction.text, "band direction")
        fixes = replacement_fix(clause.direction.text, clause.direction.span, DIRECTIONS)
        rep.report(msg, clause.direction.span, hints=hints, fixes=fixes)
    defs = [_band(b, domain.unit, rep) for b in clause.bands]
    _check_names(clause.bands, rep)
    if direction is None or any(d is None for d in defs):
        return None
    bands = [d for d in defs if d is not None]
    if _check_direction(direction, clause.bands, bands, rep):
        _check_coverage(clause, bands, domain, rep)
    return m.Bands(direction, tuple(bands))


def _band(band: A.Band, unit: m.ValueUnit, rep: Reporter) -> m.BandDef | None:
    name = band.name.text
    if isinstance(band, A.BandOtherwise):
        return m.BandDef(name)
    if isinstance(band, A.BandCompare):
        if band.op not in ORDER_OPS:
            msg = M.BAND_DIRECTION.format(M.BAND_OPS.format(band.op))
            rep.report(msg, band.span)
            return None
        bound = bound_value(band.value, unit, rep, "this bound")
        return None if bound is None else m.BandDef(name, op=band.op, bound=bound)
    low = bound_value(band.low, unit, rep, "this bound")
    high = bound_value(band.high, unit, rep, "this bound")
    if low is None or high is None:
        return None
    return m.BandDef(name, low=low, high=high)


def _check_names(bands: Sequence[A.Band], rep: Reporter) -> None:
    seen: dict[str, A.Band] = {}
    for band in bands:
        first = seen.setdefault(band.name.text, band)
        if first is not band:
            labels = [rep.label(first.name.span, M.FIRST_DEFINED_HERE)]
            msg = M.DUPLICATE_IN.format(f"band `{band.name.text}`", "these bands")
            rep.report(msg, band.name.span, labels=labels)


def _check_direction(
    direction: m.Direction, nodes: Sequence[A.Band], bands: Sequence[m.BandDef], rep: Reporter
) -> bool:
    """Report bands that contradict the direction; True when all agree."""
    ok = True
    prev: tuple[A.Band, m.BandDef] | None = None
    for node, band in zip(nodes, bands, strict=True):
        if band.is_catch_all:
            continue
        problem = _direction_problem(direction, band, prev)
        if problem:
            rep.report(
                M.BAND_DIRECTION.format(problem),
                node.span,
                hints=[_DIRECTION_HINTS[direction]],
            )
            ok = False
        prev = (node, band)
    return ok


_DIRECTION_HINTS = {
    m.Direction.HIGHER_IS_BETTER: "higher_is_better bands read best first: "
    "`{ green >= 90%, amber >= 75%, red }`",
    m.Direction.LOWER_IS_BETTER: "lower_is_better bands read best first: "
    "`{ green <= 2, amber <= 5, red }`",
    m.Direction.TWO_SIDED: "two_sided bands are ranges, narrowest first: "
    "`{ green 20% .. 40%, amber 10% .. 50%, red }`",
}


def _direction_problem(
    direction: m.Direction, band: m.BandDef, prev: tuple[A.Band, m.BandDef] | None
) -> str | None:
    if direction is m.Direction.TWO_SIDED:
        return _two_sided_problem(band, prev[1] if prev else None)
    higher = direction is m.Direction.HIGHER_IS_BETTER
    allowed = (">=", ">") if higher else ("<=", "<")
    if band.op not in allowed:
        return M.DIRECTION_OPS.format(direction.value, *allowed)
    before = prev[1] if prev else None
    if before is None or before.bound is None or band.bound is None:
        return None
    if (band.bound > before.bound) if higher else (band.bound < before.bound):
        trend = "decrease" if higher else "increase"
        return M.DIRECTION_ORDER.format(direction.value, trend)
    return None


def _two_sided_problem(band: m.BandDef, before: m.BandDef | None) -> str | None:
    if band.low is None or band.high is None:
        return M.TWO_SIDED_RANGES
    if band.low > band.high:
        return M.EMPTY_RANGE
    if before is None or before.low is None or before.high is None:
        return None
    if band.low > before.low or band.high < before.high:
        return M.RANGES_WIDEN
    return None


# --------------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class _Piece:
    """A point (``low == high``) or an open stretch between two cut points."""

    low: Decimal | None
    high: Decimal | None
    sample: Decimal

    @property
    def is_point(self) -> bool:
        return self.low is not None and self.low == self.high


def _pieces(cuts: Sequence[Decimal]) -> list[_Piece]:
    points = sorted(set(cuts))
    if not points:
        return [_Piece(None, None, Decimal(0))]
    pieces = [_Piece(None, points[0], points[0] - 1)]
    for i, p in enumerate(points):
        pieces.append(_Piece(p, p, p))
        nxt = points[i + 1] if i + 1 < len(points) else None
        pieces.append(_Piece(p, nxt, (p + nxt) / 2 if nxt is not None else p + 1))
    return pieces


def _holds(band: m.BandDef, x: Decimal) -> bool:
    if band.low is not None and band.high is not None:
        return band.low <= x <= band.high
    if band.op is None or band.bound is None:
        return True
    b = band.bound
    return {"<": x < b, "<=": x <= b, ">": x > b, ">=": x >= b}.get(band.op, False)


def _check_coverage(
    clause: A.BandsClause, bands: Sequence[m.BandDef], domain: Domain, rep: Reporter
) -> None:
    cuts = [v for b in bands for v in (b.bound, b.low, b.high) if v is not None]
    cuts += [v for v in (domain.low, domain.high) if v is not None]
    inside = [p for p in _pieces(cuts) if domain.holds(p.sample)]
    covered: set[int] = set()
    catch_all: m.BandDef | None = None
    for node, band in zip(clause.bands, bands, strict=True):
        mine = {i for i, p in enumerate(inside) if _holds(band, p.sample)}
        if not mine - covered:
            reason = _unreachable_reason(band, catch_all, domain)
            rep.report(M.BAND_UNREACHABLE.format(band.name, reason), node.span)
        covered |= mine
        catch_all = catch_all or (band if band.is_catch_all else None)
    holes = [p for i, p in enumerate(inside) if i not in covered]
    if holes:
        text = " and ".join(_describe(run, domain.unit) for run in _runs(holes))
        rep.report(
            M.BAND_GAP.format(text),
            clause.direction.span.cover(_end(clause)),
            hints=["add a catch-all band at the end, e.g. `red`"],
        )


def _unreachable_reason(band: m.BandDef, catch_all: m.BandDef | None, domain: Domain) -> str:
    if catch_all is not None:
        return M.AFTER_CATCH_ALL.format(catch_all.name)
    if not _holds_some(band, domain):
        return M.OUT_OF_RANGE.format(_domain_words(domain))
    return M.SHADOWED


def _holds_some(band: m.BandDef, domain: Domain) -> bool:
    """Whether some value the metric can take falls in ``band``."""
    cuts = (band.bound, band.low, band.high, domain.low, domain.high)
    samples = [p.sample for p in _pieces([c for c in cuts if c is not None])]
    return any(domain.holds(x) and _holds(band, x) for x in samples)


def _domain_words(domain: Domain) -> str:
    return M.RATE_RANGE if domain.high is not None else M.NEVER_NEGATIVE


def _end(clause: A.BandsClause) -> Span:
    return clause.bands[-1].span if clause.bands else clause.direction.span


def _runs(holes: Sequence[_Piece]) -> list[list[_Piece]]:
    runs: list[list[_Piece]] = []
    for piece in holes:
        if runs and _touches(runs[-1][-1], piece):
            runs[-1].append(piece)
        else:
            runs.append([piece])
    return runs


def _touches(a: _Piece, b: _Piece) -> bool:
    return a.high is not None and a.high == b.low and (a.is_point or b.is_point)


def _describe(run: Sequence[_Piece], unit: m.ValueUnit) -> str:
    first, last = run[0], run[-1]
    if len(run) == 1 and first.is_point and first.low is not None:
        return f"the value {_show(first.low, unit)}"
    lo = "(-∞" if first.low is None else ("[" if first.is_point else "(") + _show(first.low, unit)
    hi = "∞)" if last.high is None else _show(last.high, unit) + ("]" if last.is_point else ")")
    return f"values in {lo}, {hi}"


def _show(x: Decimal, unit: m.ValueUnit) -> str:
    if unit is U.PERCENT:
        return f"{(x * 100).normalize():f}%"
    return f"{x.normalize():f}"


# ------------------------------------------------------------------------------------ target


def check_target(
    clause: A.TargetClause,
    domain: Domain,
    summary: Sequence[str] | None,
    bands: m.Bands | None,
    rep: Reporter,
) -> m.Target | None:
    """Convert a target; its statistic must be one the metric summarises (``summary`` is
    ``None`` when that is unknown, already reported), its unit the value's, and some value in
    ``domain`` must meet it."""
    stat = clause.stat.text if clause.stat else None
    if clause.stat is not None and summary is not None and stat not in summary:
        what = (
            available("statistics of this metric", summary)
            if summary
            else ["only duration and value metrics have summary statistics; drop the statistic"]
        )
        rep.report(
            M.UNKNOWN_STATISTIC.format("statistic", stat),
            clause.stat.span,
            hints=what,
        )
    if clause.op not in ORDER_OPS:
        text = M.TARGET_OPS.format(clause.op)
        rep.report(M.INVALID_VALUE.format(text), clause.span)
        return None
    value = bound_value(clause.value, domain.unit, rep, "the target")
    if value is None:
        return None
    if not _holds_some(m.BandDef("target", op=clause.op, bound=value), domain):
        reason = _domain_words(domain)
        rep.report(M.TARGET_UNREACHABLE.format(reason), clause.span, hints=[_reach_hint(domain)])
        return None
    _target_direction(clause, bands, rep)
    return m.Target(stat, clause.op, value)


def _reach_hint(domain: Domain) -> str:
    if domain.high is not None:
        return "a rate's target lies between 0% and 100%, e.g. `target >= 95%`"
    return "write a target the value can meet, e.g. `target <= 5`"


def _target_direction(clause: A.TargetClause, bands: m.Bands | None, rep: Reporter) -> None:
    if bands is None or bands.direction is m.Direction.TWO_SIDED:
        return
    higher = bands.direction is m.Direction.HIGHER_IS_BETTER
    if (clause.op in ("<", "<=")) == higher:
        text = M.TARGET_DIRECTION.format(clause.op, bands.direction.value)
        rep.report(M.BAND_DIRECTION.format(text), clause.span)
