"""imx: define, check and evaluate clinical-trial imaging performance metrics (the Python facade).

>>> import imx
>>> result = imx.check([])
>>> result.diagnostics
()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imx.errors import ImxError, ProjectError

__version__ = "0.1.0"

if TYPE_CHECKING:
    from imx.checker import CheckResult
    from imx.model import Model
    from imx.results import Results

PathLike = str | Path


def _listed(paths: Sequence[PathLike] | PathLike) -> list[PathLike]:
    """One path or several, as a list (a string is one path, never a sequence of characters)."""
    return [paths] if isinstance(paths, str | Path) else list(paths)


def check(paths: Sequence[PathLike] | PathLike) -> CheckResult:
    """Check ``.imx`` files or folders (one path or several); the result holds every diagnostic
    and, if clean, the model."""
    from imx.checker import check_paths

    return check_paths(_listed(paths))


def load(paths: Sequence[PathLike] | PathLike) -> Model:
    """The checked model of a project (one path or several); raises :class:`ProjectError` (an
    :class:`ImxError`) if the project has errors."""
    result = check(paths)
    if result.model is None or result.errors:
        raise ProjectError(result.diagnostics)
    return result.model


def _model(project: Model | Sequence[PathLike] | PathLike) -> Model:
    from imx.model import Model

    if isinstance(project, Model):
        return project
    return load(project)


def evaluate(
    project: Model | Sequence[PathLike] | PathLike,
    data: Mapping[str, Any] | PathLike,
    *,
    as_of: dt.datetime | None = None,
    levels: Sequence[str] | None = None,
    period: str | None = None,
    metrics: Sequence[str] | None = None,
    mapping: Mapping[str, Mapping[str, str]] | None = None,
    timezone: str | None = None,
    engine: str = "duckdb",
    units: str | None = None,
) -> Results:
    """Evaluate a project's metrics over data; ``results.table`` is a long Arrow table.

    ``data`` is a folder of ``events``/``studies``/``sites`` files, or a mapping from table name
    to a file path, an Arrow table, or a pandas or polars data frame. ``units="population"`` (or
    ``"all"``, with the units outside it) also gives each metric's unit rows in ``results.units``.
    """
    from imx.data import discover_sources, load_dataset
    from imx.evaluation import evaluate as run
    from imx.results import RunOptions

    model = _model(project)
    sources = discover_sources(Path(data), model.schema) if isinstance(data, str | Path) else data
    dataset = load_dataset(model.schema, sources, as_of=as_of, mapping=mapping, timezone=timezone)
    options = RunOptions(
        as_of=as_of,
        levels=tuple(levels) if levels else None,
        period=period,
        metrics=tuple(metrics) if metrics else None,
    )
    return run(model, dataset, options, engine=engine, units=units)


def compile_sql(
    project: Model | Sequence[PathLike] | PathLike, metric: str, dialect: str = "duckdb"
) -> str:
    """The SQL one metric compiles to, in a sqlglot dialect (``duckdb``, ``spark``, …)."""
    from imx.evaluation import compile_sql as compile_

    return compile_(_model(project), metric, dialect=dialect)


__all__ = ["ImxError", "ProjectError", "check", "compile_sql", "evaluate", "load", "__version__"]
