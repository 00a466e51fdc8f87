"""Bands, results and the schema's workflow in → SVG figures out (matplotlib's SVG backend).

Figures are drawn with a sentinel foreground colour that becomes ``currentColor`` and a transparent
background, so they follow the page's light or dark scheme; text stays text (searchable, selectable).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from imx import model as m
from imx.render.handbook.facts import SPAN_CATEGORIES, MeasuredSpan, measured_span
from imx.render.handbook.markup import figure_text, html_text

_INK = "#010203"  # drawn in this, replaced by currentColor
_PALETTE = {"green": "#2e9e5b", "amber": "#e3a21a", "red": "#d64545", "yellow": "#e3c51a"}
_OTHER = ("#3f7fd1", "#9c5bd1", "#2aa3a3", "#c2569a", "#7f8c3a")
_STATUS = {"insufficient": "#8a8a8a", "no_data": "#b0b0b0", "not evaluated": "#b0b0b0"}
_RC: dict[Any, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "text.color": _INK,
    "axes.edgecolor": _INK,
    "axes.labelcolor": _INK,
    "axes.facecolor": "none",
    "figure.facecolor": "none",
    "xtick.color": _INK,
    "ytick.color": _INK,
    "grid.color": _INK,
    "grid.alpha": 0.15,
    "savefig.transparent": True,
}
_NO_METADATA: dict[str, str | None] = {"Date": None, "Creator": None, "Format": None, "Type": None}


def band_colour(name: str, index: int) -> str:
    """The fill colour of a band: its own colour for the usual names, else a palette colour."""
    return _PALETTE.get(name.lower(), _STATUS.get(name, _OTHER[index % len(_OTHER)]))


def band_at(value: float, bands: m.Bands) -> str | None:
    """The first band whose condition holds for ``value`` (semantics rule 10)."""
    for band in bands.bands:
        if _holds(value, band):
            return band.name
    return None


def _holds(value: float, band: m.BandDef) -> bool:
    if band.low is not None and band.high is not None:
        return float(band.low) <= value <= float(band.high)
    if band.op is None or band.bound is None:
        return True
    bound = float(band.bound)
    ops: dict[str, Callable[[float, float], bool]] = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "=": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
    }
    return ops[band.op](value, bound)


@dataclass(frozen=True)
class Region:
    """A stretch ``[low, high]`` of the value axis that falls in one band."""

    name: str
    low: float
    high: float


def value_range(
    bands: m.Bands | None, unit: m.ValueUnit, extra: Sequence[float] = ()
) -> tuple[float, float]:
    """The stretch of values a figure shows: 0–100% for percentages, else past the outer bound."""
    if unit is m.ValueUnit.PERCENT:
        return 0.0, max(1.0, *extra) if extra else 1.0
    points = [float(p) for p in _breakpoints(bands)] + list(extra)
    top = max(points, default=1.0)
    bottom = min(0.0, *points) if points else 0.0
    return bottom, (top * 1.5 if top > 0 else 1.0)


def _breakpoints(bands: m.Bands | None) -> list[Decimal]:
    if bands is None:
        return []
    points: list[Decimal] = []
    for band in bands.bands:
        points.extend(p for p in (band.bound, band.low, band.high) if p is not None)
    return points


def regions(bands: m.Bands, low: float, high: float) -> list[Region]:
    """The bands laid out over ``[low, high]``: each stretch tested at its midpoint, merged."""
    cuts = sorted({low, high, *(float(p) for p in _breakpoints(bands) if low < p < high)})
    found: list[Region] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        name = band_at((a + b) / 2, bands)
        if name is None:
            continue
        if found and found[-1].name == name and found[-1].high == a:
            found[-1] = Region(name, found[-1].low, b)
        else:
            found.append(Region(name, a, b))
    return found


def _colours(bands: m.Bands) -> dict[str, str]:
    return {b.name: band_colour(b.name, i) for i, b in enumerate(bands.bands)}


def _fmt(unit: m.ValueUnit) -> Callable[[float], str]:
    if unit is m.ValueUnit.PERCENT:
        return lambda v: f"{v * 100:.0f}%"
    return lambda v: f"{v:g}"


def band_figure(
    bands: m.Bands,
    unit: m.ValueUnit,
    *,
    target: m.Target | None = None,
    value: float | None = None,
    salt: str = "bands",
) -> str:
    """A one-row strip of the bands over the value axis, with the target and a current value."""
    extra = [value] if value is not None else []
    low, high = value_range(bands, unit, extra)
    colours = _colours(bands)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(6.4, 1.25))
        ax = fig.add_subplot()
        for region in regions(bands, low, high):
            ax.axvspan(region.low, region.high, color=colours[region.name], alpha=0.55, lw=0)
            name = figure_text(region.name)
            ax.text((region.low + region.high) / 2, 0.4, name, ha="center", va="center")
        if target is not None:
            ax.axvline(float(target.value), color=_INK, lw=1.5, ls="--")
            ax.text(float(target.value), 1.04, "target", ha="center", va="bottom", fontsize=8)
        if value is not None:
            ax.plot([value], [0.9], marker="v", ms=10, color=_INK, ls="none")
            _current_label(ax, value, unit, right=value > (low + high) / 2)
        _strip_axes(ax, low, high, unit)
        fig.subplots_adjust(left=0.03, right=0.97, top=0.78, bottom=0.32)
        return _svg(fig, salt, "Bands: " + ", ".join(b.name for b in bands.bands))


def _current_label(ax: Axes, value: float, unit: m.ValueUnit, *, right: bool) -> None:
    """The current value written beside its marker (on the side with room)."""
    shown = f"{value * 100:.1f}%" if unit is m.ValueUnit.PERCENT else f"{value:.3g}"
    side = {"ha": "right", "x": -7} if right else {"ha": "left", "x": 7}
    label = ax.annotate(
        f"now {shown}", (value, 0.9), xytext=(side["x"], 0), textcoords="offset points",
        ha=side["ha"], va="center", fontsize=9, fontweight="bold",
    )  # fmt: skip
    label.set_gid("imx-current-value")


def _strip_axes(ax: Axes, low: float, high: float, unit: m.ValueUnit) -> None:
    ax.set_xlim(low, high)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ticks = ax.get_xticks()
    ax.set_xticks([t for t in ticks if low <= t <= high])
    fmt = _fmt(unit)
    ax.set_xticklabels([fmt(t) for t in ax.get_xticks()])


def trend_figure(
    series: Mapping[str, Sequence[tuple[str, float | None]]],
    bands: m.Bands | None,
    unit: m.ValueUnit,
    *,
    variants: Mapping[str, tuple[str, m.Bands | None]] | None = None,
    columns: int = 3,
    width: float = 6.4,
    salt: str = "trend",
) -> str:
    """Values by period in small multiples: the portfolio, then one panel per study (every
    study, none left out), each over the shaded bands with the portfolio drawn faintly behind.
    A study in ``variants`` (study → its variant's name and bands) is drawn over that variant's
    bands, its panel titled ``S004 · oncology``. ``columns`` panels a row in ``width`` inches: a
    page shows a narrow two-column copy on a phone, whose text is then still drawn at its size."""
    variants = variants or {}
    periods = sorted({p for points in series.values() for p, _ in points})
    values = [v for points in series.values() for _, v in points if v is not None]
    values += [float(p) for _name, own in variants.values() for p in _breakpoints(own)]
    low, high = value_range(bands, unit, values)
    labels = sorted(series, key=lambda k: (k != "portfolio", k))
    columns = min(columns, len(labels))
    rows = -(-len(labels) // columns)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width, 0.7 + 1.6 * rows))
        axes = list(fig.subplots(rows, columns, sharey=True, squeeze=False).flat)
        for ax, label in zip(axes, labels, strict=False):
            name, own = variants.get(label, ("", None))
            _trend_panel(ax, label, series, periods, own or bands, (low, high))
            if name:
                ax.set_title(figure_text(f"{label} · {name}"), fontsize=9, loc="left", pad=3)
            _trend_axes(ax, periods, unit, 3 if width / columns >= 2 else 2)
        for ax in axes[len(labels) :]:
            ax.axis("off")
        fig.supxlabel("period", fontsize=9)
        fig.supylabel(UNIT_TITLES[unit], fontsize=9)
        height = 0.7 + 1.6 * rows  # room above for titles, below for the labels and "period"
        fig.subplots_adjust(
            left=0.83 / width, right=0.98, top=1 - 0.3 / height, bottom=0.6 / height,
            hspace=0.75, wspace=0.3,
        )  # fmt: skip
        return _svg(fig, salt, f"Trend by period: portfolio and {len(labels) - 1} studies")


UNIT_TITLES = {
    m.ValueUnit.PERCENT: "value (%)",
    m.ValueUnit.HOURS: "value (hours)",
    m.ValueUnit.DAYS: "value (days)",
    m.ValueUnit.BUSINESS_DAYS: "value (business days)",
    m.ValueUnit.COUNT: "value (count)",
    m.ValueUnit.NUMBER: "value",
}


def _trend_panel(
    ax: Axes,
    label: str,
    series: Mapping[str, Sequence[tuple[str, float | None]]],
    periods: list[str],
    bands: m.Bands | None,
    span: tuple[float, float],
) -> None:
    """One panel: the bands, the portfolio faintly (unless it is the panel), the panel's line."""
    index = {p: i for i, p in enumerate(periods)}
    if bands is not None:
        colours = _colours(bands)
        for region in regions(bands, *span):
            ax.axhspan(region.low, region.high, color=colours[region.name], alpha=0.25, lw=0)
    lines = [("portfolio", "#8a8a8a", 1.0)] if label != "portfolio" else []
    lines.append((label, _INK if label == "portfolio" else _OTHER[0], 1.6))
    for name, colour, width in lines:
        points = [(index[p], v) for p, v in series.get(name, ()) if v is not None]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, marker="o", ms=2.5, lw=width, color=colour)
    ax.set_title(figure_text(label), fontsize=9, loc="left", pad=3)
    ax.set_ylim(*span)


