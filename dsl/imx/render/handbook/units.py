"""A folder of unit rows (``imx run --units``) in → checked against the results, read, and one
handbook page per metric listing the units behind each red or amber study and site.

The folder must come from the run that wrote the results: its ``units.stamp.json`` (and each
file's stamp) must equal the results file's stamp, field by field, or the handbook is not built.
Each listed row shows the same units as the HTML report (:mod:`imx.render.drilldown`), and every
text from the data or the specs goes through :mod:`imx.render.handbook.markup`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from imx import messages as M
from imx import model as m
from imx.errors import UsageError
from imx.output import UNITS_STAMP
from imx.render import drilldown as dd  # a module: the report imports it before the handbook
from imx.render.handbook import scores
from imx.render.handbook.markup import html_text, link, raw_block, text

STAMP_FIELDS = ("spec_hash", "data_fingerprint", "as_of", "imx_version")


def check_unit_folder(folder: Path, results_path: Path) -> None:
    """A :class:`UsageError` unless ``folder`` is a units folder of the run that wrote the
    results file at ``results_path`` (checked before any work)."""
    if not folder.is_dir():
        raise UsageError(M.DOCS_UNITS_NO_FOLDER.format(folder), [M.DOCS_UNITS_HINT])
    if not (folder / UNITS_STAMP).is_file():
        raise UsageError(M.DOCS_UNITS_NOT_UNITS.format(folder), [M.DOCS_UNITS_HINT])
    stamp = _json(folder, UNITS_STAMP, (folder / UNITS_STAMP).read_bytes())
    meta = scores.read_results(results_path).schema.metadata or {}
    if scores.STAMP_KEY not in meta:
        raise UsageError(M.DOCS_UNITS_NO_STAMP.format(results_path, folder))
    _same_stamp(
        folder, results_path.name, stamp, _json(folder, results_path.name, meta[scores.STAMP_KEY])
    )


def _json(folder: Path, name: str, raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(M.DOCS_UNITS_BAD_FILE.format(folder, name, exc)) from exc
    if not isinstance(value, dict):
        raise UsageError(M.DOCS_UNITS_BAD_FILE.format(folder, name, "the stamp is not an object"))
    return value


def _same_stamp(folder: Path, other: str, units: dict[str, Any], theirs: dict[str, Any]) -> None:
    for name in STAMP_FIELDS:
        if units.get(name) != theirs.get(name):
            raise UsageError(
                M.DOCS_UNITS_STAMP.format(folder, other, name, units.get(name), theirs.get(name)),
                [M.DOCS_UNITS_STAMP_HINT],
            )


def read_unit_folder(folder: Path) -> dict[str, pa.Table]:
    """Every metric's unit rows in a checked units folder: ``METRIC.parquet`` → metric id."""
    stamp = _json(folder, UNITS_STAMP, (folder / UNITS_STAMP).read_bytes())
    tables: dict[str, pa.Table] = {}
    for path in sorted(folder.glob("*.parquet")):
        try:
            table = pq.read_table(path)
        except (OSError, pa.ArrowException) as exc:
            raise UsageError(M.DOCS_UNITS_BAD_FILE.format(folder, path.name, exc)) from exc
        raw = (table.schema.metadata or {}).get(scores.STAMP_KEY, b"{}")
        _same_stamp(folder, path.name, stamp, _json(folder, path.name, raw))
        if not {"study", "site", "outcome"} <= set(table.column_names):
            reason = "it holds no unit rows (study, site, outcome)"
            raise UsageError(M.DOCS_UNITS_BAD_FILE.format(folder, path.name, reason))
        tables[path.stem] = table
    return tables


UNITS = "units"  # the docs folder of the units pages


def units_path(metric_id: str) -> str:
    """Where a metric's units page lives in the docs folder."""
    return f"{UNITS}/{metric_id}.md"


def flagged(rows: Sequence[scores.Row]) -> list[scores.Row]:
    """A metric's red and amber study and site rows over the run: studies, then sites."""
    return sorted((r for r in rows if dd.is_flagged(r)), key=scores.level_rank)


def units_link(metric_id: str, row: scores.Row) -> str | None:
    """The link target of a red or amber study or site row's units, from a metric page."""
    return f"../{units_path(metric_id)}#{dd.anchor(row)}" if dd.is_flagged(row) else None


def scorecard_cell(has_page: Callable[[str], bool]) -> scores.CellLink:
    """The scorecard page's study cells: a red or amber one links to its units, when its metric
    has a units page (``has_page``)."""

    def cell(row: scores.Row, chip: str) -> str:
        metric = str(row.get("metric"))
        if not dd.is_flagged(row) or not has_page(metric):
            return chip
        return f'<a href="{UNITS}/{html_text(metric)}.html#{dd.anchor(row)}">{chip}</a>'

    return cell


def units_page(metric: m.Metric, rows: Sequence[scores.Row], units: pa.Table) -> str:
    """The page listing, for each red or amber study and site row of ``metric``, its missed,
    negative, open, pending and excluded units (at most :data:`~imx.render.drilldown.CAP`)."""
    back = link(f"back to {metric.id}", f"../metrics/{metric.id}.md#results")
    parts = [
        f"# {text(metric.id)}: the units behind its red and amber cells",
        "The missed, negative, open, pending and excluded units of each red or amber study and "
        f"site, worst first, from the run the results came from. {back}",
    ]
    keys = metric.base.unit.keys
    for row in flagged(rows):
        found = dd.members(row, units)
        title = f"{dd.place_text(row)} · {row['status']}"
        parts.append(f"## {text(title)} {{#{dd.anchor(row)}}}")
        parts.append(f"{text(dd.counts_text(found))}. {back}")
        listing = dd.table_html(found, keys) + dd.rest_html(row, found.num_rows)
        if listing:
            parts.append(raw_block(listing, "imx-units"))
    return "\n\n".join(parts) + "\n"
