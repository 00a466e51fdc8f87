"""A resolved metric in → its definition in plain words out (Markdown, every spec text escaped).

>>> from imx import model as m
>>> phrase(m.Not(m.Fact("has", "query_closed")))
'no <code>query&#95;closed</code> event'
>>> phrase(m.CountDistinct("reader", "read_completed"))
'the number of distinct <code>reader</code> values of <code>read&#95;completed</code> events'
"""

from __future__ import annotations

from decimal import Decimal

from imx import model as m
from imx.render.explain import number_text
from imx.render.handbook.facts import walk
from imx.render.handbook.markup import code, text
from imx.results import level_text

_COMPARE = {
    "=": "is",
    "!=": "is not",
    "<": "is less than",
    "<=": "is at most",
    ">": "is more than",
    ">=": "is at least",
}
_TIME_UNIT = {"hours": "hours", "days": "calendar days", "business_days": "business days"}
_STAT = {"median": "the median", "mean": "the mean", "min": "the minimum", "max": "the maximum"}


def stat_words(name: str) -> str:
    """A summary statistic in words; a Kaplan–Meier one (rule 21) says what it does with the
    open units.

    >>> stat_words("median"), stat_words("km_median")
    ('the median', 'the Kaplan–Meier median (open units censored at the data cut)')
    """
    km = m.km_statistic(name)
    if km is None:
        return _STAT.get(name, text(name))
    which = "median" if km == "median" else text(km)
    return f"the Kaplan–Meier {which} (open units censored at the data cut)"


def unit_words(unit: m.TimeUnit) -> str:
    """``business_days`` → ``business days``."""
    return _TIME_UNIT[unit.value]


def phrase(expr: m.Expr) -> str:
    """An expression in words, with event names and attributes as code."""
    if isinstance(expr, m.Fact):
        return _fact(expr)
    if isinstance(expr, m.FirstOf):
        filters = expr.filters or (None,) * len(expr.events)
        named = (code(e) + _where(f) for e, f in zip(expr.events, filters, strict=True))
        return "whichever of " + ", ".join(named) + " came first"
    if isinstance(expr, m.EventConst):
        return code(expr.event)
    if isinstance(expr, m.AsOf):
        return "the data cut"
    if isinstance(expr, m.Attr):
        return f"the {text(expr.table.rstrip('s'))}'s {code(expr.column)}"
    if isinstance(expr, m.Const | m.DurationConst):
        return _const(expr)
    if isinstance(expr, m.Extreme):
        which = "earliest" if expr.kind == "earliest" else "latest"
        return f"the {which} of " + " and ".join(phrase(a) for a in expr.args)
    if isinstance(expr, m.Elapsed):
        start, end = phrase(expr.start), phrase(expr.end)
        return f"the time from {start} to {end}, in {unit_words(expr.unit)},"
    if isinstance(expr, m.Not):
        return _negation(expr.operand)
    if isinstance(expr, m.BoolOp):
        parts = [_grouped(o) for o in expr.operands]
        return f" {expr.op} ".join(parts)
    if isinstance(expr, m.Compare):
        return f"{phrase(expr.left)} {_COMPARE[expr.op]} {phrase(expr.right)}"
    if isinstance(expr, m.Within):
        return f"{phrase(expr.target)} comes within {_const(expr.window)} of {phrase(expr.anchor)}"
    if isinstance(expr, m.Arith):
        return f"{_grouped(expr.left)} {text(expr.op)} {_grouped(expr.right)}"
    if isinstance(expr, m.Negate):
        return f"minus {_grouped(expr.operand)}"
    return _attribute(expr)


def _attribute(expr: m.RowAttr | m.In | m.AttributeOf | m.CountDistinct | m.UnitAttr) -> str:
    """What an event row or a unit says (semantics rules 14-17), in words."""
    if isinstance(expr, m.RowAttr):
        return f"its {code(expr.column)}"
    if isinstance(expr, m.In):
        values = " or ".join(_const(v) for v in expr.values)
        return f"{phrase(expr.operand)} is {values}"
    if isinstance(expr, m.AttributeOf):
        return f"the {code(expr.column)} of {_fact(expr.fact)}"
    if isinstance(expr, m.CountDistinct):
        what = "local days" if expr.column == m.DAY else f"{code(expr.column)} values"
        return f"the number of distinct {what} of {code(expr.event)} events{_where(expr.filter)}"
    return f"the unit's {code(expr.name)}"


def _where(condition: m.Expr | None) -> str:
    return "" if condition is None else f" where {phrase(condition)}"


def _fact(fact: m.Fact) -> str:
    event, where = code(fact.event), _where(fact.filter)
    if fact.kind == "has":
        return f"a {event} event{where}"
    if fact.kind == "count":
        return f"the number of {event} events{where}"
    return f"the {fact.kind} {event}" + (f" (of those{where})" if where else "")


def _negation(operand: m.Expr) -> str:
    if isinstance(operand, m.Fact) and operand.kind == "has":
        return f"no {code(operand.event)} event"
    return f"not ({phrase(operand)})"


def _grouped(expr: m.Expr) -> str:
    nested = isinstance(expr, m.BoolOp | m.Arith)
    return f"({phrase(expr)})" if nested else phrase(expr)


