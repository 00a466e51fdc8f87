"""Engines run a plan's compiled SQL over a Dataset's tables and return raw aggregates.

:class:`EngineSettings` carries what a user may tune for a run (threads, memory, the Spark master)
and a progress hook called after each metric; :class:`EngineUnavailable` says what to install, and
:class:`EngineOutOfMemory` that a run needs more memory than it was given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from imx.errors import EngineUnavailable
from imx.readers import first_line


def memory_given(memory_limit: str | None) -> str:
    """How much memory a run had, in words."""
    return f"the memory limit {memory_limit}" if memory_limit else "the memory available"


class EngineOutOfMemory(EngineUnavailable):
    """The engine could not finish within its memory (``--memory-limit`` or the machine's)."""

    @classmethod
    def explain(cls, error: BaseException, memory_limit: str | None) -> EngineOutOfMemory:
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
    aggregates are computed, ``finalize``."""

    threads: int | None = None
    memory_limit: str | None = None
    spark_master: str | None = None
    on_step: Callable[[str], None] | None = None

    def step(self, label: str) -> None:
        if self.on_step is not None:
            self.on_step(label)


DEFAULT_SETTINGS = EngineSettings()
