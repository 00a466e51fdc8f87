"""A checked model (plus sources and results) in → an mkdocs Material project and its built site out."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pyarrow as pa

from imx import model as m
from imx.render.handbook import overview
from imx.render.handbook.markup import template_text
from imx.render.handbook.pages import Context, SqlFor, metric_page, metric_path
from imx.render.handbook.scores import ResultsLike, as_table, read_results
from imx.render.handbook.sources import SourceIndex
from imx.render.handbook.units import UNITS, units_page, units_path
from imx.render.text import visible
from imx.source import SourceFile

if TYPE_CHECKING:
    from imx.checker import CheckResult

DOCS = "docs"
SITE = "site"
CONFIG = "mkdocs.yml"
SETTINGS = "imx-handbook.json"
HOOKS = "imx_handbook_hooks.py"
SHIM = "assets/iframe-worker-shim.js"
_HOOKS_TEXT = '''"""mkdocs hooks written by imx: re-render the handbook's pages from the .imx files before a build."""

from pathlib import Path

from imx.render.handbook.site import mark_escaped, regenerate


def on_config(config, **kwargs):
    return mark_escaped(config)


def on_pre_build(config, **kwargs):
    regenerate(Path(config.config_file_path).parent)
'''
log = logging.getLogger("imx.handbook")


def imx_version() -> str:
    from imx import __version__

    return __version__


def check_paths(paths: Sequence[str | Path]) -> CheckResult:
    """Check the project again (the live preview re-renders from the files on every change)."""
    from imx.checker import check_paths as check

    return check(list(paths))


def default_sql() -> SqlFor:
    """``imx.evaluation.compile_sql`` for DuckDB."""
    from imx.evaluation import compile_sql

    return lambda model, metric_id: compile_sql(model, metric_id, "duckdb")


def render_pages(
    model: m.Model,
    sources: Mapping[str, SourceFile],
    results: ResultsLike | None = None,
    sql_for: SqlFor | None = None,
    units: Mapping[str, pa.Table] | None = None,
    changes: str | None = None,
) -> dict[str, str]:
    """Every page of the handbook: path under docs/ → Markdown (with ``units``, the unit rows of
    ``imx run --units``, a units page for each metric with a red or amber study or site; with
    ``changes``, the Changes page :func:`imx.render.handbook.changes.changes_page` wrote)."""
    index = SourceIndex.build(sources)
    ctx = Context.make(model, index, as_table(results), sql_for, dict(units or {}))
    pages = {
        "index.md": overview.home_page(ctx, dict(sources), imx_version()),
        "metrics/index.md": overview.metrics_index(ctx),
        "process-map.md": overview.process_map_page(ctx),
        "csfs.md": overview.csf_page(ctx),
        "variants.md": overview.variants_page(ctx),
        "schema.md": overview.schema_page(ctx),
    }
    if ctx.results is not None:
        pages["scorecard.md"] = overview.scorecard_page(ctx)
    if changes is not None:
        pages["changes.md"] = changes
    for metric in model.metrics:
        pages[metric_path(metric.id)] = metric_page(ctx, metric)
        if ctx.has_units_page(metric.id):
            rows = ctx.rows[metric.id]
            pages[units_path(metric.id)] = units_page(metric, rows, ctx.units[metric.id])
    for metric in model.retired():  # every version retired: its newest, with its history
        pages[metric_path(metric.id)] = metric_page(ctx, metric)
    return pages


def nav(model: m.Model, with_results: bool, with_changes: bool = False) -> list[Any]:
    """The site navigation: overview pages, then metrics by category."""
    items: list[Any] = [{"Home": "index.md"}]
    if with_results:
        items.append({"Scorecard": "scorecard.md"})
    if with_changes:
        items.append({"Changes": "changes.md"})
    items.extend(
        [
            {"Process map": "process-map.md"},
            {"Success factors": "csfs.md"},
            {"Variants": "variants.md"},
            {"Schema": "schema.md"},
        ]
    )
    metrics: list[Any] = [{"All metrics": "metrics/index.md"}]
    for category, group in overview.categories(model):
        label = template_text(category.replace("_", " ").capitalize())
        metrics.append({label: [{template_text(x.id): metric_path(x.id)} for x in group]})
    if model.retired():
        pages = [{template_text(x.id): metric_path(x.id)} for x in model.retired()]
        metrics.append({"Retired": pages})
    items.append({"Metrics": metrics})
    return items


def mkdocs_config(
    model: m.Model,
    with_results: bool,
    extra: Mapping[str, Any] | None = None,
    with_changes: bool = False,
) -> dict[str, Any]:
    """The mkdocs.yml content: Material, no web fonts, offline search, imx highlighting.

    Material writes ``site_name`` and nav titles into its pages unescaped, so they are written
    here HTML-escaped (:func:`site_name` marks the name as such when imx runs the build).
    Units pages are reached from the metric pages, not the nav.
    """
    mset = model.metricsets[0] if model.metricsets else None
    name = (mset.title or mset.name) if mset else "Metric handbook"
    name += f" {mset.version}" if mset and mset.version else ""
    config: dict[str, Any] = {
        "site_name": template_text(name),
        "docs_dir": DOCS,
        "site_dir": SITE,
        "use_directory_urls": False,
        "strict": True,
        "theme": _theme(),
        "plugins": ["search", "offline"],
        "markdown_extensions": markdown_extensions(),
        "extra_css": ["assets/imx.css"],
        # A local shim: the offline plugin would otherwise add one from a CDN.
        "extra": {"generator": False, "polyfills": [SHIM]},
        "nav": nav(model, with_results, with_changes),
        "not_in_nav": f"/{UNITS}/",
        "validation": {
            "omitted_files": "warn",
            "absolute_links": "warn",
            "unrecognized_links": "warn",
        },
    }
    config.update(extra or {})
    return config


def _theme() -> dict[str, Any]:
    toggle = [
        {
            "media": "(prefers-color-scheme: light)",
            "scheme": "default",
            "toggle": {"icon": "material/brightness-7", "name": "Dark scheme"},
        },
        {
            "media": "(prefers-color-scheme: dark)",
            "scheme": "slate",
            "toggle": {"icon": "material/brightness-4", "name": "Light scheme"},
        },
    ]
    return {
        "name": "material",
        "font": False,
        "palette": toggle,
        "features": ["navigation.sections", "navigation.top", "content.code.copy"],
    }


def markdown_extensions() -> list[Any]:
    """The Markdown extensions of the handbook's pages (tests render markup with the same)."""
    return [
        "tables",
        "attr_list",
        "md_in_html",
        "admonition",
        "pymdownx.details",
        {"pymdownx.highlight": {"use_pygments": True}},
        "pymdownx.superfences",
        {"toc": {"permalink": True}},
    ]


def assets() -> dict[str, str]:
    """The handbook's static files (CSS, the offline-search shim): docs path → text."""
    folder = resources.files("imx.render.handbook").joinpath("assets")
    return {
        f"assets/{item.name}": item.read_text(encoding="utf-8")
        for item in sorted(folder.iterdir(), key=lambda i: i.name)
        if item.is_file()
    }


def write_project(
    model: m.Model,
    out: Path,
    results: pa.Table | None = None,
    sources: Mapping[str, SourceFile] | None = None,
    extra_config: Mapping[str, Any] | None = None,
    units: Mapping[str, pa.Table] | None = None,
    changes: str | None = None,
) -> Path:
    """Write mkdocs.yml, docs/ and assets under ``out``; return the mkdocs.yml path."""
    sources = sources if sources is not None else _read_files(model.files)
    pages = render_pages(model, sources, results, default_sql(), units, changes)
    pages.update(assets())
    docs = out / DOCS
    _sync(docs, pages)
    config = out / CONFIG
    text = json.dumps(
        mkdocs_config(model, results is not None, extra_config, changes is not None),
        indent=2,
        ensure_ascii=False,
    )
    _write_if_changed(config, "# Written by imx docs: the metric handbook.\n" + text + "\n")
    return config


def _read_files(files: Sequence[str]) -> dict[str, SourceFile]:
    return {f: SourceFile.read(Path(f)) for f in files if Path(f).is_file()}


def _sync(docs: Path, pages: Mapping[str, str]) -> None:
    """Write changed pages and remove stale ones, so a live server rebuilds only on changes."""
    for rel, body in pages.items():
        _write_if_changed(docs / rel, body)
    if docs.is_dir():
        for path in docs.rglob("*"):
            if path.is_file() and path.relative_to(docs).as_posix() not in pages:
                path.unlink()


def _write_if_changed(path: Path, body: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == body:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")


def mark_escaped(config: Any) -> Any:
    """Mark the loaded ``site_name`` as HTML already (:func:`mkdocs_config` escapes it), so that the
    theme's templates that escape it themselves (``| e``) do not escape it twice."""
    from markupsafe import Markup

    config["site_name"] = Markup(config["site_name"])
    return config


def build_site(config: Path) -> Path:
    """Build the mkdocs project at ``config`` with ``--strict``; return the site folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # a banner about Material's future, not us
    cfg = load_config(str(config), strict=True)
    build(mark_escaped(cfg))
    return Path(cfg["site_dir"])


def build_handbook(
    model: m.Model,
    out: Path,
    results: ResultsLike | None = None,
    sources: Mapping[str, SourceFile] | None = None,
    units: Mapping[str, pa.Table] | None = None,
    changes: str | None = None,
) -> Path:
    """Write the handbook's mkdocs project under ``out`` and build it; return the site folder
    (``units``: the unit rows of ``imx run --units`` behind ``results``, by metric; ``changes``:
    a Changes page, :func:`imx.render.handbook.changes.changes_page`)."""
    config = write_project(
        model, Path(out), as_table(results), sources, units=units, changes=changes
    )
    return build_site(config)


def _settings(project: Path) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads((project / SETTINGS).read_text(encoding="utf-8")))


def regenerate(project: Path) -> None:
    """Re-check the .imx files a served handbook was made from and re-render its pages."""
    settings = _settings(project)
    result = check_paths(settings["paths"])
    if result.model is None:
        for diagnostic in result.diagnostics:
            log.warning("imx: %s", visible(getattr(diagnostic, "message", diagnostic)))
        log.warning("imx: the .imx files have errors; the handbook keeps its last good pages")
        return
    results = read_results(settings["results"]) if settings.get("results") else None
    extra = {"hooks": [HOOKS], "watch": settings["paths"], "strict": False}
    write_project(result.model, project, results, result.sources, extra)


def serve_handbook(
    model_paths: Sequence[str | Path],
    *,
    out: Path | None = None,
    results_path: Path | None = None,
    dev_addr: str = "127.0.0.1:8000",
    open_browser: bool = False,
) -> None:
    """Preview the handbook live: mkdocs' dev server, re-rendering when an .imx file changes."""
    import tempfile

    from mkdocs.commands.serve import serve

    project = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="imx-handbook-"))
    project.mkdir(parents=True, exist_ok=True)
    paths = [str(Path(p).resolve()) for p in model_paths]
    settings = {"paths": paths, "results": str(results_path.resolve()) if results_path else None}
    (project / SETTINGS).write_text(json.dumps(settings, indent=2), encoding="utf-8")
    (project / HOOKS).write_text(_HOOKS_TEXT, encoding="utf-8")
    result = check_paths(paths)
    if result.model is None:
        raise ValueError("the .imx files have errors: run `imx check` to see them")
    regenerate(project)
    serve(config_file=str(project / CONFIG), dev_addr=dev_addr, open_in_browser=open_browser)
