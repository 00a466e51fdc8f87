"""Rule 21 (Kaplan–Meier summaries) against an independent implementation: lifelines'
``KaplanMeierFitter`` on generated samples with censoring and ties; DuckDB against the reference
evaluator on generated duration metrics with ``km_`` summaries over generated logs (many open
units, ties); the corpus case is ``tests/cases/eval/km.imx`` (DuckDB, reference and Spark)."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import replace
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter

from evalkit import assert_same_results, dataset
from imx import model as m
from imx.evaluation import evaluate
from imx.plan import KM_TOLERANCE
from imx.reference import kaplan_meier
from imx.results import RunOptions
from test_eval_props import BASES, SCHEMA, metrics

# Few distinct times, so that events tie with events and with censorings.
times = st.one_of(st.integers(0, 6).map(float), st.sampled_from([0.5, 1.25, 2.5, 1e-3]))
samples = st.lists(st.tuples(times, st.booleans()), min_size=1, max_size=30)
levels = st.one_of(st.sampled_from([0.5, 0.9, 0.25]), st.integers(1, 99).map(lambda k: k / 100))


def lifelines_time(pairs: list[tuple[float, bool]], q: float) -> tuple[float | None, object]:
    """lifelines' time at which the survival reaches 1 − q (None: never), and its curve."""
    fitter = KaplanMeierFitter().fit([t for t, _ in pairs], [e for _, e in pairs])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its ApproximationWarning: the curve is a step function
        t = float(fitter.percentile(1 - q))
    return (None if math.isinf(t) else t), fitter.survival_function_["KM_estimate"]


@given(samples, levels)
@example([(1.0, True), (2.0, True), (3.0, True), (4.0, True)], 0.5)  # S(2) = 0.5 exactly
@example([(1.0, True), (1.0, False), (1.0, False), (3.0, True), (5.0, True)], 0.5)
@example([(2.0, False), (3.0, False)], 0.5)  # no event: never
@example([(4.0, True), (4.0, True)], 0.9)  # every one at risk is an event: S = 0
def test_kaplan_meier_equals_lifelines(pairs: list[tuple[float, bool]], q: float) -> None:
    ours = kaplan_meier(pairs, q)
    theirs, curve = lifelines_time(pairs, q)
    if ours != theirs:  # only where the curve lands on the level, up to rounding
        assert ours is not None, (ours, theirs)
        assert abs(float(curve.loc[ours]) - (1 - q)) <= KM_TOLERANCE, (ours, theirs)


@given(samples)
def test_events_come_before_censorings_at_a_tie(pairs: list[tuple[float, bool]]) -> None:
    """Moving every censoring a hair later changes nothing: the censored are at risk at t."""
    later = [(t + (0 if e else 1e-7), e) for t, e in pairs]
    for q in (0.25, 0.5, 0.9):
        assert kaplan_meier(pairs, q) == kaplan_meier(later, q)


def test_the_statistic_is_a_time_of_the_sample_or_none() -> None:
    pairs = [(1.0, True), (2.0, False), (3.0, True), (4.0, True)]
    # S(1) = 3/4, S(3) = 3/4 x 1/2 = 3/8, S(4) = 0
    assert [kaplan_meier(pairs, q) for q in (0.25, 0.5, 0.9)] == [1.0, 3.0, 4.0]
    assert kaplan_meier([(1.0, True), (2.0, False)], 0.9) is None  # S stays at 1/2


TWO = ("scan_acquired", "images_received")
two_facts = st.builds(m.Fact, st.sampled_from(["first", "last"]), st.sampled_from(TWO))


@st.composite
def km_metrics(draw: Any) -> m.Metric:
    """A generated metric (levels, periods or series, variants) made a duration between two
    facts of two events, with Kaplan–Meier summaries: a unit without the second is open."""
    metric = draw(metrics(0))
    start, end = draw(two_facts), draw(two_facts)
    measure = m.DurationMeasure(start, end, draw(st.sampled_from(list(m.TimeUnit))))
    pool = ["km_median", "km_p90", "km_p25", "km_p75", "median"]
    stats = tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True)))

    def change(r: m.ResolvedMetric) -> m.ResolvedMetric:
        keep = draw(st.booleans())  # most generated conditions read other events: often none
        where, excludes = (r.where[:1], r.excludes[:1]) if keep else ((), ())
        return replace(
            r, measure=measure, summary=stats, target=None, where=where, excludes=excludes
        )

    variants = tuple(replace(v, resolved=change(v.resolved)) for v in metric.variants)
    return replace(metric, base=change(metric.base), variants=variants)


@st.composite
def km_datasets(draw: Any) -> Any:
    """Few units with several rows of the two events each, on whole days (durations tie), and a
    data cut after most of them: many closed units, many open ones."""
    base = draw(st.sampled_from(BASES))
    day = st.integers(0, 10).map(lambda d: base + dt.timedelta(days=d))
    row = st.tuples(
        st.sampled_from(["S1", "S2"]), st.just("1"), st.sampled_from("abcd"), st.just("BL"),
        st.sampled_from((*TWO, TWO[0])), day, st.just("CT"), st.just(None),
    )  # fmt: skip
    as_of = (base + dt.timedelta(days=draw(st.integers(6, 14)))).isoformat()
    studies = [("S1", "oncology", "3"), ("S2", "neurology", "2")]
    sites = [(s, x, "US", "us") for s in ("S1", "S2") for x in ("1", "2")]
    return dataset(
        draw(st.lists(row, min_size=4, max_size=24)), as_of, studies=studies, sites=sites,
        studies_header=("study", "therapeutic_area", "phase"), sites_header=("study", "site", "country", "calendar"),
    )  # fmt: skip


@settings(max_examples=max(100, settings().max_examples // 10))
@given(km_metrics(), km_datasets())
def test_duckdb_equals_the_reference_on_km_summaries(metric: m.Metric, ds: Any) -> None:
    mod = m.Model(SCHEMA, (metric,))
    duck = evaluate(mod, ds, RunOptions(), engine="duckdb")
    ref = evaluate(mod, ds, RunOptions(), engine="reference")
    assert_same_results(duck, ref)  # floats within 1e-9, also inside `stats`
