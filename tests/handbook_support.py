"""Shared by the handbook tests: the fixture project checked into a model, and synthetic results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa

from imx.data import QualityFinding
from imx.model import Model
from imx.render.handbook.site import check_paths
from imx.results import RESULT_SCHEMA, Results, Stamp
from imx.source import SourceFile

FIXTURE = Path(__file__).parent / "fixtures" / "handbook" / "project.imx"
PERIODS = ("2026-01", "2026-02", "2026-03")
STUDIES = ("S1", "S2")


def checked() -> tuple[Model, dict[str, SourceFile]]:
    """The fixture project's model and sources (it must check without errors)."""
    result = check_paths([FIXTURE])
    assert result.model is not None, [d.message for d in result.diagnostics]
    return result.model, dict(result.sources)


def _row(
    metric: str, level: str, study: str | None, period: str | None, value: float
) -> dict[str, Any]:
    status = "green" if value > 0.5 else "amber"
    return {
        "metric": metric,
        "variant": "base",
        "level": level,
        "study": study,
        "site": None,
        "group": None,
        "period": period,
        "value": value,
        "unit": "percent",
        "numerator": 40.0,
        "denominator": 50,
        "excluded": 1,
        "excluded_by_reason": '{"cancelled": 1}',
        "pending": 2,
        "open": None,
        "ci_low": max(0.0, value - 0.1),
        "ci_high": min(1.0, value + 0.1),
        "band": status,
        "status": status,
        "target_met": value > 0.5,
        "stats": None,
    }


def results(model: Model) -> Results:
    """Deterministic results for every metric: portfolio and two studies, three months."""
    rows = []
    for i, metric in enumerate(model.metrics):
        for j, study in enumerate((None, *STUDIES)):
            level = "portfolio" if study is None else "study"
            for k, period in enumerate((None, *PERIODS)):
                value = ((i * 7 + j * 3 + k * 5) % 10) / 10 + 0.05
                rows.append(_row(metric.id, level, study, period, value))
    table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
    stamp = Stamp("abc123", "0.1.0", "def456", dt.datetime(2026, 3, 31, tzinfo=dt.UTC))
    quality = (QualityFinding("duplicate-row", "events", 3, ("S1/001/1001/BL",)),)
    return Results(table, quality, stamp)
