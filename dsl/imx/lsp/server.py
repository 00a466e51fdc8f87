"""LSP messages over stdio in → the imx features answered, diagnostics published (``imx lsp``).

Diagnostics are published after an edit (at once after a quiet spell; a burst of edits is
checked when it pauses, debounced), for every file of the workspace
that was edited or whose diagnostics changed. Requests (hover, completion, …) read a fresh index of the project as
the editor holds it without waiting for the check. A failure inside a handler is logged to the
client and answered with nothing; the server goes on serving.
"""

from __future__ import annotations

import asyncio
import functools
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as L
from pygls.exceptions import JsonRpcInvalidRequest
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from imx import __version__
from imx.lsp import edit, navigate
from imx.lsp.positions import Lines
from imx.lsp.workspace import Analysis, Workspace

DEBOUNCE_SECONDS = 0.03
R = TypeVar("R")


class ImxServer(LanguageServer):
    """The imx language server: a workspace, its last analysis, and the diagnostics it sent."""

    def __init__(self, stdlib_root: Path | None = None) -> None:
        super().__init__("imx", __version__, text_document_sync_kind=L.TextDocumentSyncKind.Full)
        self.imx = Workspace([], stdlib_root)
        self.checked: Analysis | None = None  # the last analysis with a check
        self.stale = True  # an edit since the last check
        self.pending: asyncio.TimerHandle | None = None
        self.last_edit = -1e9
        self.sent: dict[str, tuple[int, tuple[tuple[str, int, int, str], ...]]] = {}

    # ------------------------------------------------------------------ analyses
    def fresh(self) -> Analysis:
        """The project as the editor holds it, indexed; checked only if nothing changed since."""
        if not self.stale and self.checked is not None:
            return self.checked
        return self.imx.analyze(check=False, previous=self.checked)

    def lines_of(self, analysis: Analysis) -> Callable[[str], Lines]:
        return lambda file: self.imx.lines(file, analysis.texts.get(file, ""))

    def schedule_check(self) -> None:
        """Check soon: at once after a quiet spell, else when the burst of edits pauses."""
        self.stale = True
        now = time.monotonic()
        burst = now - self.last_edit < DEBOUNCE_SECONDS
        self.last_edit = now
        if self.pending is not None:
            self.pending.cancel()
        delay = DEBOUNCE_SECONDS if burst else 0.0
        self.pending = asyncio.get_running_loop().call_later(delay, self.check_now)

    def check_now(self) -> None:
        self.pending = None
        try:
            self.checked = self.imx.analyze()
            self.stale = False
            self.publish(self.checked)
        except Exception:  # noqa: BLE001 - logged; the server keeps serving
            self.log_failure("checking the project")

    def publish(self, analysis: Analysis) -> None:
        lines_of = self.lines_of(analysis)
        files = [f for f in analysis.texts if not analysis.is_imported(f)]
        for file in sorted({*files, *self.sent}):
            diags = analysis.diagnostics_of(file)
            found = tuple((d.code, d.span.start, d.span.end, d.message) for d in diags)
            key = (hash(analysis.texts.get(file)), found)  # an edited file hears again, too
            if self.sent.get(file) == key:
                continue
            self.sent[file] = key
            params = L.PublishDiagnosticsParams(
                navigate.uri_of(file), [edit.to_lsp(d, lines_of) for d in diags]
            )
            self.text_document_publish_diagnostics(params)

    def log_failure(self, doing: str) -> None:
        detail = traceback.format_exc(limit=8)
        message = f"imx lsp: an error while {doing} (a bug in imx, please report it):\n{detail}"
        self.window_log_message(L.LogMessageParams(L.MessageType.Error, message))


