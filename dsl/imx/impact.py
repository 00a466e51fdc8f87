"""Two models' results on the same data and cut in → the result rows that moved, with the cause.

A row is keyed by every column of :data:`imx.results.RESULT_SCHEMA` before ``value`` except
``version`` and ``variant`` (metric, level, study, site, group, period: a row's version or layer
may be what changed); an
old metric id is read under its new id when the diff found it renamed. A row moved when its
value, band or status differs, or when it is only on one side. Each moved row says what may have
moved it (:meth:`imx.diff.ModelDiff.causes`): both sides ran on the same data and cut, so a
moved row is a new definition, never a change in performance. The two sides are paired in Arrow
(a join on the key columns, a null key matching a null) and only the rows that moved become
Python rows, so comparing millions of result rows holds no Python copy of them.

>>> summary_noun("study", False), summary_noun("by:vendor", True)
('studies', 'by:vendor rows (per period)')
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from imx.diff import Class, ModelDiff
from imx.results import RESULT_SCHEMA, Results, Stamp

KEY = tuple(
    n
    for n in RESULT_SCHEMA.names[: RESULT_SCHEMA.names.index("value")]
    if n not in ("variant", "version")
)
COMPARED = ("value", "band", "status")
SHOWN = (
    "version",
    "variant",
    "value",
    "unit",
    "numerator",
    "denominator",
    "excluded",
    "pending",
    "open",
)
MEASURED = ("value", "numerator", "denominator", "excluded", "pending", "open")
_NOUNS = {"site": "sites", "study": "studies", "portfolio": "portfolio rows"}


@dataclass(frozen=True)
class MovedRow:
    """One result row whose value, band or status moved; ``old``/``new`` hold its columns
    (:data:`COMPARED` and :data:`SHOWN`), ``None`` when the row is on one side only."""

    key: Mapping[str, str | None]
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None
    causes: frozenset[Class]

    @property
    def metric(self) -> str:
        return str(self.key["metric"])

    @property
    def by_method(self) -> bool:
        """Moved by a change of method: a new definition, not a change in performance."""
        return Class.METHOD in self.causes


@dataclass(frozen=True)
class Summary:
    """``XFER-OT: 5 of 12 studies green → amber`` (a status moved) or ``… value moved``."""

    metric: str
    level: str
    moved: int
    total: int
    noun: str
    old_status: str | None
    new_status: str | None
    causes: frozenset[Class] = frozenset()
    bands: tuple[str | None, str | None] | None = None  # when only the band moved

    @property
    def text(self) -> str:
        if self.old_status == self.new_status and self.bands:
            what = f"band {self.bands[0] or 'none'} → {self.bands[1] or 'none'}, status "
            what += self.new_status or "none"
        elif self.old_status == self.new_status:
            what = f"value moved, status {self.new_status or 'none'}"
        elif self.old_status is None:  # a row only the new definition has (a level added)
            what = f"new, {self.new_status}"
        elif self.new_status is None:
            what = f"gone, was {self.old_status}"
        else:
            what = f"{self.old_status or 'absent'} → {self.new_status or 'absent'}"
        cause = (
            "method"
            if Class.METHOD in self.causes
            else "/".join(sorted(c.value for c in self.causes))
        )
        return f"{self.metric}: {self.moved} of {self.total} {self.noun} {what} [{cause} change]"


@dataclass(frozen=True)
class Impact:
    old_stamp: Stamp
    new_stamp: Stamp
    rows: tuple[MovedRow, ...]
    summaries: tuple[Summary, ...]


def summary_noun(level: str, periods: bool) -> str:
    """What a count of rows at ``level`` counts (per period: one row per study and period)."""
    if not periods:
        return _NOUNS.get(level, f"{level} rows")
    return f"{level} rows (per period)"


_COLUMNS = (*KEY, *dict.fromkeys((*COMPARED, *SHOWN)))  # a side's columns, as rows show them
_POSITION = "imx_position"


def _side(table: pa.Table, renames: Mapping[str, str]) -> pa.Table:
    """A side's rows (:data:`_COLUMNS`, old metric ids read under their new ones), one per key:
    of rows with one key, the last one's values at the first one's place, as a dict keeps them."""
    out = table.select(list(_COLUMNS))
    if renames and out.num_rows:
        ids = pc.dictionary_encode(out.column("metric").combine_chunks())
        names = [renames.get(x, x) for x in ids.dictionary.to_pylist()]
        renamed = pa.DictionaryArray.from_arrays(ids.indices, pa.array(names, pa.string()))
        out = out.set_column(0, "metric", pc.cast(renamed, pa.string()))
    out = out.append_column(_POSITION, pa.array(range(out.num_rows), pa.int64()))
    spans = out.select([*KEY, _POSITION]).group_by(list(KEY), use_threads=False)
    spans = spans.aggregate([(_POSITION, "min"), (_POSITION, "max")])
    if spans.num_rows == out.num_rows:
        return out
    order = pc.sort_indices(spans, [(f"{_POSITION}_min", "ascending")])
    kept = out.take(pc.take(spans.column(f"{_POSITION}_max"), order))
    return kept.set_column(
        kept.num_columns - 1, _POSITION, pa.array(range(kept.num_rows), pa.int64())
    )


def _join_keys(side: pa.Table) -> pa.Table:
    """A side's keys as join columns that match a null with a null (a join never does)."""
    columns: dict[str, Any] = {}
    for i, name in enumerate(KEY):
        columns[f"k{i}"] = pc.fill_null(side.column(name), "")
        columns[f"n{i}"] = pc.is_null(side.column(name))
    columns[_POSITION] = side.column(_POSITION)
    return pa.table(columns)


