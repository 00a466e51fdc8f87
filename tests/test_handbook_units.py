"""The handbook built with ``--results`` and ``--units`` links each red or amber study and site
row of a metric page to the units behind it, and refuses a units folder of another run; hostile
unit rows stay text on the units page and in the HTML report, under ids made by hashing.

One two-study demo log, run over the standard library at study and site level with its unit rows,
and one handbook built from both; the pages are parsed with :mod:`html.parser`.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from handbook_support import data_text, hostile_checked, hostile_results
from imx.checker import check_paths
from imx.cli import main
from imx.render import drilldown
from imx.render.handbook import read_results
from imx.render.handbook.site import markdown_extensions
from imx.render.handbook.units import read_unit_folder, units_page
from imx.render.report import report_html
from imx.render.units import cell_text
from imx.results import Results
from test_escaping import CONTROL, parsed, shown

STDLIB = "stdlib_metrics"
WORST = {"missed", "pending", "negative", "open", "excluded"}


class _Page(HTMLParser):
    """A page's ids, its links, and the unit keys (code in table cells) under each heading id."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.listed: dict[str, list[str]] = {}
        self._section: str | None = None
        self._code = False
        self._cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag == "h2":
            self._section = str(found.get("id") or "")
            self.listed[self._section] = []
        self._cell = tag == "td" or (self._cell and tag == "code")
        self._code = self._cell and tag == "code"  # a unit's key: code in a table cell

    def handle_endtag(self, tag: str) -> None:
        self._code = self._code and tag != "code"

    def handle_data(self, data: str) -> None:
        if self._code and self._section is not None:
            self.listed[self._section].append(data)


