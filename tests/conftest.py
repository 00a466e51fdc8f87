"""Shared test options: ``--update-goldens`` rewrites expected files; hypothesis profiles."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "deep",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


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
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"{path} is missing: run `pytest --update-goldens` to create it"
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"{path} differs: run `pytest --update-goldens` if intended"

    return check