def _trend_axes(ax: Axes, periods: list[str], unit: m.ValueUnit, most: int) -> None:
    step = max(1, -(-len(periods) // most))  # at most ``most`` month labels a panel, apart
    ticks = list(range(0, len(periods), step))
    ax.set_xticks(ticks)
    ax.set_xticklabels([figure_text(periods[i]) for i in ticks], fontsize=8)
    ax.set_xlim(-0.5, max(len(periods) - 0.5, 0.5))
    ax.yaxis.set_major_formatter(lambda v, _pos: _fmt(unit)(v))
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(True, axis="y")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def status_figure(counts: Mapping[str, int], *, salt: str = "status") -> str:
    """A horizontal bar per status: how many metrics are green, amber, red, insufficient …"""
    names = list(counts)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(6.4, 0.45 + 0.32 * max(1, len(names))))
        ax = fig.add_subplot()
        colours = [band_colour(n, i) for i, n in enumerate(names)]
        ax.barh(range(len(names)), [counts[n] for n in names], color=colours, alpha=0.8)
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels([figure_text(n) for n in names])
        ax.invert_yaxis()
        for i, n in enumerate(names):
            ax.text(counts[n], i, f" {counts[n]}", va="center")
        for side in ("top", "right", "bottom"):
            ax.spines[side].set_visible(False)
        ax.set_xticks([])
        fig.subplots_adjust(left=0.2, right=0.95, top=0.95, bottom=0.05)
        return _svg(fig, salt, "Metrics by status")


@dataclass(frozen=True)
class MapSpan:
    """One metric drawn on the process map."""

    metric: str
    title: str
    category: str
    span: MeasuredSpan


def map_spans(model: m.Model) -> list[MapSpan]:
    """The cycle-time and timeliness metrics that measure between events, in workflow order."""
    order = {e.name: e.order for e in model.schema.events}
    found: list[MapSpan] = []
    for metric in model.metrics:
        base = metric.base
        span = measured_span(base.measure) if base.category in SPAN_CATEGORIES else None
        if span is None or not all(e in order for e in (*span.starts, *span.ends)):
            continue
        found.append(MapSpan(metric.id, base.title or metric.id, base.category, span))
    return sorted(found, key=lambda s: (min(order[e] for e in s.span.starts), s.metric))


def process_map(model: m.Model, href: Callable[[str], str], *, salt: str = "process") -> str:
    """The workflow's events top to bottom, each metric a vertical span that links to its page."""
    events = sorted(model.schema.events, key=lambda e: e.order)
    row = {e.name: i for i, e in enumerate(events)}
    spans = map_spans(model)
    cut_row = len(events)
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(3.2 + 0.34 * max(len(spans), 6), 1.7 + 0.24 * (len(events) + 1)))
        ax = fig.add_subplot()
        used = {e for s in spans for e in (*s.span.starts, *s.span.ends)}
        for event in events:
            alpha = 0.9 if event.name in used else 0.4
            ax.axhline(row[event.name], color=_INK, lw=0.4, alpha=0.15)
            name = figure_text(event.name)
            ax.text(-0.7, row[event.name], name, ha="right", va="center", alpha=alpha)
        for column, item in enumerate(spans):
            _draw_span(ax, column, item, row, cut_row, href(item.metric))
        _map_axes(fig, ax, len(spans), cut_row)
        _map_legend(fig)
        return _svg(fig, salt, "Imaging workflow process map", natural=True)