def _parsed(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("handbook-units")
    assert main(["demo-data", "--studies", "2", "--seed", "3", "--out", str(root / "D")]) == 0
    (root / "R").mkdir()
    run = ["run", STDLIB, "--data", str(root / "D"), "--level", "study", "--level", "site"]
    assert main([*run, "--out", str(root / "R/results.csv"), "--units", str(root / "U")]) == 0
    docs = ["docs", "build", STDLIB, "--out", str(root / "H")]
    assert main([*docs, "--results", str(root / "R/results.csv"), "--units", str(root / "U")]) == 0
    yield root


def _flagged(root: Path) -> dict[str, list[dict[str, object]]]:
    rows = read_results(root / "R/results.csv").to_pylist()
    by_metric: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        if drilldown.is_flagged(row):
            by_metric.setdefault(str(row["metric"]), []).append(row)
    return by_metric


def _expected(root: Path, metric: str, row: dict[str, object], keys: tuple[str, ...]) -> list[str]:
    units = pq.read_table(root / "U" / f"{metric}.parquet").to_pylist()
    wanted = [
        u
        for u in units
        if u["study"] == row["study"]
        and (row["level"] != "site" or u["site"] == row["site"])
        and u["outcome"] in WORST
    ]
    return ["/".join(cell_text(u[k]) for k in keys) for u in wanted]


def test_each_red_or_amber_row_links_to_exactly_its_units(run: Path) -> None:
    model = check_paths([STDLIB]).model
    assert model is not None
    keys = {x.id: x.base.unit.keys for x in model.metrics}
    flagged = _flagged(run)
    assert sum(len(v) for v in flagged.values()) > 20  # the demo log has red and amber cells
    site = run / "H/site"
    for metric, rows in flagged.items():
        page = _parsed(site / f"metrics/{metric}.html")
        links = {h for h in page.links if h.startswith(f"../units/{metric}.html#")}
        assert links == {f"../units/{metric}.html#{drilldown.anchor(r)}" for r in rows}, metric
        units = _parsed(site / f"units/{metric}.html")
        assert f"../metrics/{metric}.html#results" in units.links  # and back
        for row in rows:
            target = drilldown.anchor(row)
            assert target in units.ids
            expected = _expected(run, metric, row, keys[metric])
            assert units.listed[target] == expected[: drilldown.CAP], (metric, row)
    scorecard = _parsed(site / "scorecard.html")
    cells = {h for h in scorecard.links if h.startswith("units/")}
    studies = [(m, r) for m, rows in flagged.items() for r in rows if r["level"] == "study"]
    assert cells == {f"units/{m}.html#{drilldown.anchor(r)}" for m, r in studies}
    listed = sum(
        len(v) for p in (run / "H/site/units").glob("*.html") for v in _parsed(p).listed.values()
    )
    assert listed > 0


def test_no_link_to_units_without_a_flagged_row(run: Path) -> None:
    flagged = _flagged(run)
    pages = {p.stem for p in (run / "H/site/units").glob("*.html")}
    assert pages == set(flagged)  # a units page for each metric with red or amber rows, no other
    for page in (run / "H/site/metrics").glob("*.html"):
        if page.stem not in flagged:
            assert not [h for h in _parsed(page).links if "../units/" in h]


def test_a_cell_lists_at_most_the_cap_and_counts_the_rest(
    run: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = check_paths([STDLIB]).model
    assert model is not None
    units = read_unit_folder(run / "U")
    rows = read_results(run / "R/results.csv").to_pylist()
    metric, row, n = next(
        (m, r, len(_expected(run, m.id, r, m.base.unit.keys)))
        for m in model.metrics
        for r in rows
        if r["metric"] == m.id and drilldown.is_flagged(r)
        and len(_expected(run, m.id, r, m.base.unit.keys)) >= 3
    )  # fmt: skip
    monkeypatch.setattr("imx.render.drilldown.CAP", 2)
    page = units_page(metric, [row], units[metric.id])
    assert page.count("<tr><td><code>") == 2
    assert f"… and {n - 2:,} more" in page


def _docs(root: Path, units: Path, *extra: str) -> list[str]:
    docs = ["docs", "build", STDLIB, "--out", str(root / "H2"), "--units", str(units)]
    return [*docs, *extra]


def test_a_bad_units_folder_is_a_usage_error(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = ("--results", str(run / "R/results.csv"))
    assert main(_docs(run, tmp_path / "nowhere", *results)) == 2
    assert "no such folder" in capsys.readouterr().err
    assert main(_docs(run, run / "R", *results)) == 2  # a folder, but of results
    assert "not a folder of unit rows" in capsys.readouterr().err
    assert main(_docs(run, run / "U")) == 2
    assert "give --results too" in capsys.readouterr().err
    serve = ["docs", "serve", STDLIB, "--units", str(run / "U"), *results]
    assert main(serve) == 2  # refused, not ignored
    assert "usage: imx docs serve" in capsys.readouterr().err  # serve has no --units
    other = tmp_path / "U"
    shutil.copytree(run / "U", other)
    stamp = json.loads((other / "units.stamp.json").read_text(encoding="utf-8"))
    stamp["data_fingerprint"] = "0" * 64
    (other / "units.stamp.json").write_text(json.dumps(stamp), encoding="utf-8")
    assert main(_docs(run, other, *results)) == 2
    err = capsys.readouterr().err
    assert "from another run than results.csv: data_fingerprint is 000" in err
    assert not (run / "H2").exists()  # refused before any work


def test_a_csv_results_file_keeps_site_keys_as_text(run: Path) -> None:
    sites = {r["site"] for r in read_results(run / "R/results.csv").to_pylist() if r["site"]}
    assert sites and all(isinstance(s, str) and s.startswith("0") for s in sites)


def _hostile_units(model: Any) -> tuple[Results, str]:
    """Hostile results whose hostile study row is red and its site row amber, and a metric's unit
    rows in them whose keys, study, site and reason are hostile text."""
    results = hostile_results(model)
    metric = model.metrics[0]
    rows = results.table.to_pylist()
    for row in rows:
        if row["metric"] == metric.id and row["level"] in ("study", "site") and not row["period"]:
            if row["study"] == data_text("study"):
                row["status"] = "red" if row["level"] == "study" else "amber"
    table = pa.Table.from_pylist(rows, schema=results.table.schema)
    columns: dict[str, list[str | None]] = {
        k: [data_text("example")] for k in metric.base.unit.keys
    }
    columns.update(
        study=[data_text("study")],
        site=[data_text("site")],
        outcome=["missed"],
        reason=[data_text("rule")],
    )
    units = {metric.id: pa.table(columns)}
    return Results(table, results.quality, results.stamp, units), metric.id


SAFE_ID = re.compile(r"(units|cell)-[0-9a-f]{16}")


def _safe(html: str) -> None:
    page = parsed(html)
    assert not page.injected(), page.injected()[:5]
    assert not CONTROL.findall(html)
    ids = [v for _, attrs in page.tags for n, v in attrs if n == "id" and v]
    drilled = [i for i in ids if i.startswith(("units-", "cell-"))]
    assert drilled and all(SAFE_ID.fullmatch(i) for i in drilled), drilled
    assert shown("example") in "".join(page.text)  # the hostile unit key, shown as written


def test_hostile_units_stay_text_in_the_report_and_the_units_page(tmp_path: Path) -> None:
    model = hostile_checked(tmp_path)[0]
    results, metric_id = _hostile_units(model)
    report = report_html(results, model)
    _safe(report)
    assert report.count('<details id="units-') == 2  # the red study and the amber site
    metric = next(x for x in model.metrics if x.id == metric_id)
    page = units_page(metric, results.table.to_pylist(), results.units[metric_id])
    names = [e if isinstance(e, str) else next(iter(e)) for e in markdown_extensions()]
    configs = {k: v for e in markdown_extensions() if isinstance(e, dict) for k, v in e.items()}
    _safe(markdown.Markdown(extensions=names, extension_configs=configs).convert(page))


def test_a_units_file_of_another_run_is_a_usage_error(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "U"
    shutil.copytree(run / "U", other)
    path = next(iter(sorted(other.glob("*.parquet"))))
    table = pq.read_table(path)
    stamp = json.loads(table.schema.metadata[b"imx.stamp"])
    stamp0, stamp["as_of"] = stamp["as_of"], "2020-01-01T00:00:00Z"
    meta = {**table.schema.metadata, b"imx.stamp": json.dumps(stamp).encode()}
    pq.write_table(table.replace_schema_metadata(meta), path)
    assert main(_docs(run, other, "--results", str(run / "R/results.csv"))) == 2
    err = capsys.readouterr().err
    assert f"from another run than {path.name}: as_of is {stamp0} in the units folder, 2020" in err
    assert not (run / "H2").exists()
