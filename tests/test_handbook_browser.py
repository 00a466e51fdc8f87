"""The built handbook in a real browser: headless Chromium over the DevTools protocol (a pipe).

Serves the site on localhost, opens pages, checks what a reader sees (thresholds table, band figure,
variant table, a process map whose links work), that no request leaves localhost and that the
console stays free of errors; saves screenshots under the test's tmp dir.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import http.server
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from handbook_support import checked, hostile_checked, hostile_results, results
from imx.render.handbook import build_handbook
from imx.results import Results

pytestmark = pytest.mark.slow
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = (
    "headless Chromium is needed for the handbook browser test and was not found "
    "(looked for {names} on PATH and /usr/bin/chromium). Install it: "
    "`apt-get update && apt-get install -y chromium` (Debian), or set IMX_CHROMIUM=/path/to/chrome."
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--window-size=1280,900",
    "--remote-debugging-pipe",
)
BASH = (
    shutil.which("bash") or "/bin/bash"
)  # moves the pipe ends to fds 3 and 4 (dash cannot: fd > 9)
LOCAL_SCHEMES = ("data:", "blob:", "about:", "chrome-error:")


def find_chromium() -> str:
    """The Chromium binary, or a failure that says how to install it."""
    configured = os.environ.get("IMX_CHROMIUM")
    if configured and Path(configured).is_file():
        return configured
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    pytest.fail(INSTALL.format(names=", ".join(CANDIDATES)), pytrace=False)


class Browser:
    """A Chromium process driven over ``--remote-debugging-pipe`` (JSON messages ending in NUL)."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        script = f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w}'
        self.process = subprocess.Popen(
            [BASH, "-c", script, binary, *FLAGS, f"--user-data-dir={profile}"],
            pass_fds=(to_browser_r, from_browser_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.session = ""

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._from_browser, "rb", buffering=0) as stream:
            while chunk := stream.read(65536):
                buffer += chunk
                while b"\0" in buffer:
                    message, buffer = buffer.split(b"\0", 1)
                    self._inbox.put(json.loads(message))
        self._inbox.put(None)

    def _pump(self, timeout: float) -> None:
        message = self._inbox.get(timeout=timeout)
        if message is None:
            raise RuntimeError("Chromium closed the DevTools pipe")
        if "id" in message:
            self._replies[message["id"]] = message
        else:
            self.events.append(message)

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, browser: bool = False
    ) -> Any:
        """Send one command (to the page session unless ``browser``) and wait for its reply."""
        self._next_id += 1
        command: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if not browser:
            command["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + 30
        while self._next_id not in self._replies:
            self._pump(max(0.1, deadline - time.monotonic()))
        reply = self._replies.pop(self._next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def wait_for(self, method: str, since: int, timeout: float = 30) -> None:
        """Wait until an event named ``method`` arrives after the first ``since`` events."""
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events[since:]):
            self._pump(max(0.1, deadline - time.monotonic()))

    def settle(self, seconds: float = 0.7) -> None:
        """Collect events for a moment (late requests, console messages)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self._pump(left)
            except queue.Empty:
                break

    def open_page(self) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, browser=True)
        attached = self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, browser=True
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")

    def navigate(self, url: str) -> None:
        mark = len(self.events)
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired", mark)
        self.settle()

    def js(self, expression: str) -> Any:
        reply = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in reply:
            raise AssertionError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def click(self, x: float, y: float) -> None:
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
            )

    def screenshot(self, path: Path) -> Path:
        shot = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        try:
            self.send("Browser.close", browser=True)
        except (RuntimeError, queue.Empty):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self._to_browser)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        del format, args


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that closes a connection before a file is sent (it had the page already) is
        no error; anything else is printed, as the base class does."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _serve(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _under_variant(run: Results, metric: str, study: str, variant: str) -> Results:
    """``run`` with ``study``'s rows of ``metric`` evaluated under ``variant``."""
    table = run.table
    mine = pc.and_(pc.equal(table["metric"], metric), pc.equal(table["study"], study))
    named = pc.if_else(pc.fill_null(mine, False), pa.scalar(variant), table["variant"])
    index = table.schema.get_field_index("variant")
    return dataclasses.replace(run, table=table.set_column(index, "variant", named))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture project's handbook (built once): study S2 of XFER-OT is under its oncology
    variant, so its trend panel shows that variant's bands."""
    model, sources = checked()
    run = _under_variant(results(model), "XFER-OT", "S2", "oncology")
    site = build_handbook(model, tmp_path_factory.mktemp("handbook"), run, sources)
    yield from _serve(site)


@pytest.fixture(scope="module")
def hostile_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The handbook of a spec whose every string field (and the results' texts) is markup."""
    model, sources = hostile_checked(tmp_path_factory.mktemp("hostile-spec"))
    out = tmp_path_factory.mktemp("hostile-handbook")
    yield from _serve(build_handbook(model, out, hostile_results(model), sources))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chrome = Browser(find_chromium(), tmp_path_factory.mktemp("chromium-profile"))
    try:
        chrome.open_page()
        # No stored palette choice: each page takes its scheme from prefers-color-scheme.
        forget = "try { localStorage.clear(); } catch (e) {}"
        chrome.send("Page.addScriptToEvaluateOnNewDocument", {"source": forget})
        yield chrome
    finally:
        chrome.close()


def _requests(browser: Browser) -> list[str]:
    return [
        e["params"]["request"]["url"]
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
    ]


def _errors(browser: Browser) -> list[str]:
    found = []
    for event in browser.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            found.append(json.dumps(params.get("args"))[:300])
        elif method == "Runtime.exceptionThrown":
            found.append(json.dumps(params.get("exceptionDetails"))[:300])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            found.append(json.dumps(params["entry"])[:300])
    return found


def test_metric_page_shows_thresholds_band_figure_and_variants(
    browser: Browser, served: str, tmp_path: Path
) -> None:
    browser.navigate(served + "metrics/XFER-OT.html")
    assert "XFER-OT" in browser.js("document.querySelector('h1').textContent")
    rows = browser.js("[...document.querySelectorAll('.imx-thresholds table tbody tr')].length")
    assert rows == 3
    height = browser.js(
        "document.querySelector('.imx-band-figure svg').getBoundingClientRect().height"
    )
    assert height > 20
    variants = browser.js(
        "[...document.querySelectorAll('.imx-variants table')].map(t => t.textContent).join(' ')"
    )
    assert "oncology" in variants and "2 business_days" in variants
    assert browser.js("document.body.textContent.includes(\"<script>alert('doc')</script>\")")
    shot = browser.screenshot(tmp_path / "metric-XFER-OT.png")
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000


def test_process_map_links_work(browser: Browser, served: str, tmp_path: Path) -> None:
    browser.navigate(served + "process-map.html")
    hrefs = browser.js(
        "[...document.querySelectorAll('.imx-process-map svg a')]"
        ".map(a => a.getAttribute('xlink:href') || a.getAttribute('href'))"
    )
    assert {"metrics/XFER-CT.html", "metrics/XFER-OT.html", "metrics/QRY-AGED.html"} <= set(hrefs)
    for href in sorted(set(hrefs)):
        with urllib.request.urlopen(served + href, timeout=10) as reply:
            assert reply.status == 200 and href.split("/")[-1][:-5] in reply.read().decode()
    browser.screenshot(tmp_path / "process-map.png")
    box = browser.js(
        "(() => { const a = [...document.querySelectorAll('.imx-process-map svg a')]"
        ".find(a => (a.getAttribute('xlink:href') || '').endsWith('XFER-CT.html'));"
        " a.scrollIntoView({block: 'center'}); const r = a.getBoundingClientRect();"
        " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
    )
    mark = len(browser.events)
    browser.click(*box)
    browser.wait_for("Page.loadEventFired", mark)
    browser.settle()
    assert browser.js("location.pathname").endswith("/metrics/XFER-CT.html")


def test_scorecard_and_search_index_load(browser: Browser, served: str, tmp_path: Path) -> None:
    browser.navigate(served + "scorecard.html")
    assert browser.js("document.querySelectorAll('.imx-scorecard tbody tr').length") >= 8
    browser.screenshot(tmp_path / "scorecard.png")


def test_no_request_leaves_localhost_and_console_is_clean(browser: Browser, served: str) -> None:
    browser.navigate(served + "index.html")
    urls = _requests(browser)
    assert urls, "the browser reported no requests at all"
    outside = [u for u in urls if not (u.startswith(served) or u.startswith(LOCAL_SCHEMES))]
    assert not outside, f"requests left localhost: {outside}"
    assert not _errors(browser), _errors(browser)


# Every injected handler or script calls imxpwn(…): the trap records each call.
TRAP = "window.imxpwn = (f) => { (window.__imxpwned = window.__imxpwned || []).push(String(f)); };"
PROVOKE = (
    "document.querySelectorAll('*').forEach(e => { for (const kind of ['mouseover', 'focus',"
    " 'click']) { if (kind !== 'click' || !e.closest('a')) e.dispatchEvent(new Event(kind)); } })"
)
HOSTILE_PAGES = (
    "index.html",
    "metrics/index.html",
    "metrics/XFER-OT.html",
    "process-map.html",
    "csfs.html",
    "variants.html",
    "schema.html",
    "scorecard.html",
)


def test_hostile_spec_runs_no_script(browser: Browser, hostile_served: str) -> None:
    browser.send("Page.addScriptToEvaluateOnNewDocument", {"source": TRAP})
    for page in HOSTILE_PAGES:
        browser.navigate(hostile_served + page)
        assert browser.js("typeof window.imxpwn") == "function"  # the trap is set
        browser.js(PROVOKE)
        browser.settle(0.3)
        assert browser.js("window.__imxpwned || []") == [], page
        injected = "document.querySelectorAll('[href^=\"javascript:\" i], img[src=x]').length"
        assert browser.js(injected) == 0, page
        assert "<imxtag-metricset_title>" in browser.js("document.title"), page
    # The trap does catch markup that runs: the same handler, inserted as HTML, is recorded.
    browser.js("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=imxpwn(1)>')")
    browser.settle(0.5)
    assert browser.js("window.__imxpwned || []") == ["1"]


# ------------------------------------------------------------------ layout at desktop and phone widths

LAYOUT_PAGES = (
    "index.html",
    "scorecard.html",
    "csfs.html",
    "variants.html",
    "process-map.html",
    "schema.html",
    "metrics/XFER-OT.html",
)
# A table's columns are all reachable: the table fits its box, or a box around it scrolls.
HIDDEN_COLUMNS = """[...document.querySelectorAll('article table')].filter(t => {
  for (let p = t.parentElement; p && p !== document.body; p = p.parentElement) {
    if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return false;
  }
  return t.getBoundingClientRect().right > innerWidth + 1;
}).map(t => t.className || t.parentElement.className)"""
PAGE_OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
DUPLICATE_IDS = (
    "(() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
    " return ids.filter((x, i) => ids.indexOf(x) !== i); })()"
)


SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> mkdocs-material's
# An element a reader sees: scrolled to, of some size, inside the viewport's width, not hidden.
ON_SCREEN = """(e => { e.scrollIntoView({block: 'nearest'}); const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.left >= -1 && r.right <= innerWidth + 1
    && r.top < innerHeight && r.bottom > 0 && getComputedStyle(e).visibility === 'visible'; })"""


def _viewport(browser: Browser, width: int, scheme: str) -> None:
    metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500}
    browser.send("Emulation.setDeviceMetricsOverride", metrics)
    feature = {"name": "prefers-color-scheme", "value": scheme}
    browser.send("Emulation.setEmulatedMedia", {"features": [feature]})


def _open(browser: Browser, url: str, scheme: str) -> None:
    """Navigate, and check the page shows ``scheme``: it follows prefers-color-scheme, unless an
    earlier page stored a choice, which the palette toggle (as a reader would) changes."""
    browser.navigate(url)
    wanted = list(SCHEMES).index(scheme)
    toggle = f"document.querySelector('label[for=\"__palette_{wanted}\"]')"
    if browser.js("document.body.getAttribute('data-md-color-scheme')") != SCHEMES[scheme]:
        browser.js(f"{toggle}.click()")
    shown = browser.js(
        "[document.body.getAttribute('data-md-color-scheme'),"
        " matchMedia('(prefers-color-scheme: dark)').matches, JSON.stringify(localStorage)]"
    )
    assert shown[0] == SCHEMES[scheme], (url, scheme, shown)


def _seen(browser: Browser, css: str) -> bool:
    """Whether the first element matching ``css`` is on screen once scrolled to, and the page
    does not overflow sideways."""
    found = browser.js(f"(e => e ? {ON_SCREEN}(e) : null)(document.querySelector('{css}'))")
    assert found is not None, f"nothing matches {css}"
    return bool(found) and browser.js(PAGE_OVERFLOW) <= 0


@pytest.mark.parametrize(("width", "scheme"), [(1400, "light"), (390, "dark")])
def test_no_page_overflows_and_no_table_hides_columns(
    browser: Browser, served: str, width: int, scheme: str, tmp_path: Path
) -> None:
    _viewport(browser, width, scheme)
    try:
        for page in LAYOUT_PAGES:
            _open(browser, served + page, scheme)
            assert browser.js(PAGE_OVERFLOW) <= 0, (page, width)
            assert browser.js(HIDDEN_COLUMNS) == [], (page, width)
            assert browser.js(DUPLICATE_IDS) == [], page
        browser.screenshot(tmp_path / f"metric-{width}-{scheme}.png")
    finally:
        browser.send("Emulation.clearDeviceMetricsOverride")
        browser.send("Emulation.setEmulatedMedia", {"features": []})


def test_scorecard_cells_show_values_and_link_to_their_metric(
    browser: Browser, served: str
) -> None:
    browser.navigate(served + "scorecard.html")
    cells = browser.js(
        "[...document.querySelectorAll('.imx-scorecard tbody td:nth-child(n+6)')]"
        ".filter(td => td.textContent.trim()).map(td => [td.querySelector('.imx-cell-value')"
        "?.textContent, td.querySelector('a')?.getAttribute('href'), td.closest('tr')"
        ".querySelector('td a').getAttribute('href')])"
    )
    assert cells, "the scorecard has no study cells"
    for value, href, metric_page in cells:
        assert value and value != "", cells[:3]
        assert href == metric_page or (href or "").startswith("units/"), (href, metric_page)
    first = browser.js("document.querySelector('.imx-scorecard tbody td:nth-child(6) a').href")
    with urllib.request.urlopen(first, timeout=10) as reply:
        assert reply.status == 200


def _headings(browser: Browser, css: str) -> list[str]:
    return browser.js(
        f"[...document.querySelectorAll('{css} thead th')].map(th => th.textContent.trim())"
    )


def test_matrices_head_their_columns_with_titles_and_fit_at_desktop_width(
    browser: Browser, served: str
) -> None:
    _viewport(browser, 1400, "light")
    try:
        browser.navigate(served + "csfs.html")
        assert _headings(browser, ".imx-matrix") == [
            "KPI",
            "Images reach the core lab in time for central review",
            "Reads are reliable",
        ]
        fits = "(t => t.getBoundingClientRect().right <= t.parentElement.getBoundingClientRect()"
        fits += ".right + 1)(document.querySelector('{}'))"
        assert browser.js(fits.format(".imx-matrix"))
        browser.navigate(served + "variants.html")
        assert _headings(browser, ".imx-variant-matrix") == [
            "Metric",
            "oncology (therapeutic area)",
            "cardiology or vascular (therapeutic area)",
        ]
        assert browser.js(fits.format(".imx-variant-matrix"))
        assert _seen(browser, ".imx-variant-matrix table") and _seen(
            browser, ".imx-variant-details"
        )
    finally:
        browser.send("Emulation.clearDeviceMetricsOverride")


def test_band_figure_labels_the_current_value(browser: Browser, served: str) -> None:
    browser.navigate(served + "metrics/XFER-OT.html")
    label = browser.js(
        "(() => { const g = document.querySelector('.imx-band-figure [id$=\"imx-current-value\"]');"
        " const r = g.getBoundingClientRect(); return [g.textContent.trim(), r.width, r.left,"
        " r.right <= innerWidth]; })()"
    )
    shown, width, left, inside = label
    assert shown.startswith("now ") and shown.endswith("%"), label
    assert width > 0 and left >= 0 and inside, label


# The texts of a figure whose boxes overlap (by more than a pixel each way), as pairs.
OVERLAPS = """(s => { const boxes = [...s.querySelectorAll('text')].map(t =>
  [t.textContent.trim(), t.getBoundingClientRect()]); const found = [];
  boxes.forEach(([a, p], i) => boxes.slice(i + 1).forEach(([b, q]) => {
    if (Math.min(p.right, q.right) - Math.max(p.left, q.left) > 1
        && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 1) found.push([a, b]); }));
  return found; })"""


@pytest.mark.parametrize("width", [1400, 390])
def test_trend_figure_shows_every_study_with_axis_titles_and_readable_labels(
    browser: Browser, served: str, width: int
) -> None:
    """One trend figure shows (three panels a row, or two on a phone), every study in it, the
    variant's panel named, its text drawn at 9 px or more, inside the viewport."""
    _viewport(browser, width, "light")
    try:
        browser.navigate(served + "metrics/XFER-OT.html")
        found = browser.js(
            "(() => { const shown = [...document.querySelectorAll('.imx-trend-figure svg')]"
            ".filter(s => s.getBoundingClientRect().width > 0); const s = shown[0];"
            " s.scrollIntoView(); const r = s.getBoundingClientRect();"
            " const scale = r.width / s.viewBox.baseVal.width;"
            " const px = [...s.querySelectorAll('text')].map(t =>"
            " parseFloat(getComputedStyle(t).fontSize) * scale);"
            " return [[...s.querySelectorAll('text')].map(t => t.textContent.trim()),"
            " r.width > 200, r.left >= 0 && r.right <= innerWidth, shown.length,"
            " Math.min(...px), OVERLAPS(s)]; })()".replace("OVERLAPS", OVERLAPS)
        )
        texts, wide, inside, shown, smallest, overlapping = found
        assert not overlapping, overlapping[:5]  # month labels and titles stay apart
        assert shown == 1, found
        assert {"portfolio", "S1", "period", "value (%)"} <= set(texts), texts
        assert "S2 · oncology" in texts, texts  # its panel over the variant's bands
        assert wide and inside, found
        assert smallest >= 9, (width, smallest)
        assert _seen(browser, ".imx-trend-wide" if width > 720 else ".imx-trend-narrow")
    finally:
        browser.send("Emulation.clearDeviceMetricsOverride")


def test_home_opens_with_a_run_summary_and_a_failing_only_switch(
    browser: Browser, served: str
) -> None:
    _viewport(browser, 390, "light")
    try:
        browser.navigate(served + "index.html")
        summary = browser.js(
            "(() => { const s = document.querySelector('.imx-run-summary');"
            " const h = [...document.querySelectorAll('article h2')].map(x => x.textContent);"
            " const r = s.getBoundingClientRect(); return [h[0], r.top < innerHeight * 2,"
            " r.right <= innerWidth + 1, s.querySelectorAll('.imx-run-counts .imx-status').length]; })()"
        )
        assert summary[0].startswith("Run summary") and summary[1] and summary[2], summary
        assert summary[3] >= 2, summary  # green and amber in the fixture's results
        visible = (
            "[...document.querySelectorAll('.imx-flagged tbody tr')]"
            ".filter(r => r.getBoundingClientRect().height > 0)"
        )
        shown = browser.js(visible + ".map(r => r.querySelector('a').getAttribute('href'))")
        assert shown and all(h.startswith("metrics/") for h in shown), shown
        assert _seen(browser, ".imx-run-counts") and _seen(browser, ".imx-flagged-box")
        box = "document.querySelector('.imx-flagged-box').getBoundingClientRect().height"
        assert browser.js(box) <= 0.5 * 900, "the flagged rows should scroll in a compact box"
        browser.js("document.getElementById('imx-only-failing').click()")
        assert browser.js(visible + ".filter(r => r.dataset.status !== 'red').length") == 0
    finally:
        browser.send("Emulation.clearDeviceMetricsOverride")


@pytest.mark.parametrize("width", [1400, 390])
def test_process_map_labels_are_readable_and_it_has_a_legend(
    browser: Browser, served: str, width: int
) -> None:
    _viewport(browser, width, "light")
    try:
        browser.navigate(served + "process-map.html")
        sizes = browser.js(
            "(() => { const s = document.querySelector('.imx-process-map svg');"
            " const scale = s.getBoundingClientRect().width / s.viewBox.baseVal.width;"
            " return [...s.querySelectorAll('text')].map(t => [t.textContent.trim(),"
            " parseFloat(getComputedStyle(t).fontSize) * scale]); })()"
        )
        assert sizes and all(px == px for _, px in sizes), sizes  # measured, no NaN
        small = [(t, round(px, 1)) for t, px in sizes if not px >= 11]
        assert not small, small
        texts = {t for t, _ in sizes}
        assert {"timeliness (share on time)", "cycle time (duration)"} <= texts, texts
        assert browser.js(PAGE_OVERFLOW) <= 0
        assert _seen(browser, ".imx-process-map")
        if width == 1400:  # fits the page (a phone scrolls it in its box, text kept at size)
            fits = "(s => s.getBoundingClientRect().right <= s.parentElement"
            fits += ".getBoundingClientRect().right + 1)(document.querySelector('.imx-process-map svg'))"
            assert browser.js(fits)
    finally:
        browser.send("Emulation.clearDeviceMetricsOverride")


# WCAG contrast of a colour against the page's background (both as computed rgb()).
CONTRAST = """(() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
  const bg = getComputedStyle(document.body).backgroundColor;
  const low = [];
  for (const t of document.querySelectorAll('.imx-figure svg text, .imx-status')) {
    const c = t.closest('svg') ? getComputedStyle(t).fill : getComputedStyle(t).color;
    if (ratio(c, bg) < 4.5) low.push([t.textContent.trim(), c, ratio(c, bg).toFixed(2)]);
  }
  for (const p of document.querySelectorAll('.imx-trend-figure svg path')) {
    const st = getComputedStyle(p);
    if (st.stroke === 'none' || parseFloat(st.strokeOpacity) < 0.5) continue;  // grid lines
    if (parseFloat(st.strokeWidth) >= 1.5 && ratio(st.stroke, bg) < 3)
      low.push(['line', st.stroke, ratio(st.stroke, bg).toFixed(2)]);
  }
  return [bg, low];
})()"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_charts_and_statuses_keep_their_contrast_in_light_and_dark(
    browser: Browser, served: str, scheme: str, tmp_path: Path
) -> None:
    """Figure text, trend lines and status chips read against the scheme's background (text
    4.5:1, lines 3:1), at desktop and phone width; the palette follows prefers-color-scheme."""
    try:
        for width in (1400, 390):
            _viewport(browser, width, scheme)
            for page in ("metrics/XFER-OT.html", "scorecard.html", "index.html"):
                _open(browser, served + page, scheme)
                background, low = browser.js(CONTRAST)
                assert not low, (page, width, scheme, background, low[:5])
                assert browser.js(PAGE_OVERFLOW) <= 0, (page, width)
            if width == 390:
                assert _seen(browser, ".imx-run-summary")
        browser.navigate(served + "metrics/XFER-OT.html")
        assert _seen(browser, ".imx-trend-narrow svg") and _seen(browser, ".imx-band-figure svg")
        browser.screenshot(tmp_path / f"metric-390-{scheme}.png")
    finally:
        browser.send("Emulation.clearDeviceMetricsOverride")
        browser.send("Emulation.setEmulatedMedia", {"features": []})
