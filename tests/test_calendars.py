"""Business days (rule 4) against numpy.busday_count as an independent oracle, and the SQL table."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from imx.calendars import business_days, calendar_rows, calendar_table
from imx.model import CalendarDef

ZONES = [
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Apia",
]
DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _cal(weekend: frozenset[int], holidays: frozenset[dt.date], zone: str) -> CalendarDef:
    return CalendarDef("c", None, True, weekend, holidays, zone)


def _oracle(a: dt.datetime, b: dt.datetime, cal: CalendarDef) -> int:
    da = pd.Timestamp(a).tz_convert(cal.timezone).date()
    db = pd.Timestamp(b).tz_convert(cal.timezone).date()
    mask = [0 if d in cal.weekend else 1 for d in range(1, 8)]
    one, hols = dt.timedelta(days=1), sorted(cal.holidays)
    if db < da:  # rule 4 is symmetric; numpy counts (end, begin] for a reversed range instead
        return -int(np.busday_count(db + one, da + one, weekmask=mask, holidays=hols))
    return int(np.busday_count(da + one, db + one, weekmask=mask, holidays=hols))


instants = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2028, 12, 31),
    timezones=st.just(dt.UTC),
)
weekends = st.frozensets(st.integers(1, 7), max_size=6)
holiday_sets = st.frozensets(st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)), max_size=40)


@settings(max_examples=max(300, settings().max_examples))
@given(instants, instants, weekends, holiday_sets, st.sampled_from(ZONES))
def test_business_days_match_numpy(
    a: dt.datetime, b: dt.datetime, weekend: frozenset[int], hols: frozenset[dt.date], zone: str
) -> None:
    cal = _cal(weekend, hols, zone)
    assert business_days(a, b, cal) == _oracle(a, b, cal)
    assert business_days(b, a, cal) == -business_days(a, b, cal)


@given(instants, st.integers(0, 30), st.sampled_from(ZONES), holiday_sets)
def test_calendar_table_index_differences_are_business_days(
    a: dt.datetime, days: int, zone: str, hols: frozenset[dt.date]
) -> None:
    cal = _cal(frozenset({6, 7}), hols, zone)
    start = a.date() - dt.timedelta(days=3)
    rows = {d: idx for _, d, _, idx in calendar_rows(cal, start, start + dt.timedelta(days=40))}
    b = a + dt.timedelta(days=days, hours=days % 5)
    da, db = (pd.Timestamp(x).tz_convert(zone).date() for x in (a, b))
    assert rows[db] - rows[da] == business_days(a, b, cal)


def test_friday_to_next_tuesday_is_two_and_same_day_zero() -> None:
    cal = _cal(frozenset({6, 7}), frozenset(), "America/New_York")
    fri = dt.datetime(2026, 3, 6, 15, tzinfo=dt.UTC)
    assert business_days(fri, fri + dt.timedelta(days=4), cal) == 2
    assert business_days(fri, fri + dt.timedelta(hours=3), cal) == 0


def test_local_date_follows_the_zone_across_dst() -> None:
    # 2026-03-08T04:30Z is still Saturday 7 March in New York (EST, UTC-5); Monday 9 March is +1.
    cal = _cal(frozenset({6, 7}), frozenset(), "America/New_York")
    a = dt.datetime(2026, 3, 8, 4, 30, tzinfo=dt.UTC)
    b = dt.datetime(2026, 3, 9, 13, 0, tzinfo=dt.UTC)
    assert business_days(a, b, cal) == 1
    utc = _cal(frozenset({6, 7}), frozenset(), "UTC")
    assert business_days(a, b, utc) == 1  # Sunday → Monday in UTC as well


def test_country_holidays_come_from_the_holidays_package() -> None:
    # Independence Day 2026 falls on a Saturday; the US observes it on Friday 3 July.
    plain = _cal(frozenset({6, 7}), frozenset(), "America/New_York")
    us = CalendarDef("us", None, True, frozenset({6, 7}), frozenset(), "America/New_York", "US")
    thu = dt.datetime(2026, 7, 2, 16, tzinfo=dt.UTC)
    mon = dt.datetime(2026, 7, 6, 16, tzinfo=dt.UTC)
    assert business_days(thu, mon, plain) == 2
    assert business_days(thu, mon, us) == 1


def test_calendar_table_has_one_row_per_calendar_and_date() -> None:
    a = _cal(frozenset({6, 7}), frozenset({dt.date(2026, 1, 1)}), "UTC")
    b = CalendarDef("b", None, False, frozenset({5, 6}), frozenset(), "Asia/Dubai")
    table = calendar_table([a, b], dt.date(2025, 12, 30), dt.date(2026, 1, 5))
    assert table.num_rows == 14
    rows = [r for r in table.to_pylist() if r["calendar"] == "c"]
    assert [r["is_business"] for r in rows] == [True, True, False, True, False, False, True]
    assert [r["idx"] for r in rows] == [0, 1, 1, 2, 2, 2, 3]
