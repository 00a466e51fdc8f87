"""Source files of a project in → the written text and history of each metric and variant out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from imx.source import SourceFile, line_start, read_text
from imx.syntax import ast as A
from imx.syntax.parser import parse


@dataclass(frozen=True)
class Declared:
    """One declaration as written: the file, its text, and its ``history`` entries."""

    file: str
    text: str
    history: tuple[str, ...] = ()


@dataclass
class SourceIndex:
    """Metric declarations by key (``XFER-OT``, ``XFER-OT@2014``) and variant declarations by
    ``(base as written, name)``."""

    metrics: dict[str, Declared] = field(default_factory=dict)
    variants: dict[tuple[str, str], Declared] = field(default_factory=dict)

    @classmethod
    def build(cls, sources: Mapping[str, SourceFile]) -> SourceIndex:
        """Parse every source and index its metric and variant declarations."""
        index = cls()
        for path in sorted(sources):
            source = sources[path]
            module = parse(source.text, path).module
            if module is not None:
                index._add(module.items, source)
        return index

    @classmethod
    def from_files(cls, files: Iterable[str]) -> SourceIndex:
        """The index of the files a model was checked from, read from disk where they exist."""
        sources: dict[str, SourceFile] = {}
        for name in files:
            path = Path(name)
            if path.is_file():
                sources[name] = SourceFile(name, read_text(path))
        return cls.build(sources)

    def _add(self, items: Iterable[A.Item], source: SourceFile) -> None:
        for item in items:
            if isinstance(item, A.MetricDecl):  # by version key: `XFER-OT@2014` (rule 27)
                version = item.version.value if item.version is not None else None
                name = item.name.text if version is None else f"{item.name.text}@{version}"
                self.metrics[name] = _declared(item, item.fields, source)
            elif isinstance(item, A.VariantDecl):
                key = (item.base.text, item.name.text)
                self.variants[key] = _declared(item, item.fields, source)


def _declared(node: A.Node, fields: Iterable[A.MetricField], source: SourceFile) -> Declared:
    text = source.text[node.span.start : node.span.end]
    indent = _indent_of(source.text, node.span.start)
    history = tuple(
        f.text.value
        for f in (x.clause if isinstance(x, A.ModedClause) else x for x in fields)
        if isinstance(f, A.HistoryClause)
    )
    return Declared(source.path, indent + text, history)


def _indent_of(text: str, offset: int) -> str:
    prefix = text[line_start(text, offset) : offset]
    return prefix if not prefix.strip() else ""