def _paired(before: pa.Table, after: pa.Table) -> tuple[pa.Array, pa.Array]:
    """Positions into ``after`` and ``before`` of each key of either side (null where a side
    lacks it): the new results' order, then the keys only in ``before`` in theirs."""
    keys = [f"{p}{i}" for i in range(len(KEY)) for p in ("k", "n")]
    joined = _join_keys(after).join(
        _join_keys(before), keys, join_type="full outer", left_suffix="_new", right_suffix="_old"
    )
    new, old = joined.column(f"{_POSITION}_new"), joined.column(f"{_POSITION}_old")
    order = pc.sort_indices(
        pa.table({"a": pc.is_null(new), "b": new, "c": old}),
        [("a", "ascending"), ("b", "ascending"), ("c", "ascending")],
    )
    return pc.take(new, order).combine_chunks(), pc.take(old, order).combine_chunks()


def _same(a: pa.Array, b: pa.Array) -> pa.Array:
    """Equal values, both null, or (numbers) both NaN: :func:`_same_value` over arrays."""
    equal = pc.fill_null(pc.equal(a, b), False)
    both_null = pc.and_(pc.is_null(a), pc.is_null(b))
    if pa.types.is_floating(a.type):
        both_nan = pc.fill_null(pc.and_(pc.is_nan(a), pc.is_nan(b)), False)
        return pc.or_(pc.or_(equal, both_null), both_nan)
    return pc.or_(equal, both_null)


def _only(table: pa.Table, metrics: tuple[str, ...] | None) -> pa.Table:
    if metrics is None:
        return table
    return table.filter(pc.is_in(table.column("metric"), pa.array(metrics, pa.string())))


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


