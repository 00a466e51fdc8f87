"""One unit's row (``imx why``) → its outcome told step by step, in plain words.

The numbers are the engine's (a unit row planned with ``units="explain"``: each fact, each
``where`` and exclusion condition, the calendar, the value); this module only words them, and
lists the days a business-day count skipped from the unit's calendar. Every text from specs or
data is printed as text (:func:`imx.render.text.as_text`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from zoneinfo import ZoneInfo

from rich.console import Console

from imx import model as m
from imx.calendars import calendar_rows, local_date
from imx.plan import WHY_CALENDAR
from imx.render.explain import measure_text
from imx.render.text import as_text
from imx.results import group_label
from imx.spec_text import const_text, expr_text, selector_text

Row = Mapping[str, object]
_UNITS = {
    m.TimeUnit.BUSINESS_DAYS: "business day(s)", m.TimeUnit.DAYS: "day(s)",
    m.TimeUnit.HOURS: "hour(s)",
}  # fmt: skip
_OUTCOMES = {
    "met": "met: counted in the numerator and the denominator",
    "missed": "missed: counted in the denominator, not the numerator",
    "pending": "pending: not counted yet (neither in the numerator nor the denominator)",
    "open": "open: counted as open, not in the summary statistics",
    "measured": "measured: its value is counted in the metric",
    "excluded": "excluded: set aside, counted in `excluded`",
    "negative": "negative: it ends before it starts; set aside, counted in `excluded`",
    "outside": "outside: not in the metric's population",
}


def instant_text(value: dt.datetime, cal: m.CalendarDef | None) -> str:
    """``2026-03-02 15:00 UTC (Mon 2 Mar 10:00 America/New_York)``."""
    utc = value.astimezone(dt.UTC)
    shown = utc.strftime("%Y-%m-%d %H:%M UTC")
    if cal is None:
        return shown
    local = utc.astimezone(ZoneInfo(cal.timezone))
    return (
        f"{shown} ({local.strftime('%a')} {local.day} {local.strftime('%b %H:%M')} {cal.timezone})"
    )


def skipped_days(a: dt.datetime, b: dt.datetime, cal: m.CalendarDef) -> tuple[int, list[str]]:
    """Business days from ``a``'s local date to ``b``'s (rule 4; negative when ``b`` is before
    ``a``), and the days between that did not count, each named (``Sat 7 Mar (weekend)``,
    ``Tue 3 Mar (holiday)``)."""
    first, last = local_date(a, cal), local_date(b, cal)
    start, end = sorted((first, last))
    counted, skipped = 0, []
    for _, day, business, _ in calendar_rows(cal, start, end):
        if day == start:
            continue
        if business:
            counted += 1
        else:
            kind = "weekend" if day.isoweekday() in cal.weekend else "holiday"
            skipped.append(f"{day.strftime('%a')} {day.day} {day.strftime('%b')} ({kind})")
    return (counted if first <= last else -counted), skipped


def _brief(skipped: Sequence[str], most: int = 6) -> str:
    """The skipped days, each named when there are few; else the weekend days counted and the
    holidays named (at most 12)."""
    if len(skipped) <= most:
        return ", ".join(skipped) or "none"
    holidays = [d.removesuffix(" (holiday)") for d in skipped if d.endswith("(holiday)")]
    named = ", ".join(holidays[:12]) + (", …" if len(holidays) > 12 else "")
    weekend = len(skipped) - len(holidays)
    return f"{weekend} weekend days and {len(holidays)} holiday(s)" + (
        f": {named}" if named else ""
    )


def _layer(metric: m.Metric, label: object) -> tuple[m.ResolvedMetric, str]:
    for v in metric.variants:
        if v.name == label:
            return v.resolved, f"variant {v.name} (for {selector_text(v)})"
    return metric.base, "the base definition (no variant matches its study)"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return "null (none)" if value is None else str(value)


def _fact_line(name: str, value: object, cal: m.CalendarDef | None) -> str:
    shown = instant_text(value, cal) if isinstance(value, dt.datetime) else _value(value)
    return f"  {name} = {shown}"


def _conditions(resolved: m.ResolvedMetric, row: Row) -> Iterator[str]:
    wheres = [f"where {expr_text(w)}" for w in resolved.where]
    yield "population: every unit" if not wheres else "population, every condition must hold:"
    for name in wheres:
        yield f"  {name[6:]}: {_value(row.get(name))}"
    if resolved.excludes:
        yield "exclusions, tested in order (the first that holds sets the unit aside):"
    for x in resolved.excludes:
        yield f"  {expr_text(x.condition)}: {_value(row.get('exclude ' + expr_text(x.condition)))} ({x.reason})"


def _elapsed_parts(resolved: m.ResolvedMetric) -> tuple[m.Expr, m.Expr, m.TimeUnit] | None:
    """(start, end, unit) of the measure's one elapsed time: a within's anchor and target, or a
    duration's start and end."""
    measure = resolved.measure
    if isinstance(measure, m.RateMeasure) and isinstance(measure.condition, m.Within):
        w = measure.condition
        return w.anchor, w.target, w.window.unit
    if isinstance(measure, m.DurationMeasure):
        return measure.start, measure.end, measure.unit
    return None


