"""Metric fields: a metric's or variant's clauses in → clauses grouped by field name out."""

from __future__ import annotations

from dataclasses import dataclass

from imx import messages as M
from imx.checker.context import Reporter
from imx.syntax import ast as A

FIELD_NAMES: dict[type, str] = {
    A.CategoryClause: "category",
    A.QuestionClause: "question",
    A.PerClause: "per",
    A.WhereClause: "where",
    A.ExcludeClause: "exclude",
    A.RateClause: "rate",
    A.RatioClause: "ratio",
    A.DurationClause: "duration",
    A.CountClause: "count",
    A.ValueClause: "value",
    A.SummaryClause: "summary",
    A.ParamClause: "param",
    A.TargetClause: "target",
    A.BandsClause: "bands",
    A.MinNClause: "min_n",
    A.LevelsClause: "levels",
    A.PeriodClause: "period",
    A.SeriesClause: "series",
    A.CompanionClause: "companion",
    A.StatusClause: "status",
    A.SinceClause: "since",
    A.DocClause: "doc",
    A.RationaleClause: "rationale",
    A.HistoryClause: "history",
}
MEASURES = ("rate", "ratio", "duration", "count", "value")
REPEATABLE = ("where", "exclude", "param")
MODED = ("where", "exclude")
BASE = "base"


@dataclass(frozen=True)
class Sourced:
    """A clause with the layer that wrote it (``base`` or a variant's name) and its file."""

    clause: A.Clause
    layer: str
    file: str
    mode: str | None = None  # "replace" / "extend" for a variant's where and exclude


Fields = dict[str, list[Sourced]]


def field_name(clause: A.Clause) -> str:
    return FIELD_NAMES[type(clause)]


def gather(
    fields: tuple[A.MetricField, ...], layer: str, rep: Reporter, owner: tuple[str, str]
) -> Fields:
    """Group clauses by field; a non-repeatable field given twice is reported (the first wins)."""
    grouped: Fields = {}
    for f in fields:
        clause, mode = (f.clause, f.mode.text) if isinstance(f, A.ModedClause) else (f, None)
        name = field_name(clause)
        if name in MEASURES and _second_measure(grouped, clause, rep, owner):
            continue
        if name in grouped and name not in REPEATABLE:
            first = grouped[name][0].clause
            msg = M.DUPLICATE_FIELD.format(name, *owner)
            labels = [rep.label(first.span, M.FIRST_DEFINED_HERE)]
            rep.report(msg, clause.span, labels=labels)
            continue
        grouped.setdefault(name, []).append(Sourced(clause, layer, rep.file, mode))
    return grouped


def _second_measure(
    grouped: Fields, clause: A.Clause, rep: Reporter, owner: tuple[str, str]
) -> bool:
    for kind in MEASURES:
        if kind in grouped:
            labels = [rep.label(grouped[kind][0].clause.span, "the first measure")]
            rep.report(
                M.MULTIPLE_MEASURES.format(owner[1]),
                clause.span,
                labels=labels,
                hints=[
                    "a metric has exactly one of rate, ratio, duration, "
                    "count or value; split it into two metrics"
                ],
            )
            return True
    return False


def measure_kind(fields: Fields) -> str | None:
    """The metric's measure kind; measures after the first are ignored (already reported)."""
    return next((k for k in MEASURES if k in fields), None)


def one(fields: Fields, name: str) -> Sourced | None:
    found = fields.get(name)
    return found[0] if found else None
