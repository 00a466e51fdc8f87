"""A results table (in memory or from a file) in → values, statuses, trends and the scorecard out."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from imx import model as m
from imx.errors import ResultsFileError
from imx.output import JSON_TEXT_COLUMNS, stamp_dict
from imx.render.handbook.markup import html_text
from imx.results import RESULT_SCHEMA, Results, group_label

Row = dict[str, Any]
ResultsLike: TypeAlias = Results | pa.Table
PORTFOLIO = "portfolio"
STAMP_KEY = b"imx.stamp"


def read_results(path: str | Path) -> pa.Table:
    """Read a results file written by ``imx run --out`` (.csv, .json, .parquet), with its stamp.

    The stamp (from the Parquet metadata, the JSON document or the ``X.stamp.json`` sidecar)
    is kept in the table's schema metadata under ``imx.stamp``; ``stats`` and
    ``excluded_by_reason`` become the maps an in-memory :class:`~imx.results.Results` holds.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".parquet", ".csv", ".json", ".jsonl", ".ndjson"):
        raise ResultsFileError(
            f"cannot read results from {path.name}: use a .csv, .json or .parquet file"
        )
    try:
        table, stamp = _read_table(path, suffix)
        table = _typed(table)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise ResultsFileError(f"cannot read results from {path}: {exc}") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in table.column_names]
    if missing:
        raise ResultsFileError(
            f"{path.name} is not a results file of `imx run --out`: "
            f"it has no column {', '.join(missing)}"
        )
    sidecar = path.with_name(f"{path.stem}.stamp.json")
    if stamp is None and sidecar.is_file():
        stamp = json.loads(sidecar.read_text(encoding="utf-8"))
    return _with_stamp(table, stamp)


REQUIRED_COLUMNS = ("metric", "variant", "level", "value", "status")
TEXT_COLUMNS = (
    "metric", "version", "variant", "level", "study", "site", "group", "group2", "period", "unit",
    "band",
)  # fmt: skip


def _read_table(path: Path, suffix: str) -> tuple[pa.Table, Any]:
    if suffix == ".parquet":
        return pq.read_table(path), None
    if suffix == ".csv":
        # Keys stay text: site `001` must not become the number 1.
        with path.open(encoding="utf-8", newline="") as file:
            header = next(csv.reader(file), [])  # quoted names, as imx run writes them
        types = {c: pa.string() for c in TEXT_COLUMNS if c in header}
        return pa_csv.read_csv(
            path, convert_options=pa_csv.ConvertOptions(column_types=types)
        ), None
    rows, stamp = _json_rows(path.read_text(encoding="utf-8"))
    names = list(dict.fromkeys(name for row in rows for name in row))
    columns = {name: _json_column(name, [row.get(name) for row in rows]) for name in names}
    return pa.table(columns), stamp


MAP_TYPES = {name: RESULT_SCHEMA.field(name).type for name in JSON_TEXT_COLUMNS}


def _json_column(name: str, values: list[Any]) -> pa.Array:
    """A column of a JSON results file: ``stats`` and ``excluded_by_reason`` objects become the
    maps of :data:`imx.results.RESULT_SCHEMA`; other objects or lists are kept as JSON text."""
    if name in MAP_TYPES:
        return pa.array([_pairs(name, v) for v in values], MAP_TYPES[name])
    return pa.array([json.dumps(v) if isinstance(v, dict | list) else v for v in values])


def _typed(table: pa.Table) -> pa.Table:
    """The table with ``stats`` and ``excluded_by_reason`` as the maps of ``imx run``'s results,
    from the JSON text a CSV or Parquet results file holds them in."""
    for name, type_ in MAP_TYPES.items():
        if name not in table.column_names or table.schema.field(name).type == type_:
            continue
        texts = table.column(name).to_pylist()
        values = [_pairs(name, _loaded(t)) for t in texts]
        maps = pa.array(values, type_)
        table = table.set_column(table.schema.get_field_index(name), name, maps)
    return table


def _loaded(text: Any) -> Any:
    """A cell of JSON text as its value (an empty CSV cell is null)."""
    if isinstance(text, str):
        return json.loads(text) if text else None
    return text


def _pairs(name: str, value: Any) -> list[tuple[str, Any]] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"column `{name}` holds {json.dumps(value)[:40]}, not a JSON object")
    return list(value.items())


