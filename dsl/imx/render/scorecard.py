"""Render :class:`~imx.results.Results` and their :class:`~imx.model.Model` as a terminal scorecard.

One table per category (relationship, quality, efficiency, timeliness, cycle_time, then any
other), one row per metric, level, group and period: value formatted by its unit, target, n (the
denominator), 95% interval, pending / open / excluded, and the status in colour. Statuses are
always written out, so the card reads the same without colour (``NO_COLOR``, ``--no-color``). A
data-quality panel and the reproducibility stamp follow. Every text from data or specs is printed
as text (:func:`imx.render.text.as_text`): never read as markup, its control characters visible.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from imx.data import QualityFinding
from imx.model import Bands, Model, RatioMeasure, ResolvedMetric, Target, version_ref
from imx.output import ordered
from imx.plan import level_ranks
from imx.render.text import as_text, visible
from imx.results import Results, Stamp, group_label

CATEGORY_ORDER = ("relationship", "quality", "efficiency", "timeliness", "cycle_time")
STATUS_STYLES: Mapping[str, str] = {
    "green": "bold green",
    "amber": "bold yellow",
    "red": "bold red",
    "insufficient": "dim",
    "no_data": "dim italic",
}
UNIT_SUFFIX: Mapping[str, str] = {
    "days": " days",
    "business_days": " business days",
    "hours": " hours",
}
_OPS = {"<=": "≤", ">=": "≥", "!=": "≠"}
_MISSING = "—"
COMPACT_BELOW = 90  # terminal columns under which each result takes two short lines
_COUNT_COLUMNS = (("pending", "pend."), ("open", "open"), ("excluded", "excl."))

Row = Mapping[str, Any]


def make_console(
    *, no_color: bool = False, width: int | None = None, file: IO[str] | None = None
) -> Console:
    """A console for the scorecard: colour unless ``no_color`` or ``NO_COLOR`` says otherwise."""
    return Console(no_color=True if no_color else None, width=width, file=file, highlight=False)


def render_scorecard(
    results: Results,
    model: Model,
    console: Console,
    *,
    statuses: Sequence[str] = (),
    show_all: bool = False,
) -> None:
    """Print the scorecard of ``results`` to ``console``: a summary first, then the rows (only
    those whose status is one of ``statuses`` when given; every row with ``show_all``)."""
    console.print(
        Text.assemble(("imx scorecard", "bold"), "  as of ", _instant(results.stamp.as_of))
    )
    table = ordered(results.table)
    if not table.num_rows:
        console.print(Text("No results: no metric was evaluated.", style="dim"))
    else:
        console.print(summary_text(table, model))
    if statuses:
        wanted = pa.array(list(statuses), pa.string())
        table = table.filter(pc.fill_null(pc.is_in(table.column("status"), wanted), False))
    compact = console.width < COMPACT_BELOW
    if show_all:  # every row, a batch of Python rows at a time
        for category, batch, columns in _every_row(table, model):
            console.print(_category_view(category, batch, model, compact, columns))
        shown = table.num_rows
    else:
        rows = shown_rows(table)
        for category, members in _by_category(rows, model):
            console.print(_category_view(category, members, model, compact))
        shown = len(rows)
    if shown < table.num_rows:
        console.print(
            Text(
                f"{table.num_rows - shown} more result rows (periods, and sites or studies past "
                f"the first {MAX_ROWS} rows) are not shown here: --all shows them, and the "
                "results file written by --out holds every row.",
                style="dim",
            )
        )
    console.print(quality_panel(results.quality, compact=compact))
    console.print(stamp_text(results.stamp))


MAX_ROWS = 300  # a terminal is for reading: past this many rows, the results file has them
_SHOWN_FIRST = {"portfolio": 0, "study": 2, "site": 3}


_WORST_FIRST = {"red": 0, "amber": 1, "insufficient": 2, "no_data": 3}
SUMMARY_WORST = 5  # the worst rows named in the summary


def summary_text(table: pa.Table, model: Model) -> Text:
    """Counts by status per category (rows without a period), then the worst rows.

    A status other than the known ones (a custom band name) is counted under its own name. The
    counts are an Arrow grouping and only the worst rows become Python rows, so the summary of
    millions of result rows holds no copy of them.
    """
    overall = pc.is_null(table.column("period"))
    keys = table.select(["metric", "status"]).filter(overall)
    tally = keys.group_by(["metric", "status"], use_threads=False).aggregate([([], "count_all")])
    counts: dict[str, dict[str, int]] = {}
    for category, rows in _by_category(tally.to_pylist(), model):
        for row in rows:
            status = str(row.get("status") or _MISSING)
            counts.setdefault(category, {}).setdefault(status, 0)
            counts[category][status] += int(row["count_all"])
    text = Text("summary", style="bold")
    for category, by_status in counts.items():
        order = sorted(by_status, key=lambda x: (_WORST_FIRST.get(x, 4 if x == "green" else 5), x))
        text.append(f"\n  {visible(category.replace('_', ' '))}: ")
        for i, status in enumerate(order):
            text.append(", " if i else "")
            text.append_text(Text.assemble(status_text(status), f" {by_status[status]}"))
    worst = table.take(pa.array(_worst_rows(table, overall), pa.int64())).to_pylist()
    if worst:
        text.append("\n  worst: ", style="bold")
    for i, row in enumerate(worst):
        value = value_text(row.get("value"), row.get("unit"), _resolved(model, row))
        text.append("\n    " if i else "")
        text.append(visible(f"{row.get('metric')} {level_label(row)} {value} "))
        text.append_text(status_text(row.get("status")))
    return text


def _worst_rows(table: pa.Table, overall: pa.ChunkedArray) -> np.ndarray:
    """Positions of the first :data:`SUMMARY_WORST` red rows without a period, in the results'
    order, then as many amber ones as fit."""
    found: list[np.ndarray] = []
    for status in ("red", "amber"):
        mask = pc.fill_null(pc.and_(overall, pc.equal(table.column("status"), status)), False)
        found.append(np.flatnonzero(np.asarray(mask.to_numpy(zero_copy_only=False), bool)))
    return np.concatenate(found)[:SUMMARY_WORST]


def shown_rows(table: pa.Table) -> list[Row]:
    """The rows a terminal shows: all when few; else overall rows (no period), chosen fairly:
    each metric's rows ranked (portfolio and `by` levels, then studies, then sites; within a
    level the worst status first), every metric's first before any metric's second, and so on,
    at most :data:`MAX_ROWS`, shown in their own order.

    >>> import pyarrow as pa
    >>> table = pa.table({"level": ["site"] * 400 + ["portfolio"], "period": [None] * 401})
    >>> shown = shown_rows(table)
    >>> len(shown), shown[-1]["level"]
    (300, 'portfolio')
    """
    if table.num_rows <= MAX_ROWS:
        every: list[Row] = table.to_pylist()
        return every
    overall = np.flatnonzero(
        np.asarray(pc.is_null(table.column("period")).to_numpy(zero_copy_only=False), bool)
    )
    ranks = level_ranks(table.column("level"), _SHOWN_FIRST, by=1, other=1)
    level = np.asarray(pc.take(ranks, pa.array(overall, pa.int64())).to_numpy(), np.int64)
    first = overall[_fair_order(table, overall, level)][:MAX_ROWS]
    shown: list[Row] = table.take(pa.array(np.sort(first), pa.int64())).to_pylist()
    return shown


def _fair_order(table: pa.Table, rows: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Positions into ``rows``: each metric's n-th best row before any metric's (n+1)-th.

    Worked in numpy over codes (the status's rank, the metric's number), never Python rows.
    """
    count, take = len(rows), pa.array(rows, pa.int64())
    worst = np.full(count, 4, np.int64)
    if "status" in table.column_names:
        statuses = pc.cast(pc.take(table.column("status"), take), pa.string())
        rank = pc.index_in(statuses, value_set=pa.array(list(_WORST_FIRST), pa.string()))
        worst = np.asarray(pc.fill_null(rank, 4).to_numpy(zero_copy_only=False), np.int64)
    metric = np.zeros(count, np.int64)
    if "metric" in table.column_names:
        names = pc.take(table.column("metric"), take).combine_chunks()
        metric = np.asarray(pc.dictionary_encode(names).indices.to_numpy(), np.int64)
    within = np.lexsort((np.arange(count), worst, level))  # a metric's best rows first
    place = np.empty(count, np.int64)
    place[within] = np.arange(count)
    by_metric = np.lexsort((place, metric))  # each metric's rows, best first
    sorted_metric = metric[by_metric]
    starts = np.flatnonzero(np.r_[True, sorted_metric[1:] != sorted_metric[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, count]))  # where each row's metric begins
    turn = np.empty(count, np.int64)
    turn[by_metric] = np.arange(count) - first
    return np.lexsort((np.arange(count), level, turn))


