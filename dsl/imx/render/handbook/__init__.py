"""The metric handbook: a checked model (and results) in → an mkdocs Material site out.

``build_handbook`` writes and builds the site, ``serve_handbook`` previews it live, ``read_results``
reads a results file written by ``imx run --out``.
"""

from __future__ import annotations

from imx.render.handbook.scores import read_results
from imx.render.handbook.site import build_handbook, render_pages, serve_handbook, write_project

__all__ = ["build_handbook", "read_results", "render_pages", "serve_handbook", "write_project"]
