"""Expression typing: syntax expressions in → typed model expressions (params substituted) out.

A sub-expression that has a diagnostic gets ``Type.ERROR`` and is never reported on again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from imx import messages as M
from imx import model as m
from imx.checker.context import Reporter
from imx.checker.names import unknown
from imx.checker.schema import EVENTS, SchemaInfo, value_type
from imx.diagnostics import Label, available, did_you_mean, replacement_fix
from imx.source import Span
from imx.syntax import ast as A

T = m.Type

TIME_UNITS: dict[str, tuple[m.TimeUnit, int]] = {
    "hours": (m.TimeUnit.HOURS, 1),
    "hour": (m.TimeUnit.HOURS, 1),
    "days": (m.TimeUnit.DAYS, 1),
    "day": (m.TimeUnit.DAYS, 1),
    "weeks": (m.TimeUnit.DAYS, 7),
    "week": (m.TimeUnit.DAYS, 7),
    "business_days": (m.TimeUnit.BUSINESS_DAYS, 1),
    "business_day": (m.TimeUnit.BUSINESS_DAYS, 1),
}
ELAPSED_FUNCTIONS = {u.value: u for u in m.TimeUnit}
EXTREMES = ("earliest", "latest")
FUNCTIONS = (*ELAPSED_FUNCTIONS, *EXTREMES, "first_of")
AS_OF = "as_of"

WORDS = {
    T.BOOLEAN: "a condition",
    T.NUMBER: "a number",
    T.TIMESTAMP: "a timestamp",
    T.DURATION: "a duration",
    T.TEXT: "text",
    T.EVENT_KIND: "an event name",
    T.DATE: "a date",
    T.ERROR: "an error",
}
_HOURS_PER = {m.TimeUnit.HOURS: Decimal(1), m.TimeUnit.DAYS: Decimal(24)}


@dataclass(frozen=True)
class Param:
    """A metric parameter: its constant value and what kind of quantity it is."""

    name: str
    value: m.Const | m.DurationConst
    kind: str  # "number", "percent", "text", "date", "timestamp", "<time unit>" for durations
    span: Span
    file: str


@dataclass(frozen=True)
class Typed:
    """A checked expression with its type; ``unit`` for durations, ``events`` for ``first_of``."""

    expr: m.Expr
    type: m.Type
    unit: m.TimeUnit | None = None
    events: tuple[str, ...] | None = None
    param: str | None = None
    filter: m.Expr | None = None  # ``E[COND]`` written on its own: COND


ERROR = Typed(m.Const(None, T.ERROR), T.ERROR)


def kind_words(kind: str) -> str:
    """How a param kind reads in a message (``a duration in business_days``)."""
    if kind in ELAPSED_FUNCTIONS:
        return f"a duration in {kind}"
    words = {"percent": "a percentage", "number": "a number", "date": "a date"}
    return words.get(kind, "a timestamp" if kind == "timestamp" else kind)


def typed_words(t: Typed) -> str:
    if t.type is T.DURATION and t.unit is not None:
        return f"a duration in {t.unit.value}"
    return WORDS[t.type]


# A number written in a spec has at most this many digits before the point: the engines compute
# in doubles, which hold 15 significant digits (a larger number would be rounded, or be infinite).
MAX_DIGITS = 15
_LIMIT = Decimal(10) ** MAX_DIGITS
_EXPONENT = re.compile(r"[eE][0-9]+")


def number_in_range(text: str, span: Span, rep: Reporter) -> bool:
    """Whether the number ``text`` (digits, maybe a fraction) is below 10^15; if not, say so."""
    if abs(Decimal(text)) < _LIMIT:
        return True
    hints = ["the engines compute in doubles, which keep 15 significant digits"]
    rep.report(M.NUMBER_TOO_LARGE.format(shown_number(text), MAX_DIGITS), span, hints=hints)
    return False


def shown_number(text: str) -> str:
    """A number as written, its middle elided when it is too long to quote whole."""
    return text if len(text) <= 24 else f"{text[:12]}…{text[-6:]}"


def exponent_written(lit: A.DurationLit, rep: Reporter) -> bool:
    """``1e400`` reads as the number 1 in a unit `e400`: say that numbers have no exponent."""
    if not _EXPONENT.fullmatch(lit.unit.text) or lit.amount.span.end != lit.unit.span.start:
        return False
    written = lit.amount.text + lit.unit.text
    rep.report(M.NUMBER_EXPONENT.format(written), lit.span, hints=["write it out: 1e3 is 1000"])
    return True


def literal_in_range(lit: A.Literal, rep: Reporter) -> bool:
    """Whether a number, percentage or duration literal is one imx reads (reported if not)."""
    if isinstance(lit, A.NumberLit | A.PercentLit):
        return number_in_range(lit.text, lit.span, rep)
    if isinstance(lit, A.DurationLit):
        return not exponent_written(lit, rep) and number_in_range(
            lit.amount.text, lit.amount.span, rep
        )
    return True


def duration_const(lit: A.DurationLit, rep: Reporter) -> m.DurationConst | None:
    """``3 business_days`` as a DurationConst (weeks become 7 days); an unknown unit is reported."""
    if not literal_in_range(lit, rep):
        return None
    found = TIME_UNITS.get(lit.unit.text)
    if found is None:
        unknown(rep, M.UNKNOWN_TIME_UNIT, "time unit", lit.unit, ELAPSED_FUNCTIONS, "time units")
        return None
    unit, factor = found
    return m.DurationConst(lit.amount.value * factor, unit)


def parse_timestamp(text: str) -> dt.datetime | None:
    """An ISO timestamp with a zone (``2026-03-11T00:00Z``); ``None`` if invalid or naive."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def literal(lit: A.Literal, rep: Reporter) -> Typed:
    """A literal as a typed constant."""
    if isinstance(lit, A.NumberLit | A.PercentLit) and not literal_in_range(lit, rep):
        return ERROR
    if isinstance(lit, A.NumberLit):
        return Typed(m.Const(lit.value, T.NUMBER), T.NUMBER)
    if isinstance(lit, A.PercentLit):
        return Typed(m.Const(lit.fraction, T.NUMBER), T.NUMBER)
    if isinstance(lit, A.DurationLit):
        const = duration_const(lit, rep)
        return ERROR if const is None else Typed(const, T.DURATION, const.unit)
    if isinstance(lit, A.StringLit):
        return Typed(m.Const(lit.value.value, T.TEXT), T.TEXT)
    if isinstance(lit, A.DateTimeLit):
        stamp = parse_timestamp(lit.text)
        if stamp is None and _naive(lit.text):
            rep.report(
                M.NAIVE_TIMESTAMP.format(lit.text),
                lit.span,
                hints=[f"add `Z` for UTC or an offset: {lit.text}Z"],
            )
            return ERROR
        if stamp is None:
            rep.report(
                M.INVALID_DATE.format(lit.text),
                lit.span,
                hints=["a timestamp needs a valid date, time and zone: 2026-03-11T09:30Z"],
            )
            return ERROR
        return Typed(m.Const(stamp, T.TIMESTAMP), T.TIMESTAMP)
    try:
        return Typed(m.Const(dt.date.fromisoformat(lit.text), T.DATE), T.DATE)
    except ValueError:
        rep.report(M.INVALID_DATE.format(lit.text), lit.span)
        return ERROR