@contextmanager
def progress(
    console: Console, description: str, total: int | None = None
) -> Iterator[Callable[[int], None]]:
    """A progress bar for long runs; yields ``advance(steps)``. Silent when not on a terminal."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task(visible(description), total=total)

        def advance(steps: int = 1) -> None:
            bar.advance(task, steps)

        yield advance


# ------------------------------------------------------------------------------ formatting


def format_value(value: object, unit: str | None) -> str:
    """A value as people read it: percent with one decimal, durations with one, counts whole.

    >>> format_value(0.925, "percent"), format_value(2.46, "business_days"), format_value(7.0, "count")
    ('92.5%', '2.5 business days', '7')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _MISSING
    number = float(value) if isinstance(value, int | float | Decimal) else None
    if number is None:
        return str(value)
    if unit == "percent":
        return f"{number * 100:.1f}%"
    if unit is not None and unit in UNIT_SUFFIX:
        return f"{number:.1f}{UNIT_SUFFIX[unit]}"
    if unit == "count":
        return f"{round(number):d}"
    return f"{number:.2f}".rstrip("0").rstrip(".") if number != int(number) else f"{number:.0f}"


def format_target(target: Target | None, unit: str | None) -> str:
    """``median ≤ 2.0 bd``; a dash when the metric has no target."""
    if target is None:
        return _MISSING
    stat = f"{target.stat} " if target.stat else ""
    return f"{stat}{_OPS.get(target.op, target.op)} {format_value(target.value, unit)}"


