"""Format a parsed imx module (with its source text, for comments) into canonical imx text.

The layout, in brief (the language reference has the full list): four-space indentation in blocks;
one blank line between top-level items, except that runs of ``import`` or ``unit`` lines stay
together; inside a block at most one blank line, kept where the author left one; field keywords
padded to the longest keyword of their block plus one space; table columns, event titles, ``unit``
names, example-table cells and trailing comments aligned; bands on one line; lists past 100
characters wrapped after a comma under their first item; triple-quoted text re-indented under its
field; the fewest parentheses precedence allows; numbers, percentages and dates as written. Every
comment is kept: a whole-line comment before the line it preceded, a trailing one at its line's end.
``format_source`` (text) and ``format_file`` (a file, in place) refuse to give a text that would
read differently from the original: another tree, other comments or other diagnostics.
"""

from __future__ import annotations

import bisect
import os
import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from imx import messages as M
from imx.diagnostics import Diagnostic
from imx.source import SourceFile, Span, line_start, read_text, split_lines
from imx.syntax import ast as A
from imx.syntax.parser import ParseResult, parse, strings_or_comments

MAX_WIDTH = 100
INDENT = "    "


@dataclass(frozen=True)
class FormatResult:
    """The formatted text, or ``None`` (with the diagnostics) when the file does not parse."""

    text: str | None
    diagnostics: tuple[Diagnostic, ...]


def format_source(text: str, path: str = "<input>") -> FormatResult:
    """Format one file's text; a file with syntax errors is refused, never rewritten.

    >>> format_source("unit  site=study ,site", "a.imx").text
    'unit site = study, site\\n'
    >>> format_source("unit site =", "a.imx").text is None
    True
    """
    result = parse(text, path)
    if result.module is None or any(d.is_error for d in result.diagnostics):
        return FormatResult(None, result.diagnostics)
    out = format_module(result.module, text)
    changed = _changed_meaning(result, parse(out, path))
    if changed is not None:
        return FormatResult(None, (changed,))
    return FormatResult(out, result.diagnostics)


def _changed_meaning(before: ParseResult, after: ParseResult) -> Diagnostic | None:
    """A refusal if the formatted text reads differently from the original, else ``None``.

    The guard behind "formatting never changes what a file means": the syntax trees (spans
    aside), the comments and the diagnostics of the two texts must be the same.
    """
    old, new = before.module, after.module
    assert old is not None
    what = None
    if new is None or new != old:
        what = "its definitions"
    elif Counter(_ctext(c) for c in new.comments) != Counter(_ctext(c) for c in old.comments):
        what = "its comments"
    elif [(d.code, d.message) for d in after.diagnostics] != [
        (d.code, d.message) for d in before.diagnostics
    ]:
        what = "its diagnostics"
    if what is None:
        return None
    span = _first_difference(old, new)
    return Diagnostic(M.FORMAT_CHANGES_MEANING.format(what), before.source.path, span)


def _first_difference(old: A.Module, new: A.Module | None) -> Span:
    """The span of the first item of ``old`` that the formatted text does not reproduce."""
    theirs = new.items if new is not None else ()
    for i, item in enumerate(old.items):
        if i >= len(theirs) or theirs[i] != item:
            return item.span
    return Span(0, 0)


@dataclass(frozen=True)
class FileOutcome:
    """What formatting one file did: rewritten (or would be), left alone, or refused and why."""

    changed: bool
    source: SourceFile | None = None  # the text read, to show refusals against
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None  # the file could not be read or written

    @property
    def refused(self) -> bool:
        return self.error is not None or any(d.is_error for d in self.diagnostics)


def format_file(path: Path, *, write: bool) -> FileOutcome:
    """Format one file in place (``write``) or only say whether it would change.

    The file is read and written with its line ends as they are (no newline translation), so the
    formatter sees exactly the text ``imx check`` reads; a file that cannot be read, does not parse,
    or would read differently once formatted is refused and left untouched.
    """
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        return FileOutcome(False, error=M.FMT_CANNOT_READ.format(path, _reason(exc)))
    source = SourceFile(str(path), text)
    result = format_source(text, str(path))
    if result.text is None:
        return FileOutcome(False, source, result.diagnostics)
    if result.text == text:
        return FileOutcome(False, source)
    if write:
        try:
            _replace_text(path, result.text)
        except OSError as exc:
            return FileOutcome(False, source, error=M.FMT_CANNOT_WRITE.format(path, _reason(exc)))
    return FileOutcome(True, source)


