"""`imx lsp` end to end: a real server process driven over stdio by pytest-lsp's client.

Each test starts its own server on a fresh workspace folder and stops exactly that process
(pytest-lsp's client sends shutdown and exit, then waits for it; the fixture asserts it is gone).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as L
from pytest_lsp import ClientServerConfig, LanguageClient

from imx.cli import main
from imx.syntax.fmt import format_source

SCHEMA = """\
schema s
events {
    a "A happened"
    b "B happened"
    c "C happened"
}
table events {
    study text key
    site text key
    subject text key
    timepoint text key
    event event
    at timestamp
}
table studies {
    study text key
    therapeutic_area text
}
table sites {
    study text key
    site text key
}
unit timepoint = study, site, subject, timepoint
"""

METRICS = """\
metric Q-1 "B after A" {
    category  quality
    question  "How often does b follow a?"
    per       timepoint
    where     has a
    rate      has b
    bands     higher_is_better { green >= 90%, amber >= 80%, red }
    doc       "Share of timepoints with an a that also have a b."
}

metric T-1 "On time" {
    category  timeliness
    per       timepoint
    param     window = 3 days
    where     has a
    rate      has b and days(first a, first b) <= window
    companion Q-1
}

variant onc of Q-1 for therapeutic_area = "oncology" {
    bands     higher_is_better { green >= 95%, amber >= 85%, red }
    rationale "Oncology reads need more."
}
"""

SETS = """\
csf C-1 "Quality first" {
    kpis Q-1, T-1
}
"""

TIMEOUT = 30.0


def _uri(path: Path) -> str:
    return path.resolve().as_uri()


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "imx.cli", "lsp"])
)
async def client(lsp_client: LanguageClient, tmp_path: Path) -> AsyncIterator[None]:
    (tmp_path / "schema.imx").write_text(SCHEMA, encoding="utf-8")
    (tmp_path / "metrics.imx").write_text(METRICS, encoding="utf-8")
    (tmp_path / "sets.imx").write_text(SETS, encoding="utf-8")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "junk.imx").write_text("not imx at all {", encoding="utf-8")
    folder = L.WorkspaceFolder(tmp_path.as_uri(), "w")
    params = L.InitializeParams(
        capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
        root_uri=tmp_path.as_uri(),
        workspace_folders=[folder],
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()  # then pytest-lsp stops the process it started, only it


async def _diagnostics(
    client: LanguageClient, uri: str, ready: Callable[[Sequence[L.Diagnostic]], bool]
) -> Sequence[L.Diagnostic]:
    """Wait until the diagnostics published for ``uri`` satisfy ``ready``."""

    async def wait() -> Sequence[L.Diagnostic]:
        while not (uri in client.diagnostics and ready(client.diagnostics[uri])):
            await client.wait_for_notification(L.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri]

    return await asyncio.wait_for(wait(), TIMEOUT)


def _open(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = _uri(path)
    body = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(
        L.DidOpenTextDocumentParams(L.TextDocumentItem(uri, "imx", 1, body))
    )
    return uri


def _change(client: LanguageClient, uri: str, text: str, version: int) -> None:
    change = L.TextDocumentContentChangeWholeDocument(text=text)
    doc = L.VersionedTextDocumentIdentifier(uri=uri, version=version)
    client.text_document_did_change(L.DidChangeTextDocumentParams(doc, [change]))


def _pos(text: str, needle: str, into: int = 0) -> L.Position:
    """The position of ``needle`` (plus ``into`` characters) in ``text``."""
    at = text.index(needle) + into
    line = text.count("\n", 0, at)
    return L.Position(line, at - (text.rfind("\n", 0, at) + 1))


def _apply(text: str, edits: Sequence[L.TextEdit]) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(p: L.Position) -> int:
        return starts[p.line] + p.character if p.line < len(starts) else len(text)

    for e in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


# -------------------------------------------------------------------------------- diagnostics
@pytest.mark.asyncio
async def test_diagnostics_are_imx_checks_own(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "metrics.imx"
    broken = METRICS.replace(
        "per       timepoint\n    where     has a\n    rate      has b\n    bands",
        "per       timepont\n    where     has a\n    rate      has bb\n    bands",
        1,
    )
    path.write_text(broken, encoding="utf-8")
    uri = _open(client, path)
    got = await _diagnostics(client, uri, lambda ds: len(ds) >= 2)
    # the same findings as `imx check FOLDER --format json`
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["check", "--format", "json", *(str(p) for p in sorted(tmp_path.glob("*.imx")))])
    expected = [
        i for i in json.loads(out.getvalue()) if Path(i["file"]).resolve() == path.resolve()
    ]
    assert [(d.code, d.range.start.line + 1, d.range.start.character + 1) for d in got] == [
        (i["code"], i["line"], i["column"]) for i in expected
    ]
    for d, i in zip(got, expected, strict=True):
        assert d.range.end.character + 1 == i["end_column"]
        assert d.message == i["message"] + "".join(f"\nhint: {h}" for h in i["hints"])
        assert d.source == "imx"
    unit = next(d for d in got if d.code == "unknown-unit")
    assert unit.data == {
        "fixes": [
            {
                "title": "replace with `timepoint`",
                "range": json.loads(
                    json.dumps(
                        {
                            "start": {
                                "line": unit.range.start.line,
                                "character": unit.range.start.character,
                            },
                            "end": {
                                "line": unit.range.end.line,
                                "character": unit.range.end.character,
                            },
                        }
                    )
                ),
                "replacement": "timepoint",
            }
        ]
    }


@pytest.mark.asyncio
async def test_a_broken_file_mid_edit_is_reported_and_the_server_keeps_serving(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "metrics.imx"
    uri = _open(client, path)
    await _diagnostics(client, uri, lambda ds: not ds)
    half = METRICS + '\nmetric N-1 "half typed {\n    category quali'
    _change(client, uri, half, 2)
    got = await _diagnostics(client, uri, lambda ds: len(ds) > 0)
    assert all(d.severity == L.DiagnosticSeverity.Error for d in got)
    # names before the broken part still resolve
    hover = await client.text_document_hover_async(
        L.HoverParams(L.TextDocumentIdentifier(uri), _pos(half, "companion Q-1", 11))
    )
    assert hover is not None and "B after A" in hover.contents.value  # type: ignore[union-attr]
    for junk in ("\x00\x01metric {{{{", "metric " * 20000, '"""' + "x" * 100000, ""):
        _change(client, uri, junk, 3)
        symbols = await client.text_document_document_symbol_async(
            L.DocumentSymbolParams(L.TextDocumentIdentifier(uri))
        )
        assert isinstance(symbols, list)
    _change(client, uri, METRICS, 4)
    assert not await _diagnostics(client, uri, lambda ds: not ds)
    assert not [m for m in client.log_messages if m.type == L.MessageType.Error]