def value_text(value: object, unit: str | None, resolved: ResolvedMetric | None) -> str:
    """A row's value with its unit: a ratio says per how many of which unit
    (``16.96 per 100 timepoints``); other values as :func:`format_value` writes them."""
    text = format_value(value, unit)
    measure = resolved.measure if resolved is not None else None
    if isinstance(measure, RatioMeasure) and text != _MISSING and resolved is not None:
        scale = format_value(measure.scale, "number")
        return f"{text} per {scale} {resolved.unit.name}{'' if scale == '1' else 's'}"
    return text


def best_band(bands: Bands, unit: str | None) -> str:
    """The first band's rule, ``green ≥ 90.0%`` or ``green 20.0%–40.0%``: what a metric with
    bands and no target aims at.

    >>> from imx.model import BandDef, Bands, Direction
    >>> green = BandDef("green", ">=", Decimal("0.9"))
    >>> best_band(Bands(Direction.HIGHER_IS_BETTER, (green,)), "percent")
    'green ≥ 90.0%'
    """
    first = bands.bands[0]
    if first.op is not None and first.bound is not None:
        return f"{first.name} {_OPS.get(first.op, first.op)} {format_value(first.bound, unit)}"
    if first.low is not None and first.high is not None:
        return f"{first.name} {format_value(first.low, unit)}–{format_value(first.high, unit)}"
    return _MISSING


def level_label(row: Row) -> str:
    """``site S1/001``, ``study S1``, ``portfolio``, ``reader R07``, ``vendor (none)``,
    ``vendor Acme × therapeutic_area oncology``."""
    level = str(row.get("level") or "")
    if level == "site":
        return f"site {row.get('study')}/{row.get('site')}"
    if level == "study":
        return f"study {row.get('study')}"
    if level.startswith("by:"):
        return group_label(level, row.get("group"), row.get("group2"))
    return level or _MISSING


def status_text(status: object) -> Text:
    """The status name, coloured for the known statuses and neutral for custom band names."""
    name = _MISSING if status is None else str(status)
    return as_text(name, style=STATUS_STYLES.get(name, ""))