def _replace_text(path: Path, text: str) -> None:
    """Replace a file's text in one step, so that a failed write leaves the file as it was.

    The text goes to a temporary file beside the real one (a symlink's target), which takes the
    file's permissions and then its place.
    """
    target = path.resolve()
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with temp.open("w", encoding="utf-8", newline="") as out:
            out.write(text)
        shutil.copymode(target, temp)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _reason(exc: OSError | UnicodeDecodeError) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte {exc.start})"
    return str(exc.strerror or exc)


def format_module(module: A.Module, source_text: str) -> str:
    """The canonical text of ``module``; ``source_text``, the text it came from, places comments.

    >>> from imx.syntax.parser import parse
    >>> text = "metric A {  # the A\\n  per timepoint\\n}\\n"
    >>> print(format_module(parse(text).module, text), end="")
    metric A {  # the A
        per timepoint
    }
    """
    lines = _layout_module(module, _Source(source_text))
    return _Weaver(_Source(source_text), module.comments).weave(lines)


# ------------------------------------------------------------------------------ expressions


def _str(s: A.Str, indent: str, block: bool = False) -> str:
    """A string literal; triple-quoted text is a block indented under ``indent`` when ``block``
    is set or it does not fit on one line."""
    if s.triple and not block and _one_line(s.value):
        return f'"""{s.value}"""'
    if s.triple:
        body = "".join(f"{indent}{INDENT}{ln}\n" if ln else "\n" for ln in s.value.split("\n"))
        return f'"""\n{body}{indent}"""' if s.value else f'"""\n{indent}"""'
    return '"' + "".join(_escape(ch) for ch in s.value) + '"'


def _one_line(value: str) -> bool:
    return bool(value) and value == value.strip() and "\n" not in value and '"' not in value


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ch.isprintable():
        return ch
    code = ord(ch)
    return (
        f"\\x{code:02x}"
        if code < 0x100
        else f"\\u{code:04x}"
        if code < 0x10000
        else f"\\U{code:08x}"
    )


def _lit(lit: A.Literal | A.Name, indent: str) -> str:
    if isinstance(lit, A.PercentLit):
        return lit.text + "%"
    if isinstance(lit, A.DurationLit):
        return f"{lit.amount.text} {lit.unit.text}"
    if isinstance(lit, A.StringLit):
        return _str(lit.value, indent)
    return lit.text


def _prec(e: A.Expr) -> int:
    """Binding strength: or < and < not < comparison/within < + - < * / < unary < atoms."""
    if isinstance(e, A.BoolOp):
        return 1 if e.op == "or" else 2
    if isinstance(e, A.Not):
        return 3
    if isinstance(e, A.Compare | A.Within):
        return 4
    if isinstance(e, A.Arith):
        return 5 if e.op in ("+", "-") else 6
    if isinstance(e, A.Negate):
        return 7
    return 8


def _sub(e: A.Expr, minimum: int, indent: str) -> str:
    text = _expr(e, indent)
    return text if _prec(e) >= minimum else f"({text})"


