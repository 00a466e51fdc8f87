"""The HTML report's title and heading say what it holds: results, then the parts present."""

from __future__ import annotations

import re

from handbook_support import checked, results
from imx.render.report import report_html


def test_the_title_names_results_and_the_parts_held() -> None:
    model, _sources = checked()
    page = report_html(results(model), model)
    title = re.search(r"<title>(.*?)</title>", page)
    heading = re.search(r"<h1>(.*?)</h1>", page)
    assert title and heading and title.group(1) == heading.group(1)
    assert title.group(1).endswith(": results") and "scorecard" not in title.group(1)
    said = re.search(r'<p class="muted">(.*?)</p>', page)
    assert said and said.group(1) == "The scorecard and data quality."
    assert "<h2>Data quality" in page or "data quality" in page.lower()
