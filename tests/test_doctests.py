"""The examples in the package's docstrings run and give what they show (``doctest`` per module)."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dsl" / "imx"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules_with_examples() -> list[str]:
    """Every module of the package whose source holds a ``>>>`` example."""
    files = sorted(PACKAGE.rglob("*.py"))
    return [module_name(p) for p in files if ">>>" in p.read_text(encoding="utf-8")]


MODULES = modules_with_examples()


def test_the_package_has_doctests() -> None:
    assert len(MODULES) >= 10 and "imx" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False, report=True)
    assert result.attempted > 0, f"{name}: a `>>>` in its source, but no example doctest can find"
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"