def _naive(text: str) -> bool:
    try:
        return dt.datetime.fromisoformat(text).tzinfo is None
    except ValueError:
        return False


def param_kind(lit: A.Literal, t: Typed) -> str:
    if isinstance(lit, A.PercentLit):
        return "percent"
    if t.unit is not None:
        return t.unit.value
    return {T.NUMBER: "number", T.TEXT: "text", T.DATE: "date"}.get(t.type, "timestamp")


@dataclass
class Env:
    """What names mean inside one metric: events, study/site attributes and its params."""

    info: SchemaInfo
    params: dict[str, Param] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    unit: m.UnitDef | None = None  # the metric's unit: its attributes are names here (rule 17)
    elsewhere: dict[str, str] = field(default_factory=dict)  # a name not usable here → why

    def known(self, name: str) -> bool:
        return (
            name in self.params
            or name == AS_OF
            or name in self.info.events
            or self.info.attribute(name) is not None
            or self.unit_attribute(name) is not None
        )

    def unit_attribute(self, name: str) -> m.UnitAttribute | None:
        return self.unit.attribute(name) if self.unit is not None else None

    def candidates(self) -> list[str]:
        own = [a.name for a in self.unit.attributes] if self.unit is not None else []
        return [*self.params, AS_OF, *self.info.events, *self.info.attributes, *own]


