"""Workspace folders and open editors in → the project loaded, checked and indexed (``Analysis``).

The project is what ``imx check FOLDER`` sees (the folder's ``.imx`` files and their imports,
found by ``project.imx_files``), with the unsaved text of each open editor in place of its file.
A file's tree is kept while its text is unchanged, and after an edit only the items the edit
touched are parsed again (``syntax.incremental``); the check keeps its steps between edits
(``checker.Memo``), so only the declarations the edit changed and the checked results that depend
on them are checked again.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from pathlib import Path

from imx.checker import CheckResult, Memo, rare_collections
from imx.checker import check as check_project
from imx.diagnostics import Diagnostic
from imx.lsp.index import Index, build_index
from imx.lsp.positions import Lines
from imx.model import Model
from imx.project import Project, imx_files, load_sources
from imx.syntax import ast as A
from imx.syntax.incremental import reparse
from imx.syntax.parser import ParseResult

_RESCAN_SECONDS = 2.0


@dataclass(frozen=True)
class Analysis:
    """One consistent view of the project: its trees, diagnostics, index and the model."""

    project: Project
    result: CheckResult
    model: Model | None  # the last model checked without errors (the current one if it has none)
    texts: dict[str, str]  # every loaded file's text, by its display path

    @functools.cached_property
    def index(self) -> Index:
        """The names of the project, indexed when a request first needs them (publishing the
        diagnostics of an edit does not)."""
        return build_index(self.project.modules)

    def module(self, file: str) -> A.Module | None:
        return next((m for m in self.project.modules if m.path == file), None)

    def diagnostics_of(self, file: str) -> list[Diagnostic]:
        return [d for d in self.result.diagnostics if d.file == file]

    def is_imported(self, file: str) -> bool:
        """Whether ``file`` came in by an ``import`` (a standard-library file): never edited."""
        return file in self.project.imported


@dataclass
class Workspace:
    """The folders an editor opened and the texts of its open files."""

    roots: list[Path]
    stdlib_root: Path | None = None
    open_texts: dict[Path, str] = field(default_factory=dict)  # by resolved path
    _parsed: dict[str, tuple[str, ParseResult]] = field(default_factory=dict)
    _lines: dict[str, tuple[str, Lines]] = field(default_factory=dict)
    _files: list[Path] = field(default_factory=list)
    _scanned: float = -1e9
    _model: Model | None = None
    memo: Memo = field(default_factory=Memo)  # the steps of the last check, reused by the next

    def set_text(self, path: Path, text: str) -> None:
        self.open_texts[path.resolve()] = text

    def close(self, path: Path) -> None:
        self.open_texts.pop(path.resolve(), None)

    def rescan(self) -> None:
        """Forget the list of files on disk (one was created, deleted or renamed)."""
        self._scanned = -1e9

    def files(self) -> list[Path]:
        """The project's files: every ``.imx`` under the roots, and every open ``.imx`` file."""
        now = time.monotonic()
        if now - self._scanned > _RESCAN_SECONDS:
            self._files = sorted({p.resolve() for root in self.roots for p in _imx_files(root)})
            self._scanned = now
        extra = [p for p in self.open_texts if p.suffix == ".imx" and p not in set(self._files)]
        return [*self._files, *sorted(extra)]

    def analyze(self, *, check: bool = True, previous: Analysis | None = None) -> Analysis:
        """Load and index the project as it stands in the editor, and check it.

        Without ``check`` the diagnostics are ``previous``'s (a request answered between an edit
        and its check needs the names where they are now, not the diagnostics).
        """
        with rare_collections():
            project = load_sources(
                [str(p) for p in self.files()],
                stdlib_root=self.stdlib_root,
                overlay=self.open_texts,
                parser=self._parse,
            )
            if check or previous is None:
                result = check_project(project, self.memo)
            else:
                result = previous.result
        if result.model is not None:
            self._model = result.model
        texts = {name: src.text for name, src in project.sources.items()}
        return Analysis(project, result, self._model, texts)

    def lines(self, file: str, text: str) -> Lines:
        """The line index of ``text`` (kept while the file's text is unchanged)."""
        hit = self._lines.get(file)
        if hit is not None and hit[0] is text:
            return hit[1]
        lines = Lines(text)
        self._lines[file] = (text, lines)
        return lines

    def _parse(self, text: str, path: str) -> ParseResult:
        """The file's last tree while its text is unchanged; after an edit, the items the edit
        touched parsed again (``syntax.incremental``)."""
        hit = self._parsed.get(path)
        if hit is not None and hit[0] == text:
            return hit[1]
        result = reparse(hit[1] if hit is not None else None, text, path)
        self._parsed[path] = (text, result)
        return result


def _imx_files(root: Path) -> list[Path]:
    """The ``.imx`` files under a root (a folder, or one file), as ``imx check`` finds them."""
    if root.is_file():
        return [root] if root.suffix == ".imx" else []
    return imx_files(root)
