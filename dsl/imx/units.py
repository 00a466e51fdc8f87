"""An engine's unit rows → the unit rows people read: period labels, worst first, and filters.

A metric's unit rows (semantics rule 29) come from the same plan and run as its results
(``imx.evaluation.evaluate(..., units=...)``); here their period keys become labels (``2026-03``,
as in results) and they are put worst first (``imx.plan.sort_units``). :func:`select_units` keeps
the rows ``imx units`` asks for (``--study``, ``--site``, ``--period``, ``--variant``,
``--outcome``, ``--by NAME=VALUE`` for the units of one ``by`` row), and says so, with the nearest
names, when a name matches nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from imx.diagnostics import did_you_mean
from imx.errors import UsageError
from imx.plan import OUTCOMES, MetricPlan, sort_units, unit_schema
from imx.results import NO_GROUP, period_labels


def finish_units(mp: MetricPlan, raw: pa.Table) -> pa.Table:
    """A metric's unit rows as an engine gives them → labelled periods, worst first."""
    assert mp.units is not None
    index = raw.schema.get_field_index("period")
    table = raw.set_column(index, "period", period_labels(raw.column("period"), mp.period_grain))
    keys = mp.layers[0].metric.unit.keys
    return sort_units(table.cast(unit_schema(mp, labelled=True)), keys)


@dataclass(frozen=True)
class UnitFilter:
    """What ``imx units`` keeps: each given column must equal one of its values."""

    study: str | None = None
    site: str | None = None
    period: str | None = None
    variant: str | None = None
    outcomes: tuple[str, ...] = ()
    groups: tuple[tuple[str, str], ...] = ()  # (name, value) of a `by` level; "(none)": null


def check_outcomes(outcomes: Sequence[str]) -> tuple[str, ...]:
    """``outcomes`` if each is one of :data:`imx.plan.OUTCOMES`, else a :class:`UsageError`."""
    for outcome in outcomes:
        if outcome not in OUTCOMES:
            raise UsageError(f"unknown outcome `{outcome}`", _hints(outcome, OUTCOMES, "outcomes"))
    return tuple(outcomes)


def select_units(table: pa.Table, wanted: UnitFilter) -> pa.Table:
    """The rows of ``table`` that ``wanted`` keeps; a study, site, period or variant that no
    unit row has is a :class:`UsageError` naming the nearest ones."""
    check_outcomes(wanted.outcomes)
    keep = pa.array([True] * table.num_rows, pa.bool_())
    for column in ("study", "site", "period", "variant"):
        value = getattr(wanted, column)
        if value is None:
            continue
        known = sorted(v for v in pc.unique(table.column(column)).to_pylist() if v is not None)
        if value not in known:
            raise UsageError(f"no unit has {column} `{value}`", _hints(value, known, column))
        keep = pc.and_(keep, pc.fill_null(pc.equal(table.column(column), value), False))
    for name, value in wanted.groups:
        keep = pc.and_(keep, _in_group(table, name, value))
    if wanted.outcomes:
        chosen = pa.array(list(wanted.outcomes), pa.string())
        keep = pc.and_(keep, pc.is_in(table.column("outcome"), chosen))
    return table.filter(keep)


def _in_group(table: pa.Table, name: str, value: str) -> pa.Array | pa.ChunkedArray:
    """Which rows have ``value`` in column ``name`` (``(none)``: no value, rule 17's own group);
    a :class:`UsageError` naming the nearest when no unit row has that column or value."""
    if name not in table.column_names:
        raise UsageError(
            f"no unit row has a column `{name}`", _hints(name, table.column_names, "columns")
        )
    column = pc.cast(table.column(name), pa.string())
    if value == NO_GROUP:
        return pc.is_null(column)
    known = sorted(v for v in pc.unique(column).to_pylist() if v is not None)
    if value not in known:
        none = [NO_GROUP] if column.null_count else []
        raise UsageError(f"no unit has {name} `{value}`", _hints(value, [*known, *none], name))
    return pc.fill_null(pc.equal(column, value), False)


def _hints(value: str, known: Sequence[str], what: str) -> list[str]:
    shown = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
    return did_you_mean(value, known) + (
        [f"{what}: {shown}"] if known else [f"there are no {what} to choose from"]
    )
