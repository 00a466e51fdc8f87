"""`imx diff`'s impact pairs the two sides' result rows in Arrow (a join on every key column, a
null key matching a null) and makes Python rows only of the rows that moved; these tests hold
it to the plain statement, a dict of every row of each side, on random results."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Any, cast

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from imx.diff import Class, ModelDiff
from imx.impact import COMPARED, KEY, SHOWN, _summaries, compare_results
from imx.results import RESULT_SCHEMA, Results, Stamp

STAMP = Stamp("a" * 64, "0.1.0", "b" * 64, dt.datetime(2026, 3, 11, tzinfo=dt.UTC))


class FakeDiff:
    """What compare_results reads of a diff: renamed ids, and a cause per metric."""

    def __init__(self, renamed: dict[str, str]) -> None:
        self.renamed_ids = renamed

    def causes(self, metric: str, layers: tuple[str, ...]) -> frozenset[Class]:
        return frozenset({Class.METHOD}) if metric == "B" else frozenset({Class.THRESHOLD})


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


def plain(diff: FakeDiff, old: pa.Table, new: pa.Table) -> tuple[list[Any], Counter[Any]]:
    """The statement: every row of each side in a dict by key, the new side's order first."""

    def rows(table: pa.Table, renames: dict[str, str]) -> dict[tuple[Any, ...], dict[str, Any]]:
        out = {}
        for row in table.select([*KEY, *dict.fromkeys((*COMPARED, *SHOWN))]).to_pylist():
            row["metric"] = renames.get(row["metric"], row["metric"])
            out[tuple(row[k] for k in KEY)] = row
        return out

    before, after = rows(old, diff.renamed_ids), rows(new, {})
    moved: list[Any] = []
    totals: Counter[tuple[str, str, bool]] = Counter()
    for key in [*after, *(k for k in before if k not in after)]:
        a, b = before.get(key), after.get(key)
        totals[(str(key[0]), str(key[1]), key[KEY.index("period")] is not None)] += 1
        if a is None or b is None or not all(_same_value(a[c], b[c]) for c in COMPARED):
            moved.append((dict(zip(KEY, key, strict=True)), a, b))
    return moved, totals


ROW = st.fixed_dictionaries(
    {
        "metric": st.sampled_from(["A", "B", "OLD"]),
        "level": st.sampled_from(["site", "study", "portfolio"]),
        "study": st.sampled_from([None, "S1", ""]),
        "site": st.sampled_from([None, "001"]),
        "period": st.sampled_from([None, "2026-01"]),
        "variant": st.sampled_from(["base", "oncology"]),
        "value": st.sampled_from([None, 0.5, 1.0, math.nan]),
        "status": st.sampled_from([None, "green", "red"]),
        "band": st.sampled_from([None, "green"]),
        "denominator": st.sampled_from([None, 2]),
    }
)


def _nan(found: Any) -> Any:
    """NaN as text, so that lists of rows holding NaN compare equal."""
    if isinstance(found, float) and math.isnan(found):
        return "NaN"
    if isinstance(found, dict):
        return {k: _nan(v) for k, v in found.items()}
    if isinstance(found, list | tuple):
        return [_nan(v) for v in found]
    return found


def _table(rows: list[dict[str, Any]]) -> pa.Table:
    full = [{name: r.get(name) for name in RESULT_SCHEMA.names} for r in rows]
    return pa.Table.from_pylist(full, schema=RESULT_SCHEMA)


@given(st.lists(ROW, max_size=25), st.lists(ROW, max_size=25), st.booleans())
def test_moved_rows_and_totals_are_the_plain_statements(
    old_rows: list[dict[str, Any]], new_rows: list[dict[str, Any]], rename: bool
) -> None:
    diff = FakeDiff({"OLD": "A"} if rename else {})
    old, new = _table(old_rows), _table(new_rows)
    impact = compare_results(
        cast(ModelDiff, diff), Results(old, (), STAMP), Results(new, (), STAMP)
    )
    moved, totals = plain(diff, old, new)
    assert _nan([(dict(r.key), r.old, r.new) for r in impact.rows]) == _nan(moved)
    assert impact.summaries == _summaries(impact.rows, totals)  # counted against every key
    for r in impact.rows:
        both = r.old is not None and r.new is not None
        alike = both and all(_same_value(r.old[c], r.new[c]) for c in ("value", "denominator"))  # type: ignore[index]
        assert (Class.METHOD in r.causes) == (r.metric == "B" and not alike)
