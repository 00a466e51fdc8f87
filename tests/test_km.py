"""Rule 21 (Kaplan–Meier summaries) against an independent implementation: lifelines'
``KaplanMeierFitter`` on generated samples with censoring and ties. The engines agree with the
reference evaluator on generated metrics (``test_eval_props.py`` draws ``km_`` summaries) and on
the corpus (``tests/cases/eval/km.imx``)."""

from __future__ import annotations

import math
import warnings

from hypothesis import example, given
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter

from imx.plan import KM_TOLERANCE
from imx.reference import kaplan_meier

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