def _expr(e: A.Expr, indent: str) -> str:
    """An expression with the fewest parentheses that keep its tree."""
    if isinstance(e, A.BoolOp):
        least = (
            3 if e.op == "and" else 2
        )  # a nested `and` in `and` needs parentheses to stay nested
        return f" {e.op} ".join(_sub(o, least, indent) for o in e.operands)
    if isinstance(e, A.Not):
        return "not " + _sub(e.operand, 3, indent)
    if isinstance(e, A.Compare):
        return f"{_sub(e.left, 5, indent)} {e.op} {_sub(e.right, 5, indent)}"
    if isinstance(e, A.Within):
        parts = (_sub(p, 5, indent) for p in (e.target, e.window, e.anchor))
        return "{} within {} of {}".format(*parts)
    if isinstance(e, A.Arith):
        level = _prec(e)
        return f"{_sub(e.left, level, indent)} {e.op} {_sub(e.right, level + 1, indent)}"
    if isinstance(e, A.Negate):
        return "-" + _sub(e.operand, 7, indent)
    if isinstance(e, A.EventFact):
        return f"{e.kind} {e.event.text}{_filter(e.filter, indent)}"
    if isinstance(e, A.FilteredName):
        return e.name.text + _filter(e.filter, indent)
    if isinstance(e, A.AttributeOf):
        return f"{e.attribute.text} of {_expr(e.fact, indent)}"
    if isinstance(e, A.CountDistinct):
        of = f"{e.attribute.text} of {e.event.text}"
        return f"count distinct {of}{_filter(e.filter, indent)}"
    if isinstance(e, A.FilterCompare):
        return f"{e.column.text} {e.op} {_expr(e.value, indent)}"
    if isinstance(e, A.FilterIn):
        return f"{e.column.text} in ({', '.join(_lit(v, indent) for v in e.values)})"
    if isinstance(e, A.Call):
        return f"{e.func.text}({', '.join(_expr(a, indent) for a in e.args)})"
    if isinstance(e, A.NameRef):
        return e.name.text
    return _lit(e, indent)


def _count_amount(amount: A.Expr, indent: str) -> str:
    """What a `count` clause counts; `count count distinct …` is written `count distinct …`."""
    text = _expr(amount, indent)
    return text.removeprefix("count ") if isinstance(amount, A.CountDistinct) else text


def _filter(cond: A.Expr | None, indent: str) -> str:
    """``[COND]`` after an event name, or nothing."""
    return "" if cond is None else f"[{_expr(cond, indent)}]"


def _names(names: Sequence[A.Name]) -> list[str]:
    return [n.text for n in names]


def _wrap(prefix: str, items: Sequence[str]) -> str:
    """``prefix`` and the items joined by commas, wrapped under the first item past MAX_WIDTH."""
    lines: list[str] = []
    current = prefix
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if current != prefix and len(current) + 1 + len(piece) > MAX_WIDTH:
            lines.append(current)
            current = " " * len(prefix) + piece
        else:
            current += piece if current == prefix else " " + piece
    lines.append(current)
    return "\n".join(lines)


# ------------------------------------------------------------------------------ source lines