def _instant(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _count(value: object) -> str:
    return str(int(value)) if isinstance(value, int | float | Decimal) else _MISSING


# ------------------------------------------------------------------------------- tables


def _by_category(rows: Sequence[Row], model: Model) -> list[tuple[str, list[Row]]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(_category_of(model, row.get("metric")), []).append(row)
    return sorted(groups.items(), key=lambda item: _category_rank(item[0]))


def _category_of(model: Model, metric_id: object) -> str:
    metric = model.metric(str(metric_id))
    return metric.base.category if metric else "other"


def _category_rank(category: str) -> tuple[int, str]:
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    return rank.get(category, len(rank)), category


ALL_BATCH = 2000  # rows made Python rows at a time when --all prints every row


@dataclass(frozen=True)
class Columns:
    """What a category's table shows besides the fixed columns, decided over all its rows when
    they are printed in batches: its heading (the first batch), a period, the count columns."""

    heading: bool = True
    periods: bool | None = None
    counts: tuple[tuple[str, str], ...] | None = None


def _every_row(table: pa.Table, model: Model) -> Iterator[tuple[str, list[Row], Columns]]:
    """Every row, by category in the scorecard's order and in the results' order within one,
    :data:`ALL_BATCH` Python rows at a time: millions of result rows are never all copied."""
    if not table.num_rows:
        return
    encoded = pc.dictionary_encode(table.column("metric").combine_chunks())
    categories = [_category_of(model, m) for m in encoded.dictionary.to_pylist()]
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False))
    for category in sorted(set(categories), key=_category_rank):
        members = [i for i, c in enumerate(categories) if c == category]
        wanted = pa.array(np.flatnonzero(np.isin(codes, members)), pa.int64())
        periods = pc.any(pc.is_valid(pc.take(table.column("period"), wanted))).as_py() is True
        counts = tuple(
            (key, title)
            for key, title in _COUNT_COLUMNS
            if key in table.column_names
            and pc.any(pc.not_equal(pc.take(table.column(key), wanted), 0)).as_py() is True
        )
        for start in range(0, len(wanted), ALL_BATCH):
            batch = table.take(wanted.slice(start, ALL_BATCH)).to_pylist()
            yield category, batch, Columns(start == 0, periods, counts)


def _category_view(
    category: str, rows: Sequence[Row], model: Model, compact: bool, columns: Columns = Columns()
) -> Table | Text:
    if compact:
        return _category_lines(category, rows, model, heading=columns.heading)
    return _category_table(category, rows, model, columns)


def _resolved(model: Model, row: Row) -> ResolvedMetric | None:
    metric = model.metric(version_ref(str(row.get("metric")), row.get("version")))
    if metric is None:
        return None
    variant = next((v for v in metric.variants if v.name == row.get("variant")), None)
    return variant.resolved if variant else metric.base


def _category_table(
    category: str, rows: Sequence[Row], model: Model, columns: Columns = Columns()
) -> Table:
    counts = columns.counts
    if counts is None:
        counts = tuple((k, t) for k, t in _COUNT_COLUMNS if any(r.get(k) for r in rows))
    periods = columns.periods
    if periods is None:
        periods = any(r.get("period") is not None for r in rows)
    heading = as_text(category.replace("_", " ").title()) if columns.heading else None
    table = Table(title=heading, title_justify="left", box=box.SIMPLE)
    table.add_column("metric", overflow="fold")
    table.add_column("level", overflow="fold")
    if periods:
        table.add_column("period")
    for name in ("value", "target", "n", "95% CI"):
        table.add_column(name, justify="right", overflow="fold")
    for _, title in counts:
        table.add_column(title, justify="right")
    widest = max(len(status_text(r.get("status")).plain) for r in rows)
    table.add_column("status", no_wrap=True, min_width=widest)
    previous = None
    for row in rows:
        cells = _row_cells(row, model, show_title=row.get("metric") != previous)
        previous = row.get("metric")
        period = [as_text(row.get("period") or _MISSING)] if periods else []
        extra = [Text(_count(row.get(key))) for key, _ in counts]
        table.add_row(
            cells[0], cells[1], *period, *cells[2:6], *extra, status_text(row.get("status"))
        )
    return table