@pytest.mark.asyncio
async def test_a_file_changed_on_disk_is_seen(client: LanguageClient, tmp_path: Path) -> None:
    sets = tmp_path / "sets.imx"
    sets.write_text(SETS.replace("Q-1, T-1", "Q-1, T-2"), encoding="utf-8")
    client.workspace_did_change_watched_files(
        L.DidChangeWatchedFilesParams([L.FileEvent(_uri(sets), L.FileChangeType.Changed)])
    )
    got = await _diagnostics(client, _uri(sets), lambda ds: len(ds) == 1)
    assert got[0].code == "unknown-metric"


# ------------------------------------------------------------------------------ navigation
async def _hover(client: LanguageClient, uri: str, text: str, needle: str, into: int = 0) -> str:
    found = await client.text_document_hover_async(
        L.HoverParams(L.TextDocumentIdentifier(uri), _pos(text, needle, into))
    )
    assert found is not None, needle
    assert isinstance(found.contents, L.MarkupContent)
    return found.contents.value


@pytest.mark.asyncio
async def test_hover_explains_each_kind_of_name(client: LanguageClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "metrics.imx")
    await _diagnostics(client, uri, lambda ds: not ds)
    metric = await _hover(client, uri, METRICS, "companion Q-1", 11)
    assert "B after A" in metric and "How often does b follow a?" in metric
    assert "Share of timepoints" in metric
    assert "rate has b" in metric and "variant `onc`" in metric and "sets bands" in metric
    variant = await _hover(client, uri, METRICS, "variant onc", 9)
    assert "green >= 95%" in variant and "← onc" in variant  # the layer that set it
    assert "A happened" in await _hover(client, uri, METRICS, "has a", 4)
    assert "keys: study, site, subject, timepoint" in await _hover(
        client, uri, METRICS, "per       timepoint", 12
    )
    assert "`window` of `T-1` = `3 days`" in await _hover(client, uri, METRICS, "<= window", 4)
    sets = _open(client, tmp_path / "schema.imx")
    column = await _hover(client, sets, SCHEMA, "unit timepoint = study", 18)
    assert "`events.study`: text key" in column and "`studies.study`" in column
    none = await client.text_document_hover_async(
        L.HoverParams(L.TextDocumentIdentifier(uri), L.Position(0, 0))
    )
    assert none is None