class Typer:
    """Types the expressions of one metric, reporting through one file's reporter."""

    def __init__(self, rep: Reporter, env: Env) -> None:
        self.rep = rep
        self.env = env
        self._rules: dict[type, Callable[[A.Expr], Typed]] = {
            A.EventFact: self._fact,  # type: ignore[dict-item]
            A.FilteredName: self._filtered_name,  # type: ignore[dict-item]
            A.AttributeOf: self._attribute_of,  # type: ignore[dict-item]
            A.CountDistinct: self._count_distinct,  # type: ignore[dict-item]
            A.Call: self._call,  # type: ignore[dict-item]
            A.NameRef: self._name,  # type: ignore[dict-item]
            A.Not: self._not,  # type: ignore[dict-item]
            A.BoolOp: self._boolop,  # type: ignore[dict-item]
            A.Compare: self._compare,  # type: ignore[dict-item]
            A.Within: self._within,  # type: ignore[dict-item]
            A.Arith: self._arith,  # type: ignore[dict-item]
            A.Negate: self._negate,  # type: ignore[dict-item]
        }

    # ------------------------------------------------------------------ entry points
    def infer(self, node: A.Expr) -> Typed:
        rule = self._rules.get(type(node))
        if rule is None:
            return literal(node, self.rep)  # type: ignore[arg-type]
        return rule(node)

    def expect(self, node: A.Expr, want: m.Type, what: str) -> Typed:
        """Type ``node`` and require ``want``; a mismatch is reported once and gives ERROR."""
        t = self.infer(node)
        if t.type is T.ERROR or t.type is want:
            return t
        self.mismatch(node.span, t, M.MUST_BE.format(what, WORDS[want]), want, _hint(node, t, want))
        return ERROR

    def mismatch(
        self,
        span: Span,
        t: Typed,
        message: str,
        want: m.Type | str,
        hints: list[str],
        *,
        complete: bool = False,
    ) -> None:
        """Report ``t`` where ``want`` was needed: ``message`` + "not <what t is>" unless
        ``complete``; a param's value gets ``param-unit-mismatch`` pointing at the param."""
        if t.param is not None:
            needed = want if isinstance(want, str) else WORDS[want]
            param = self.env.params[t.param]
            msg = M.PARAM_UNIT_MISMATCH.format(t.param, kind_words(param.kind), needed)
            labels = [_param_label(param)]
            self.rep.report(msg, span, hints=hints, labels=labels)
            return
        text = message if complete else f"{message}, not {typed_words(t)}"
        self.rep.report(M.TYPE_MISMATCH.format(text), span, hints=hints)

    # ------------------------------------------------------------------ leaves
    def _fact(self, node: A.EventFact) -> Typed:
        known = self._event_known(node.event)
        ok, cond = self.event_filter(node.filter)
        if not known or not ok:
            return ERROR
        fact = m.Fact(node.kind, node.event.text, cond)
        return Typed(fact, {"count": T.NUMBER, "has": T.BOOLEAN}.get(node.kind, T.TIMESTAMP))

    # ------------------------------------------------------------------ event attributes
    def _filtered_name(self, node: A.FilteredName) -> Typed:
        """``E[COND]`` on its own: an event name (``first_of`` and ``count`` take one)."""
        known = self._event_known(node.name)
        ok, cond = self.event_filter(node.filter)
        if not known or not ok:
            return ERROR
        return Typed(m.EventConst(node.name.text), T.EVENT_KIND, filter=cond)

    def _attribute_of(self, node: A.AttributeOf) -> Typed:
        """``A of first E[…]`` (rule 15): typed as the column A."""
        column = self.row_column(node.attribute)
        fact = self._fact(node.fact)
        if column is None or fact.type is T.ERROR:
            return ERROR
        assert isinstance(fact.expr, m.Fact)
        vtype = value_type(column)
        return Typed(m.AttributeOf(column.name, fact.expr, vtype), vtype)

    def _count_distinct(self, node: A.CountDistinct) -> Typed:
        """``count distinct A of E[…]`` (rule 16): a number; ``day`` is the local date."""
        known = self._event_known(node.event)
        ok, cond = self.event_filter(node.filter)
        name = node.attribute.text
        column = None if name == m.DAY else self.row_column(node.attribute)
        if column is not None and column.type is m.ColumnType.TIMESTAMP:
            hints = [f"`count distinct day of {node.event.text}` counts the local dates"]
            self.rep.report(M.DISTINCT_TIMESTAMP.format(name), node.attribute.span, hints=hints)
            return ERROR
        if not known or not ok or (column is None and name != m.DAY):
            return ERROR
        return Typed(m.CountDistinct(name, node.event.text, cond), T.NUMBER)

    def row_column(self, name: A.Name) -> m.ColumnDef | None:
        """A column of the event row that is one of its attributes (not the event or its time)."""
        table = self.env.info.schema.table(EVENTS)
        columns = table.columns if table is not None else ()
        time = next((c for c in columns if c.type is m.ColumnType.TIMESTAMP), None)
        found = next((c for c in columns if c.name == name.text), None)
        if found is not None and (found.type is m.ColumnType.EVENT or found is time):
            what, hint = (
                ("the event's name", "choose the event by its name: `first qc_passed`")
                if found.type is m.ColumnType.EVENT
                else ("the event's time", "`first E` and `last E` read the time")
            )
            self.rep.report(M.NOT_AN_ATTRIBUTE.format(name.text, what), name.span, hints=[hint])
            return None
        if found is None:
            names = [c.name for c in columns if c.type is not m.ColumnType.EVENT and c is not time]
            unknown(self.rep, M.UNKNOWN_COLUMN, "event attribute", name, names, "attributes")
        return found

    def event_filter(self, node: A.Expr | None) -> tuple[bool, m.Expr | None]:
        """An event filter's condition over the row's attributes (rule 14): (ok, condition)."""
        if node is None:
            return True, None
        cond = self._condition(node)
        return cond is not None, cond

    def _condition(self, node: A.Expr) -> m.Expr | None:
        if isinstance(node, A.BoolOp):
            parts = [self._condition(o) for o in node.operands]
            kept = [p for p in parts if p is not None]
            return m.BoolOp(node.op, tuple(kept)) if len(kept) == len(parts) else None
        if isinstance(node, A.Not):
            inner = self._condition(node.operand)
            return None if inner is None else m.Not(inner)
        if isinstance(node, A.FilterIn):
            return self._filter_in(node)
        assert isinstance(node, A.FilterCompare)
        column = self.row_column(node.column)
        value = self._filter_value(node.value)
        if column is None or value is None:
            return None
        vtype = value_type(column)
        if value.type is not vtype:
            words = (WORDS[vtype], typed_words(Typed(value, value.type)))
            text = M.FILTER_VALUE.format(column.name, *words)
            self.rep.report(text, node.span, hints=_filter_hints(vtype))
            return None
        if vtype in (T.TEXT, T.BOOLEAN) and node.op not in ("=", "!="):
            self.rep.report(M.EQUALITY_ONLY.format(WORDS[vtype]), node.span)
            return None
        return m.Compare(node.op, m.RowAttr(column.name, vtype), value)

    def _filter_value(self, node: A.Expr) -> m.Const | None:
        """A literal of a filter (a negated number folded into one constant)."""
        negate = isinstance(node, A.Negate)
        t = literal(node.operand if isinstance(node, A.Negate) else node, self.rep)  # type: ignore[arg-type]
        if t.type is T.ERROR or not isinstance(t.expr, m.Const):
            if t.type is T.DURATION:
                self.rep.report(
                    M.TYPE_MISMATCH.format(
                        "a filter compares with text, a number, "
                        "a date or a timestamp, not a duration"
                    ),
                    node.span,
                )
            return None
        if negate and isinstance(t.expr.value, Decimal):
            return m.Const(-t.expr.value, T.NUMBER)
        return t.expr

    def _filter_in(self, node: A.FilterIn) -> m.Expr | None:
        column = self.row_column(node.column)
        values = [self._filter_value(v) for v in node.values]
        if column is None or any(v is None for v in values):
            return None
        vtype = value_type(column)
        consts = [v for v in values if v is not None]
        for lit, v in zip(node.values, consts, strict=True):
            if v.type is not vtype:
                text = M.IN_MIXED.format(WORDS[vtype], column.name, WORDS[v.type])
                self.rep.report(text, lit.span, hints=_filter_hints(vtype))
                return None
        return m.In(m.RowAttr(column.name, vtype), tuple(consts))

    def _event_known(self, name: A.Name) -> bool:
        if name.text in self.env.info.events:
            return True
        unknown(self.rep, M.UNKNOWN_EVENT, "event", name, self.env.info.events)
        return False

    def _name(self, node: A.NameRef) -> Typed:
        text = node.name.text
        param = self.env.params.get(text)
        if param is not None:
            self.env.used.add(text)
            unit = param.value.unit if isinstance(param.value, m.DurationConst) else None
            kind = T.DURATION if unit else param.value.type  # type: ignore[union-attr]
            return Typed(param.value, kind, unit, param=text)
        if text == AS_OF:
            return Typed(m.AsOf(), T.TIMESTAMP)
        if text in self.env.info.events:
            return Typed(m.EventConst(text), T.EVENT_KIND)
        attr = self.env.info.attribute(text)
        if attr is not None:
            vtype = value_type(attr[1])
            return Typed(m.Attr(attr[0], text, vtype), vtype)
        own = self.env.unit_attribute(text)
        if own is not None:
            return Typed(m.UnitAttr(text, own.type), own.type)
        why = self.env.elsewhere.get(text)
        if why is not None:
            self.rep.report(M.UNKNOWN_NAME.format("name", text), node.name.span, hints=[why])
            return ERROR
        unknown(self.rep, M.UNKNOWN_NAME, "name", node.name, self.env.candidates(), "names")
        return ERROR

    # ------------------------------------------------------------------ calls
    def _call(self, node: A.Call) -> Typed:
        name = node.func.text
        if name == "first_of":
            return self._first_of(node)
        if name in EXTREMES:
            return self._extreme(node, name)
        unit = ELAPSED_FUNCTIONS.get(name)
        if unit is None:
            hints = did_you_mean(name, FUNCTIONS) or available("functions", FUNCTIONS)
            msg = M.UNKNOWN_FUNCTION.format("function", name)
            fixes = replacement_fix(name, node.func.span, FUNCTIONS)
            self.rep.report(msg, node.func.span, hints=hints, fixes=fixes)
            return ERROR
        if len(node.args) != 2:
            msg = M.WRONG_ARITY.format(name, 2, len(node.args))
            self.rep.report(msg, node.span, hints=[f"write `{name}(first A, first B)`"])
            return ERROR
        start = self.expect(node.args[0], T.TIMESTAMP, f"the start given to `{name}`")
        end = self.expect(node.args[1], T.TIMESTAMP, f"the end given to `{name}`")
        self.need_calendar(unit, node.func.span)
        if T.ERROR in (start.type, end.type):
            return ERROR
        return Typed(m.Elapsed(unit, start.expr, end.expr), T.DURATION, unit)

    def _extreme(self, node: A.Call, name: str) -> Typed:
        if len(node.args) < 2:
            msg = M.WRONG_ARITY.format(name, "at least 2", len(node.args))
            hints = [f"write `{name}(first qc_passed, first qc_failed)`"]
            self.rep.report(msg, node.span, hints=hints)
            return ERROR
        args = [self.expect(arg, T.TIMESTAMP, f"each argument of `{name}`") for arg in node.args]
        if any(a.type is T.ERROR for a in args):
            return ERROR
        return Typed(m.Extreme(name, tuple(a.expr for a in args)), T.TIMESTAMP)

    def need_calendar(self, unit: m.TimeUnit | None, span: Span) -> None:
        if unit is m.TimeUnit.BUSINESS_DAYS and not self.env.info.schema.calendars:
            self.rep.report(
                M.NO_CALENDAR,
                span,
                hints=["declare a `calendar … default { … }` or `import stdlib.schema`"],
            )

    def _first_of(self, node: A.Call) -> Typed:
        if not node.args:
            self.rep.report(M.WRONG_ARITY.format("first_of", "at least 1", 0), node.span)
            return ERROR
        events: list[str] = []
        filters: list[m.Expr | None] = []
        ok = True
        for arg in node.args:
            if isinstance(arg, A.FilteredName):
                t = self._filtered_name(arg)
                ok = ok and t.type is not T.ERROR
                events.append(arg.name.text)
                filters.append(t.filter)
            elif not isinstance(arg, A.NameRef):
                text = M.FIRST_OF_ARGS
                self.rep.report(
                    text,
                    arg.span,
                    hints=["write `first_of(qc_passed, qc_failed)`"],
                )
                ok = False
            elif self._event_known(arg.name):
                events.append(arg.name.text)
                filters.append(None)
            else:
                ok = False
        if not ok:
            return ERROR
        kept = tuple(filters) if any(f is not None for f in filters) else ()
        return Typed(m.FirstOf(tuple(events), kept), T.EVENT_KIND, events=tuple(events))

    # ------------------------------------------------------------------ logic
    def _not(self, node: A.Not) -> Typed:
        t = self.expect(node.operand, T.BOOLEAN, "the operand of `not`")
        return t if t.type is T.ERROR else Typed(m.Not(t.expr), T.BOOLEAN)

    def _boolop(self, node: A.BoolOp) -> Typed:
        parts = [self.expect(o, T.BOOLEAN, f"each side of `{node.op}`") for o in node.operands]
        if any(p.type is T.ERROR for p in parts):
            return ERROR
        return Typed(m.BoolOp(node.op, tuple(p.expr for p in parts)), T.BOOLEAN)

    def _within(self, node: A.Within) -> Typed:
        target = self.expect(node.target, T.TIMESTAMP, "the event before `within`")
        anchor = self.expect(node.anchor, T.TIMESTAMP, "the event after `of`")
        window = self._window(node.window)
        if T.ERROR in (target.type, anchor.type) or window is None:
            return ERROR
        return Typed(m.Within(target.expr, window, anchor.expr), T.BOOLEAN)

    def _window(self, node: A.Expr) -> m.DurationConst | None:
        if isinstance(node, A.NameRef) and not self.env.known(node.name.text):
            unknown(self.rep, M.UNKNOWN_PARAM, "param", node.name, self.env.params)
            return None
        t = self.infer(node)
        if t.type is T.ERROR:
            return None
        if isinstance(t.expr, m.Negate) and isinstance(t.expr.operand, m.DurationConst):
            const = t.expr.operand
            written = f"-{const.amount.normalize():f} {const.unit.value}"
            hints = ["a window counts forward from the event after `of`: write it without `-`"]
            self.rep.report(M.NEGATIVE_WINDOW.format(written), node.span, hints=hints)
            return None
        if isinstance(t.expr, m.DurationConst):
            self.need_calendar(t.expr.unit, node.span)
            return t.expr
        hints = ["write a fixed duration such as `3 business_days` or `48 hours`, or a param"]
        self.mismatch(node.span, t, M.WINDOW_NOT_FIXED, "a duration", hints)
        return None

    # ------------------------------------------------------------------ comparisons, arithmetic
    def _compare(self, node: A.Compare) -> Typed:
        left = self._operand(node.left, node.right)
        right = self._operand(node.right, node.left)
        if T.ERROR in (left.type, right.type):
            return ERROR
        checked = self._comparable(node, left, right)
        if checked is None:
            return ERROR
        left, right = checked
        return Typed(m.Compare(node.op, left.expr, right.expr), T.BOOLEAN)

    def _operand(self, node: A.Expr, other: A.Expr) -> Typed:
        """Type one side of a comparison; beside ``first_of`` a bare name must be an event."""
        if _is_first_of(other) and isinstance(node, A.NameRef):
            if node.name.text not in self.env.params and not self._event_known(node.name):
                return ERROR
        return self.infer(node)

    def _comparable(self, node: A.Compare, a: Typed, b: Typed) -> tuple[Typed, Typed] | None:
        if a.type is T.DURATION or b.type is T.DURATION:
            return self._durations(node.span, a, b)
        if a.type is not b.type:
            hints = _compare_hints(a, b)
            culprit = b if b.param else a
            self.mismatch(
                node.span,
                culprit,
                M.CANNOT_COMPARE.format(typed_words(a), typed_words(b)),
                typed_words(b if culprit is a else a),
                hints,
                complete=True,
            )
            return None
        if a.type in (T.TEXT, T.BOOLEAN, T.EVENT_KIND) and node.op not in ("=", "!="):
            self.rep.report(M.EQUALITY_ONLY.format(WORDS[a.type]), node.span)
            return None
        if not self._first_of_member(node.right, a, b) or not self._first_of_member(
            node.left, b, a
        ):
            return None
        return a, b

    def _first_of_member(self, side: A.Expr, a: Typed, b: Typed) -> bool:
        """When ``a`` is ``first_of(...)``, the event ``b`` (written at ``side``) must be listed."""
        if a.events is None or not isinstance(b.expr, m.EventConst):
            return True
        if b.expr.event in a.events:
            return True
        text = M.NOT_IN_FIRST_OF.format(b.expr.event)
        hints = available("events of this first_of", a.events)
        self.rep.report(text, side.span, hints=hints)
        return False

    def _durations(self, span: Span, a: Typed, b: Typed) -> tuple[Typed, Typed] | None:
        """Durations compare with numbers (in the duration's unit) and with durations in a
        unit they convert to exactly (hours and days)."""
        if T.NUMBER in (a.type, b.type):
            return a, b
        if a.type is not T.DURATION or b.type is not T.DURATION:
            culprit = a if a.type is not T.DURATION else b
            self.mismatch(
                span,
                culprit,
                M.CANNOT_COMPARE.format(typed_words(a), typed_words(b)),
                "a duration",
                _compare_hints(a, b),
                complete=True,
            )
            return None
        if a.unit is b.unit:
            return a, b
        converted = _convert(b, a.unit) or _convert(a, b.unit)
        if converted is None:
            culprit = b if b.param or isinstance(b.expr, m.DurationConst) else a
            other = a if culprit is b else b
            self.mismatch(
                span,
                culprit,
                M.CANNOT_COMPARE.format(typed_words(a), typed_words(b)),
                typed_words(other),
                ["durations in business days do not convert to elapsed hours or days"],
                complete=True,
            )
            return None
        return (a, converted) if converted.unit is a.unit else (converted, b)

    def _arith(self, node: A.Arith) -> Typed:
        left, right = self.infer(node.left), self.infer(node.right)
        if T.ERROR in (left.type, right.type):
            return ERROR
        result = _arith_type(node.op, left, right)
        if result is None:
            hints = ["measure time between two timestamps with days(a, b) or hours(a, b)"]
            text = M.CANNOT_APPLY.format(node.op, typed_words(left), typed_words(right))
            self.rep.report(
                text,
                node.span,
                hints=hints if T.TIMESTAMP in (left.type, right.type) else [],
            )
            return ERROR
        unit = left.unit or right.unit if result is T.DURATION else None
        return Typed(m.Arith(node.op, left.expr, right.expr), result, unit)

    def _negate(self, node: A.Negate) -> Typed:
        t = self.infer(node.operand)
        if t.type in (T.ERROR, T.NUMBER, T.DURATION):
            return t if t.type is T.ERROR else Typed(m.Negate(t.expr), t.type, t.unit)
        self.mismatch(node.span, t, M.CANNOT_NEGATE, T.NUMBER, [])
        return ERROR


