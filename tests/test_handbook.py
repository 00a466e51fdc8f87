"""The metric handbook: pages from a model with every construct, escaping, strict build, figures."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pygments import lex
from pygments.lexers import get_lexer_by_name
from pygments.token import Keyword

from handbook_support import checked, results
from imx import output
from imx.model import Model
from imx.render.handbook import build_handbook, markup, plain, read_results, render_pages
from imx.render.handbook import figures as F
from imx.render.handbook.pages import override_rows
from imx.render.handbook.site import SETTINGS, regenerate
from imx.render.report import report_html, write_html_report
from imx.results import Results
from imx.source import SourceFile

EXTERNAL = re.compile(r"""(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
CSS_EXTERNAL = re.compile(r"""url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def project() -> tuple[Model, dict[str, SourceFile], Results]:
    model, sources = checked()
    return model, sources, results(model)


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, project: tuple[Model, dict[str, SourceFile], Results]
) -> Path:
    model, sources, res = project
    return build_handbook(model, tmp_path_factory.mktemp("handbook"), results=res, sources=sources)


@pytest.fixture(scope="module")
def pages(project: tuple[Model, dict[str, SourceFile], Results]) -> dict[str, str]:
    model, sources, res = project
    return render_pages(model, sources, res)


def test_every_page_is_generated(
    pages: dict[str, str], project: tuple[Model, dict[str, SourceFile], Results]
) -> None:
    model = project[0]
    expected = {
        "index.md",
        "metrics/index.md",
        "process-map.md",
        "csfs.md",
        "variants.md",
        "schema.md",
        "scorecard.md",
    }
    expected |= {f"metrics/{metric.id}.md" for metric in model.metrics}
    assert expected <= set(pages)


def test_metric_page_has_every_section(pages: dict[str, str]) -> None:
    page = pages["metrics/XFER-OT.md"]
    for heading in (
        "## Definition",
        "## Specification",
        "## Parameters",
        "## Target and bands",
        "## Therapeutic-area variants",
        "## Companions and success factors",
        "## Examples",
        "## Data needed",
        "## Results",
        "## Status and history",
    ):
        assert heading in page, heading
    assert "Key performance question" in page
    assert "```imx\nmetric XFER-OT" in page
    assert "imx-thresholds" in page and "imx-band-figure" in page and "imx-variants" in page
    assert "[QC-FPR — First-pass QC acceptance](QC-FPR.md)" in page
    assert "../csfs.md#csf-timely-image-flow" in page
    assert "### Variant cardio" in page and "Failed QC is handled by a rescan" in page


def test_history_and_status(pages: dict[str, str]) -> None:
    page = pages["metrics/XFER-CT.md"]
    assert "2014: P90 added beside the median" in page
    assert "Status: approved" in page and "since: 2009" in page


def test_plain_words_definition(project: tuple[Model, dict[str, SourceFile], Results]) -> None:
    model = project[0]
    words = dict(plain.definition(model.metric("XFER-OT").base))  # type: ignore[union-attr]
    assert "<code>scan&#95;acquired</code> happened" in words["Population"]
    assert "Cancelled visits are not expected to arrive" in words["Exclusions"]
    assert (
        "comes within 3 business days of the first <code>scan&#95;acquired</code>"
        in words["Measured"]
    )
    assert "pending" in words["Measured"] and "Wilson" in words["Summarised"]
    ct = dict(plain.definition(model.metric("XFER-CT").base))  # type: ignore[union-attr]
    assert "in business days" in ct["Measured"] and "open" in ct["Measured"]
    assert ct["Summarised"].startswith("the median (the value), p90")


def test_variant_overrides_are_exact(project: tuple[Model, dict[str, SourceFile], Results]) -> None:
    metric = project[0].metric("XFER-OT")
    assert metric is not None
    oncology = next(v for v in metric.variants if v.name == "oncology")
    rows = {field: (base, mine) for field, base, mine in override_rows(metric.base, oncology)}
    assert rows["param window"] == ("3 business_days", "2 business_days")
    assert rows["target"] == ("value >= 90%", "value >= 95%")
    assert set(rows) == {"param window", "bands", "target"}


def test_spec_text_is_escaped(site: Path) -> None:
    page = (site / "metrics" / "XFER-OT.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<b>now</b>" not in page and "&lt;b&gt;now&lt;/b&gt;" in page
    assert "<code>XFER-CT</code>" in page  # backticks in a doc stay code
    title = (site / "metrics" / "QRY-COUNT.html").read_text(encoding="utf-8")
    assert "<script>x</script>" not in title and "&lt;script&gt;x&lt;/script&gt;" in title
    csfs = (site / "csfs.html").read_text(encoding="utf-8")
    assert "<i>matters</i>" not in csfs and "&lt;i&gt;matters&lt;/i&gt;" in csfs


def test_markup_escapes_markdown_and_html() -> None:
    assert markup.text("<b>*x*</b> | y") == "&lt;b&gt;&#42;x&#42;&lt;/b&gt; &#124; y"
    assert markup.fence("a ``` b", "imx").startswith("````imx\n")
    assert markup.prose("run `imx <x>` now") == "run <code>imx &lt;x&gt;</code> now"


def test_no_asset_comes_from_the_internet(site: Path) -> None:
    for path in site.rglob("*.html"):
        found = EXTERNAL.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.relative_to(site)} refers to {found}"
    for path in site.rglob("*.css"):
        assert not CSS_EXTERNAL.findall(path.read_text(encoding="utf-8")), path
    assert (site / "search" / "search_index.js").is_file()  # offline search
    config = (site.parent / "mkdocs.yml").read_text(encoding="utf-8")
    assert '"font": false' in config and '"offline"' in config


def test_figures_are_valid_svg(site: Path) -> None:
    count = 0
    for name in ("metrics/XFER-OT.html", "process-map.html", "scorecard.html"):
        page = (site / name).read_text(encoding="utf-8")
        for svg in re.findall(r"<svg class=\"imx-figure-svg\".*?</svg>", page, re.S):
            root = ET.fromstring(svg)
            assert root.tag == "{http://www.w3.org/2000/svg}svg"
            assert "currentColor" in svg and "#010203" not in svg
            count += 1
    assert count >= 4


def test_process_map_links_every_span(
    project: tuple[Model, dict[str, SourceFile], Results],
) -> None:
    model = project[0]
    spans = {s.metric: s.span for s in F.map_spans(model)}
    assert {"XFER-CT", "XFER-OT", "QRY-AGED"} <= set(spans)
    assert spans["QRY-AGED"].to_data_cut and spans["XFER-OT"].starts == ("scan_acquired",)
    svg = F.process_map(model, lambda i: f"metrics/{i}.html")
    ET.fromstring(svg)
    for metric_id in spans:
        assert f'xlink:href="metrics/{metric_id}.html"' in svg


def test_band_regions_follow_first_match(
    project: tuple[Model, dict[str, SourceFile], Results],
) -> None:
    bands = project[0].metric("ADJ-TP").base.bands  # type: ignore[union-attr]
    assert bands is not None
    names = [r.name for r in F.regions(bands, 0.0, 1.0)]
    assert names == ["red", "amber", "green", "amber", "red"]


def test_overview_pages(pages: dict[str, str]) -> None:
    home = pages["index.md"]
    assert (
        "Imaging Performance Metrics" in home
        and "version 2026&#46;1" in home
        and "spec files" in home
    )
    assert "abc123" in home  # the run's stamp
    assert "timely\\-image\\-flow" in pages["csfs.md"] or "timely-image-flow" in pages["csfs.md"]
    assert "oncology" in pages["variants.md"] and "cardio" in pages["variants.md"]
    assert "## By level" in pages["metrics/index.md"]
    assert "imx-scorecard" in pages["scorecard.md"]


def test_results_on_metric_page(pages: dict[str, str]) -> None:
    page = pages["metrics/XFER-OT.md"]
    assert "imx-values" in page and "### Trend by period" in page and "imx-status-" in page


def test_pages_are_deterministic(
    project: tuple[Model, dict[str, SourceFile], Results], pages: dict[str, str]
) -> None:
    model, sources, res = project
    assert render_pages(model, sources, res) == pages


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_read_results_from_run_output(
    tmp_path: Path, project: tuple[Model, dict[str, SourceFile], Results], suffix: str
) -> None:
    model, _sources, res = project
    path = tmp_path / f"results{suffix}"
    output.write_results(res, path, model)
    table = read_results(path)
    assert table.num_rows == res.table.num_rows
    assert json.loads(table.schema.metadata[b"imx.stamp"])["spec_hash"] == "abc123"


def test_html_report_is_self_contained(
    tmp_path: Path,
    project: tuple[Model, dict[str, SourceFile], Results],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model, _sources, res = project
    html = report_html(res, model)
    assert "<style>" in html and "<svg" in html and "imx-scorecard" in html
    assert not EXTERNAL.findall(html) and "<link" not in html and "<script" not in html
    assert "duplicate-row" in html and "abc123" in html
    write_html_report(res, model, tmp_path / "direct.html")
    written = output.write_results(res, tmp_path / "report.html", model)
    assert written == [tmp_path / "report.html"]
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == html


def test_imx_lexer_is_registered() -> None:
    lexer = get_lexer_by_name("imx")
    tokens = [(t, v) for t, v in lex('metric A "t" {\n  history "x"\n}\n', lexer)]
    assert (Keyword, "history") in tokens


def test_regenerate_for_live_preview(tmp_path: Path) -> None:
    from handbook_support import FIXTURE

    (tmp_path / SETTINGS).write_text(json.dumps({"paths": [str(FIXTURE)], "results": None}))
    regenerate(tmp_path)
    assert (tmp_path / "docs" / "metrics" / "XFER-OT.md").is_file()
    config = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    assert "imx_handbook_hooks.py" in config and str(FIXTURE) in config
