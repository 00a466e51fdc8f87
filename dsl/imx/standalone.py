"""Model + metric → one SQL script that runs as-is over the user's own tables (``imx sql --standalone``).

The script needs nothing of imx: in a fresh database of its dialect holding the schema's tables
under their names, typed as the schema declares them (``events``, ``studies``, ``sites``), its
statements make, in order,

* ``imx_params``: the one parameter, the data cut (``as_of``); null means the latest event kept;
* ``imx_kept_<table>``: each table the metric reads, past the hygiene rules of semantics rule 3
  (:func:`imx.staging.hygiene_rows`, the loader's own row rules: a required key or the timestamp
  null, an undeclared event, exact copies once, a dimension key given on two different rows);
* ``imx_as_of`` (the cut) and ``imx_clean_events`` (the events at or before it);
* the calendar table of business days (rule 4) from the calendar declarations, when the metric
  counts business days, and the cuts of a series (rule 18) when it is one;
* and last the metric's query in the two steps the engines run (:func:`imx.sql.standalone_steps`,
  the plan :mod:`imx.sql` compiles for every engine): its unit rows ``imx_units``, then its raw
  aggregates wrapped by :func:`imx.sql.result_rows`, the metric's result rows with ``value``,
  ``numerator`` and ``denominator`` as ``imx run`` gives them (no bands or intervals).

Relations are temporary tables (in Spark, cached temporary views). Every statement is a sqlglot
tree built by :mod:`imx.staging` or :mod:`imx.sql`; this module only orders and prints them.
Dates a declaration cannot list (a country's holidays; the period ends of a series) are listed
for the years of :data:`YEARS`, and the header says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from imx import staging as S
from imx.calendars import CALENDAR_TABLE, CUTS_TABLE, holidays_between, period_ends
from imx.dialects import STANDALONE_DIALECTS
from imx.model import Model
from imx.plan import Plan, build_plan
from imx.sql import UNITS, cuts_rows, render, result_rows, standalone_steps

YEARS = (2000, 2060)
"""The years for which a country's holidays and the period ends of a series are listed."""
PARAMS, CUT = "imx_params", "imx_as_of"
MARGIN = 2  # days around the events' dates in the calendar table (any time zone's date is inside)


def kept_name(table: str) -> str:
    return f"imx_kept_{table}"


def clean_name(table: str) -> str:
    return f"imx_clean_{table}"


@dataclass(frozen=True)
class Script:
    """The statements of a standalone script, each after its comment, and its header."""

    header: tuple[str, ...]
    statements: tuple[tuple[str, S.Sql], ...]
    dialect: str

    def text(self) -> str:
        lines = [f"-- {h}" if h else "--" for h in self.header]
        for comment, statement in self.statements:
            lines += ["", f"-- {comment}", render(statement, self.dialect, pretty=True) + ";"]
        return "\n".join(lines) + "\n"


def script(model: Model, metric_id: str, dialect: str, as_of: dt.datetime | None = None) -> Script:
    """The standalone script of one metric for ``dialect`` (``as_of``: the cut written into its
    parameter, else the latest event)."""
    plan = build_plan(model, (metric_id,))  # no cut: the plan's `now` becomes imx_as_of's
    (grain,) = plan.grains
    schema = model.schema
    read = [grain.events_table, *dict.fromkeys(d.table for d in grain.dims)]
    time = grain.time_column
    cut = S.cut_of(S.table(CUT))
    steps: list[tuple[str, S.Sql]] = [
        ("the data cut: an instant, or null for the latest event kept", S.cut_parameter(as_of))
    ]
    for name in read:
        tdef = schema.table(name)
        assert tdef is not None
        rows = S.hygiene_rows(tdef, schema.event_names, S.table(name), name != grain.events_table)
        steps.append((f"{name}: the rows the hygiene rules keep (semantics rule 3)", rows))
    kept = S.table(kept_name(grain.events_table))
    steps.append(
        ("the cut given, else the latest event kept", S.data_cut(S.table(PARAMS), kept, time))
    )
    steps.append(("the events at or before the cut", S.at_or_before(kept, time, cut)))
    names = [PARAMS, *map(kept_name, read), CUT, clean_name(grain.events_table)]
    statements = [(c, S.scratch(n, q, dialect)) for (c, q), n in zip(steps, names, strict=True)]
    if dialect == "spark":  # its local dates are read from instants in the session's zone
        zone = S.set_option("spark.sql.session.timeZone", S.word("UTC"))
        statements.insert(0, ("Spark reads instants in the session's time zone: UTC", zone))
    clean = S.table(clean_name(grain.events_table))
    statements += _calendar(plan, clean, time, cut, dialect) + _cuts(
        plan, clean, time, cut, dialect
    )
    tables = {n: kept_name(n) for n in read} | {grain.events_table: clean_name(grain.events_table)}
    units, query = standalone_steps(plan, dialect, tables, cut)
    statements.append((f"the unit rows of {metric_id}", S.scratch(UNITS, units, dialect)))
    statements.append((f"{metric_id}: its result rows", result_rows(plan, query)))
    return Script(_header(model, metric_id, plan, read, dialect), tuple(statements), dialect)