def _is_first_of(node: A.Expr) -> bool:
    return isinstance(node, A.Call) and node.func.text == "first_of"


def _convert(t: Typed, unit: m.TimeUnit | None) -> Typed | None:
    """A constant duration restated exactly in another elapsed-time unit (48 hours = 2 days)."""
    if not isinstance(t.expr, m.DurationConst) or unit not in _HOURS_PER:
        return None
    if t.expr.unit not in _HOURS_PER or unit is None:
        return None
    amount = t.expr.amount * _HOURS_PER[t.expr.unit] / _HOURS_PER[unit]
    return replace(t, expr=m.DurationConst(amount, unit), unit=unit)


def _arith_type(op: str, a: Typed, b: Typed) -> m.Type | None:
    kinds = (a.type, b.type)
    if kinds == (T.NUMBER, T.NUMBER):
        return T.NUMBER
    if kinds == (T.DURATION, T.DURATION):
        if op == "/":
            return T.NUMBER
        return T.DURATION if op in ("+", "-") and a.unit is b.unit else None
    if T.DURATION in kinds and T.NUMBER in kinds:
        if op == "/" and a.type is T.NUMBER:
            return T.NUMBER  # an amount per unit of time: reads per business day
        return T.DURATION
    return None


def _compare_hints(a: Typed, b: Typed) -> list[str]:
    kinds = {a.type, b.type}
    if kinds == {T.TIMESTAMP, T.NUMBER} or kinds == {T.TIMESTAMP, T.DURATION}:
        return [
            "measure the time between two timestamps with days(a, b), hours(a, b) or "
            "business_days(a, b)"
        ]
    if kinds == {T.BOOLEAN, T.NUMBER}:
        return ["`has E` is true or false; use `count E` for a number"]
    return []


