"""Hostile text in every string field of a spec (and in results) stays text in the handbook and report.

Each HTML page of the built handbook, its search index and the HTML report are parsed with the
standard library's ``html.parser``: no tag, attribute, link target or script comes from a spec or
from data, no control character gets through, and the text is shown as written.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]

from handbook_support import (
    CLOSING_ID,
    CONTROL,
    HOSTILE_FIELDS,
    MARKUP_ID,
    data_text,
    hostile_checked,
    hostile_results,
    write_hostile_data,
)
from imx.model import Model
from imx.render.handbook import build_handbook
from imx.render.report import report_html
from imx.render.text import visible
from imx.results import Results
from imx.source import SourceFile

ROOT = Path(__file__).resolve().parent.parent
ATTRIBUTE_NAME = re.compile(r"^[a-z][a-z0-9_.:-]*$")
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "data"}


class Page(HTMLParser):
    """One HTML document or fragment: its elements, attributes, script bodies and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] == "script":
            self.scripts.append(data)
        else:
            self.text.append(data)

    def injected(self) -> list[str]:
        """Everything in the document that only markup from a spec or data could have made."""
        found = []
        for tag, attrs in self.tags:
            if tag.startswith("imxtag") or (
                tag == "img" and dict(attrs).get("src") in ("x", "x.png")
            ):
                found.append(f"element <{tag}>")
            for name, value in attrs:
                if name.startswith("on") or not ATTRIBUTE_NAME.match(name):
                    found.append(f"attribute {name}= on <{tag}>")
                if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith(
                    "javascript:"
                ):
                    found.append(f"{name}={value} on <{tag}>")
        found += [f"script {s[:60]!r}" for s in self.scripts if "imxpwn" in s]
        return found


def parsed(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


DATA_FIELDS = {"study", "period", "status", "stat", "site", "rule", "table", "example"}


def shown(field: str) -> str:
    """How the hostile text of ``field`` reads on a page: as written, control characters visible."""
    return visible(data_text(field))


@pytest.fixture(scope="module")
def hostile_project(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Model, dict[str, SourceFile]]:
    return hostile_checked(tmp_path_factory.mktemp("hostile-spec"))


@pytest.fixture(scope="module")
def hostile_site(
    tmp_path_factory: pytest.TempPathFactory, hostile_project: tuple[Model, dict[str, SourceFile]]
) -> Path:
    model, sources = hostile_project
    out = tmp_path_factory.mktemp("hostile-handbook")
    return build_handbook(model, out, results=hostile_results(model), sources=sources)


def test_no_spec_or_data_text_becomes_markup_on_any_page(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) >= 9
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        where = path.relative_to(hostile_site).as_posix()
        assert not parsed(raw).injected(), (where, parsed(raw).injected()[:5])
        assert not CONTROL.findall(raw), (where, CONTROL.findall(raw)[:5])


def test_every_shown_field_reads_as_written(hostile_site: Path) -> None:
    text = "\n".join(
        "".join(parsed(p.read_text(encoding="utf-8")).text) for p in hostile_site.rglob("*.html")
    )
    missing = [f for f in HOSTILE_FIELDS if f"<imxtag-{f}>" not in text]  # each field is shown
    assert not missing, f"not shown as text anywhere: {missing}"
    for field in ("metric_title", "metric_question", "exclude_reason", "csf_title", "study"):
        assert shown(field) in text, field
    assert "\\x1b[31mred" in text and "\\u202e" in text  # control characters are made visible


def test_site_name_is_text_in_title_header_and_nav(hostile_site: Path) -> None:
    name = f"{shown('metricset_title')} {shown('metricset_version')}"
    page = parsed((hostile_site / "metrics" / "XFER-OT.html").read_text(encoding="utf-8"))
    assert "".join(page.text).count(name) >= 3  # <title>, the header and the nav
    titles = [dict(attrs).get("title") for tag, attrs in page.tags if tag == "a"]
    assert name in titles  # the logo's tooltip: escaped once, not twice


def test_mkdocs_config_holds_escaped_names(hostile_site: Path) -> None:
    config = yaml.safe_load((hostile_site.parent / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "<" not in config["site_name"] and '"' not in config["site_name"]
    assert parsed(config["site_name"]).text == [
        f"{shown('metricset_title')} {shown('metricset_version')}"
    ]
    labels = json.dumps(config["nav"])
    assert "<" not in labels and "XFER-OT" in labels


def test_search_index_holds_no_markup(hostile_site: Path) -> None:
    index = json.loads((hostile_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"]
    for doc in index["docs"]:
        for key in ("title", "text"):
            assert not parsed(doc.get(key) or "").injected(), (doc["location"], key)
            assert not CONTROL.findall(doc.get(key) or ""), (doc["location"], key)


def test_html_report_shows_hostile_text_as_text(
    hostile_project: tuple[Model, dict[str, SourceFile]],
) -> None:
    model = hostile_project[0]
    results: Results = hostile_results(model)
    html = report_html(results, model)
    page = parsed(html)
    assert not page.injected(), page.injected()[:5]
    assert not CONTROL.findall(html)
    text = "".join(page.text)
    for field in ("metricset_title", "metric_title", "study", "status", "rule", "example"):
        assert shown(field) in text, field


def test_live_preview_hook_marks_the_escaped_site_name() -> None:
    from jinja2 import Template

    from imx.render.handbook import site

    hooks: dict[str, object] = {}
    exec(site._HOOKS_TEXT, hooks)  # the hooks file `imx docs serve` writes beside mkdocs.yml
    config = hooks["on_config"]({"site_name": "&lt;b&gt; &amp; co"})  # type: ignore[operator]
    shown = Template("{{ name | e }} / {{ name }}").render(name=config["site_name"])
    assert shown == "&lt;b&gt; &amp; co / &lt;b&gt; &amp; co"  # escaped once, whichever template


def test_run_html_report_on_hostile_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from imx.cli import main

    data = write_hostile_data(tmp_path / "data")
    report = tmp_path / "report.html"
    argv = ["run", str(ROOT / "stdlib_metrics"), "--data", str(data), "--metric", "QC-FPR"]
    assert main([*argv, "--level", "study", "--level", "by:vendor", "--out", str(report)]) == 0
    capsys.readouterr()
    html = report.read_text(encoding="utf-8")
    page = parsed(html)
    assert not page.injected(), page.injected()[:5]
    assert not CONTROL.findall(html), CONTROL.findall(html)[:5]
    text = "".join(page.text)
    assert MARKUP_ID in text and CLOSING_ID in text  # study columns and quality examples