def _with_stamp(table: pa.Table, stamp: Any) -> pa.Table:
    meta = dict(table.schema.metadata or {})
    if isinstance(stamp, dict) and STAMP_KEY not in meta:
        meta[STAMP_KEY] = json.dumps(stamp).encode()
    return table.replace_schema_metadata(meta) if meta else table


def _json_rows(text: str) -> tuple[list[Row], Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()], None
    stamp = data.get("stamp") if isinstance(data, dict) else None
    if isinstance(data, dict):
        data = next((data[k] for k in ("results", "rows", "data") if k in data), [data])
    if not isinstance(data, list):
        raise ValueError("a results JSON file holds a list of rows")
    rows = [row for row in data if isinstance(row, dict)]
    return rows, stamp


def as_table(results: ResultsLike | None) -> pa.Table | None:
    """The long results table of ``results``, whichever form it came in."""
    if results is None:
        return None
    if not isinstance(results, Results):
        return results
    fields = {**stamp_dict(results.stamp), "as_of": results.stamp.as_of.isoformat()}
    return _with_stamp(results.table, fields)


def stamp_items(results: ResultsLike | None) -> list[tuple[str, str]]:
    """The reproducibility stamp of a run: as_of, spec hash, data fingerprint, imx version and
    the run options that can change a value (engine, levels, period, metrics)."""
    table = as_table(results)
    meta = (table.schema.metadata or {}) if table is not None else {}
    raw = meta.get(STAMP_KEY)
    if raw is None:
        return []
    try:
        stamp = json.loads(raw)
    except json.JSONDecodeError:
        return [("stamp", raw.decode(errors="replace"))]
    labels = [("as_of", "as of"), ("spec_hash", "spec hash")]
    labels += [("data_fingerprint", "data fingerprint"), ("imx_version", "imx version")]
    labels += [("engine", "engine"), ("levels", "levels"), ("period", "period")]
    labels += [("metrics", "metrics")]
    own = {"levels": "each metric's own", "period": "each metric's own", "metrics": "all"}
    return [(label, str(stamp[key]) or own.get(key, "")) for key, label in labels if key in stamp]


def by_metric(table: pa.Table | None, model: m.Model | None = None) -> dict[str, list[Row]]:
    """The result rows grouped by metric (read from Arrow once): under the metric's id, except
    the rows of a version that is not the id's current one in ``model`` (a run of
    ``XFER-OT@2014``), which are under that version's key, so a page of the current definition
    never shows another definition's values as its own (rule 27)."""
    grouped: dict[str, list[Row]] = {}
    if table is None or "metric" not in table.column_names:
        return grouped
    current = {x.id: x.version for x in model.metrics} if model is not None else {}
    for row in table.to_pylist():
        metric_id, version = str(row.get("metric")), row.get("version")
        # the current version, an unversioned row, or an id whose every version is retired
        same = not version or current.get(metric_id, version) == version
        grouped.setdefault(metric_id if same else f"{metric_id}@{version}", []).append(row)
    return grouped


def current(rows: Sequence[Row]) -> list[Row]:
    """Rows that describe now: those without a period, else each group's latest period."""
    overall = [r for r in rows if not r.get("period")]
    if overall:
        return overall
    latest: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        key = _group_key(row)
        if key not in latest or str(row["period"]) > str(latest[key]["period"]):
            latest[key] = row
    return list(latest.values())


def _group_key(row: Row) -> tuple[Any, ...]:
    return tuple(row.get(k) for k in ("variant", "level", "study", "site", "group", "group2"))


def where_label(row: Row) -> str:
    """Where a row applies: ``portfolio``, a study, ``study / site``, ``reader R07`` or
    ``vendor Acme × therapeutic_area oncology`` (``(none)`` for a null value)."""
    level = str(row.get("level") or "")
    if level == PORTFOLIO:
        return PORTFOLIO
    if level == "site":
        return f"{row.get('study')} / {row.get('site')}"
    if level.startswith("by:"):
        return group_label(level, row.get("group"), row.get("group2"))
    return str(row.get("study") or row.get("group") or level)


def level_rank(row: Row) -> tuple[int, str]:
    """Portfolio first, then studies, attribute groups and sites."""
    order = {PORTFOLIO: 0, "study": 1, "site": 3}
    level = str(row.get("level") or "")
    return order.get(level, 2), where_label(row)