def _moved(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> bool:
    if old is None or new is None:
        return True
    return not all(_same_value(old[c], new[c]) for c in COMPARED)


def _measured_alike(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    return all(_same_value(old[c], new[c]) for c in MEASURED)


def _layers(*rows: Mapping[str, Any] | None) -> tuple[str, ...]:
    return tuple(str(r["variant"]) for r in rows if r is not None and r["variant"] is not None)


_Move = tuple[str, str, bool, str | None, str | None, tuple[str | None, str | None] | None]


def _move_of(r: MovedRow) -> _Move:
    """What a summary counts a row under: metric, level, per period or not, the status move,
    and the band move when the value and status stayed (an ``insufficient`` row's band)."""
    old = r.old["status"] if r.old else None
    new = r.new["status"] if r.new else None
    bands = None
    if r.old and r.new and old == new and _same_value(r.old["value"], r.new["value"]):
        bands = (r.old["band"], r.new["band"])
    return (r.metric, str(r.key["level"]), r.key.get("period") is not None, old, new, bands)


def _summaries(
    rows: Iterable[MovedRow], totals: Counter[tuple[str, str, bool]]
) -> tuple[Summary, ...]:
    """Moved rows counted per metric, level and move, against the rows at that level: each
    metric's and level's together in the rows' order, overall rows before per-period ones,
    status moves before the others, the most rows first."""
    moves: Counter[_Move] = Counter()
    causes: dict[_Move, frozenset[Class]] = {}
    for r in rows:
        key = _move_of(r)
        moves[key] += 1
        causes[key] = causes.get(key, frozenset()) | r.causes
    place = {k: i for i, k in enumerate(dict.fromkeys(k[:2] for k in moves))}

    def weight(item: tuple[_Move, int]) -> tuple[Any, ...]:
        (metric, level, periods, old, new, _), n = item
        return (place[(metric, level)], periods, old == new, -n)

    out = []
    for move, n in sorted(moves.items(), key=weight):
        metric, level, periods, old, new, bands = move
        total, noun = totals[(metric, level, periods)], summary_noun(level, periods)
        out.append(Summary(metric, level, n, total, noun, old, new, causes[move], bands))
    return tuple(out)


def compare_results(
    diff: ModelDiff,
    old: Results,
    new: Results,
    metrics: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
) -> Impact:
    """The rows of ``new`` and ``old`` that moved, in the new results' order (rows only in
    ``old`` last), with a summary per metric, level and status move; ``metrics``: only the
    rows of these metrics (old ids, new ids) are compared."""
    before = _side(_only(old.table, metrics and metrics[0]), diff.renamed_ids)
    after = _side(_only(new.table, metrics and metrics[1]), {})
    at_new, at_old = _paired(before, after)
    olds, news = before.take(at_old), after.take(at_new)  # null rows where a side lacks a key
    here = pc.is_valid(at_new)
    keys = pa.table({k: pc.if_else(here, news.column(k), olds.column(k)) for k in KEY})
    periods = pc.is_valid(keys.column("period"))
    counted = pa.table({"m": keys.column("metric"), "l": keys.column("level"), "p": periods})
    totals: Counter[tuple[str, str, bool]] = Counter()
    for r in counted.group_by(["m", "l", "p"], use_threads=False).aggregate([([], "count_all")]).to_pylist():  # fmt: skip
        totals[(str(r["m"]), str(r["l"]), bool(r["p"]))] += r["count_all"]
    alike = [
        _same(olds.column(c).combine_chunks(), news.column(c).combine_chunks()) for c in COMPARED
    ]
    same = pc.and_(
        pc.and_(pc.and_(here, pc.is_valid(at_old)), alike[0]), pc.and_(alike[1], alike[2])
    )
    which = pa.array(np.flatnonzero(~np.asarray(same.to_numpy(zero_copy_only=False), bool)))
    moved: list[MovedRow] = []
    rows = zip(
        keys.take(which).to_pylist(), olds.take(which).to_pylist(), news.take(which).to_pylist(),
        pc.take(at_old, which).to_pylist(), pc.take(at_new, which).to_pylist(), strict=True,
    )  # fmt: skip
    for key, a_row, b_row, a_at, b_at in rows:
        a = _shown(a_row) if a_at is not None else None
        b = _shown(b_row) if b_at is not None else None
        causes = diff.causes(str(key["metric"]), _layers(a, b))
        if a is not None and b is not None and _measured_alike(a, b):
            causes = causes - {Class.METHOD}  # the same numbers judged differently
        moved.append(MovedRow(key, a, b, causes))
    return Impact(old.stamp, new.stamp, tuple(moved), _summaries(moved, totals))


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    row.pop(_POSITION, None)
    return row
