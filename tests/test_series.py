"""Series (semantics rule 18): the period ends and cuts, the grain a run may ask for, explain.

The evaluation itself is held by the corpus case tests/cases/eval/series.imx (every number worked
out by hand, on DuckDB, the reference evaluator and Spark) and by the reference-vs-DuckDB
properties, which generate series metrics of every measure.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console

from imx.calendars import cuts_table, period_ends, period_key
from imx.checker import check_paths
from imx.plan import build_plan
from imx.render.explain import render_explain

CASE = Path(__file__).parent / "cases" / "eval" / "series.imx"
UTC = dt.UTC


def test_period_ends_are_last_microseconds_in_the_zone_and_the_last_is_the_cut() -> None:
    first = dt.datetime(2026, 2, 28, 23, 30, tzinfo=UTC)  # 1 March in Berlin
    as_of = dt.datetime(2026, 5, 10, 12, tzinfo=UTC)
    ends = period_ends("month", "Europe/Berlin", first, as_of)
    assert [k for k, _ in ends] == [202603, 202604, 202605]
    # March ends at midnight Berlin summer time (UTC+2 since 29 March), less a microsecond
    assert ends[0][1] == dt.datetime(2026, 3, 31, 21, 59, 59, 999999, tzinfo=UTC)
    assert ends[1][1] == dt.datetime(2026, 4, 30, 21, 59, 59, 999999, tzinfo=UTC)
    assert ends[-1][1] == as_of
    assert period_key(ends[0][1], "month", "Europe/Berlin") == 202603
    assert period_key(ends[0][1] + dt.timedelta(microseconds=1), "month", "Europe/Berlin") == 202604


def test_a_cut_at_a_period_end_and_the_other_grains() -> None:
    end_of_march = dt.datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC)
    first = dt.datetime(2025, 11, 3, tzinfo=UTC)
    assert period_ends("quarter", "UTC", first, end_of_march) == [
        (20254, dt.datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        (20261, end_of_march),
    ]
    assert [k for k, _ in period_ends("year", "UTC", first, end_of_march)] == [2025, 2026]
    assert period_ends("month", "UTC", end_of_march, end_of_march) == [(202603, end_of_march)]


def test_the_cuts_table_has_the_data_cut_last_and_nothing_else_without_events() -> None:
    as_of = dt.datetime(2026, 2, 10, tzinfo=UTC)
    rows = cuts_table(["month"], "UTC", dt.datetime(2026, 1, 5, tzinfo=UTC), as_of).to_pylist()
    assert [(r["pk"], r["bucket"]) for r in rows] == [
        (202601, 202601),
        (202602, 202602),
        (None, 202602),
    ]
    assert rows[-1]["cut"] == rows[-2]["cut"] == as_of
    assert [r["pk"] for r in cuts_table(["quarter"], "UTC", None, as_of).to_pylist()] == [None]


def test_a_run_asking_for_another_period_changes_the_series_grain() -> None:
    model = check_paths([CASE]).model
    assert model is not None
    as_of = dt.datetime(2026, 3, 15, tzinfo=UTC)
    assert {g.series for g in build_plan(model, as_of=as_of).grains} == {"month"}
    plan = build_plan(model, period="quarter", as_of=as_of)
    assert {g.series for g in plan.grains} == {"quarter"}
    assert plan.metric("QC-BACKLOG").period_grain == "quarter"
    assert plan.zone == "Europe/Berlin"


def test_explain_says_the_metric_is_a_series() -> None:
    model = check_paths([CASE]).model
    assert model is not None
    metric = model.metric("QC-BACKLOG")
    assert metric is not None
    console = Console(record=True, width=120)
    render_explain(metric, None, console)
    assert "month: evaluated at each month end as the cut" in console.export_text()
