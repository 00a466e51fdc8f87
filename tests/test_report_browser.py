"""The HTML report in a real browser: a red or amber cell's link opens the section of its units.

Headless Chromium (the handbook's browser harness) on the report of the rate_within case.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from imx.cli import main
from test_handbook_browser import Browser, _errors, _serve, find_chromium
from test_report_units import RUN

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("report")
    assert main([*RUN, "--out", str(folder / "report.html")]) == 0
    yield from _serve(folder)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chrome = Browser(find_chromium(), tmp_path_factory.mktemp("chromium-profile"))
    try:
        chrome.open_page()
        yield chrome
    finally:
        chrome.close()


OPEN = "[...document.querySelectorAll('details')].filter(d => d.open).map(d => d.id)"


def test_a_cells_link_opens_its_units_and_the_section_links_back(
    browser: Browser, report: str, tmp_path: Path
) -> None:
    browser.navigate(report + "report.html")
    assert browser.js(OPEN) == []  # every section starts closed
    cell = browser.js("document.querySelector('a[id^=\"cell-\"]').id")
    target = browser.js(f"document.getElementById('{cell}').getAttribute('href').slice(1)")
    browser.js(f"document.getElementById('{cell}').click()")
    browser.settle()
    assert browser.js(OPEN) == [target]
    units = browser.js(f"document.getElementById('{target}').innerText")
    assert "missed" in units and "S1/001/1002/BL" in units
    back = browser.js(f"document.querySelector('#{target} > p:last-child a').getAttribute('href')")
    assert back == f"#{cell}"
    assert not [e for e in _errors(browser) if "favicon.ico" not in e]  # the report has none


def test_a_link_from_elsewhere_opens_its_section(browser: Browser, report: str) -> None:
    browser.navigate(report + "report.html")
    target = browser.js("document.querySelector('details').id")
    browser.navigate("about:blank")
    browser.navigate(report + f"report.html#{target}")
    assert browser.js(OPEN) == [target]