def _map_legend(fig: Figure) -> None:
    """What the colours and marks of the process map mean, below it."""
    handles = [
        Line2D([], [], color=_PALETTE["amber"], lw=5, label="timeliness (share on time)"),
        Line2D([], [], color=_OTHER[0], lw=5, label="cycle time (duration)"),
        Line2D([], [], marker="s", color=_INK, ls="none", label="from event"),
        Line2D([], [], marker="o", color=_INK, ls="none", label="to event"),
    ]
    fig.legend(handles=handles, loc="lower left", ncol=4, frameon=False, fontsize=9)


def _draw_span(
    ax: Axes, column: int, item: MapSpan, row: Mapping[str, int], cut_row: int, url: str
) -> None:
    top = min(row[e] for e in item.span.starts)
    ends = [row[e] for e in item.span.ends] + ([cut_row] if item.span.to_data_cut else [])
    bottom = max(ends)
    colour = _PALETTE["amber"] if item.category == "timeliness" else _OTHER[0]
    line = ax.plot([column, column], [top, bottom], color=colour, lw=5, solid_capstyle="round")[0]
    line.set_url(url)
    dots = ax.plot([column] * len(ends), ends, "o", color=colour, ms=7, mec=_INK, mew=0.6)[0]
    dots.set_url(url)
    start = ax.plot([column], [top], "s", color=colour, ms=6, mec=_INK, mew=0.6)[0]
    start.set_url(url)
    name = figure_text(item.metric)
    label = ax.text(column, -0.9, name, rotation=90, ha="center", va="bottom", fontsize=9)
    label.set_url(url)


