"""The HTML report lists the worst units behind each red or amber study and site row.

On the rate_within case (tests/cases/eval/rate_within.imx, cut 2026-03-11T00:00Z) every study and
site row of XFER-OT is red or amber; the header of the case says which unit is missed, pending
or cancelled, and why.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

import test_corpus_eval as corpus
from imx.cli import main

RATE = corpus.BY_NAME["rate_within"]
RUN = [
    "run", str(RATE.spec), "--data", str(RATE.data), "--as-of", "2026-03-11T00:00Z", "--no-color",
]  # fmt: skip
SUMMARIES = [
    "study S1, site 001 · red: 1 missed, 1 pending, 1 excluded",
    "study S1, site 002 · red: 1 missed",
    "study S2, site 001 · amber: 1 missed, 1 pending",
    "study S1 · red: 2 missed, 1 pending, 1 excluded",
    "study S2 · amber: 1 missed, 1 pending",
]


def _report(tmp_path: Path) -> str:
    out = tmp_path / "report.html"
    assert main([*RUN, "--out", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def test_the_report_lists_each_flagged_rows_worst_units(tmp_path: Path) -> None:
    page = _report(tmp_path)
    assert "Behind the red and amber cells" in page
    assert [s for s in SUMMARIES if s in page] == SUMMARIES
    assert page.count('<details id="units-') == len(SUMMARIES)
    assert "<td><code>S1/001/1002/BL</code></td><td>missed</td>" in page
    assert "Cancelled visits are not expected to arrive" in page
    assert "S1/001/1001/BL" not in page  # met: not listed


def test_a_row_lists_at_most_the_cap_and_counts_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("imx.render.drilldown.CAP", 1)
    page = _report(tmp_path)
    assert "… and 3 more: <code>imx units XFER-OT … --study S1 --out FILE</code>" in page
    assert "… and 2 more: <code>imx units XFER-OT … --study S1 --site 001 --out FILE</code>" in page


class _Links(HTMLParser):
    """Every id of a page, every in-page link (with the element it sits in), every section's text."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (href, the open td's column header or "")
        self.sections: dict[str, list[str]] = {}  # details id -> its texts
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and str(found.get("href", "")).startswith("#"):
            self.links.append((str(found["href"])[1:], str(found.get("id") or "")))
        if tag == "details":
            self._open = str(found["id"])
            self.sections[self._open] = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.sections[self._open].append(data)


def test_each_flagged_cell_links_to_its_units_and_back(tmp_path: Path) -> None:
    parsed = _Links()
    parsed.feed(_report(tmp_path))
    assert all(target in parsed.ids for target, _ in parsed.links)  # every link resolves
    assert len(parsed.sections) == len(SUMMARIES)
    by_summary = {"".join(texts).split(": ")[0]: i for i, texts in parsed.sections.items()}
    targets = {target for target, _ in parsed.links}
    for summary in SUMMARIES:  # "study S1, site 001 · red" -> the section of that row
        section = next(i for s, i in by_summary.items() if s.endswith(summary.split(": ")[0]))
        assert section in targets  # linked from the index (and, for a study, from its cell)
    cells = [(t, i) for t, i in parsed.links if i.startswith("cell-")]
    assert len(cells) == 2  # S1 red and S2 amber, the scorecard's two flagged study cells
    for target, cell in cells:
        assert (cell, "") in [(t, i) for t, i in parsed.links]  # the section links back
        assert target in parsed.sections
    s1 = "".join(parsed.sections[next(t for t, _ in cells if "S1" in "".join(parsed.sections[t]))])
    assert "S1/001/1002/BL" in s1 and "S1/001/1001/BL" not in s1  # missed listed, met not


def test_flagged_rows_are_chosen_in_arrow_as_row_by_row() -> None:
    """The rows drilled into, chosen in Arrow, are those the row-by-row rule keeps."""
    import itertools

    import pyarrow as pa

    from imx.render.drilldown import flagged_rows, is_flagged
    from imx.results import RESULT_SCHEMA

    combos = itertools.product(
        ("A", "B", "C"),
        ("site", "study", "portfolio", "by:vendor"),
        ("red", "amber", "green", None),
        (None, "", "2026-01"),
    )
    rows = [
        {"metric": m, "level": lv, "study": "S1", "site": str(i), "status": s, "period": p}
        for i, (m, lv, s, p) in enumerate(combos)
    ]
    table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
    every = table.to_pylist()
    expected = [r for r in every if is_flagged(r) and r["metric"] in ("A", "C")]
    assert flagged_rows(table, ("A", "C")) == expected and len(expected) == 2 * 2 * 2 * 2
