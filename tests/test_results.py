"""The column-at-a-time finalization agrees with the row-by-row statements of its rules."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from imx import model as m
from imx.output import json_number as _json_number
from imx.output import json_numbers as _json_numbers
from imx.results import _band_indices, _wilson_arrays, band_of, wilson

counts = st.integers(min_value=0, max_value=10**7)
values = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=64))
bounds = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)


@st.composite
def band_defs(draw: st.DrawFn) -> m.BandDef:
    name = draw(st.sampled_from(["green", "amber", "red", "grey"]))
    kind = draw(st.sampled_from(["op", "range", "catch-all"]))
    if kind == "op":
        op = draw(st.sampled_from(["<=", "<", ">=", ">", "=", "!="]))
        return m.BandDef(name, op=op, bound=draw(bounds))
    if kind == "range":
        low, high = sorted([draw(bounds), draw(bounds)])
        return m.BandDef(name, low=low, high=high)
    return m.BandDef(name)


@given(st.lists(st.tuples(counts, counts), min_size=1, max_size=30))
def test_wilson_over_arrays_is_bit_for_bit_the_scalar_interval(
    pairs: list[tuple[int, int]],
) -> None:
    successes = np.array([min(a, b) for a, b in pairs], np.int64)
    n = np.array([max(a, b) for a, b in pairs], np.int64)
    low, high = _wilson_arrays(successes, n)
    for i, (s, k) in enumerate(zip(successes.tolist(), n.tolist(), strict=True)):
        expected = wilson(s, k)
        if expected is None:
            assert math.isnan(low[i]) and math.isnan(high[i])
        else:
            assert (low[i], high[i]) == expected  # exact: same operations, same order


@given(st.lists(band_defs(), max_size=4), st.lists(values, min_size=1, max_size=30))
def test_bands_over_arrays_match_band_of(defs: list[m.BandDef], xs: list[float | None]) -> None:
    bands = m.Bands(m.Direction.LOWER_IS_BETTER, tuple(defs)) if defs else None
    array = np.array([np.nan if x is None else x for x in xs], np.float64)
    found = [bands.bands[i].name if bands and i >= 0 else None for i in _band_indices(array, bands)]
    assert found == [band_of(x, bands) for x in xs]


@given(st.floats(width=64))
def test_statistics_are_written_as_json_writes_them(x: float) -> None:
    expected = "null" if math.isnan(x) else json.dumps(x)
    assert _json_number(x) == expected
    if not math.isnan(x) and math.isfinite(x):
        assert json.loads(_json_number(x)) == x


@given(
    st.lists(
        st.floats(width=64) | st.sampled_from([0.0, -0.0, 1e-4, 1e16, 100.0, 1e-05]), max_size=20
    )
)
def test_statistics_over_arrays_are_written_as_one_at_a_time(xs: list[float]) -> None:
    written = _json_numbers(np.array(xs, np.float64)).to_pylist()
    assert written == [_json_number(x) for x in xs]


def test_a_band_bound_is_compared_as_written() -> None:
    bands = m.Bands(m.Direction.LOWER_IS_BETTER, (m.BandDef("green", "<=", Decimal("0.1")),))
    assert _band_indices(np.array([0.1, 0.1000001]), bands).tolist() == [0, -1]
