"""Metric resolution: grouped fields of one layer in → a typed model.ResolvedMetric out."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from imx import messages as M
from imx import model as m
from imx.checker import bands as B
from imx.checker.context import Ctx, Reporter
from imx.checker.fields import BASE, MEASURES, Fields, Sourced, measure_kind, one
from imx.checker.levels import check_level
from imx.checker.names import unknown
from imx.checker.schema import SchemaInfo
from imx.checker.types import (
    ELAPSED_FUNCTIONS,
    ERROR,
    MAX_DIGITS,
    Env,
    Param,
    Typed,
    Typer,
    literal,
    number_in_range,
    param_kind,
    shown_number,
)
from imx.checker.versions import Versions
from imx.diagnostics import available, did_you_mean, replacement_fix
from imx.source import SourceFile
from imx.syntax import ast as A

T = m.Type
CATEGORIES = ("relationship", "quality", "efficiency", "timeliness", "cycle_time")
STATUSES = ("draft", "proposed", "approved", "retired")
GRAINS = ("month", "quarter", "year")
STATISTICS = ("median", "mean", "min", "max", "p1 … p99", "km_median", "km_p1 … km_p99")
DEFAULT_LEVELS = (m.Level("site"), m.Level("study"), m.Level("portfolio"))
DEFAULT_MIN_N = 1  # a metric without `min_n` is banded as soon as one unit is summarised
SUMMARISED = ("duration", "value")
_PLACEHOLDER = m.Const(None, T.ERROR)
_VALUE_UNITS = {
    m.TimeUnit.HOURS: m.ValueUnit.HOURS,
    m.TimeUnit.DAYS: m.ValueUnit.DAYS,
    m.TimeUnit.BUSINESS_DAYS: m.ValueUnit.BUSINESS_DAYS,
}

# Model field each syntax field sets, for provenance.
PROVENANCE_NAMES = {
    "per": "unit",
    "exclude": "excludes",
    "companion": "companions",
    "param": "params",
    **{k: "measure" for k in MEASURES},
}


def is_statistic(name: str) -> bool:
    """``median``, ``mean``, ``min``, ``max``, a percentile ``p1`` … ``p99``, or the
    Kaplan–Meier ``km_median`` or ``km_p1`` … ``km_p99`` (rule 21)."""
    km = m.km_statistic(name)
    if km is not None:
        return km not in ("mean", "min", "max") and is_statistic(km)
    if name in ("median", "mean", "min", "max"):
        return True
    digits = name[1:]
    return name[:1] == "p" and digits.isdigit() and digits[0] != "0" and 1 <= int(digits) <= 99


@dataclass(frozen=True)
class MeasurePart:
    measure: m.Measure
    value_unit: m.ValueUnit
    signed: bool = False
    known: bool = True  # False: no measure, or its unit unknown (reported): bands are not judged


def base_params(fields: Fields, ctx: Ctx) -> dict[str, Param]:
    """The params a metric declares, converted to constants; a second one of a name is reported."""
    params: dict[str, Param] = {}
    for s in fields.get("param", []):
        clause = s.clause
        assert isinstance(clause, A.ParamClause)
        rep = ctx.at(s.file)
        first = params.get(clause.name.text)
        if first is not None:
            msg = M.DUPLICATE_IN.format(f"param `{clause.name.text}`", "this metric")
            labels = [rep.label(first.span, M.FIRST_DEFINED_HERE)]
            rep.report(msg, clause.name.span, labels=labels)
            continue
        param = make_param(clause, s.file, rep)
        if param is not None:
            params[param.name] = param
    return params


def make_param(clause: A.ParamClause, file: str, rep: Reporter) -> Param | None:
    t = literal(clause.value, rep)
    if t.type is T.ERROR or not isinstance(t.expr, m.Const | m.DurationConst):
        return None
    kind = param_kind(clause.value, t)
    return Param(clause.name.text, t.expr, kind, clause.name.span, file)


def check_required(fields: Fields, name: A.Name, rep: Reporter) -> None:
    """A metric needs a category, a unit (`per`), one measure, and a summary if it summarises."""
    for needed in ("category", "per"):
        if needed not in fields:
            rep.report(M.MISSING_FIELD.format("metric", name.text, needed), name.span)
    kind = measure_kind(fields)
    if kind is None:
        rep.report(
            M.MISSING_MEASURE.format(name.text),
            name.span,
            hints=["give exactly one of rate, ratio, duration, count or value"],
        )
    elif kind in SUMMARISED and "summary" not in fields:
        rep.report(
            M.MISSING_FIELD.format("metric", name.text, "summary"),
            name.span,
            hints=[f"a {kind} metric says how to summarise it: `summary median`"],
        )


@dataclass
class Resolver:
    """Resolves one layer of a metric; clauses of the ``muted`` layer are re-checked silently."""

    ctx: Ctx
    info: SchemaInfo
    versions: Versions  # the project's metrics, to resolve `companion` (rule 27)
    sources: Mapping[str, SourceFile]
    muted: str | None = None

    def rep(self, s: Sourced) -> Reporter:
        return self.ctx.at(s.file, muted=s.layer == self.muted)

    def typer(self, s: Sourced, env: Env) -> Typer:
        return Typer(self.rep(s), env)

    def resolve(
        self, metric_id: str, title: str | None, fields: Fields, env: Env
    ) -> m.ResolvedMetric:
        """Build the resolved metric; missing or broken parts get placeholders (errors reported)."""
        env.unit = self.unit(fields, quiet=True)  # its attributes are names in the expressions
        env.elsewhere = {
            a.name: f"`{a.name}` is an attribute of unit `{u.name}`, and this metric is per "
            f"`{env.unit.name}`"
            for u in self.info.schema.units
            if u.name != env.unit.name
            for a in u.attributes
        }
        part = self.measure(fields, env)
        summary = self.summary(fields, measure_kind(fields))
        bands = self.bands(fields, part)
        unit = self.unit(fields)
        return m.ResolvedMetric(
            id=metric_id,
            title=title,
            category=self.choice(fields, "category", CATEGORIES, M.UNKNOWN_CATEGORY) or "",
            question=_text(one(fields, "question")),
            unit=unit,
            where=self.conditions(fields, "where", env),
            excludes=self.excludes(fields, env),
            measure=part.measure,
            summary=summary,
            value_unit=part.value_unit,
            target=self.target(fields, part, summary, bands),
            bands=bands,
            min_n=self.min_n(fields),
            levels=self.levels(fields, unit),
            period=self.period(fields, env, part.measure),
            series=self.series(fields),
            companions=self.companions(fields),
            status=self.choice(fields, "status", STATUSES, M.UNKNOWN_STATUS),
            since=_text(one(fields, "since")),
            doc=_text(one(fields, "doc")),
            params=tuple((p.name, p.value) for p in env.params.values()),
            provenance=provenance(fields, env.params),
        )

    # ------------------------------------------------------------------ simple fields
    def choice(
        self, fields: Fields, name: str, choices: Sequence[str], message: M.Message
    ) -> str | None:
        s = one(fields, name)
        if s is None:
            return None
        word: A.Name = getattr(s.clause, name)
        if word.text not in choices:
            hints = did_you_mean(word.text, choices) or available(f"{name} values", choices)
            fixes = replacement_fix(word.text, word.span, choices)
            self.rep(s).report(message.format(word.text, name), word.span, hints=hints, fixes=fixes)
        return word.text

    def unit(self, fields: Fields, quiet: bool = False) -> m.UnitDef:
        s = one(fields, "per")
        if s is None:
            return m.UnitDef("", ())
        assert isinstance(s.clause, A.PerClause)
        found = self.info.schema.unit(s.clause.unit.text)
        if found is None and quiet:
            return m.UnitDef(s.clause.unit.text, ())
        if found is None:
            names = [u.name for u in self.info.schema.units]
            unknown(self.rep(s), M.UNKNOWN_UNIT, "unit", s.clause.unit, names)
            return m.UnitDef(s.clause.unit.text, ())
        return found

    def min_n(self, fields: Fields) -> int:
        s = one(fields, "min_n")
        if s is None:
            return DEFAULT_MIN_N
        assert isinstance(s.clause, A.MinNClause)
        value = s.clause.value.value
        if len(s.clause.value.text.split(".")[0]) > MAX_DIGITS:
            msg = M.MIN_N_TOO_LARGE.format(shown_number(s.clause.value.text), MAX_DIGITS)
            hints = ["min_n is the fewest units a value needs to be shown, e.g. `min_n 10`"]
            self.rep(s).report(msg, s.clause.value.span, hints=hints)
            return DEFAULT_MIN_N
        if value != value.to_integral_value():
            msg = M.INVALID_MIN_N.format(s.clause.value.text)
            self.rep(s).report(msg, s.clause.value.span)
            return DEFAULT_MIN_N
        return int(value)

    def companions(self, fields: Fields) -> tuple[str, ...]:
        names: list[str] = []
        for s in fields.get("companion", []):
            assert isinstance(s.clause, A.CompanionClause)
            for name in s.clause.metrics:
                self.versions.resolve(self.rep(s), name)
                names.append(name.text)
        return tuple(names)

    # ------------------------------------------------------------------ population
    def conditions(self, fields: Fields, name: str, env: Env) -> tuple[m.Expr, ...]:
        out: list[m.Expr] = []
        for s in fields.get(name, []):
            assert isinstance(s.clause, A.WhereClause)
            out.append(self.typer(s, env).expect(s.clause.condition, T.BOOLEAN, "`where`").expr)
        return tuple(out)

    def excludes(self, fields: Fields, env: Env) -> tuple[m.Exclusion, ...]:
        out: list[m.Exclusion] = []
        for s in fields.get("exclude", []):
            assert isinstance(s.clause, A.ExcludeClause)
            cond = self.typer(s, env).expect(s.clause.condition, T.BOOLEAN, "`exclude`")
            reason = s.clause.reason.value if s.clause.reason else self._source(s)
            out.append(m.Exclusion(cond.expr, reason))
        return tuple(out)

    def _source(self, s: Sourced) -> str:
        assert isinstance(s.clause, A.ExcludeClause)
        src = self.sources.get(s.file)
        span = s.clause.condition.span
        return " ".join(src.text[span.start : span.end].split()) if src else "excluded"

    # ------------------------------------------------------------------ measure
    def measure(self, fields: Fields, env: Env) -> MeasurePart:
        kind = measure_kind(fields)
        if kind is None:  # reported as missing-field; its bands and target assume no unit
            return MeasurePart(m.RateMeasure(_PLACEHOLDER), m.ValueUnit.PERCENT, known=False)
        s = fields[kind][0]
        typer = self.typer(s, env)
        c = s.clause
        if isinstance(c, A.RateClause):
            cond = typer.expect(c.condition, T.BOOLEAN, "the condition of `rate`")
            return MeasurePart(m.RateMeasure(cond.expr), m.ValueUnit.PERCENT)
        if isinstance(c, A.RatioClause):
            return self._ratio(c, s, typer, fields)
        if isinstance(c, A.DurationClause):
            return self._duration(c, s, typer)
        if isinstance(c, A.CountClause):
            t = self._amount(typer, c.amount, (T.BOOLEAN, T.NUMBER), "what `count` counts")
            if isinstance(t.expr, m.EventConst):  # `count query_opened`: the events themselves
                fact = m.Fact("count", t.expr.event, t.filter)
                return MeasurePart(m.CountMeasure(fact), m.ValueUnit.COUNT)
            return MeasurePart(m.CountMeasure(t.expr), m.ValueUnit.COUNT)
        assert isinstance(c, A.ValueClause)
        return self._value(typer, c)

    def _amount(self, typer: Typer, node: A.Expr, allowed: tuple[m.Type, ...], what: str) -> Typed:
        t = typer.infer(node)
        if t.type is T.ERROR or t.type in allowed:
            return t
        if T.NUMBER in allowed and isinstance(t.expr, m.EventConst) and "count" in what:
            return t  # a bare event name in `count`: the number of those events
        wanted = " or ".join(_WORDS[a] for a in allowed)
        typer.mismatch(node.span, t, f"{what} must be {wanted}", wanted, [])
        return ERROR

    def _ratio(self, c: A.RatioClause, s: Sourced, typer: Typer, fields: Fields) -> MeasurePart:
        amount = typer.expect(c.amount, T.NUMBER, "the amount of a `ratio`")
        scale = c.scale.value
        if number_in_range(c.scale.text, c.scale.span, self.rep(s)) and scale <= 0:
            self.rep(s).report(M.INVALID_SCALE.format(c.scale.text), c.scale.span)
        per = one(fields, "per")
        if per is not None and isinstance(per.clause, A.PerClause):
            unit = per.clause.unit.text
            if c.unit.text not in (unit, unit + "s", unit + "es"):
                msg = M.RATIO_UNIT_MISMATCH.format(c.unit.text, unit)
                self.rep(s).report(
                    msg,
                    c.unit.span,
                    hints=[f"write `per {c.scale.text} {unit}s`"],
                )
        return MeasurePart(m.RatioMeasure(amount.expr, scale), m.ValueUnit.NUMBER)

    def _duration(self, c: A.DurationClause, s: Sourced, typer: Typer) -> MeasurePart:
        start = typer.expect(c.start, T.TIMESTAMP, "the start of a duration")
        end = typer.expect(c.end, T.TIMESTAMP, "the end of a duration")
        unit = ELAPSED_FUNCTIONS.get(c.unit.text)
        if unit is None:
            unknown(
                self.rep(s),
                M.UNKNOWN_TIME_UNIT,
                "time unit",
                c.unit,
                ELAPSED_FUNCTIONS,
                "time units",
            )
            measure = m.DurationMeasure(start.expr, end.expr, m.TimeUnit.DAYS)
            return MeasurePart(measure, _VALUE_UNITS[m.TimeUnit.DAYS], known=False)
        typer.need_calendar(unit, c.unit.span)
        measure = m.DurationMeasure(start.expr, end.expr, unit)
        return MeasurePart(measure, _VALUE_UNITS[unit])

    def _value(self, typer: Typer, c: A.ValueClause) -> MeasurePart:
        t = self._amount(typer, c.amount, (T.NUMBER, T.DURATION), "a `value`")
        if t.type is T.DURATION and t.unit is not None:
            return MeasurePart(m.ValueMeasure(t.expr), _VALUE_UNITS[t.unit])
        return MeasurePart(m.ValueMeasure(t.expr), m.ValueUnit.NUMBER, signed=True)

    def summary(self, fields: Fields, kind: str | None) -> tuple[str, ...]:
        s = one(fields, "summary")
        if s is None:
            return ()
        assert isinstance(s.clause, A.SummaryClause)
        rep = self.rep(s)
        if kind is not None and kind not in SUMMARISED:
            msg = M.FIELD_NOT_ALLOWED.format("summary", f"a {kind} metric")
            rep.report(
                msg,
                s.clause.span,
                hints=["only duration and value metrics are summarised"],
            )
            return ()
        for stat in s.clause.stats:
            if not is_statistic(stat.text):
                hints = did_you_mean(stat.text, (*STATISTICS[:4], "km_median")) or available(
                    "statistics", STATISTICS
                )
                rep.report(
                    M.UNKNOWN_STATISTIC.format("statistic", stat.text),
                    stat.span,
                    hints=hints,
                )
            elif kind is not None and kind != "duration" and m.km_statistic(stat.text):
                rep.report(
                    M.KM_NOT_DURATION.format(stat.text, kind),
                    stat.span,
                    hints=[f"a {kind} metric has no open units: `summary {stat.text[3:]}`"],
                )
        return tuple(stat.text for stat in s.clause.stats if is_statistic(stat.text))

    # ------------------------------------------------------------------ judgement
    def bands(self, fields: Fields, part: MeasurePart) -> m.Bands | None:
        s = one(fields, "bands")
        if s is None or not part.known:  # no unit to judge the bounds by: no cascade
            return None
        assert isinstance(s.clause, A.BandsClause)
        domain = B.domain_of(part.value_unit, part.signed)
        return B.check_bands(s.clause, domain, self.rep(s))

    def target(
        self, fields: Fields, part: MeasurePart, summary: Sequence[str], bands: m.Bands | None
    ) -> m.Target | None:
        s = one(fields, "target")
        if s is None or measure_kind(fields) is None:  # no measure: nothing to aim at
            return None
        assert isinstance(s.clause, A.TargetClause)
        known = summary if summary or measure_kind(fields) not in SUMMARISED else None
        domain = B.domain_of(part.value_unit, part.signed)
        return B.check_target(s.clause, domain, known, bands, self.rep(s))

    # ------------------------------------------------------------------ reporting
    def levels(self, fields: Fields, unit: m.UnitDef) -> tuple[m.Level, ...]:
        s = one(fields, "levels")
        if s is None:
            return DEFAULT_LEVELS
        assert isinstance(s.clause, A.LevelsClause)
        out: list[m.Level] = []
        for level in s.clause.levels:
            found = check_level(level, unit, self.info, self.rep(s))
            if found is not None and found not in out:
                out.append(found)
        return tuple(out)

    def period(self, fields: Fields, env: Env, measure: m.Measure) -> m.Period | None:
        s = one(fields, "period")
        if s is None:
            return None
        c = s.clause
        assert isinstance(c, A.PeriodClause)
        rep = self.rep(s)
        if c.grain.text not in GRAINS:
            hints = did_you_mean(c.grain.text, GRAINS) or available("grains", GRAINS)
            rep.report(
                M.UNKNOWN_GRAIN.format(c.grain.text, "period grain"),
                c.grain.span,
                hints=hints,
            )
        if c.by is not None:
            by = self.typer(s, env).expect(c.by, T.TIMESTAMP, "the `by` of a period").expr
            if only_as_of(by):
                hints = [
                    f"to see the metric at each {c.grain.text} end, write `series {c.grain.text}`"
                ]
                rep.report(M.PERIOD_BY_AS_OF.format(c.grain.text), c.by.span, hints=hints)
        else:
            by = _default_period_by(measure) or _PLACEHOLDER
            if isinstance(by, m.Const):
                rep.report(
                    M.PERIOD_NEEDS_BY,
                    c.span,
                    hints=["write `period month by first scan_acquired`"],
                )
        return m.Period(c.grain.text, by, c.cumulative)

    def series(self, fields: Fields) -> str | None:
        """``series month``: a grain, and no ``period`` beside it (a series has its periods)."""
        s = one(fields, "series")
        if s is None:
            return None
        c = s.clause
        assert isinstance(c, A.SeriesClause)
        rep = self.rep(s)
        if c.grain.text not in GRAINS:
            hints = did_you_mean(c.grain.text, GRAINS) or available("grains", GRAINS)
            rep.report(
                M.UNKNOWN_GRAIN.format(c.grain.text, "series grain"), c.grain.span, hints=hints
            )
            return None
        period = one(fields, "period")
        if period is not None:
            labels = [rep.label(period.clause.span, "the period")]
            hints = ["drop `period`: a series gives one row per period end already"]
            rep.report(M.SERIES_WITH_PERIOD, c.span, labels=labels, hints=hints)
        return c.grain.text


_COMPOSITE = (m.Elapsed, m.Extreme, m.Not, m.BoolOp, m.Compare, m.Arith, m.Negate, m.Within)


def only_as_of(e: m.Expr) -> bool:
    """Whether ``e`` reads the data cut (``as_of``) and nothing of the unit: every unit would
    get the same value."""
    leaves: list[object] = []

    def walk(x: object) -> None:
        if isinstance(x, _COMPOSITE):
            for f in fields_of(x):
                for y in f if isinstance(f, tuple) else (f,):
                    walk(y)
        elif isinstance(x, m.AsOf | m.Const | m.DurationConst | m.EventConst):
            leaves.append(x)
        elif not isinstance(x, str | int | float | Decimal | enum.Enum) and x is not None:
            leaves.append(x)  # a fact, attribute or anything else of the unit

    walk(e)
    return any(isinstance(x, m.AsOf) for x in leaves) and all(
        isinstance(x, m.AsOf | m.Const | m.DurationConst | m.EventConst) for x in leaves
    )


def fields_of(x: object) -> list[object]:
    return [getattr(x, f.name) for f in dataclasses.fields(x)]  # type: ignore[arg-type]


def _default_period_by(measure: m.Measure) -> m.Expr | None:
    """A period without `by` follows a duration's start or a `within` rate's anchor."""
    if isinstance(measure, m.DurationMeasure):
        return measure.start
    if isinstance(measure, m.RateMeasure) and isinstance(measure.condition, m.Within):
        return measure.condition.anchor
    return None


_WORDS = {T.BOOLEAN: "a condition", T.NUMBER: "a number", T.DURATION: "a duration"}


def _text(s: Sourced | None) -> str | None:
    if s is None:
        return None
    value = getattr(s.clause, "text", None) or getattr(s.clause, "since", None)
    return value.value if isinstance(value, A.Str) else None


def provenance(fields: Fields, params: Mapping[str, Param]) -> tuple[tuple[str, str], ...]:
    """(model field, layer) for every field set, and ("params.<name>", layer) per param."""
    out: dict[str, str] = {}
    for name, items in fields.items():
        if name in ("param", "history", "rationale"):
            continue
        layer = next((s.layer for s in reversed(items) if s.layer != BASE), BASE)
        out[PROVENANCE_NAMES.get(name, name)] = layer
    for param in params.values():
        layer = next(
            (s.layer for s in fields.get("param", []) if _names_param(s, param.name)), BASE
        )
        out[f"params.{param.name}"] = layer
    return tuple(sorted(out.items()))


def _names_param(s: Sourced, name: str) -> bool:
    return isinstance(s.clause, A.ParamClause) and s.clause.name.text == name and s.layer != BASE