def _calendar(
    plan: Plan, clean: S.Sql, time: str, cut: S.Sql, dialect: str
) -> list[tuple[str, S.Sql]]:
    if not plan.calendars or not any(g.bd_args for g in plan.grains):
        return []
    literals = [S.cast(S.string(t.isoformat()), "TIMESTAMPTZ") for t in plan.literals]
    bounds = S.date_bounds(clean, time, [cut, *literals], MARGIN)
    days = [
        S.CalendarDays(
            c.name,
            c.weekend,
            holidays_between(c, *YEARS) if c.country else tuple(sorted(c.holidays)),
            dt.date(YEARS[0], 1, 1) if c.country else None,
            dt.date(YEARS[1], 12, 31) if c.country else None,
        )
        for c in sorted(plan.calendars, key=lambda c: c.name)
    ]
    calendar = S.calendar_days(days, S.table("imx_day_numbers"), S.table("imx_dates"))
    return [
        ("day numbers, for the calendar table", S.scratch("imx_day_numbers", S.day_numbers(), dialect)),
        ("the dates the calendar table covers", S.scratch("imx_dates", bounds, dialect)),
        ("business days of each calendar (semantics rule 4)", S.scratch(CALENDAR_TABLE, calendar, dialect)),
    ]  # fmt: skip


def _cuts(plan: Plan, clean: S.Sql, time: str, cut: S.Sql, dialect: str) -> list[tuple[str, S.Sql]]:
    grains = sorted({g.series for g in plan.grains if g.series is not None})
    if not grains:
        return []
    start = dt.datetime(YEARS[0], 1, 1, tzinfo=dt.UTC)
    stop = dt.datetime(YEARS[1] + 1, 1, 1, tzinfo=dt.UTC)
    periods = {g: period_ends(g, plan.zone, start, stop)[:-1] for g in grains}
    first = S.first_time(clean, time)
    rows = cuts_rows(plan, periods, first, cut)
    return [("the cuts of the series (semantics rule 18)", S.scratch(CUTS_TABLE, rows, dialect))]


def _header(
    model: Model, metric_id: str, plan: Plan, read: Sequence[str], dialect: str
) -> tuple[str, ...]:
    metric = model.metric(metric_id)
    title = f" ({metric.base.title})" if metric is not None and metric.base.title else ""
    tested = (
        "run as-is in a fresh database by imx's tests"
        if dialect in STANDALONE_DIALECTS
        else "printed only: imx's tests do not run this dialect"
    )
    lines = [
        f"imx {metric_id}{title}: a standalone {dialect} script ({tested}).",
        "It reads these tables, named and typed as the schema declares them:",
    ]
    for name in read:
        tdef = model.schema.table(name)
        assert tdef is not None
        cols = ", ".join(f"{c.name} {S.TYPES[c.type].lower()}" for c in tdef.columns)
        lines.append(f"  {name}({cols})")
    lines += [
        f"The data cut is the one value of {PARAMS}: give an instant there, or leave it null for",
        "the latest event kept. The last statement gives the metric's result rows and `value`.",
    ]
    if any(c.country for c in plan.calendars) or any(g.series for g in plan.grains):
        lines.append(
            f"Holidays of a country and the periods of a series are listed for {YEARS[0]}-{YEARS[1]}."
        )
    return tuple(lines)
