"""Calendar declarations → business-day counts (semantics rule 4) and the calendar table SQL joins.

``business_days(a, b, cal)`` counts the business days strictly after ``a``'s local date up to and
including ``b``'s local date, dates taken in the calendar's time zone; it is negative (computed
symmetrically) when ``b`` falls on an earlier date than ``a``. ``calendar_table`` renders, for every
calendar and every date in a range, a cumulative business-day index ``idx`` such that
``business_days(a, b) == idx(date_b) - idx(date_a)``; the SQL evaluator joins against it.
``period_ends`` gives the cuts of a series (rule 18): each period's last microsecond in a zone, the
last one the data cut; ``cuts_table`` renders them for SQL.

>>> import datetime as dt
>>> from imx.model import CalendarDef
>>> cal = CalendarDef("us", None, True, frozenset({6, 7}), frozenset(), "UTC")
>>> fri = dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC)
>>> business_days(fri, fri + dt.timedelta(days=4), cal)  # Friday → next Tuesday
2
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import holidays as holidays_pkg
import pyarrow as pa

from imx.model import CalendarDef

CALENDAR_TABLE = "imx_calendar"
"""Name under which engines register the generated calendar table."""

CALENDAR_SCHEMA = pa.schema(
    [
        ("calendar", pa.string()),
        ("date", pa.date32()),
        ("is_business", pa.bool_()),
        ("idx", pa.int64()),
    ]
)


CUTS_TABLE = "imx_cuts"
"""Name under which engines register the generated table of series cuts (semantics rule 18)."""

CUTS_SCHEMA = pa.schema(
    [
        ("grain", pa.string()),
        ("pk", pa.int64()),
        ("cut", pa.timestamp("us", tz="UTC")),
        ("bucket", pa.int64()),
    ]
)
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def period_key(ts: dt.datetime, grain: str, zone: str) -> int:
    """The period of an aware instant in ``zone``: ``yyyymm``, ``yyyyq`` or ``yyyy``.

    >>> t = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    >>> period_key(t, "month", "UTC"), period_key(t, "month", "Europe/Berlin")
    (202603, 202604)
    """
    local = ts.astimezone(ZoneInfo(zone))
    return _key(local.year, local.month, grain)


def _key(year: int, month: int, grain: str) -> int:
    if grain == "month":
        return year * 100 + month
    if grain == "quarter":
        return year * 10 + (month + 2) // 3
    return year


def period_ends(
    grain: str, zone: str, first: dt.datetime, as_of: dt.datetime
) -> list[tuple[int, dt.datetime]]:
    """(period key, cut) for every period of ``grain`` in ``zone`` from ``first``'s to
    ``as_of``'s (semantics rule 18): the cut is the period's last microsecond, the instant before
    the next period begins, or ``as_of`` in the period holding it.

    >>> first = dt.datetime(2026, 1, 20, tzinfo=dt.UTC)
    >>> for key, cut in period_ends("month", "UTC", first, dt.datetime(2026, 3, 5, tzinfo=dt.UTC)):
    ...     print(key, cut.isoformat())
    202601 2026-01-31T23:59:59.999999+00:00
    202602 2026-02-28T23:59:59.999999+00:00
    202603 2026-03-05T00:00:00+00:00
    """
    tz, step = ZoneInfo(zone), _MONTHS[grain]
    local = first.astimezone(tz)
    year, month = local.year, (local.month - 1) // step * step + 1
    out: list[tuple[int, dt.datetime]] = []
    while first <= as_of:
        key = _key(year, month, grain)
        year, month = year + (month + step - 1) // 12, (month + step - 1) % 12 + 1
        begins = dt.datetime(year, month, 1, tzinfo=tz).astimezone(dt.UTC)  # the next period
        end = begins - dt.timedelta(microseconds=1)
        out.append((key, min(end, as_of)))
        if end >= as_of:
            break
    return out


def cuts_table(
    grains: Iterable[str], zone: str, first: dt.datetime | None, as_of: dt.datetime
) -> pa.Table:
    """The cuts of each series grain for SQL: a row per period end (:func:`period_ends`, its
    key as ``pk`` and ``bucket``), then the data cut itself (``pk`` null: the overall rows),
    whose ``bucket`` is the period of ``as_of``; a series reads the events of the periods up to
    its row's ``bucket``."""
    rows: list[dict[str, object]] = []
    for grain in sorted(set(grains)):
        ends = period_ends(grain, zone, first, as_of) if first is not None else []
        rows += [{"grain": grain, "pk": k, "cut": cut, "bucket": k} for k, cut in ends]
        last = period_key(as_of, grain, zone)
        rows.append({"grain": grain, "pk": None, "cut": as_of, "bucket": last})
    return pa.Table.from_pylist(rows, schema=CUTS_SCHEMA)