@pytest.mark.asyncio
async def test_definition_and_references_cross_files(
    client: LanguageClient, tmp_path: Path
) -> None:
    sets = _open(client, tmp_path / "sets.imx")
    where = _pos(SETS, "Q-1, T-1", 1)
    found = await client.text_document_definition_async(
        L.DefinitionParams(L.TextDocumentIdentifier(sets), where)
    )
    assert isinstance(found, list) and len(found) == 1
    assert found[0].uri == _uri(tmp_path / "metrics.imx")
    assert found[0].range.start == _pos(METRICS, "Q-1")
    refs = await client.text_document_references_async(
        L.ReferenceParams(
            text_document=L.TextDocumentIdentifier(sets),
            position=where,
            context=L.ReferenceContext(include_declaration=True),
        )
    )
    assert refs is not None
    by_file = sorted(
        (Path(r.uri).name if False else r.uri.rsplit("/", 1)[1], r.range.start.line) for r in refs
    )
    assert by_file == [
        ("metrics.imx", 0),
        ("metrics.imx", 16),
        ("metrics.imx", 19),
        ("sets.imx", 1),
    ]
    events = await client.text_document_references_async(
        L.ReferenceParams(
            text_document=L.TextDocumentIdentifier(_open(client, tmp_path / "schema.imx")),
            position=_pos(SCHEMA, "    b ", 4),
            context=L.ReferenceContext(include_declaration=False),
        )
    )
    assert events is not None and len(events) == 3  # has b, has b, first b (not the declaration)


@pytest.mark.asyncio
async def test_document_symbols_outline_the_file(client: LanguageClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "metrics.imx")
    found = await client.text_document_document_symbol_async(
        L.DocumentSymbolParams(L.TextDocumentIdentifier(uri))
    )
    assert found is not None
    names = [(s.name, s.kind) for s in found]  # type: ignore[union-attr]
    assert names == [
        ("Q-1", L.SymbolKind.Function),
        ("T-1", L.SymbolKind.Function),
        ("Q-1 / onc", L.SymbolKind.Method),
    ]
    t1 = found[1]
    assert isinstance(t1, L.DocumentSymbol) and t1.detail == "On time"
    assert [c.name for c in t1.children or []] == ["window"]


# -------------------------------------------------------------------------------- editing
async def _complete(client: LanguageClient, uri: str, pos: L.Position) -> list[str]:
    found = await client.text_document_completion_async(
        L.CompletionParams(L.TextDocumentIdentifier(uri), pos)
    )
    assert isinstance(found, L.CompletionList)
    return [i.label for i in found.items]


