"""The raw-row contract between engines and results, and the canonical order of results rows.

Every engine gives a metric's raw aggregate rows with the columns of :func:`raw_columns` (typed by
:func:`raw_schema`) and in the order :data:`RESULT_ORDER` declares; ``results.finalize`` checks
that order (and sorts a part that is not in it), and the writers keep it. The DuckDB and Spark
engines order by the sqlglot tree ``imx.sql.in_result_order`` builds from :data:`RESULT_ORDER`;
the reference evaluator and finalize sort by :func:`order_keys` built from the same declaration.

The order: metrics in plan order (the whole-grain rows of :data:`ALL_LEVEL`, which only feed
run-time findings, after every metric), then level site → study → ``by:`` → portfolio (``by:``
levels by name, so each level's rows stay together), then study, site, group, group2, period
(the overall row before its periods) and variant; every key ascending, nulls first (the
``(none)`` group of a ``by`` level first).

Unit rows (semantics rule 29) have a contract of their own, declared here too: their columns
(:func:`unit_names`, :data:`UNIT_HEAD`), their Arrow types (:func:`unit_schema`) and their
order, worst first (:data:`OUTCOMES`, :func:`sort_units`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from imx.plan.nodes import ALL_LEVEL, BASE, MIXED, MetricPlan, Plan

# ------------------------------------------------------------------------------- raw rows

RAW_HEAD = (
    ("metric", "text"), ("level", "text"), ("study", "text"), ("site", "text"),
    ("grp", "text"), ("grp2", "text"), ("period", "bigint"), ("layer_min", "text"),
    ("layer_max", "text"), ("n_pop", "bigint"),
)  # fmt: skip
GROUP_COLUMNS = ("grp", "grp2")  # a ``by`` level's values: one name, or two crossed (rule 17)
BY_PREFIX, BY_JOIN = "by:", "+"  # ``by:reader``, ``by:vendor+therapeutic_area``
RAW_TAIL = (
    ("met", "bigint"), ("missed", "bigint"), ("pending", "bigint"), ("open", "bigint"),
    ("n_val", "bigint"), ("v_sum", "double"),
)  # fmt: skip
EXAMPLE = "example"  # the least labels (EXAMPLES of them) of units set aside as negative durations
ARROW_TYPES = {
    "text": pa.string(),
    "texts": pa.list_(pa.string()),
    "bigint": pa.int64(),
    "double": pa.float64(),
}


def by_names(label: str) -> tuple[str, ...]:
    """The names a ``by`` level groups by, from its label (none for the other levels).

    >>> by_names("by:vendor+therapeutic_area"), by_names("by:reader"), by_names("study")
    (('vendor', 'therapeutic_area'), ('reader',), ())
    """
    if not label.startswith(BY_PREFIX):
        return ()
    return tuple(label[len(BY_PREFIX) :].split(BY_JOIN))


def reason_column(k: int) -> str:
    """The raw column counting units set aside for a metric's ``k``-th reason."""
    return f"x{k}"


def stat_column(k: int) -> str:
    """The raw column of a metric's ``k``-th summary statistic (quantiles; a mean is derived)."""
    return f"st{k}"


def raw_columns(n_reasons: int, n_stats: int) -> tuple[tuple[str, str], ...]:
    """The columns of raw aggregate rows, the same for every grain and engine."""
    reasons = tuple((reason_column(k), "bigint") for k in range(n_reasons))
    stats = tuple((stat_column(k), "double") for k in range(n_stats))
    return RAW_HEAD + reasons + RAW_TAIL + stats + ((EXAMPLE, "texts"),)


def raw_schema(plan: Plan) -> pa.Schema:
    """The Arrow schema of raw aggregate rows, the same for every evaluator."""
    return pa.schema([(n, ARROW_TYPES[t]) for n, t in plan.raw_columns])


# ---------------------------------------------------------------------------------- order

VARIANT = "variant"  # the order key of raw rows derived from layer_min / layer_max
LEVEL_RANK: Mapping[str, int] = {"site": 0, "study": 1, "portfolio": 3}
BY_RANK, OTHER_RANK = 2, 4  # ``by:`` levels, and any other level name