def _row_cells(row: Row, model: Model, show_title: bool) -> list[Text]:
    resolved = _resolved(model, row)
    unit = row.get("unit")
    name = as_text(version_ref(str(row.get("metric")), row.get("version")), style="bold")
    variant = row.get("variant")
    if variant and variant != "base":
        name.append(f" [{visible(variant)}]", style="italic")
    if show_title and resolved is not None and resolved.title:
        name.append(f"\n{visible(resolved.title)}", style="dim")
    low, high = row.get("ci_low"), row.get("ci_high")
    interval = (
        f"{format_value(low, unit)}–{format_value(high, unit)}"
        if low is not None and high is not None
        else _MISSING
    )
    target = format_target(resolved.target if resolved else None, unit)
    value = value_text(row.get("value"), unit, resolved)
    if target == _MISSING and resolved is not None and resolved.bands is not None:
        target = best_band(resolved.bands, unit)  # a banded status says what it is judged by
    cells = (level_label(row), value, target, _count(row.get("denominator")), interval)
    return [name, *(as_text(c) for c in cells)]


def _category_lines(
    category: str, rows: Sequence[Row], model: Model, *, heading: bool = True
) -> Text:
    lines = as_text(category.replace("_", " ").title(), style="bold underline")
    if not heading:
        lines = Text()
    for i, row in enumerate(rows):
        name, level, value, target, n, interval = _row_cells(row, model, show_title=False)
        lines.append("\n" if heading or i else "")
        period = f"  {visible(row['period'])}" if row.get("period") is not None else ""
        lines.append_text(Text.assemble(name, "  ", level, period, "  ", value, "  "))
        lines.append_text(status_text(row.get("status")))
        details = [f"target {target}", f"n {n}", f"CI {interval}"]
        details += [
            f"{title} {_count(row.get(key))}" for key, title in _COUNT_COLUMNS if row.get(key)
        ]
        lines.append("\n    " + " · ".join(details), style="dim")
    return lines


def quality_panel(findings: Sequence[QualityFinding], *, compact: bool = False) -> Panel:
    """The data-quality findings: rule, table, rows, examples (and the metric when there is one)."""
    if not findings:
        return Panel(Text("No rows were set aside."), title="data quality", title_align="left")
    if compact:
        return Panel(_quality_lines(findings), title="data quality", title_align="left")
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    for name in ("rule", "table", "rows", "examples"):
        table.add_column(name, justify="right" if name == "rows" else "left", overflow="fold")
    for finding in findings:
        rule = finding.rule + (f" ({finding.metric})" if finding.metric else "")
        examples = ", ".join(finding.examples) or _MISSING
        cells = (as_text(finding.table), Text(str(finding.rows)), as_text(examples))
        table.add_row(as_text(rule, style="bold"), *cells)
    caption = Text(
        f"{sum(not f.tally for f in findings)} finding(s): every row or unit set aside is counted "
        "here (per table, rows read = rows kept + rows set aside).",
        style="dim",
    )
    return Panel(Group(table, caption), title="data quality", title_align="left")


def _quality_lines(findings: Sequence[QualityFinding]) -> Text:
    lines = Text()
    for finding in findings:
        metric = f" ({finding.metric})" if finding.metric else ""
        lines.append(visible(f"{finding.rule}{metric}"), style="bold")
        lines.append(visible(f" · {finding.table} · {finding.rows} row(s)") + "\n")
        if finding.examples:
            lines.append("  " + visible(", ".join(finding.examples)) + "\n", style="dim")
    lines.rstrip()
    return lines


def stamp_text(stamp: Stamp) -> Text:
    """The reproducibility stamp on one line (hashes shortened to twelve characters)."""
    return Text.assemble(
        ("stamp ", "dim"),
        visible(f"as_of {_instant(stamp.as_of)} · spec {stamp.spec_hash[:12]} · "),
        visible(f"data {stamp.data_fingerprint[:12]} · imx {stamp.imx_version}"),
        visible(f" · versions {', '.join(stamp.versions)}") if stamp.versions else "",
    )