def local_date(ts: dt.datetime, cal: CalendarDef) -> dt.date:
    """The date of an aware instant in the calendar's time zone."""
    return ts.astimezone(ZoneInfo(cal.timezone)).date()


@functools.lru_cache(maxsize=4096)
def _country_holidays(country: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays_pkg.country_holidays(country, years=year).keys())


class BusinessCalendar:
    """A calendar's weekend and holidays, with national holidays added per year on demand."""

    def __init__(self, cal: CalendarDef) -> None:
        self.cal = cal
        self._years: set[int] = set()
        self._holidays: list[dt.date] = []  # sorted, business-relevant (non-weekend) holidays only
        self._weekdays = [d for d in range(1, 8) if d not in cal.weekend]

    def _ensure_years(self, first: int, last: int) -> None:
        missing = [y for y in range(first, last + 1) if y not in self._years]
        if not missing:
            return
        extra: set[dt.date] = set()
        for year in missing:
            self._years.add(year)
            extra.update(d for d in self.cal.holidays if d.year == year)
            if self.cal.country:
                extra.update(_country_holidays(self.cal.country, year))
        merged = set(self._holidays) | {d for d in extra if d.isoweekday() not in self.cal.weekend}
        self._holidays = sorted(merged)

    def is_business(self, day: dt.date) -> bool:
        self._ensure_years(day.year, day.year)
        if day.isoweekday() in self.cal.weekend:
            return False
        i = bisect.bisect_left(self._holidays, day)
        return not (i < len(self._holidays) and self._holidays[i] == day)

    def count_after(self, start: dt.date, end: dt.date) -> int:
        """Business days in the date interval ``(start, end]``; negative of ``(end, start]``."""
        if end < start:
            return -self.count_after(end, start)
        self._ensure_years(start.year, end.year)
        weeks, rest = divmod((end - start).days, 7)
        total = weeks * len(self._weekdays)
        first_rest = start + dt.timedelta(days=weeks * 7)
        for offset in range(1, rest + 1):
            if (first_rest + dt.timedelta(days=offset)).isoweekday() not in self.cal.weekend:
                total += 1
        lo = bisect.bisect_right(self._holidays, start)
        hi = bisect.bisect_right(self._holidays, end)
        return total - (hi - lo)


@functools.lru_cache(maxsize=256)
def business_calendar(cal: CalendarDef) -> BusinessCalendar:
    """The (cached) business-day machinery of one calendar declaration."""
    return BusinessCalendar(cal)


def holidays_between(cal: CalendarDef, first: int, last: int) -> tuple[dt.date, ...]:
    """The calendar's holidays on weekdays in the years ``first`` to ``last`` (its own and its
    country's), in order: what a generated calendar table needs besides the weekend."""
    bc = business_calendar(cal)
    bc._ensure_years(first, last)
    return tuple(d for d in bc._holidays if first <= d.year <= last)


def business_days(a: dt.datetime, b: dt.datetime, cal: CalendarDef) -> int:
    """Business days strictly after ``a``'s local date up to and including ``b``'s (rule 4)."""
    return business_calendar(cal).count_after(local_date(a, cal), local_date(b, cal))


def calendar_rows(
    cal: CalendarDef, start: dt.date, end: dt.date
) -> Iterable[tuple[str, dt.date, bool, int]]:
    """``(calendar, date, is_business, idx)`` for every date in ``[start, end]``; idx(start) = 0."""
    bc = business_calendar(cal)
    bc._ensure_years(start.year, end.year)
    idx = 0
    day = start
    while day <= end:
        business = bc.is_business(day)
        if business and day != start:
            idx += 1
        yield cal.name, day, business, idx
        day += dt.timedelta(days=1)


def calendar_table(calendars: Iterable[CalendarDef], start: dt.date, end: dt.date) -> pa.Table:
    """The calendar table for SQL: one row per calendar and date in ``[start, end]``."""
    columns: tuple[list[object], ...] = ([], [], [], [])
    for cal in sorted(calendars, key=lambda c: c.name):
        for row in calendar_rows(cal, start, end):
            for column, value in zip(columns, row, strict=True):
                column.append(value)
    arrays = [pa.array(c, type=f.type) for c, f in zip(columns, CALENDAR_SCHEMA, strict=True)]
    return pa.Table.from_arrays(arrays, schema=CALENDAR_SCHEMA)
