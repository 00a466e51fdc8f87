"""Locate files shipped with imx (grammar, standard library) in a wheel or a source checkout."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent  # dsl/imx -> repository root


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"imx is installed without {candidates[0].name}: reinstall imx")


@functools.cache
def grammar_path() -> Path:
    return _first_existing(_PACKAGE / "grammar" / "imx.lark", _CHECKOUT / "grammar" / "imx.lark")


@functools.cache
def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


@functools.cache
def stdlib_path() -> Path:
    """The folder of the standard metric library (``import stdlib``)."""
    return _first_existing(_PACKAGE / "stdlib_metrics", _CHECKOUT / "stdlib_metrics")


@functools.cache
def diagnostics_doc_path() -> Path:
    """The diagnostics page (``docs/diagnostics.md``): the documentation of every code."""
    return _first_existing(
        _PACKAGE / "docs" / "diagnostics.md", _CHECKOUT / "docs" / "diagnostics.md"
    )


def parser_cache_path() -> str:
    """A per-grammar cache file for Lark's analysed parser tables (cold start matters)."""
    digest = hashlib.sha256(grammar_text().encode()).hexdigest()[:16]
    base = os.environ.get("XDG_CACHE_HOME") or tempfile.gettempdir()
    folder = Path(base) / "imx"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    return str(folder / f"parser-{digest}.lark")