def trend_series(rows: Sequence[Row]) -> dict[str, list[tuple[str, float | None]]]:
    """Values by period for the portfolio and every study."""
    series: dict[str, list[tuple[str, float | None]]] = {}
    for row in rows:
        if not row.get("period") or row.get("level") not in (PORTFOLIO, "study"):
            continue
        label = PORTFOLIO if row["level"] == PORTFOLIO else str(row.get("study"))
        series.setdefault(label, []).append((str(row["period"]), _number(row.get("value"))))
    return {k: sorted(v) for k, v in series.items()}


def study_variants(rows: Sequence[Row]) -> dict[str, str]:
    """The variant each study's by-period rows were evaluated under (its latest period's), for
    studies a variant covers; ``base`` rows name none."""
    latest: dict[str, tuple[str, str]] = {}
    for row in rows:
        variant, period = row.get("variant"), row.get("period")
        if row.get("level") != "study" or not period or variant in (None, "", "base"):
            continue
        study = str(row.get("study"))
        if study not in latest or latest[study][0] < str(period):
            latest[study] = (str(period), str(variant))
    return {study: variant for study, (_period, variant) in latest.items()}


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def value_text(value: Any, unit: m.ValueUnit) -> str:
    """A result value as people read it: ``87.5%``, ``2.5 business days``, ``—`` for none."""
    number = _number(value)
    if number is None:
        return "—"
    if unit is m.ValueUnit.PERCENT:
        return f"{number * 100:.1f}%"
    suffix = {m.ValueUnit.HOURS: " h", m.ValueUnit.DAYS: " d", m.ValueUnit.BUSINESS_DAYS: " bd"}
    return f"{number:.3g}{suffix.get(unit, '')}"


def count_text(value: Any) -> str:
    """An integer count, ``—`` for none."""
    number = _number(value)
    return "—" if number is None else f"{number:.0f}"


def status_chip(status: Any) -> str:
    """A status as an HTML chip coloured by the handbook's stylesheet."""
    name = str(status) if status else "none"
    css = re.sub(r"[^a-z0-9_-]", "", name.lower()) or "none"
    return f'<span class="imx-status imx-status-{css}">{html_text(name)}</span>'


def portfolio_row(rows: Sequence[Row]) -> Row | None:
    """The current portfolio result of one metric, if there is one."""
    return next((r for r in current(rows) if r.get("level") == PORTFOLIO), None)


def status_counts(model: m.Model, table: pa.Table | None) -> dict[str, int]:
    """How many metrics are in each portfolio status."""
    counts: dict[str, int] = {}
    grouped = by_metric(table, model)
    for metric in model.metrics:
        row = portfolio_row(grouped.get(metric.id, []))
        status = str(row.get("status") or "none") if row else "not evaluated"
        counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: _STATUS_ORDER.get(kv[0], 9)))


_STATUS_ORDER = {"green": 0, "amber": 1, "red": 2, "insufficient": 3, "no_data": 4}


CellLink = Callable[[Row, str], str]  # a study's result row and its chip → the cell's HTML