@dataclass(frozen=True)
class OrderKey:
    """One key of the canonical order: a results column and the raw column it comes from.

    ``rank`` says how the key compares: ``metric`` by the metric's place (in the plan for raw
    rows, of first appearance in a results table), ``level`` by :data:`LEVEL_RANK`, ``""`` by
    value. Raw ``variant`` is :func:`variant_labels` of ``layer_min`` / ``layer_max``.
    """

    column: str
    raw: str
    rank: str = ""


RESULT_ORDER: tuple[OrderKey, ...] = (
    OrderKey("metric", "metric", "metric"),
    OrderKey("level", "level", "level"),
    OrderKey("level", "level"),
    OrderKey("study", "study"),
    OrderKey("site", "site"),
    OrderKey("group", "grp"),
    OrderKey("group2", "grp2"),
    OrderKey("period", "period"),
    OrderKey("variant", VARIANT),
)
"""The canonical order of results rows (and of each metric's raw rows), declared once."""


def variant_labels(raw: pa.Table) -> pa.Array:
    """Each raw row's variant: its one judging layer, ``mixed`` for several, ``base`` for none."""
    lo, hi = raw.column("layer_min"), raw.column("layer_max")
    same = pc.fill_null(pc.equal(lo, hi), False)
    label = pc.if_else(same, lo, pa.scalar(MIXED))
    return pc.if_else(pc.is_null(lo), pa.scalar(BASE), label).combine_chunks()


def level_ranks(
    levels: pa.ChunkedArray | pa.Array, ranks: Mapping[str, int], *, by: int, other: int
) -> pa.ChunkedArray | pa.Array:
    """Each level's rank: ``ranks`` for named levels, ``by`` for ``by:`` levels, else ``other``."""
    text = pc.cast(levels, pa.string())
    named = pc.take(
        pa.array(list(ranks.values()), pa.int64()),
        pc.index_in(text, pa.array(list(ranks), pa.string())),
    )
    grouped = pc.if_else(pc.fill_null(pc.starts_with(text, "by"), False), by, other)
    return pc.coalesce(named, grouped)


def metric_ranks(raw: pa.Table, metric_ids: Sequence[str]) -> np.ndarray:
    """Each raw row's metric rank: its metric's place in ``metric_ids``; whole-grain rows (level
    :data:`ALL_LEVEL`) after every metric, ``len(metric_ids)``."""
    ids = pa.array(list(metric_ids), pa.string())
    found = pc.index_in(raw.column("metric"), ids).to_numpy(zero_copy_only=False)
    ranks = np.asarray(found).astype(np.int64)
    whole = pc.equal(raw.column("level"), ALL_LEVEL).to_numpy(zero_copy_only=False)
    ranks[np.asarray(whole, bool)] = len(metric_ids)
    return ranks


def order_keys(raw: pa.Table, metric_ids: Sequence[str]) -> pa.Table:
    """The keys of :data:`RESULT_ORDER` for raw rows, one column per key (``k0``, ``k1``, …)."""
    keys: dict[str, pa.Array | pa.ChunkedArray | np.ndarray] = {}
    for i, key in enumerate(RESULT_ORDER):
        if key.rank == "metric":
            keys[f"k{i}"] = metric_ranks(raw, metric_ids)
        elif key.rank == "level":
            keys[f"k{i}"] = level_ranks(
                raw.column(key.raw), LEVEL_RANK, by=BY_RANK, other=OTHER_RANK
            )
        elif key.raw == VARIANT:
            keys[f"k{i}"] = variant_labels(raw)
        else:
            keys[f"k{i}"] = raw.column(key.raw)
    return pa.table(keys)


def result_order_keys(table: pa.Table) -> pa.Table:
    """The keys of :data:`RESULT_ORDER` for a results table (metrics in order of first
    appearance); keys whose column the table lacks are left out."""
    keys: dict[str, pa.Array | pa.ChunkedArray] = {}
    for i, key in enumerate(RESULT_ORDER):
        if key.column not in table.column_names:
            continue
        column = pc.cast(table.column(key.column), pa.string())
        if key.rank == "metric":
            keys[f"k{i}"] = pc.index_in(column, pc.unique(column))
        elif key.rank == "level":
            keys[f"k{i}"] = level_ranks(column, LEVEL_RANK, by=BY_RANK, other=OTHER_RANK)
        else:
            keys[f"k{i}"] = column
    return pa.table(keys)