class _Source:
    """Line numbers and blank lines of the source text (blank lines inside strings do not count)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.file = SourceFile("", text)  # lines end as imx.source says
        inside: set[int] = set()
        for m in strings_or_comments().finditer(text):
            inside.update(range(self.line(m.start()) + 1, self.line(m.end())))
        rows = split_lines(text)
        self.blank = [not row.strip() and i not in inside for i, row in enumerate(rows)]

    def line(self, offset: int) -> int:
        """The 0-based line of ``offset``."""
        return self.file.position(offset).line - 1

    def blank_between(self, first: int, last: int) -> bool:
        """Whether a blank line lies strictly between lines ``first`` and ``last``."""
        return any(self.blank[first + 1 : max(last, first + 1)])

    def code_before(self, offset: int) -> bool:
        return bool(self.text[line_start(self.text, offset) : offset].strip())


# ------------------------------------------------------------------------------ layout


_Blank = Literal["always", "never", "keep"]


@dataclass
class _Line:
    """One output line (several physical lines for wrapped lists and blocks of text).

    ``start``/``end`` are the source offsets of what it prints, used to place comments; ``blank``
    says whether a blank line may precede it: ``always``, ``never`` or ``keep`` (if the source
    had one).
    """

    text: str
    indent: str
    start: int
    end: int
    blank: _Blank = "keep"
    close: bool = False
    comment_indent: str = field(default="")

    def __post_init__(self) -> None:
        if not self.comment_indent:
            self.comment_indent = self.indent


@dataclass(frozen=True)
class _Field:
    """A keyword and its value; a list value wraps, an unaligned field is not padded."""

    keyword: str
    value: str | list[str]
    node: A.Node
    aligned: bool = True


def _fields_lines(fields: Sequence[_Field], indent: str, extra: int = 1) -> list[_Line]:
    width = max((len(f.keyword) for f in fields if f.aligned), default=0)
    out = []
    for i, f in enumerate(fields):
        head = indent + (f.keyword.ljust(width + extra - 1) if f.aligned else f.keyword) + " "
        text = _wrap(head, f.value) if isinstance(f.value, list) else head + f.value
        span = f.node.span
        out.append(
            _Line(text.rstrip(" "), indent, span.start, span.end, "never" if i == 0 else "keep")
        )
    return out


def _block(
    node: A.Node, header: str, header_end: int, children: list[_Line], indent: str, blank: _Blank
) -> list[_Line]:
    opening = _Line(f"{indent}{header} {{", indent, node.span.start, header_end, blank)
    end = node.span.end
    closing = _Line(indent + "}", indent, end - 1, end, "keep", True, indent + INDENT)
    return [opening, *children, closing]


def _title(title: A.Str | None, indent: str) -> str:
    return "" if title is None else " " + _str(title, indent)


def _end(*nodes: A.Node | None) -> int:
    return max(n.span.end for n in nodes if n is not None)


def _columns(rows: Sequence[Sequence[str]], sep: str) -> list[str]:
    """Rows of cells with every column padded to its widest cell (trailing spaces dropped)."""
    widths: dict[int, int] = {}
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths.get(i, 0), len(cell))
    out = []
    for row in rows:
        cells = [c.ljust(widths[i]) if i < len(row) - 1 else c for i, c in enumerate(row)]
        out.append(sep.join(cells).rstrip(" "))
    return out


def _column_lines(
    nodes: Sequence[A.Node], rows: list[list[str]], indent: str, sep: str
) -> list[_Line]:
    texts = _columns(rows, sep)
    return [
        _Line(indent + t, indent, n.span.start, n.span.end, "never" if i == 0 else "keep")
        for i, (n, t) in enumerate(zip(nodes, texts, strict=True))
    ]


# ------------------------------------------------------------------------------ fields

_Render = Callable[[Any, str], "str | list[str]"]


def _moded(c: A.ModedClause, indent: str) -> _Field:
    inner = _field(c.clause, indent)
    return _Field(f"{c.mode.text} {inner.keyword}", inner.value, c, inner.aligned)


def _bands(c: A.BandsClause, indent: str) -> str:
    parts = []
    for b in c.bands:
        if isinstance(b, A.BandCompare):
            parts.append(f"{b.name.text} {b.op} {_lit(b.value, indent)}")
        elif isinstance(b, A.BandRange):
            parts.append(f"{b.name.text} {_lit(b.low, indent)} .. {_lit(b.high, indent)}")
        else:
            parts.append(b.name.text)
    return f"{c.direction.text} {{ {', '.join(parts)} }}"


def _exclude(c: A.ExcludeClause, indent: str) -> str:
    reason = "" if c.reason is None else "  " + _str(c.reason, indent)
    return _expr(c.condition, indent) + reason


def _target(c: A.TargetClause, indent: str) -> str:
    stat = "" if c.stat is None else c.stat.text + " "
    return f"{stat}{c.op} {_lit(c.value, indent)}"


def _period(c: A.PeriodClause, indent: str) -> str:
    by = "" if c.by is None else " by " + _expr(c.by, indent)
    return c.grain.text + by + (" cumulative" if c.cumulative else "")


def _level(level: A.Level) -> str:
    if isinstance(level, A.LevelName):
        return level.name.text
    return "by " + " and ".join(name.text for name in level.attributes)


def _selector(terms: Sequence[A.SelectorTerm], indent: str) -> str:
    out = []
    for t in terms:
        if isinstance(t, A.SelectorEq):
            out.append(f"{t.column.text} = {_str(t.value, indent)}")
        else:
            out.append(f"{t.column.text} in ({', '.join(_str(v, indent) for v in t.values)})")
    return " and ".join(out)


# The keyword of each field and how its value is printed (given the indentation of the field).
_FIELDS: dict[type[A.Node], tuple[str, _Render]] = {
    A.CategoryClause: ("category", lambda c, i: c.category.text),
    A.QuestionClause: ("question", lambda c, i: _str(c.text, i, block=True)),
    A.PerClause: ("per", lambda c, i: c.unit.text),
    A.WhereClause: ("where", lambda c, i: _expr(c.condition, i)),
    A.ExcludeClause: ("exclude", lambda c, i: _exclude(c, i)),
    A.RateClause: ("rate", lambda c, i: _expr(c.condition, i)),
    A.RatioClause: (
        "ratio",
        lambda c, i: f"{_expr(c.amount, i)} per {c.scale.text} {c.unit.text}",
    ),
    A.DurationClause: (
        "duration",
        lambda c, i: f"from {_expr(c.start, i)} to {_expr(c.end, i)} in {c.unit.text}",
    ),
    A.CountClause: ("count", lambda c, i: _count_amount(c.amount, i)),
    A.ValueClause: ("value", lambda c, i: _expr(c.amount, i)),
    A.SummaryClause: ("summary", lambda c, i: _names(c.stats)),
    A.ParamClause: ("param", lambda c, i: f"{c.name.text} = {_lit(c.value, i)}"),
    A.TargetClause: ("target", lambda c, i: _target(c, i)),
    A.BandsClause: ("bands", lambda c, i: _bands(c, i)),
    A.MinNClause: ("min_n", lambda c, i: c.value.text),
    A.LevelsClause: ("levels", lambda c, i: [_level(x) for x in c.levels]),
    A.PeriodClause: ("period", lambda c, i: _period(c, i)),
    A.SeriesClause: ("series", lambda c, i: c.grain.text),
    A.CompanionClause: ("companion", lambda c, i: _names(c.metrics)),
    A.StatusClause: ("status", lambda c, i: c.status.text),
    A.SinceClause: ("since", lambda c, i: _str(c.since, i, block=True)),
    A.DocClause: ("doc", lambda c, i: _str(c.text, i, block=True)),
    A.RationaleClause: ("rationale", lambda c, i: _str(c.text, i, block=True)),
    A.HistoryClause: ("history", lambda c, i: _str(c.text, i, block=True)),
    A.KpisField: ("kpis", lambda c, i: _names(c.metrics)),
    A.MetricsField: ("metrics", lambda c, i: _names(c.metrics)),
    A.CsfsField: ("csfs", lambda c, i: _names(c.csfs)),
    A.Weekend: ("weekend", lambda c, i: _names(c.days)),
    A.Holidays: ("holidays", lambda c, i: [d.text for d in c.dates]),
    A.Timezone: ("timezone", lambda c, i: _str(c.zone, i)),
    A.Country: ("country", lambda c, i: _str(c.code, i)),
    A.AsOfField: ("as_of", lambda c, i: c.instant.text),
    A.ExampleVariantField: ("variant", lambda c, i: c.variant.text),
    A.ExpectField: (
        "expect",
        lambda c, i: [f"{e.key.text} = {_lit(e.value, i)}" for e in c.expectations],
    ),
}


def _field(node: A.Node, indent: str) -> _Field:
    if isinstance(node, A.ModedClause):
        return _moded(node, indent)
    keyword, render = _FIELDS[type(node)]
    value = render(node, indent)
    # `doc """…"""` reads better unpadded: a block of text takes no part in the alignment.
    triple = isinstance(value, str) and value.startswith('"""')
    return _Field(keyword, value, node, aligned=not triple)