def scorecard_html(
    model: m.Model,
    table: pa.Table | None,
    link: Callable[[str], str | None],
    cell: CellLink | None = None,
) -> str:
    """The portfolio scorecard: one row per metric, portfolio value and status, study statuses
    (each study's chip as ``cell`` makes it, e.g. a link to the units behind it)."""
    grouped = by_metric(table, model)
    every = [r for rows in grouped.values() for r in rows]
    studies = sorted({str(r["study"]) for r in every if r.get("level") == "study"})
    head = ["Metric", "Category", "Portfolio", "Status", "n", *studies]
    lines = ['<table class="imx-scorecard">', "<thead><tr>"]
    lines.append("".join(f"<th>{html_text(h)}</th>" for h in head) + "</tr></thead><tbody>")
    for metric in sorted(model.metrics, key=lambda x: (x.base.category, x.id)):
        lines.append(_scorecard_row(metric, grouped.get(metric.id, []), studies, link, cell))
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _scorecard_row(
    metric: m.Metric,
    rows: list[Row],
    studies: list[str],
    link: Callable[[str], str | None],
    cell: CellLink | None,
) -> str:
    now = current(rows)
    port = next((r for r in now if r.get("level") == PORTFOLIO), {})
    by_study = {str(r.get("study")): r for r in now if r.get("level") == "study"}
    href = link(metric.id)
    name = html_text(metric.id)
    label = f'<a href="{html_text(href)}">{name}</a>' if href else name
    title = html_text(metric.base.title or "")
    cells = [
        f"{label}<br><small>{title}</small>",
        html_text(metric.base.category.replace("_", " ")),
        value_text(port.get("value"), metric.base.value_unit),
        status_chip(port.get("status")) if port else "—",
        count_text(port.get("denominator")),
    ]
    for study in studies:
        row = by_study.get(study)
        cells.append(_study_cell(row, metric, href, cell) if row else "")
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _study_cell(row: Row, metric: m.Metric, href: str | None, cell: CellLink | None) -> str:
    """A study's value and status, linked to its units when ``cell`` links it (a red or amber
    cell), else to the metric's page."""
    value = value_text(row.get("value"), metric.base.value_unit)
    shown = (
        f'<span class="imx-cell-value">{html_text(value)}</span> {status_chip(row.get("status"))}'
    )
    linked = cell(row, shown) if cell else shown
    if linked != shown or not href:
        return linked
    title = html_text(f"{metric.id} in study {row.get('study')}")
    return f'<a href="{html_text(href)}" title="{title}">{shown}</a>'


def value_table(
    rows: Sequence[Row], unit: m.ValueUnit, link: Callable[[Row], str | None] | None = None
) -> tuple[list[str], list[list[str]]]:
    """Header and cells of a metric's current values; columns with no value anywhere are left out.

    ``link`` gives a row's status a Markdown link target (a page path the handbook made), or none.
    """
    now = sorted(current(rows), key=level_rank)
    columns: list[tuple[str, Callable[[Row], str]]] = [
        ("Where", lambda r: html_text(where_label(r))),
        ("Variant", lambda r: html_text(str(r.get("variant") or "base"))),
        ("Value", lambda r: value_text(r.get("value"), unit)),
        ("Statistics", lambda r: _stats_text(r.get("stats"), unit)),
        ("95% CI", lambda r: _ci_text(r, unit)),
        ("Numerator", lambda r: count_text(r.get("numerator"))),
        ("n", lambda r: count_text(r.get("denominator"))),
        ("Excluded", lambda r: count_text(r.get("excluded"))),
        ("Pending", lambda r: count_text(r.get("pending"))),
        ("Open", lambda r: count_text(r.get("open"))),
        ("Status", lambda r: _linked(status_chip(r.get("status")), link(r) if link else None)),
    ]
    cells = [[fn(r) for _, fn in columns] for r in now]
    keep = [i for i in range(len(columns)) if any(row[i] not in ("—", "") for row in cells)]
    return [columns[i][0] for i in keep], [[row[i] for i in keep] for row in cells]


def _linked(chip: str, target: str | None) -> str:
    return f"[{chip}]({target})" if target else chip


def _ci_text(row: Row, unit: m.ValueUnit) -> str:
    if _number(row.get("ci_low")) is None:
        return "—"
    return f"{value_text(row.get('ci_low'), unit)} – {value_text(row.get('ci_high'), unit)}"


def _stats_text(raw: Any, unit: m.ValueUnit) -> str:
    """Statistics as JSON text (a CSV or JSON results file) or an Arrow map (its pairs)."""
    if not raw:
        return "—"
    try:
        stats = json.loads(raw) if isinstance(raw, str) else raw
    except json.JSONDecodeError:
        return html_text(str(raw))
    if isinstance(stats, list) and all(isinstance(p, tuple | list) and len(p) == 2 for p in stats):
        stats = dict(stats)
    if not isinstance(stats, dict):
        return html_text(str(raw))
    return ", ".join(f"{html_text(str(k))} {value_text(v, unit)}" for k, v in stats.items())


def stamp_html(items: Mapping[str, str] | Sequence[tuple[str, str]]) -> str:
    """The stamp as a small definition table."""
    pairs = list(items.items()) if isinstance(items, Mapping) else list(items)
    rows = "".join(
        f"<tr><th>{html_text(k)}</th><td><code>{html_text(v)}</code></td></tr>" for k, v in pairs
    )
    return f'<table class="imx-stamp">{rows}</table>'