def in_order(keys: pa.Table) -> bool:
    """Whether each row is at or before the next, comparing ``keys`` in turn (ascending, nulls
    first): one pass over adjacent pairs instead of a sort."""
    n = keys.num_rows
    at_or_before = np.ones(max(n - 1, 0), dtype=bool)  # rows equal on every key are in order
    for name in reversed(keys.column_names):
        column = keys.column(name)
        a, b = column.slice(0, max(n - 1, 0)), column.slice(1)
        a_null, b_null = pc.is_null(a), pc.is_null(b)
        less = pc.or_(pc.and_(a_null, pc.invert(b_null)), pc.fill_null(pc.less(a, b), False))
        equal = pc.or_(pc.and_(a_null, b_null), pc.fill_null(pc.equal(a, b), False))
        at_or_before = _bools(less) | (_bools(equal) & at_or_before)
    return bool(at_or_before.all())


def sort_by_keys(table: pa.Table, keys: pa.Table) -> pa.Table:
    """``table`` in the order of ``keys`` (ascending, nulls first), itself when already so."""
    if in_order(keys):
        return table
    order = [(c, "ascending", "at_start") for c in keys.column_names]
    return table.take(pc.sort_indices(keys, options=pc.SortOptions(sort_keys=order)))


def _bools(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


# ------------------------------------------------------------------------------ unit rows

UNIT_HEAD = (
    ("variant", "text"), ("period", "bigint"), ("outcome", "text"), ("reason", "text"),
    ("value", "double"),
)  # fmt: skip
"""The fixed columns of a unit row, after the unit's keys (and ``study``, ``site`` when they are
not keys) and before the facts the metric reads (measure, ``where``, exclusions, period; each
named as written) and the attributes of its ``by`` levels."""
PLACE = ("study", "site")  # the columns naming a unit's place, added when the unit lacks them
OUTCOMES = ("missed", "open", "pending", "negative", "excluded", "measured", "met", "outside")
"""Every outcome a unit row may have, worst first: the order of unit rows."""
OUTCOME_RANK: Mapping[str, int] = {
    "missed": 0, "open": 1, "pending": 1, "negative": 2, "excluded": 3, "measured": 4, "met": 5,
    "outside": 6,
}  # fmt: skip
UNIT_TYPES = {
    **ARROW_TYPES, "boolean": pa.bool_(), "timestamp": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
}  # fmt: skip


def unit_names(keys: Sequence[str]) -> tuple[str, ...]:
    """The leading columns of a unit row: the unit's keys by their schema names, then ``study``
    and ``site`` when they are not keys, then :data:`UNIT_HEAD`."""
    place = tuple(p for p in PLACE if p not in keys)
    return (*keys, *place, *(n for n, _ in UNIT_HEAD))


def unit_schema(mp: MetricPlan, *, labelled: bool = False) -> pa.Schema:
    """The Arrow schema of a metric's unit rows: as engines give them (``period`` the integer
    period key), or ``labelled`` as people read them (``period`` its label, ``2026-03``)."""
    assert mp.units is not None, f"{mp.id} was planned without unit rows"
    fields = [(name, UNIT_TYPES[type_]) for name, type_, _ in mp.units.columns]
    if labelled:
        fields = [(n, pa.string() if n == "period" else t) for n, t in fields]
    return pa.schema(fields)


def sort_units(table: pa.Table, keys: Sequence[str]) -> pa.Table:
    """Unit rows worst first: by outcome (:data:`OUTCOME_RANK`), then the largest value first
    (the longest open, pending or missed), then by study, site and the unit's ``keys``, then
    period (a series' unit at the data cut first)."""
    rank = pc.take(
        pa.array(list(OUTCOME_RANK.values()), pa.int64()),
        pc.index_in(table.column("outcome"), pa.array(list(OUTCOME_RANK), pa.string())),
    )
    names = list(dict.fromkeys([*(p for p in PLACE if p in table.column_names), *keys]))
    sort_keys = pa.table({"k": rank, "v": table.column("value"), **{
        f"p{i}": table.column(n) for i, n in enumerate(names)
    }})  # fmt: skip
    order = [("k", "ascending", "at_end"), ("v", "descending", "at_end")]
    order += [(f"p{i}", "ascending", "at_end") for i in range(len(names))]
    if "period" in table.column_names:  # a unit of a series has a row per period end
        sort_keys = sort_keys.append_column("per", table.column("period"))
        order.append(("per", "ascending", "at_start"))
    options = pc.SortOptions(sort_keys=order)
    return table.take(pc.sort_indices(sort_keys, options=options))