def _map_axes(fig: Figure, ax: Axes, columns: int, cut_row: int) -> None:
    ax.text(-0.7, cut_row, "data cut (as_of)", ha="right", va="center", style="italic")
    ax.set_xlim(-0.8, max(columns, 1) - 0.2)
    ax.set_ylim(cut_row + 0.7, -0.8)
    ax.axis("off")
    width, height = fig.get_size_inches()
    fig.subplots_adjust(
        left=min(0.6, 2.6 / width), right=0.98, top=1 - 0.9 / height, bottom=0.5 / height
    )


def _svg(fig: Figure, salt: str, label: str, *, natural: bool = False) -> str:
    """Serialise ``fig`` as an inline ``<svg>`` element that follows the page's colours;
    ``natural`` keeps its own size (its box scrolls when the page is narrower), so its text
    is never drawn smaller than written."""
    salted: dict[Any, Any] = {"svg.hashsalt": salt}
    with matplotlib.rc_context(salted):
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata=_NO_METADATA)
    text = buffer.getvalue()
    text = text[text.index("<svg") :].replace(_INK, "currentColor")
    text = text.replace(' target="_blank"', "")  # links open the metric page in place
    text = re.sub(r"font-family: [^;\"]*", "font-family: inherit", text)
    size = re.search(r'<svg[^>]*?width="([\d.]+)pt" height="([\d.]+)pt"', text)
    width = size.group(1) if size else "460"
    text = re.sub(r' width="[\d.]+pt" height="[\d.]+pt"', "", text, count=1)
    attrs = (
        f'<svg class="imx-figure-svg" role="img" aria-label="{html_text(label)}" '
        f'style="max-width: {float(width) * 4 / 3:.0f}px"'
    )
    if natural:
        attrs = attrs.replace('style="max-width', 'style="width: auto; min-width')
    return _unique_ids(text.replace("<svg", attrs, 1).strip(), salt)


def _unique_ids(svg: str, salt: str) -> str:
    """Prefix every id of one figure (and each reference to it) with its salt, so two figures
    on a page (matplotlib numbers ``figure_1``, ``patch_1`` per figure) never share an id."""
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", salt) + "-"
    svg = re.sub(r'\bid="([^"]+)"', lambda x: f'id="{prefix}{x.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda x: f"url(#{prefix}{x.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda x: f'href="#{prefix}{x.group(1)}"', svg)