def _timing(
    resolved: m.ResolvedMetric, row: Row, cal: m.CalendarDef | None, as_of: dt.datetime
) -> Iterator[str]:
    parts = _elapsed_parts(resolved)
    if parts is None:
        return
    start_e, end_e, unit = parts
    start, end = row.get(expr_text(start_e)), row.get(expr_text(end_e))
    if not isinstance(start, dt.datetime):
        yield f"  no {expr_text(start_e)}: the unit is outside the measure"
        return
    until = end if isinstance(end, dt.datetime) else as_of
    to = (
        expr_text(end_e)
        if isinstance(end, dt.datetime)
        else f"the data cut ({expr_text(end_e)} has not happened)"
    )
    yield f"  from {expr_text(start_e)} to {to}: {_value(row.get('value'))} {_UNITS[unit]}"
    if unit is m.TimeUnit.BUSINESS_DAYS and cal is not None:
        counted, skipped = skipped_days(start, until, cal)
        yield f"  business days in calendar {cal.name}: {counted} counted; skipped: {_brief(skipped)}"
    measure = resolved.measure
    value = row.get("value")
    if isinstance(measure, m.RateMeasure) and isinstance(measure.condition, m.Within):
        window = measure.condition.window
        yield f"  window: {const_text(window)}"
        if isinstance(value, float):
            inside = value <= float(window.amount)
            sign = "≤" if inside else ">"
            when = "" if isinstance(end, dt.datetime) else " at the data cut"
            verdict = "inside the window" if inside else "past the window"
            yield f"  {_value(value)} {sign} {const_text(window)}{when}: {verdict}"


def why_lines(
    metric: m.Metric,
    row: Row,
    keys: Sequence[str],
    calendars: Sequence[m.CalendarDef],
    as_of: dt.datetime,
) -> list[str]:
    """The narration of one unit row of ``metric``, line by line."""
    resolved, layer = _layer(metric, row.get("variant"))
    cal = next((c for c in calendars if c.name == row.get(WHY_CALENDAR)), None)
    unit = "/".join(str(row[k]) for k in keys)
    lines = [
        f"{metric.id}, {resolved.unit.name} {unit}, data cut {instant_text(as_of, cal)}",
        f"judged under {layer}",
        f"calendar: {cal.name} ({cal.timezone})" if cal else "calendar: none declared",
        *_conditions(resolved, row),
        "facts the metric reads:",
    ]
    facts = [
        n
        for n in row
        if not n.startswith(("where ", "exclude "))
        and n
        not in (
            *keys,
            "study",
            "site",
            "variant",
            "period",
            "outcome",
            "reason",
            "value",
            WHY_CALENDAR,
        )
    ]
    lines += [_fact_line(n, row[n], cal) for n in facts]
    groups = [x for x in resolved.levels if x.attributes and all(a in row for a in x.attributes)]
    if groups:
        shown = (group_label(x.label, *(row[a] for a in x.attributes)) for x in groups)
        lines.append("in the groups: " + "; ".join(shown))
    lines.append(f"measure: {measure_text(resolved.measure)}")
    lines += _timing(resolved, row, cal, as_of)
    if row.get("period") is not None:
        lines.append(f"period: {row['period']}")
    outcome = str(row.get("outcome"))
    reason = f" ({row['reason']})" if row.get("reason") else ""
    lines.append(f"outcome: {_OUTCOMES.get(outcome, outcome)}{reason}")
    return lines


def render_why(lines: Sequence[str], console: Console) -> None:
    """Print the narration, every line as text."""
    for line in lines:
        console.print(as_text(line), soft_wrap=True)
