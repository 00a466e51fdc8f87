"""Two models' results on the same data and cut in → the result rows that moved, with the cause.

A row is keyed by every column of :data:`imx.results.RESULT_SCHEMA` before ``value`` except
``version`` and ``variant`` (metric, level, study, site, group, period: a row's version or layer
may be what changed); an
old metric id is read under its new id when the diff found it renamed. A row moved when its
value, band or status differs, or when it is only on one side. Each moved row says what may have
moved it (:meth:`imx.diff.ModelDiff.causes`): both sides ran on the same data and cut, so a
moved row is a new definition, never a change in performance.

>>> summary_noun("study", False), summary_noun("by:vendor", True)
('studies', 'by:vendor rows (per period)')
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

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


def _rows(table: pa.Table, renames: Mapping[str, str]) -> dict[tuple[Any, ...], dict[str, Any]]:
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in table.select([*KEY, *dict.fromkeys((*COMPARED, *SHOWN))]).to_pylist():
        row["metric"] = renames.get(row["metric"], row["metric"])
        out[tuple(row[k] for k in KEY)] = row
    return out


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
    before = _rows(_only(old.table, metrics and metrics[0]), diff.renamed_ids)
    after = _rows(_only(new.table, metrics and metrics[1]), {})
    moved: list[MovedRow] = []
    totals: Counter[tuple[str, str, bool]] = Counter()
    for key in [*after, *(k for k in before if k not in after)]:
        a, b = before.get(key), after.get(key)
        totals[(str(key[0]), str(key[1]), key[KEY.index("period")] is not None)] += 1
        if _moved(a, b):
            causes = diff.causes(str(key[0]), _layers(a, b))
            if a is not None and b is not None and _measured_alike(a, b):
                causes = causes - {Class.METHOD}  # the same numbers judged differently
            row = MovedRow(dict(zip(KEY, key, strict=True)), a, b, causes)
            moved.append(row)
    return Impact(old.stamp, new.stamp, tuple(moved), _summaries(moved, totals))