def _const(const: m.Const | m.DurationConst) -> str:
    if isinstance(const, m.DurationConst):
        return f"{number_text(const.amount)} {unit_words(const.unit)}"
    if isinstance(const.value, Decimal):
        return text(number_text(const.value))
    if const.value is None:
        return "nothing"
    if isinstance(const.value, bool):
        return "true" if const.value else "false"
    if isinstance(const.value, str):
        return "“" + text(const.value) + "”"
    return text(const.value.isoformat())


def condition(expr: m.Expr) -> str:
    """A condition to follow "units where …"; ``has E`` reads as "E happened"."""
    if isinstance(expr, m.Fact) and expr.kind == "has":
        return f"{code(expr.event)} happened"
    if isinstance(expr, m.Not) and isinstance(expr.operand, m.Fact):
        return f"{code(expr.operand.event)} did not happen"
    if isinstance(expr, m.BoolOp):
        return f" {expr.op} ".join(
            f"({phrase(o)})" if isinstance(o, m.BoolOp) else condition(o) for o in expr.operands
        )
    return phrase(expr)


def definition(metric: m.ResolvedMetric) -> list[tuple[str, str]]:
    """The definition as labelled sentences: population, exclusions, measured, summarised."""
    unit = text(metric.unit.name)
    keys = ", ".join(code(k) for k in metric.unit.keys)
    rows = [("Unit of analysis", f"one {unit}: the events sharing {keys}.")]
    rows.append(("Population", _population(metric)))
    rows.append(("Exclusions", _exclusions(metric)))
    rows.append(("Measured", _measured(metric)))
    rows.append(("Summarised", _summarised(metric)))
    return rows


def _population(metric: m.ResolvedMetric) -> str:
    plural = text(_plural(metric.unit.name))
    if not metric.where:
        return f"every {text(metric.unit.name)} in the event log."
    return f"{plural} where " + ", and ".join(condition(w) for w in metric.where) + "."


def _exclusions(metric: m.ResolvedMetric) -> str:
    if not metric.excludes:
        return "none."
    parts = [f"{condition(e.condition)} ({text(e.reason)})" for e in metric.excludes]
    return (
        f"{text(_plural(metric.unit.name))} where "
        + "; or ".join(parts)
        + ". They leave the denominator and are counted by reason."
    )


def _measured(metric: m.ResolvedMetric) -> str:
    measure = metric.measure
    units = text(_plural(metric.unit.name))
    if isinstance(measure, m.RateMeasure):
        met = condition(measure.condition)
        return f"the share of the remaining {units} where {met}." + _pending_note(measure)
    if isinstance(measure, m.RatioMeasure):
        scale = number_text(measure.scale)
        return f"{phrase(measure.amount)}, summed and expressed per {scale} {units}."
    if isinstance(measure, m.DurationMeasure):
        return (
            f"the time from {phrase(measure.start)} to {phrase(measure.end)}, in "
            f"{unit_words(measure.unit)}. {units.capitalize()} with a start and no end yet are "
            "open: counted, not summarised."
        )
    if isinstance(measure, m.CountMeasure):
        return f"the number of {units} where {condition(measure.amount)}."
    return f"for each {text(metric.unit.name)}, {phrase(measure.amount)}."


def _pending_note(measure: m.RateMeasure) -> str:
    if not any(isinstance(n, m.Within) for n in walk(measure.condition)):
        return " An unknown result (missing data) counts as pending."
    return (
        " One still missing after its window has closed is missed; one still missing while its"
        " window is open at the data cut is pending and left out of the denominator."
    )


def _summarised(metric: m.ResolvedMetric) -> str:
    if isinstance(metric.measure, m.RateMeasure):
        head = "met ÷ (population − excluded − pending), with a 95% Wilson interval"
    elif metric.summary:
        stats = [stat_words(s) for s in metric.summary]
        head = f"{stats[0]} (the value)" + "".join(f", {s}" for s in stats[1:])
    else:
        head = "the total over the population"
    levels = ", ".join(text(level_text(level.label)) for level in metric.levels)
    parts = [head, f"reported per {levels}" if levels else ""]
    if metric.period is not None:
        grain = text(metric.period.grain)
        by = phrase(metric.period.by)
        parts.append(f"by {grain} of {by}" + (", cumulative" if metric.period.cumulative else ""))
    parts.append(f"fewer than {metric.min_n} units give the status “insufficient”")
    return "; ".join(p for p in parts if p) + "."


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u"):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def target_words(target: m.Target, value_unit: m.ValueUnit) -> str:
    """``median <= 2`` → ``the median is at most 2 business days``."""
    stat = stat_words(target.stat) if target.stat else text("the value")
    return f"{stat} {_COMPARE[target.op]} {amount_text(target.value, value_unit)}"


def amount_text(value: Decimal | float, value_unit: m.ValueUnit) -> str:
    """A number in the metric's unit: fractions as percent, durations with their unit."""
    if value_unit is m.ValueUnit.PERCENT:
        return f"{number_text(Decimal(str(value)) * 100)}%"
    shown = number_text(Decimal(str(value)))
    suffix = {
        m.ValueUnit.HOURS: " hour",
        m.ValueUnit.DAYS: " day",
        m.ValueUnit.BUSINESS_DAYS: " business day",
    }.get(value_unit, "")
    return shown + suffix + ("s" if suffix and shown != "1" else "")