def _field_block(fields: Sequence[A.Node], indent: str) -> list[_Line]:
    return _fields_lines([_field(f, indent) for f in fields], indent)


def _example_fields(fields: Sequence[A.ExampleField], indent: str) -> list[_Line]:
    out: list[_Line] = []
    for f in fields:
        if isinstance(f, A.ExampleTable):
            group = _example_table(f, indent)
        else:  # example fields are not aligned: tables sit between them
            group = _fields_lines([_field(f, indent)], indent)
        group[0].blank = "keep" if out else "never"
        out.extend(group)
    return out


def _example_table(t: A.ExampleTable, indent: str) -> list[_Line]:
    inner = indent + INDENT
    texts = _columns([[c.text for c in r.cells] for r in t.rows], " | ")
    rows: list[_Line] = []
    anchor = t.table.span.end
    for i, (row, text) in enumerate(zip(t.rows, texts, strict=True)):
        # A row of blank cells has no span: anchor it just after the line before it.
        start, end = (row.span.start, row.span.end) if row.span.length else (anchor, anchor)
        rows.append(_Line(inner + text, inner, start, end, "never" if i == 0 else "keep"))
        anchor = start
    return _block(t, t.table.text, t.table.span.end, rows, indent, "never")


# ------------------------------------------------------------------------------ items