@pytest.mark.asyncio
async def test_completion_offers_what_the_grammar_and_project_allow(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "new.imx"
    text = 'metric N-1 "new" {\n    category quality\n    rate has \n    '
    uri = _open(client, path, text + "\n}\n")
    events = await _complete(client, uri, _pos(text, "rate has ", 9))
    assert {"a", "b", "c"} <= set(events) and "metric" not in events
    fields = await _complete(client, uri, _pos(text + "\n}", "\n}", 0))
    assert {"per", "where", "rate", "bands", "companion"} <= set(fields)
    assert "metric" not in fields and "and" not in fields
    after = await _complete(client, uri, _pos(text, "rate has ", 9))
    assert "within" not in after
    _change(client, uri, 'metric N-1 "new" {\n    per time\n}\n', 2)
    units = await _complete(client, uri, L.Position(1, 12))
    assert "timepoint" in units
    _change(client, uri, 'metric N-1 "new" {\n    companion \n}\n', 3)
    assert {"Q-1", "T-1"} <= set(await _complete(client, uri, L.Position(1, 14)))
    _change(client, uri, "\n", 4)
    top = await _complete(client, uri, L.Position(1, 0))
    assert {"metric", "variant", "example", "metric …", "variant …", "example …"} <= set(top)


@pytest.mark.asyncio
async def test_formatting_is_imx_fmt(client: LanguageClient, tmp_path: Path) -> None:
    messy = "unit  site=study ,site\n\n\n\nmetric   X-1 {\n  category quality\n}\n"
    uri = _open(client, tmp_path / "messy.imx", messy)
    edits = await client.text_document_formatting_async(
        L.DocumentFormattingParams(L.TextDocumentIdentifier(uri), L.FormattingOptions(4, True))
    )
    assert edits is not None
    assert _apply(messy, edits) == format_source(messy).text
    _change(client, uri, "metric {", 2)  # does not parse: no edits, no error
    again = await client.text_document_formatting_async(
        L.DocumentFormattingParams(L.TextDocumentIdentifier(uri), L.FormattingOptions(4, True))
    )
    assert not again


@pytest.mark.asyncio
async def test_rename_a_metric_across_files(client: LanguageClient, tmp_path: Path) -> None:
    uri = _open(client, tmp_path / "metrics.imx")
    where = _pos(METRICS, "Q-1", 1)
    ready = await client.text_document_prepare_rename_async(
        L.PrepareRenameParams(L.TextDocumentIdentifier(uri), where)
    )
    assert ready == L.Range(_pos(METRICS, "Q-1"), _pos(METRICS, "Q-1", 3))
    edit = await client.text_document_rename_async(
        L.RenameParams(L.TextDocumentIdentifier(uri), where, "QUAL-1")
    )
    assert edit is not None and edit.changes is not None
    new = {
        u.rsplit("/", 1)[1]: _apply(METRICS if "metrics" in u else SETS, e)
        for u, e in edit.changes.items()
    }
    assert new["sets.imx"] == SETS.replace("Q-1", "QUAL-1")
    assert new["metrics.imx"] == METRICS.replace("Q-1", "QUAL-1")
    for name, text in new.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert main(["check", *(str(tmp_path / n) for n in ("schema.imx", *new))]) == 0
    with pytest.raises(Exception, match="already declared"):
        await client.text_document_rename_async(
            L.RenameParams(L.TextDocumentIdentifier(uri), where, "T-1")
        )
    with pytest.raises(Exception, match="not a valid"):
        await client.text_document_rename_async(
            L.RenameParams(L.TextDocumentIdentifier(uri), where, "no good")
        )


@pytest.mark.asyncio
async def test_a_name_used_by_an_imported_file_is_not_renamed(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = 'import stdlib.schema\n\nmetric N-1 "n" {\n    category quality\n    per timepoint\n    rate has qc_passed\n}\n'
    uri = _open(client, tmp_path / "std.imx", text)
    with pytest.raises(Exception, match="imported file"):
        await client.text_document_prepare_rename_async(
            L.PrepareRenameParams(L.TextDocumentIdentifier(uri), _pos(text, "qc_passed", 2))
        )


async def _actions(client: LanguageClient, uri: str, rng: L.Range) -> list[L.CodeAction]:
    found = await client.text_document_code_action_async(
        L.CodeActionParams(L.TextDocumentIdentifier(uri), rng, L.CodeActionContext([]))
    )
    return [a for a in found or [] if isinstance(a, L.CodeAction)]


@pytest.mark.asyncio
async def test_code_actions_apply_fixes_and_add_what_is_missing(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = METRICS.replace("rate      has b\n    bands", "rate      has bb\n    bands", 1)
    text = text.replace("    companion Q-1\n", "")
    uri = _open(client, tmp_path / "metrics.imx", text)
    await _diagnostics(
        client, uri, lambda ds: {d.code for d in ds} >= {"unknown-event", "missing-companion"}
    )
    at = _pos(text, "has bb", 5)
    actions = await _actions(client, uri, L.Range(at, at))
    assert [a.title for a in actions][:1] == ["replace with `b`"] and actions[0].is_preferred
    assert actions[0].edit is not None and actions[0].edit.changes is not None
    fixed = _apply(text, actions[0].edit.changes[uri])
    assert "rate      has b\n" in fixed
    companion = await _actions(client, uri, L.Range(_pos(text, "T-1"), _pos(text, "T-1")))
    assert [a.title for a in companion] == ["add `companion Q-1`"]
    assert companion[0].edit is not None and companion[0].edit.changes is not None
    fixed = _apply(fixed, companion[0].edit.changes[uri])
    _change(client, uri, fixed, 2)
    assert not await _diagnostics(client, uri, lambda ds: not ds)
    missing = 'metric M-1 "m" {\n    where has a\n    rate has b\n}\n'
    _change(client, uri, METRICS + "\n" + missing, 3)
    await _diagnostics(client, uri, lambda ds: any(d.code == "missing-field" for d in ds))
    at = _pos(METRICS + "\n" + missing, "M-1")
    titles = [a.title for a in await _actions(client, uri, L.Range(at, at))]
    assert "add `category quality`" in titles and "add `per timepoint`" in titles


@pytest.mark.asyncio
async def test_a_broken_import_and_a_file_outside_the_folder_are_served(
    client: LanguageClient, tmp_path: Path
) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside.imx"
    text = 'import stdlib.nope\n\nmetric O-1 "o" {\n    category quality\n}\n'
    uri = _open(client, outside, text)
    got = await _diagnostics(client, uri, lambda ds: len(ds) > 0)
    assert "unknown-import" in {d.code for d in got}
    assert await _hover(
        client, uri, text, "metric O-1", 8
    )  # indexed though it is not in the folder
    client.text_document_did_close(L.DidCloseTextDocumentParams(L.TextDocumentIdentifier(uri)))
    assert not await _diagnostics(client, uri, lambda ds: not ds)  # closed: its findings go


@pytest.mark.asyncio
async def test_each_name_a_did_you_mean_offers_is_an_action(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = METRICS.replace("companion Q-1", "companion Q-2").replace("metric T-1", "metric Q-3")
    uri = _open(client, tmp_path / "metrics.imx", text)
    await _diagnostics(client, uri, lambda ds: any(d.code == "unknown-metric" for d in ds))
    at = _pos(text, "companion Q-2", 11)
    actions = await _actions(client, uri, L.Range(at, at))
    assert [a.title for a in actions] == ["replace with `Q-1`", "replace with `Q-3`"]
    assert not any(a.is_preferred for a in actions)  # two names: neither is certain
    sets = tmp_path / "sets.imx"
    sets.write_text(SETS.replace("T-1", "Q-3"), encoding="utf-8")
    sets_hover = await _hover(client, _open(client, sets), SETS.replace("T-1", "Q-3"), "csf C-1", 5)
    assert "Quality first" in sets_hover and "kpis: Q-1, Q-3" in sets_hover


@pytest.mark.asyncio
async def test_renaming_an_event_renames_it_in_example_tables(
    client: LanguageClient, tmp_path: Path
) -> None:
    example = """\
example "b after a" for Q-1 {
    as_of 2026-02-01T00:00Z
    events {
        study | site | subject | timepoint | event | at
        S1    | 001  | 1001    | BL        | a     | 2026-01-05T10:00Z
        S1    | 001  | 1001    | BL        | b     | 2026-01-06T10:00Z
    }
    expect value = 100%
}
"""
    ex = tmp_path / "examples.imx"
    ex.write_text(example, encoding="utf-8")
    client.workspace_did_change_watched_files(
        L.DidChangeWatchedFilesParams([L.FileEvent(_uri(ex), L.FileChangeType.Created)])
    )
    await _diagnostics(client, _uri(ex), lambda ds: True)  # the new file is part of the project
    schema = _open(client, tmp_path / "schema.imx")
    edit = await client.text_document_rename_async(
        L.RenameParams(L.TextDocumentIdentifier(schema), _pos(SCHEMA, "    b ", 4), "b_done")
    )
    assert edit is not None and edit.changes is not None
    renamed = _apply(example, edit.changes[_uri(ex)])
    assert "| b_done     | 2026-01-06" in renamed.replace("b_done |", "b_done     |")
    assert renamed.count("b_done") == 1 and "| a     |" in renamed
    assert len(edit.changes[_uri(tmp_path / "metrics.imx")]) == 3
