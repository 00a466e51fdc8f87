"""Shared test options: ``--update-goldens`` rewrites expected files; hypothesis profiles and counts."""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
settings.register_profile(
    "default",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# `make fuzz`: 100,000 inputs for each syntax fuzzer (no settings of their own); the differential
# property in test_eval_props.py takes a tenth of the profile's figure (10,000 (metric, log) pairs).
# IMX_FUZZ_EXAMPLES scales the figure for a shorter or a longer run.
settings.register_profile(
    "deep",
    max_examples=int(os.environ.get("IMX_FUZZ_EXAMPLES", "100000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(PROFILE)

# Under the deep profile every property counts the inputs it ran and writes the counts (and the
# time) to this file every few seconds, so a run stopped by a time limit still leaves its figures.
FUZZ_REPORT = Path(os.environ.get("IMX_FUZZ_REPORT", "build/fuzz-report.json"))
if os.environ.get("PYTEST_XDIST_WORKER"):  # `make fuzz FUZZ_ARGS="-n 2"`: a file per worker
    FUZZ_REPORT = FUZZ_REPORT.with_suffix(f".{os.environ['PYTEST_XDIST_WORKER']}.json")


class _Counts:
    """Inputs run per property and seconds spent, written to FUZZ_REPORT as they grow."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.runs: dict[str, dict[str, Any]] = {}
        self.written = 0.0

    def wrap(self, name: str, inner: Callable[..., Any]) -> Callable[..., Any]:
        entry = self.runs.setdefault(name, {"inputs": 0, "seconds": 0.0, "failed": False})
        clock: dict[str, float] = {}

        @functools.wraps(inner)
        def counted(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            clock.setdefault("first", started)
            try:
                return inner(*args, **kwargs)
            except BaseException:
                entry["failed"] = True
                raise
            finally:
                entry["inputs"] += 1
                entry["seconds"] += time.perf_counter() - started  # in the test body
                entry["wall_seconds"] = time.perf_counter() - clock["first"]  # with generation
                if time.monotonic() - self.written > 10:
                    self.write()

        return counted

    def write(self) -> None:
        self.written = time.monotonic()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        report = {"profile": PROFILE, "properties": self.runs}
        self.path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")


COUNTS = _Counts(FUZZ_REPORT)


def _longest_first(item: pytest.Item) -> tuple[bool, bool]:
    """Slow tests, then Spark tests, then the rest (each in collection order): with ``make
    test``'s small scheduling chunks, the two workers take the longest tests first and share the
    short ones, so neither waits at the end while the other runs the cluster test."""
    return item.get_closest_marker("slow") is None, item.get_closest_marker("spark") is None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_longest_first)
    if PROFILE != "deep":
        return
    for item in items:
        handle = getattr(getattr(item, "obj", None), "hypothesis", None)
        if handle is not None:  # hypothesis lets a plugin replace the inner test
            handle.inner_test = COUNTS.wrap(item.nodeid, handle.inner_test)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if PROFILE != "deep" or not COUNTS.runs:
        return
    COUNTS.write()
    terminalreporter.section("inputs run per property (HYPOTHESIS_PROFILE=deep)")
    for name, entry in sorted(COUNTS.runs.items()):
        line = f"{entry['inputs']:>8,} inputs {entry.get('wall_seconds', 0):>7.0f} s  {name}"
        terminalreporter.write_line(line + ("  FAILED" if entry["failed"] else ""))
    terminalreporter.write_line(f"written to {FUZZ_REPORT}")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden (expected-output) files from the current output instead of comparing",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with ``--update-goldens``: write goldens, do not compare."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def golden(update_goldens: bool) -> Callable[[Path, str], None]:
    """Compare ``actual`` with the golden file at ``path`` (or write it under --update-goldens)."""

    def check(path: Path, actual: str) -> None:
        if update_goldens:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"{path} is missing: run `pytest --update-goldens` to create it"
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"{path} differs: run `pytest --update-goldens` if intended"

    return check


@pytest.fixture(scope="session")
def spark_settings() -> Iterator[Any]:
    """One local SparkSession for the test process; a loud failure if pyspark or Java is missing."""
    from imx.engines import EngineSettings
    from imx.engines import spark as spark_engine
    from imx.errors import EngineUnavailable

    local = EngineSettings()  # local[*]
    try:
        spark_engine.session(local)
    except EngineUnavailable as error:
        pytest.fail(f"Spark tests cannot run: {error} ({'; '.join(error.hints)})", pytrace=False)
    yield local
    spark_engine.stop_all()