def _layout_module(module: A.Module, src: _Source) -> list[_Line]:
    items = module.items
    widths = _unit_widths(items, src)
    out: list[_Line] = []
    for i, item in enumerate(items):
        lines = _item(item, widths.get(i, 0))
        lines[0].blank = "never" if i == 0 else _separator(items[i - 1], item)
        out.extend(lines)
    return out


def _separator(before: A.Item, item: A.Item) -> _Blank:
    """Top-level items are a blank line apart, except runs of ``import`` or of ``unit`` lines."""
    grouped = type(before) is type(item) and isinstance(item, A.Import | A.UnitDecl)
    return "keep" if grouped else "always"


def _unit_widths(items: Sequence[A.Item], src: _Source) -> dict[int, int]:
    """For each ``unit`` line, the width its name is padded to: the longest name of its run."""
    runs: list[list[tuple[int, A.UnitDecl]]] = []
    for i, item in enumerate(items):
        if not isinstance(item, A.UnitDecl):
            continue
        before = items[i - 1] if i else None
        joined = isinstance(before, A.UnitDecl) and not src.blank_between(
            src.line(before.span.end - 1), src.line(item.span.start)
        )
        if joined and runs:
            runs[-1].append((i, item))
        else:
            runs.append([(i, item)])
    widths: dict[int, int] = {}
    for run in runs:
        width = max(len(unit.name.text) for _, unit in run)
        widths.update(dict.fromkeys((i for i, _ in run), width))
    return widths


def _one(item: A.Node, text: str) -> list[_Line]:
    return [_Line(text, "", item.span.start, item.span.end)]


def _item(item: A.Item, unit_width: int) -> list[_Line]:
    if isinstance(item, A.Import):
        return _one(item, "import " + item.dotted)
    if isinstance(item, A.Schema):
        version = "" if item.version is None else " version " + _str(item.version, "")
        return _one(item, f"schema {item.name.text}{_title(item.title, '')}{version}")
    if isinstance(item, A.UnitDecl):
        head = f"unit {item.name.text.ljust(unit_width)} = "
        if not item.attributes:
            return _one(item, _wrap(head, _names(item.columns)))
        width = max(len(a.name.text) for a in item.attributes)
        fields = [
            _Field(f"{a.name.text.ljust(width)} =", _expr(a.expr, INDENT), a, aligned=False)
            for a in item.attributes
        ]
        header, end = _wrap(head, _names(item.columns)), item.columns[-1].span.end
        return _block(item, header, end, _fields_lines(fields, INDENT), "", "keep")
    if isinstance(item, A.EventsDecl):
        rows = [
            [e.name.text] + ([] if e.title is None else [_str(e.title, INDENT)])
            for e in item.events
        ]
        children = _column_lines(item.events, rows, INDENT, " ")
        return _block(item, "events", item.span.start + 1, children, "", "keep")
    if isinstance(item, A.TableDecl):
        rows = [[c.name.text, c.type.text, *_names(c.flags)] for c in item.columns]
        children = _column_lines(item.columns, rows, INDENT, "  ")
        header = f"table {item.name.text}{_title(item.title, '')}"
        return _block(item, header, _end(item.name, item.title), children, "", "keep")
    return _block_item(item)


def _block_item(item: A.Item) -> list[_Line]:
    """Metrics, variants, calendars, CSFs, metric sets and examples: a header and a field block."""
    if isinstance(item, A.MetricDecl):
        version = "" if item.version is None else " version " + _str(item.version, "")
        if item.supersedes is not None:
            version += " supersedes " + _str(item.supersedes, "")
        header = f"metric {item.name.text}{_title(item.title, '')}{version}"
        end = _end(item.name, item.title, item.version, item.supersedes)
        children = _field_block(item.fields, INDENT)
    elif isinstance(item, A.VariantDecl):
        selector = _selector(item.selector, "")
        header = f"variant {item.name.text} of {item.base.text} for {selector}"
        end, children = _end(item.base, *item.selector), _field_block(item.fields, INDENT)
    elif isinstance(item, A.CalendarDecl):
        default = " default" if item.is_default else ""
        header = f"calendar {item.name.text}{_title(item.title, '')}{default}"
        end, children = _end(item.name, item.title), _field_block(item.fields, INDENT)
    elif isinstance(item, A.CsfDecl):
        header, end = f"csf {item.name.text}{_title(item.title, '')}", _end(item.name, item.title)
        children = _field_block(item.fields, INDENT)
    elif isinstance(item, A.MetricSetDecl):
        version = "" if item.version is None else " version " + _str(item.version, "")
        header = f"metricset {item.name.text}{_title(item.title, '')}{version}"
        end = _end(item.name, item.title, item.version)
        children = _field_block(item.fields, INDENT)
    else:
        assert isinstance(item, A.ExampleDecl)
        header = f"example {_str(item.title, '')} for {item.metric.text}"
        end, children = _end(item.title, item.metric), _example_fields(item.fields, INDENT)
    return _block(item, header, end, children, "", "keep")


