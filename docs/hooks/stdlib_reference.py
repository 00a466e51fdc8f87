"""mkdocs hook: fill docs/stdlib.md with the reference generated from stdlib_metrics/ at build time."""

from __future__ import annotations

from typing import Any

MARKER = "<!-- generated: standard library reference -->"


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    if MARKER not in markdown:
        return markdown
    from imx import _resources, load
    from imx.render.stdlib_reference import reference_page

    return reference_page(load([_resources.stdlib_path()]))
