"""Engines run a plan's compiled SQL over a Dataset's tables and return raw aggregates.

:class:`EngineSettings` carries what a user may tune for a run (threads, memory, the Spark master)
and a progress hook called after each metric; :func:`check_threads` and :func:`check_memory_limit`
bound what a command line may ask for; :class:`EngineUnavailable` says what to install, and
:class:`EngineOutOfMemory` that a run needs more memory than it was given.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from imx import messages as M
from imx.errors import EngineUnavailable, UsageError

if TYPE_CHECKING:
    import pyarrow as pa

MIN_MEMORY = 64 * 1000**2
"""The least ``--memory-limit`` accepted (64MB): below it DuckDB cannot hold a query's state."""
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT])(i?)B", re.IGNORECASE)
_POWERS = {"K": 1, "M": 2, "G": 3, "T": 4}


def max_threads() -> int:
    """The most threads a run may ask for: four per core, and at least 64.

    More threads than that only add contention (each DuckDB thread holds its own buffers; a
    request of 100,000 would start tens of thousands of threads and run for minutes).
    """
    return max(4 * (os.cpu_count() or 1), 64)


def check_threads(threads: int) -> int:
    """``threads`` if it lies in 1..:func:`max_threads`, else a :class:`UsageError`."""
    if not 1 <= threads <= max_threads():
        raise UsageError(
            M.THREADS_RANGE.format(threads, max_threads()), [M.CORES.format(os.cpu_count() or 1)]
        )
    return threads


def memory_bytes(limit: str) -> int:
    """The bytes a size such as ``4GB`` (powers of 1000) or ``512MiB`` (of 1024) names.

    >>> memory_bytes("4GB"), memory_bytes("1.5 KiB")
    (4000000000, 1536)
    """
    found = _SIZE.fullmatch(limit.strip())
    if found is None:
        raise UsageError(M.NOT_A_SIZE.format(limit), [M.SIZE_HINT])
    number, unit, binary = found.groups()
    return int(float(number) * (1024 if binary else 1000) ** _POWERS[unit.upper()])


def check_memory_limit(limit: str) -> str:
    """``limit`` if it is a size of at least :data:`MIN_MEMORY`, else a :class:`UsageError`."""
    if memory_bytes(limit) < MIN_MEMORY:
        raise UsageError(M.MEMORY_TOO_SMALL.format(limit, "64MB"), [M.MEMORY_TOO_SMALL_HINT])
    return limit


def machine_memory() -> int | None:
    """The machine's physical memory in bytes, when the system says."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def memory_warning(limit: str) -> str | None:
    """A warning when ``limit`` is more than the machine's memory (it then limits nothing, and
    the system may stop the run before DuckDB spills to disk); None otherwise."""
    physical = machine_memory()
    if physical is None or memory_bytes(limit) <= physical:
        return None
    return M.MEMORY_ABOVE_MACHINE.format(limit, physical / 1e9)


def memory_given(memory_limit: str | None) -> str:
    """How much memory a run had, in words."""
    return f"the memory limit {memory_limit}" if memory_limit else "the memory available"


class EngineOutOfMemory(EngineUnavailable):
    """The engine could not finish within its memory (``--memory-limit`` or the machine's)."""

    @classmethod
    def explain(cls, error: BaseException, memory_limit: str | None) -> EngineOutOfMemory:
        from imx.readers import first_line  # DuckDB and Arrow load only when a run needs them

        return cls(
            f"the evaluation ran out of memory within {memory_given(memory_limit)} "
            f"({first_line(error)})",
            (
                "raise --memory-limit (e.g. 4GB), or leave it out to let DuckDB use most of the "
                "machine's memory",
                "fewer --threads also need less memory",
                "or evaluate fewer metrics or levels at a time (--metric, --level)",
            ),
        )


class EngineInputGone(EngineUnavailable):
    """A data file read in place was moved, changed or deleted before the evaluation ended."""

    @classmethod
    def explain(cls, error: BaseException) -> EngineInputGone:
        from imx.readers import first_line

        return cls(
            f"the data could not be read again during the evaluation ({first_line(error)})",
            ("Parquet files are read where they lie: keep them in place until the run ends",),
        )


@contextmanager
def duckdb_failures(memory_limit: str | None) -> Iterator[None]:
    """Turn DuckDB running out of memory, or losing a data file, into the errors above."""
    import duckdb

    try:
        yield
    except duckdb.OutOfMemoryException as error:
        raise EngineOutOfMemory.explain(error, memory_limit) from error
    except duckdb.IOException as error:
        raise EngineInputGone.explain(error) from error


@dataclass(frozen=True)
class EngineSettings:
    """Run-time knobs: ``threads`` and ``memory_limit`` (e.g. ``"4GB"``) for DuckDB and Spark
    (``local[threads]``, driver memory); ``spark_master`` a Spark URL (``local[*]`` when None);
    ``on_step`` is called with a short label after each step: ``plan``, each metric's id once its
    aggregates are computed, ``finalize``; ``on_phase``, for a profile, also when a grain's unit
    rows are computed (:func:`units_done`), before its metrics."""

    threads: int | None = None
    memory_limit: str | None = None
    spark_master: str | None = None
    on_step: Callable[[str], None] | None = None
    on_phase: Callable[[str], None] | None = None

    def step(self, label: str) -> None:
        if self.on_step is not None:
            self.on_step(label)

    def units_done(self, unit: str, metrics: int) -> None:
        """A grain's unit rows (the one scan of its events) are computed."""
        if self.on_phase is not None:
            self.on_phase(UNITS_PHASE.format(unit=unit, metrics=metrics))


UNITS_PHASE = "unit rows of `{unit}` ({metrics} metric(s))"
"""The label of a grain's unit-row phase in a profile."""


DEFAULT_SETTINGS = EngineSettings()

UnitSink = Callable[[str, "pa.Table"], None]
"""Where an engine gives a metric's unit rows (metric id, its rows with the columns and types of
``imx.plan.unit_schema``, in any order), as it computes them, when the plan holds them."""