# ------------------------------------------------------------------------------ comments


class _Weaver:
    """Puts each comment back: whole-line comments before the line they preceded (or the line they
    sat inside), trailing comments at the end of the last line that started before them."""

    def __init__(self, src: _Source, comments: Sequence[A.Comment]) -> None:
        self.src = src
        self.comments = sorted(comments, key=lambda c: c.span.start)

    def weave(self, lines: list[_Line]) -> str:
        eof = _Line("", "", len(self.src.text), len(self.src.text), "always" if lines else "never")
        eof.close = True
        lines = [*lines, eof]
        leading, trailing = self._attach(lines)
        out: list[str] = []
        tails: dict[int, tuple[str, str]] = {}  # output index -> (block indent, comment)
        prev = -1
        for i, line in enumerate(lines):
            self._leading(out, line, leading.get(i, []), prev)
            if line is not eof:
                tail = trailing.get(i)
                if tail and "\n" not in line.text:
                    tails[len(out)] = (line.indent, _ctext(tail))
                out.append(line.text + ("  " + _ctext(tail) if tail else ""))
                prev = self.src.line(max(line.end - 1, line.start))
        _align_tails(out, tails)
        return "".join(ln.rstrip() + "\n" for ln in out)

    def _attach(
        self, lines: list[_Line]
    ) -> tuple[dict[int, list[A.Comment]], dict[int, A.Comment]]:
        starts = [ln.start for ln in lines]
        leading: dict[int, list[A.Comment]] = {}
        trailing: dict[int, list[A.Comment]] = {}
        for c in self.comments:
            before = bisect.bisect_left(starts, c.span.start) - 1
            if self.src.code_before(c.span.start) and before >= 0:
                trailing.setdefault(before, []).append(c)
            elif before >= 0 and lines[before].end > c.span.start:
                leading.setdefault(before, []).append(c)
            else:
                leading.setdefault(bisect.bisect_right(starts, c.span.start), []).append(c)
        last: dict[int, A.Comment] = {}
        for i, cs in trailing.items():
            # Only one comment fits at the end of a line; the others move above it.
            leading.setdefault(i, []).extend(cs[:-1])
            last[i] = cs[-1]
        return leading, last

    def _leading(self, out: list[str], line: _Line, comments: list[A.Comment], prev: int) -> None:
        src = self.src
        targets = [src.line(c.span.start) for c in comments] + [src.line(line.start)]
        if out and (comments or not line.close):
            if line.blank == "always" or (
                line.blank == "keep" and src.blank_between(prev, targets[0])
            ):
                out.append("")
        for k, c in enumerate(comments):
            out.append(line.comment_indent + _ctext(c))
            last = k == len(comments) - 1
            if not (last and line.close) and src.blank_between(targets[k], targets[k + 1]):
                out.append("")


def _align_tails(out: list[str], tails: dict[int, tuple[str, str]]) -> None:
    """Trailing comments on adjacent lines of one block start in one column."""
    runs: list[list[int]] = []
    for i in sorted(tails):
        if runs and runs[-1][-1] == i - 1 and tails[i - 1][0] == tails[i][0]:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        codes = {i: out[i][: len(out[i]) - len(tails[i][1])].rstrip() for i in run}
        column = max(len(code) for code in codes.values()) + 2
        for i in run:
            out[i] = codes[i].ljust(column) + tails[i][1]


def _ctext(c: A.Comment) -> str:
    return c.text.rstrip()
