"""A metric's unit rows → a terminal table, worst first, capped with a count of the rest.

Every value from data or specs (keys, reasons, fact names) is printed as text, never as Rich
markup, with its control characters made visible (:func:`imx.render.text.as_text`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from imx.plan import OUTCOMES
from imx.render.text import as_text, one_line
from imx.results import NO_GROUP

SHOWN = 40  # unit rows shown on the terminal; --out writes them all
_STYLES = {"missed": "red", "negative": "red", "open": "yellow", "pending": "yellow"}
_STYLES |= {"excluded": "dim", "outside": "dim", "met": "green", "measured": ""}
FIXED = ("variant", "period", "outcome", "reason", "value")  # shown whatever the width


def cell_text(value: object) -> str:
    """One value as the table shows it: an instant in UTC to the minute, a number briefly."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%MZ")
    if isinstance(value, float):
        return f"{value:.4g}" if not value.is_integer() else f"{int(value)}"
    return one_line(value)


def outcome_counts(table: pa.Table) -> str:
    """``3 missed, 1 pending, 12 met``: the rows per outcome, worst first."""
    counted = pc.value_counts(table.column("outcome")).to_pylist()
    found = {c["values"]: c["counts"] for c in counted}
    return ", ".join(f"{found[o]} {o}" for o in OUTCOMES if o in found) or "no units"


def shown_columns(table: pa.Table, keys: Sequence[str]) -> list[str]:
    """The columns after the unit (its keys joined): the fixed ones that say anything, then
    the facts."""
    shown = []
    for name in (n for n in table.column_names if n not in keys):
        if name in ("variant", "period") and _says_nothing(table.column(name)):
            continue  # a metric without variants or periods: nothing to show
        shown.append(name)
    return shown


def _says_nothing(column: pa.ChunkedArray) -> bool:
    """Only the base layer or no value: its distinct values, found by Arrow (a metric can have
    millions of unit rows; a Python set of them all took seconds)."""
    return set(pc.unique(column).to_pylist()) <= {None, "base"}


def _width(name: str, cells: Sequence[str]) -> int:
    """About how wide a column is drawn: its widest cell or header word, at most 24, plus rule."""
    words = max((len(w) for w in name.split()), default=1)
    return min(max([words, *(len(c) for c in cells)]), 24) + 3


def _fitting(columns: Sequence[str], rows: Sequence[dict[str, object]], room: int) -> list[str]:
    """The columns that fit in ``room`` characters: the fixed ones always, then the facts in
    their order up to the first that does not fit."""
    fixed = [n for n in columns if n in FIXED]
    used = sum(_width(n, [cell_text(r[n]) for r in rows]) for n in fixed)
    kept = list(fixed)
    for name in (n for n in columns if n not in FIXED):
        used += _width(name, [cell_text(r[name]) for r in rows])
        if used > room:
            break
        kept.append(name)
    return kept


def render_units(
    metric: str,
    table: pa.Table,
    keys: Sequence[str],
    console: Console,
    shown: int | None = None,
    groups: Sequence[str] = (),
) -> None:
    """Print ``table``'s first ``shown`` rows (:data:`SHOWN`) under a line counting them by
    outcome, and how many more there are; a null in a column of ``groups`` (the names of the
    metric's ``by`` levels) is ``(none)``, the group it is counted in."""
    shown = SHOWN if shown is None else shown
    console.print(
        Text.assemble(
            as_text(metric, "bold"), f": {table.num_rows:,} unit(s): ", outcome_counts(table)
        )
    )
    if table.num_rows == 0:
        return
    rows = table.slice(0, shown).to_pylist()
    unit_width = max(len("/".join(cell_text(r[k]) for k in keys)) for r in rows) + 4
    every = shown_columns(table, keys)
    columns = _fitting(every, rows, console.width - unit_width)
    grid = Table(show_header=True, header_style="bold")
    left_out = len(every) - len(columns)
    more = f"; {left_out} fact column(s) left out here (--out FILE has them)" if left_out else ""
    console.print(as_text(f"unit: {'/'.join(keys)}{more}", "dim"))
    grid.add_column("unit", no_wrap=True)
    for name in columns:
        brief = name in ("variant", "period", "outcome", "value")
        justify: JustifyMethod = "right" if name == "value" else "left"
        grid.add_column(as_text(name), overflow="fold", no_wrap=brief, justify=justify)
    for row in rows:
        unit = as_text("/".join(cell_text(row[k]) for k in keys))
        cells = [
            as_text(
                NO_GROUP if n in groups and row[n] is None else cell_text(row[n]),
                _STYLES.get(row[n], "") if n == "outcome" else "",
            )
            for n in columns
        ]
        grid.add_row(unit, *cells)
    console.print(grid)
    rest = table.num_rows - shown
    if rest > 0:
        console.print(as_text(f"… and {rest:,} more unit row(s): write them all with --out FILE"))