def _filter_hints(vtype: m.Type) -> list[str]:
    if vtype is T.TEXT:
        return ['write the value in double quotes: `modality = "MRI"`']
    if vtype is T.NUMBER:
        return ["write a number without quotes: `reading > 40`"]
    return []


def _hint(node: A.Expr, t: Typed, want: m.Type) -> list[str]:
    if isinstance(node, A.NameRef | A.FilteredName) and t.type is T.EVENT_KIND:
        verb = {T.BOOLEAN: "has", T.TIMESTAMP: "first", T.NUMBER: "count"}.get(want)
        written = _fmt_name(node)
        return [f"write `{verb} {written}`"] if verb else []
    if isinstance(node, A.EventFact) and node.kind == "has" and want is T.NUMBER:
        return [f"`has {node.event.text}` is true or false; use `count {node.event.text}`"]
    if t.type is T.TIMESTAMP and want in (T.NUMBER, T.DURATION):
        return ["measure time between two timestamps with days(a, b) or hours(a, b)"]
    return []


def _fmt_name(node: A.NameRef | A.FilteredName) -> str:
    return node.name.text + ("[…]" if isinstance(node, A.FilteredName) else "")


def _param_label(param: Param) -> Label:
    return Label(param.file, param.span, f"param `{param.name}` is defined here")
