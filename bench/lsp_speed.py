"""Editor latency: the real `imx lsp` process driven over stdio on a copy of the standard library.

Measured from the client's side, as an editor sees it: the time from sending an edit of one file
(``didChange``) to receiving its diagnostics (targets: p95 <= 100 ms), and from sending a hover
or a completion request to its answer (p95 <= 50 ms). A quarter of the edits misspell an event,
so the diagnostics change as they do while typing; the rest change a number. Requests are sent
after the edit's diagnostics arrived (an editor asks when the cursor rests). The server's own CPU
time per edit is printed too: on a machine shared with other work it tells the server's cost
apart from the time spent waiting for a core; so is the load average before and after the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as L
from pygls.lsp.client import LanguageClient
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
EDIT_TARGET_MS = 100.0
REQUEST_TARGET_MS = 50.0
EDITED = "quality.imx"


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def _position(text: str, needle: str, into: int) -> L.Position:
    at = text.index(needle) + into
    return L.Position(text.count("\n", 0, at), at - (text.rfind("\n", 0, at) + 1))


class _Client:
    def __init__(self) -> None:
        self.client = LanguageClient("imx-bench", "1")
        self.arrived: asyncio.Queue[L.PublishDiagnosticsParams] = asyncio.Queue()

        @self.client.feature(L.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: L.PublishDiagnosticsParams) -> None:
            self.arrived.put_nowait(params)

    async def start(self, folder: Path) -> None:
        await self.client.start_io(sys.executable, "-m", "imx.cli", "lsp")
        params = L.InitializeParams(
            capabilities=L.ClientCapabilities(),
            root_uri=folder.as_uri(),
            workspace_folders=[L.WorkspaceFolder(folder.as_uri(), "bench")],
        )
        await self.client.initialize_async(params)
        self.client.initialized(L.InitializedParams())

    async def diagnostics_for(self, uri: str) -> L.PublishDiagnosticsParams:
        while True:
            params = await asyncio.wait_for(self.arrived.get(), 30)
            if params.uri == uri:
                return params

    def cpu_ms(self) -> float:
        """The server process's CPU time so far (user + system, from /proc: Linux only)."""
        server = self.client._server
        if server is None:
            return float("nan")
        try:
            fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()  # the process this client started, and only it


async def _edits(c: _Client, uri: str, text: str, count: int) -> list[float]:
    await c.diagnostics_for(uri)  # the first check, after initialization
    c.client.text_document_did_open(
        L.DidOpenTextDocumentParams(L.TextDocumentItem(uri, "imx", 1, text))
    )
    times = []
    for i in range(count):
        edited = re.sub(r"min_n    20", f"min_n    {21 + i % 7}", text, count=1)
        if i % 4 == 3:
            edited = edited.replace("has qc_passed", "has qc_pased", 1)
        while not c.arrived.empty():
            c.arrived.get_nowait()
        start = time.perf_counter()
        change = L.TextDocumentContentChangeWholeDocument(text=edited)
        doc = L.VersionedTextDocumentIdentifier(uri=uri, version=i + 2)
        c.client.text_document_did_change(L.DidChangeTextDocumentParams(doc, [change]))
        await c.diagnostics_for(uri)
        times.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.05)
    return times


async def _requests(c: _Client, uri: str, text: str, count: int) -> tuple[list[float], list[float]]:
    doc = L.TextDocumentIdentifier(uri)
    spots = [("metric QC-FPR", 8), ("has qc_passed", 5), ("per      timepoint", 11)]
    hovers, completions = [], []
    for i in range(count):
        needle, into = spots[i % len(spots)]
        start = time.perf_counter()
        await c.client.text_document_hover_async(L.HoverParams(doc, _position(text, needle, into)))
        hovers.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        where = _position(text, "has qc_passed", 4)
        await c.client.text_document_completion_async(L.CompletionParams(doc, where))
        completions.append((time.perf_counter() - start) * 1000)
    return hovers, completions


async def _run(count: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "stdlib"
        shutil.copytree(ROOT / "stdlib_metrics", folder)
        path = (folder / EDITED).resolve()
        text = path.read_text(encoding="utf-8")
        c = _Client()
        await c.start(folder)
        try:
            before = c.cpu_ms()
            edits = await _edits(c, path.as_uri(), text, count)
            cpu = (c.cpu_ms() - before) / count
            hovers, completions = await _requests(c, path.as_uri(), text, count)
        finally:
            await c.stop()
    return {
        "diagnostics after an edit": edits,
        "hover": hovers,
        "completion": completions,
        "server CPU per edit (mean)": [cpu],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench lsp", description=__doc__)
    parser.add_argument("--count", type=int, default=100, help="edits and requests of each kind")
    args = parser.parse_args(argv)
    files = sorted((ROOT / "stdlib_metrics").rglob("*.imx"))
    size = sum(len(f.read_bytes()) for f in files)
    load_before = os.getloadavg()[0]
    results = asyncio.run(_run(args.count))
    load_after = os.getloadavg()[0]
    table = Table(
        title=f"imx lsp on the standard library ({len(files)} files, {size / 1024:.0f} KiB);"
        f" load average (1 min) {load_before:.1f} before, {load_after:.1f} after,"
        f" {os.cpu_count()} cores"
    )
    for col in ("measure", "n", "median ms", "p95 ms", "max ms", "target p95", "met"):
        table.add_column(col)
    failed = False
    for name, times in results.items():
        if len(times) == 1:  # a figure, not a sample: no target of its own
            table.add_row(name, "", f"{times[0]:.1f}", "", "", "", "")
            continue
        target = EDIT_TARGET_MS if name.startswith("diagnostics") else REQUEST_TARGET_MS
        p95 = _p95(times)
        failed |= p95 > target
        table.add_row(
            name,
            str(len(times)),
            f"{statistics.median(times):.1f}",
            f"{p95:.1f}",
            f"{max(times):.1f}",
            f"<= {target:.0f} ms",
            "yes" if p95 <= target else "NO",
        )
    Console().print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