def guarded(doing: str, default: Any) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Answer ``default`` (and log) when the handler fails, instead of failing the request."""

    def wrap(handler: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(handler)
        def run(server: ImxServer, params: Any) -> R:
            try:
                return handler(server, params)
            except JsonRpcInvalidRequest:
                raise
            except Exception:  # noqa: BLE001 - logged; the server keeps serving
                server.log_failure(doing)
                return default  # type: ignore[no-any-return]

        return run

    return wrap


def _file(uri: str) -> str:
    path = to_fs_path(uri)
    return str(Path(path).resolve()) if path else uri


def _at(server: ImxServer, uri: str, position: L.Position) -> tuple[Analysis, str, int]:
    analysis = server.fresh()
    file = _file(uri)
    offset = server.imx.lines(file, analysis.texts.get(file, "")).offset(position)
    return analysis, file, offset


def build_server(stdlib_root: Path | None = None) -> ImxServer:
    """A server with every feature registered (``start_io`` runs it)."""
    server = ImxServer(stdlib_root)
    _documents(server)
    _navigation(server)
    _editing(server)
    return server


def _documents(server: ImxServer) -> None:
    @server.feature(L.INITIALIZED)
    def initialized(ls: ImxServer, params: L.InitializedParams) -> None:
        folders = [to_fs_path(f.uri) for f in ls.workspace.folders.values()]
        roots = [Path(p) for p in folders if p] or (
            [Path(ls.workspace.root_path)] if ls.workspace.root_path else []
        )
        ls.imx.roots = [r.resolve() for r in roots]
        ls.check_now()

    @server.feature(L.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: ImxServer, params: L.DidOpenTextDocumentParams) -> None:
        ls.imx.set_text(Path(_file(params.text_document.uri)), params.text_document.text)
        ls.schedule_check()

    @server.feature(L.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: ImxServer, params: L.DidChangeTextDocumentParams) -> None:
        for change in params.content_changes:  # full sync: each change is the whole text
            ls.imx.set_text(Path(_file(params.text_document.uri)), change.text)
        ls.schedule_check()

    @server.feature(L.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: ImxServer, params: L.DidCloseTextDocumentParams) -> None:
        ls.imx.close(Path(_file(params.text_document.uri)))  # the file on disk counts again
        ls.schedule_check()

    @server.feature(L.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: ImxServer, params: L.DidSaveTextDocumentParams) -> None:
        ls.schedule_check()

    @server.feature(L.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched(ls: ImxServer, params: L.DidChangeWatchedFilesParams) -> None:
        ls.imx.rescan()
        ls.schedule_check()


def _navigation(server: ImxServer) -> None:
    @server.feature(L.TEXT_DOCUMENT_HOVER)
    @guarded("answering a hover", None)
    def hover(ls: ImxServer, params: L.HoverParams) -> L.Hover | None:
        analysis, file, offset = _at(ls, params.text_document.uri, params.position)
        return navigate.hover(analysis, ls.lines_of(analysis), file, offset)

    @server.feature(L.TEXT_DOCUMENT_DEFINITION)
    @guarded("finding a definition", [])
    def definition(ls: ImxServer, params: L.DefinitionParams) -> list[L.Location]:
        analysis, file, offset = _at(ls, params.text_document.uri, params.position)
        return navigate.definition(analysis, ls.lines_of(analysis), file, offset)

    @server.feature(L.TEXT_DOCUMENT_REFERENCES)
    @guarded("finding references", [])
    def references(ls: ImxServer, params: L.ReferenceParams) -> list[L.Location]:
        analysis, file, offset = _at(ls, params.text_document.uri, params.position)
        declaration = params.context.include_declaration
        lines_of = ls.lines_of(analysis)
        return navigate.references(analysis, lines_of, file, offset, declaration=declaration)

    @server.feature(L.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @guarded("listing symbols", [])
    def symbols(ls: ImxServer, params: L.DocumentSymbolParams) -> list[L.DocumentSymbol]:
        analysis = ls.fresh()
        file = _file(params.text_document.uri)
        module = analysis.module(file)
        if module is None:
            return []
        return navigate.document_symbols(module, ls.imx.lines(file, analysis.texts[file]))

    @server.feature(L.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded("preparing a rename", None)
    def prepare_rename(ls: ImxServer, params: L.PrepareRenameParams) -> L.Range | None:
        analysis, file, offset = _at(ls, params.text_document.uri, params.position)
        try:
            occ = navigate.prepare_rename(analysis, file, offset)
        except navigate.RenameRefused as exc:
            raise JsonRpcInvalidRequest(str(exc)) from exc
        return ls.imx.lines(file, analysis.texts[file]).range(occ.span)

    @server.feature(L.TEXT_DOCUMENT_RENAME)
    @guarded("renaming", None)
    def rename(ls: ImxServer, params: L.RenameParams) -> L.WorkspaceEdit | None:
        analysis, file, offset = _at(ls, params.text_document.uri, params.position)
        try:
            return navigate.rename(analysis, ls.lines_of(analysis), file, offset, params.new_name)
        except navigate.RenameRefused as exc:
            raise JsonRpcInvalidRequest(str(exc)) from exc


def _editing(server: ImxServer) -> None:
    @server.feature(L.TEXT_DOCUMENT_COMPLETION)
    @guarded("completing", None)
    def completion(ls: ImxServer, params: L.CompletionParams) -> L.CompletionList | None:
        analysis, file, offset = _at(ls, params.text_document.uri, params.position)
        return edit.completion(analysis, file, analysis.texts.get(file, ""), offset)

    @server.feature(L.TEXT_DOCUMENT_FORMATTING)
    @guarded("formatting", [])
    def formatting(ls: ImxServer, params: L.DocumentFormattingParams) -> list[L.TextEdit]:
        analysis = ls.fresh()
        file = _file(params.text_document.uri)
        text = analysis.texts.get(file, "")
        return edit.formatting(text, ls.imx.lines(file, text), file)

    @server.feature(
        L.TEXT_DOCUMENT_CODE_ACTION,
        L.CodeActionOptions(code_action_kinds=[L.CodeActionKind.QuickFix]),
    )
    @guarded("listing code actions", [])
    def code_action(ls: ImxServer, params: L.CodeActionParams) -> list[L.CodeAction]:
        if ls.stale or ls.checked is None:
            ls.check_now()  # actions come from diagnostics: they must be the text's own
        analysis = ls.checked
        if analysis is None:
            return []
        file = _file(params.text_document.uri)
        span = ls.imx.lines(file, analysis.texts.get(file, "")).span(params.range)
        return edit.code_actions(analysis, ls.lines_of(analysis), file, span)


def serve(stdlib_root: Path | None = None) -> None:
    """Run the server over stdin and stdout until the client asks it to exit."""
    build_server(stdlib_root).start_io()
