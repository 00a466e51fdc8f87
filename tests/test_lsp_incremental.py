"""`imx lsp` checks incrementally (the parse and check of an edit reuse the last ones) and still
publishes exactly what `imx check` finds: a real server process, a sequence of edits that move,
break and mend declarations in one file and in the file others depend on, and after each edit
every file's diagnostics compared with `imx check --format json` of the same texts."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from lsprotocol import types as L
from pytest_lsp import LanguageClient

from imx.cli import main
from test_lsp import METRICS, SCHEMA, _change, _diagnostics, _open, client

__all__ = ["client"]  # the fixture: a server on a folder holding schema, metrics and sets

Found = list[tuple[str, int, int, int, int, str]]

EDITS: list[tuple[str, str, str]] = [  # (file, text replaced, replacement), one after another
    ("metrics.imx", "metric Q-1", "# a comment that moves every item below it\nmetric Q-1"),
    ("metrics.imx", "rate      has b\n", "rate      has bb\n"),  # an unknown event in Q-1
    ("metrics.imx", "param     window = 3 days", "param     window = 3 dayz"),  # in T-1
    ("schema.imx", '    b "B happened"', '    bb "B happened"'),  # mends Q-1, breaks T-1 more
    ("metrics.imx", "companion Q-1", "companion Q-2"),  # an unknown metric
    ("schema.imx", '    bb "B happened"', '    b "B happened"'),  # back: Q-1 breaks again
    ("metrics.imx", "rate      has bb\n", "rate      has b\n"),
    ("metrics.imx", "3 dayz", "3 days"),
    ("metrics.imx", "companion Q-2", "companion Q-1"),
]


def _expected(folder: Path) -> dict[str, Found]:
    """What `imx check FOLDER --format json` finds, by file."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["check", "--format", "json", str(folder)])
    found: dict[str, Found] = {}
    for i in json.loads(out.getvalue()):
        message = i["message"] + "".join(f"\nhint: {h}" for h in i["hints"])
        row = (i["code"], i["line"], i["column"], i["end_line"], i["end_column"], message)
        found.setdefault(str(Path(i["file"]).resolve()), []).append(row)
    return found


def _published(ds: Sequence[L.Diagnostic]) -> Found:
    return [
        (
            str(d.code),
            d.range.start.line + 1,
            d.range.start.character + 1,
            d.range.end.line + 1,
            d.range.end.character + 1,
            d.message,
        )
        for d in ds
    ]


def _matching(want: Found) -> Callable[[Sequence[L.Diagnostic]], bool]:
    return lambda ds: _published(ds) == want


@pytest.mark.asyncio
async def test_each_edit_publishes_what_imx_check_finds(
    client: LanguageClient, tmp_path: Path
) -> None:
    files = {name: tmp_path / name for name in ("schema.imx", "metrics.imx", "sets.imx")}
    texts = {"schema.imx": SCHEMA, "metrics.imx": METRICS}
    uris = {name: _open(client, path) for name, path in files.items()}
    version = 1
    for name, old, new in EDITS:
        assert old in texts[name], (name, old)
        texts[name] = texts[name].replace(old, new, 1)
        files[name].write_text(texts[name], encoding="utf-8")  # so `imx check` reads it too
        version += 1
        _change(client, uris[name], texts[name], version)
        expected = _expected(tmp_path)
        for other, path in files.items():
            want = expected.get(str(path.resolve()), [])
            got = await _diagnostics(client, uris[other], _matching(want))
            assert _published(got) == want, (name, old, other)
    assert _expected(tmp_path) == {}  # the edits end where they began: a clean project
