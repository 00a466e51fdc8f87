"""Project loading: paths (files, folders, `import stdlib…`) in → parsed modules and diagnostics."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from imx import _resources
from imx import messages as M
from imx.diagnostics import Diagnostic, DiagnosticSink, available, did_you_mean
from imx.source import NO_SPAN, SourceFile, Span, decode_text
from imx.syntax import ast as A
from imx.syntax.parser import ParseResult, parse

STDLIB = "stdlib"


@dataclass(frozen=True)
class Project:
    """The parsed files of a project, each after the files it imports."""

    sources: dict[str, SourceFile]
    modules: tuple[A.Module, ...]
    diagnostics: tuple[Diagnostic, ...]
    imported: frozenset[str] = field(default=frozenset())  # paths brought in by `import`

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(m.path for m in self.modules)


@dataclass
class _Loader:
    stdlib_root: Path | None
    sink: DiagnosticSink = field(default_factory=DiagnosticSink)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    modules: list[A.Module] = field(default_factory=list)
    seen: set[Path] = field(default_factory=set)
    imported: set[str] = field(default_factory=set)
    overlay: Mapping[Path, str] = field(default_factory=dict)  # unsaved texts by resolved path
    parser: Callable[[str, str], ParseResult] = parse

    def load(self, path: Path, display: str, *, via_import: bool = False) -> None:
        key = path.resolve()
        if key in self.seen:
            return
        self.seen.add(key)
        text = self.overlay.get(key)
        if text is None:
            text = self._read(path, display)
        if text is None:
            return
        result = self.parser(text, display)
        self.sources[display] = result.source
        self.sink.extend(result.diagnostics)
        if via_import:
            self.imported.add(display)
        if result.module is None:
            return
        for item in result.module.items:  # imports first: what a file uses is defined before it
            if isinstance(item, A.Import):
                self._import(item, display)
        self.modules.append(result.module)

    def _read(self, path: Path, display: str) -> str | None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.sink.report(M.FILE_NOT_FOUND.format(display), display, NO_SPAN)
            return None
        except OSError as exc:
            msg = M.FILE_UNREADABLE.format(display, exc.strerror or exc)
            self.sink.report(msg, display, NO_SPAN)
            return None
        try:
            return decode_text(data)
        except UnicodeDecodeError as exc:
            msg = M.FILE_UNREADABLE.format(display, f"not UTF-8 text (byte {exc.start})")
            self.sink.report(msg, display, Span(0, 0))
            return None

    def _import(self, item: A.Import, file: str) -> None:
        parts = [n.text for n in item.path]
        if parts[0] != STDLIB or len(parts) > 2:
            self._unknown_import(item, file, [STDLIB])
            return
        root = self._stdlib(item, file)
        if root is None:
            return
        files = sorted(root.glob("*.imx"))
        if len(parts) == 2:
            wanted = [f for f in files if f.stem == parts[1]]
            if not wanted:
                self._unknown_import(item, file, [f"{STDLIB}.{f.stem}" for f in files])
                return
            files = wanted
        for found in files:
            self.load(found, str(found), via_import=True)

    def _stdlib(self, item: A.Import, file: str) -> Path | None:
        if self.stdlib_root is not None:
            return self.stdlib_root
        try:
            return _resources.stdlib_path()
        except FileNotFoundError as exc:
            self.sink.report(M.STDLIB_MISSING.format(exc), file, item.span)
            return None

    def _unknown_import(self, item: A.Import, file: str, candidates: list[str]) -> None:
        hints = did_you_mean(item.dotted, candidates) or available("imports", candidates)
        msg = M.UNKNOWN_IMPORT.format(item.dotted)
        self.sink.report(msg, file, item.span, hints=hints)


SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__"})


def skipped_folder(folder: Path) -> bool:
    """Whether a folder met inside a project holds no part of it: a hidden folder (``.git``,
    ``.venv``), a virtualenv under any name (it holds ``pyvenv.cfg``), ``node_modules`` or
    ``__pycache__``."""
    name = folder.name
    return name.startswith(".") or name in SKIPPED_FOLDERS or (folder / "pyvenv.cfg").is_file()


def imx_files(folder: Path) -> list[Path]:
    """The ``.imx`` files under ``folder``, sorted, not looking into the folders
    :func:`skipped_folder` leaves out (the one rule of ``imx check``, ``imx fmt`` and ``imx lsp``).

    >>> imx_files(Path("no/such/folder"))
    []
    """
    found: list[Path] = []
    for top, folders, files in os.walk(folder):
        here = Path(top)
        folders[:] = sorted(f for f in folders if not skipped_folder(here / f))
        found.extend(here / f for f in files if f.endswith(".imx") and (here / f).is_file())
    return sorted(found)


def expand(paths: Sequence[str | Path], sink: DiagnosticSink) -> list[tuple[Path, str]]:
    """The ``.imx`` files named by ``paths``: files as given, folders searched recursively
    (:func:`imx_files`)."""
    found: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = imx_files(path)
            if not files:
                sink.report(M.NO_IMX_FILES.format(raw), str(raw), NO_SPAN)
            found.extend((p, str(p)) for p in files)
        else:
            found.append((path, str(raw)))
    return found


def load_sources(
    paths: Sequence[str | Path],
    *,
    stdlib_root: Path | None = None,
    overlay: Mapping[Path, str] | None = None,
    parser: Callable[[str, str], ParseResult] = parse,
) -> Project:
    """Read and parse every file of a project and the standard-library files it imports.

    Missing, unreadable or non-UTF-8 files become diagnostics, never exceptions; each file (and
    each standard-library file, however often imported) is loaded once. An editor passes the
    unsaved texts of its open files (``overlay``, by resolved path) and a ``parser`` that reuses
    the trees of texts it has parsed before.

    >>> load_sources(["no/such/file.imx"]).diagnostics[0].code
    'file-not-found'
    """
    loader = _Loader(stdlib_root, overlay=overlay or {}, parser=parser)
    for path, display in expand(paths, loader.sink):
        loader.load(path, display)
    return Project(
        sources=dict(loader.sources),
        modules=tuple(loader.modules),
        diagnostics=tuple(loader.sink.sorted()),
        imported=frozenset(loader.imported),
    )
