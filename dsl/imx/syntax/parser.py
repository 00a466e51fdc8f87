"""Parse imx source text into a syntax tree (imx.syntax.ast) plus syntax diagnostics."""

from __future__ import annotations

import ast as pyast
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lark import Lark, Token
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from imx import _resources
from imx import messages as M
from imx.diagnostics import Diagnostic, DiagnosticSink
from imx.source import LINE_CHAR, NO_SPAN, SourceFile, Span, split_lines
from imx.syntax import ast as A
from imx.syntax import errors
from imx.syntax.depth import shallow_items
from imx.syntax.scanner import Scanner


@dataclass(frozen=True)
class ParseResult:
    """The module (``None`` only when nothing at all could be read) and syntax diagnostics."""

    source: SourceFile
    module: A.Module | None
    diagnostics: tuple[Diagnostic, ...]


def _tspan(tok: Token) -> Span:
    start = tok.start_pos or 0
    end = tok.end_pos if tok.end_pos is not None else start + len(tok)
    return Span(start, end)


def _unquote(raw: str) -> tuple[str, bool]:
    if raw.startswith('"""'):
        body = raw[3:-3]
        return _dedent(body), True
    if "\\" not in raw:  # nothing to unescape: most strings
        return raw[1:-1], False
    try:
        value = pyast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return raw[1:-1], False
    return str(value), False


def _dedent(body: str) -> str:
    lines = split_lines(body)
    if lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines.pop()
    indents = [len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()]
    cut = min(indents, default=0)
    return "\n".join(ln[cut:].rstrip() for ln in lines)


def _only(children: list[Any], kind: type[Any] | tuple[type[Any], ...]) -> list[Any]:
    return [c for c in children if isinstance(c, kind)]


class _Builder:
    """Builds AST nodes only; every semantic judgement is left to the checker.

    Each method receives the span of the whole rule and its children with punctuation removed
    and value tokens already turned into leaf nodes (see ``_LEAVES``).
    """

    # ---- structure
    def start(self, span: Span, ch: list[Any]) -> list[Any]:
        return ch

    def import_decl(self, span: Span, ch: list[Any]) -> A.Import:
        return A.Import(ch[0], span=span)

    def dotted_name(self, span: Span, ch: list[A.Name]) -> tuple[A.Name, ...]:
        return tuple(ch)

    def schema_decl(self, span: Span, ch: list[Any]) -> A.Schema:
        return A.Schema(ch[0], ch[1], ch[2], span=span)

    def version(self, span: Span, ch: list[Any]) -> A.Str:
        result: A.Str = ch[0]
        return result

    def period_by(self, span: Span, ch: list[Any]) -> A.Expr:
        result: A.Expr = ch[0]
        return result

    def args(self, span: Span, ch: list[Any]) -> tuple[A.Expr, ...]:
        return tuple(ch)

    def atom(self, span: Span, ch: list[Any]) -> A.Expr:
        result: A.Expr = ch[0]  # a parenthesised expression
        return result

    def events_decl(self, span: Span, ch: list[Any]) -> A.EventsDecl:
        return A.EventsDecl(tuple(ch), span=span)

    def event_def(self, span: Span, ch: list[Any]) -> A.EventDef:
        return A.EventDef(ch[0], ch[1], span=span)

    def table_decl(self, span: Span, ch: list[Any]) -> A.TableDecl:
        return A.TableDecl(ch[0], ch[1], tuple(ch[2:]), span=span)

    def column_def(self, span: Span, ch: list[Any]) -> A.Column:
        return A.Column(ch[0], ch[1], tuple(ch[2:]), span=span)

    def column_flag(self, span: Span, ch: list[Any]) -> A.Name:
        result: A.Name = ch[0]
        return result

    def unit_decl(self, span: Span, ch: list[Any]) -> A.UnitDecl:
        return A.UnitDecl(ch[0], ch[1], tuple(ch[2:]), span=span)

    def unit_attribute(self, span: Span, ch: list[Any]) -> A.UnitAttributeDecl:
        return A.UnitAttributeDecl(ch[0], ch[1], span=span)

    def calendar_decl(self, span: Span, ch: list[Any]) -> A.CalendarDecl:
        name, title, default, *fields = ch
        return A.CalendarDecl(name, title, default is not None, tuple(fields), span=span)

    def weekend_field(self, span: Span, ch: list[Any]) -> A.Weekend:
        return A.Weekend(ch[0], span=span)

    def holidays_field(self, span: Span, ch: list[Any]) -> A.Holidays:
        return A.Holidays(ch[0], span=span)

    def timezone_field(self, span: Span, ch: list[Any]) -> A.Timezone:
        return A.Timezone(ch[0], span=span)

    def country_field(self, span: Span, ch: list[Any]) -> A.Country:
        return A.Country(ch[0], span=span)

    def date_list(self, span: Span, ch: list[Any]) -> tuple[A.DateLit, ...]:
        return tuple(ch)

    def name_list(self, span: Span, ch: list[Any]) -> tuple[A.Name, ...]:
        return tuple(ch)

    def string_list(self, span: Span, ch: list[Any]) -> tuple[A.Str, ...]:
        return tuple(ch)

    # ---- metrics and variants
    def metric_decl(self, span: Span, ch: list[Any]) -> A.MetricDecl:
        return A.MetricDecl(ch[0], ch[1], tuple(ch[4:]), ch[2], ch[3], span=span)

    def supersedes(self, span: Span, ch: list[Any]) -> A.Str:
        result: A.Str = ch[0]
        return result

    def metric_refs(self, span: Span, ch: list[Any]) -> tuple[A.Name, ...]:
        return tuple(ch)

    def variant_decl(self, span: Span, ch: list[Any]) -> A.VariantDecl:
        return A.VariantDecl(ch[0], ch[1], ch[2], tuple(ch[3:]), span=span)

    def selector(self, span: Span, ch: list[Any]) -> tuple[A.SelectorTerm, ...]:
        return tuple(ch)

    def selector_eq(self, span: Span, ch: list[Any]) -> A.SelectorEq:
        return A.SelectorEq(ch[0], ch[1], span=span)

    def selector_in(self, span: Span, ch: list[Any]) -> A.SelectorIn:
        return A.SelectorIn(ch[0], ch[1], span=span)

    def moded_clause(self, span: Span, ch: list[Any]) -> A.ModedClause:
        return A.ModedClause(ch[0], ch[1], span=span)

    def category_clause(self, span: Span, ch: list[Any]) -> A.CategoryClause:
        return A.CategoryClause(ch[0], span=span)

    def question_clause(self, span: Span, ch: list[Any]) -> A.QuestionClause:
        return A.QuestionClause(ch[0], span=span)

    def per_clause(self, span: Span, ch: list[Any]) -> A.PerClause:
        return A.PerClause(ch[0], span=span)

    def where_clause(self, span: Span, ch: list[Any]) -> A.WhereClause:
        return A.WhereClause(ch[0], span=span)

    def exclude_clause(self, span: Span, ch: list[Any]) -> A.ExcludeClause:
        return A.ExcludeClause(ch[0], ch[1], span=span)

    def rate_clause(self, span: Span, ch: list[Any]) -> A.RateClause:
        return A.RateClause(ch[0], span=span)

    def ratio_clause(self, span: Span, ch: list[Any]) -> A.RatioClause:
        return A.RatioClause(ch[0], ch[1], ch[2], span=span)

    def duration_clause(self, span: Span, ch: list[Any]) -> A.DurationClause:
        return A.DurationClause(ch[0], ch[1], ch[2], span=span)

    def count_clause(self, span: Span, ch: list[Any]) -> A.CountClause:
        return A.CountClause(ch[0], span=span)

    def count_distinct_clause(self, span: Span, ch: list[Any]) -> A.CountClause:
        """``count distinct A of E``: the count clause of ``count count distinct A of E``."""
        amount = A.CountDistinct(ch[0], ch[1], ch[2], span=Span(ch[0].span.start, span.end))
        return A.CountClause(amount, span=span)

    def value_clause(self, span: Span, ch: list[Any]) -> A.ValueClause:
        return A.ValueClause(ch[0], span=span)

    def summary_clause(self, span: Span, ch: list[Any]) -> A.SummaryClause:
        return A.SummaryClause(ch[0], span=span)

    def param_clause(self, span: Span, ch: list[Any]) -> A.ParamClause:
        return A.ParamClause(ch[0], ch[1], span=span)

    def target_clause(self, span: Span, ch: list[Any]) -> A.TargetClause:
        return A.TargetClause(ch[0], str(ch[1]), ch[2], span=span)

    def bands_clause(self, span: Span, ch: list[Any]) -> A.BandsClause:
        return A.BandsClause(ch[0], tuple(ch[1:]), span=span)

    def band_otherwise(self, span: Span, ch: list[Any]) -> A.BandOtherwise:
        return A.BandOtherwise(ch[0], span=span)

    def band_compare(self, span: Span, ch: list[Any]) -> A.BandCompare:
        return A.BandCompare(ch[0], str(ch[1]), ch[2], span=span)

    def band_range(self, span: Span, ch: list[Any]) -> A.BandRange:
        return A.BandRange(ch[0], ch[1], ch[2], span=span)

    def min_n_clause(self, span: Span, ch: list[Any]) -> A.MinNClause:
        return A.MinNClause(ch[0], span=span)

    def levels_clause(self, span: Span, ch: list[Any]) -> A.LevelsClause:
        return A.LevelsClause(ch[0], span=span)

    def level_list(self, span: Span, ch: list[Any]) -> tuple[A.Level, ...]:
        return tuple(ch)

    def level_name(self, span: Span, ch: list[Any]) -> A.LevelName:
        return A.LevelName(ch[0], span=span)

    def level_by(self, span: Span, ch: list[Any]) -> A.LevelBy:
        return A.LevelBy(tuple(ch), span=span)

    def period_clause(self, span: Span, ch: list[Any]) -> A.PeriodClause:
        return A.PeriodClause(ch[0], ch[1], ch[2] is not None, span=span)

    def series_clause(self, span: Span, ch: list[Any]) -> A.SeriesClause:
        return A.SeriesClause(ch[0], span=span)

    def companion_clause(self, span: Span, ch: list[Any]) -> A.CompanionClause:
        return A.CompanionClause(ch[0], span=span)

    def status_clause(self, span: Span, ch: list[Any]) -> A.StatusClause:
        return A.StatusClause(ch[0], span=span)

    def since_clause(self, span: Span, ch: list[Any]) -> A.SinceClause:
        return A.SinceClause(ch[0], span=span)

    def doc_clause(self, span: Span, ch: list[Any]) -> A.DocClause:
        return A.DocClause(ch[0], span=span)

    def rationale_clause(self, span: Span, ch: list[Any]) -> A.RationaleClause:
        return A.RationaleClause(ch[0], span=span)

    def history_clause(self, span: Span, ch: list[Any]) -> A.HistoryClause:
        return A.HistoryClause(ch[0], span=span)

    # ---- expressions
    def expr(self, span: Span, ch: list[Any]) -> A.Expr:
        """A flat condition ``[not…] c (and|or [not…] c)*`` folded: or < and < not."""
        groups: list[list[A.Expr]] = [[]]
        nots: list[Token] = []
        for item in ch:
            if not isinstance(item, Token):
                groups[-1].append(_prefixed(nots, item))
                nots = []
            elif item.type == "NOT":
                nots.append(item)
            elif item.type == "OR":
                groups.append([])
        return _bool("or", [_bool("and", terms) for terms in groups])

    def compare(self, span: Span, ch: list[Any]) -> A.Compare:
        return A.Compare(str(ch[1]), ch[0], ch[2], span=span)

    def within(self, span: Span, ch: list[Any]) -> A.Within:
        return A.Within(ch[0], ch[1], ch[2], span=span)

    def arith(self, span: Span, ch: list[Any]) -> A.Expr:
        """A flat ``[-…] a (op [-…] a)*`` folded left to right: + - < * / < unary minus."""
        terms: list[A.Expr] = []
        ops: list[str] = []
        signs: list[Token] = []
        for item in ch:
            if not isinstance(item, Token):
                terms.append(_prefixed(signs, item))
                signs = []
            elif len(ops) < len(terms):  # an operator after an operand joins two operands
                ops.append(str(item))
            else:
                signs.append(item)
        return _fold_sums(terms, ops)

    def first_fact(self, span: Span, ch: list[Any]) -> A.EventFact:
        return A.EventFact("first", ch[0], ch[1], span=span)

    def last_fact(self, span: Span, ch: list[Any]) -> A.EventFact:
        return A.EventFact("last", ch[0], ch[1], span=span)

    def count_fact(self, span: Span, ch: list[Any]) -> A.EventFact:
        return A.EventFact("count", ch[0], ch[1], span=span)

    def has_fact(self, span: Span, ch: list[Any]) -> A.EventFact:
        return A.EventFact("has", ch[0], ch[1], span=span)

    def count_distinct(self, span: Span, ch: list[Any]) -> A.CountDistinct:
        return A.CountDistinct(ch[0], ch[1], ch[2], span=span)

    def attribute_of_first(self, span: Span, ch: list[Any]) -> A.AttributeOf:
        fact = A.EventFact("first", ch[1], ch[2], span=Span(ch[1].span.start, span.end))
        return A.AttributeOf(ch[0], fact, span=span)

    def attribute_of_last(self, span: Span, ch: list[Any]) -> A.AttributeOf:
        fact = A.EventFact("last", ch[1], ch[2], span=Span(ch[1].span.start, span.end))
        return A.AttributeOf(ch[0], fact, span=span)

    def filtered_name(self, span: Span, ch: list[Any]) -> A.FilteredName:
        return A.FilteredName(ch[0], ch[1], span=span)

    def window(self, span: Span, ch: list[Any]) -> A.Expr:
        """``[-…] atom``: the window of ``within``, its signs applied."""
        result: A.Expr = _prefixed([t for t in ch if isinstance(t, Token)], ch[-1])
        return result

    def window_atom(self, span: Span, ch: list[Any]) -> A.Expr:
        result: A.Expr = ch[0]  # a parenthesised expression
        return result

    def filter_atom(self, span: Span, ch: list[Any]) -> A.Expr:
        result: A.Expr = ch[0]  # a parenthesised condition
        return result

    def event_filter(self, span: Span, ch: list[Any]) -> A.Expr:
        result: A.Expr = ch[0]
        return result

    def filter_condition(self, span: Span, ch: list[Any]) -> A.Expr:
        return self.expr(span, ch)

    def filter_compare(self, span: Span, ch: list[Any]) -> A.FilterCompare:
        value: A.Expr = _prefixed([t for t in ch[2:] if isinstance(t, Token)], ch[-1])
        return A.FilterCompare(ch[0], str(ch[1]), value, span=span)

    def filter_in(self, span: Span, ch: list[Any]) -> A.FilterIn:
        return A.FilterIn(ch[0], ch[1], span=span)

    def filter_values(self, span: Span, ch: list[Any]) -> tuple[A.Literal, ...]:
        return tuple(ch)

    def call(self, span: Span, ch: list[Any]) -> A.Call:
        return A.Call(ch[0], ch[1] or (), span=span)

    def name_ref(self, span: Span, ch: list[Any]) -> A.NameRef:
        return A.NameRef(ch[0], span=span)

    def number_lit(self, span: Span, ch: list[Any]) -> A.NumberLit:
        result: A.NumberLit = ch[0]
        return result

    def percent_lit(self, span: Span, ch: list[Any]) -> A.PercentLit:
        result: A.PercentLit = ch[0]
        return result

    def duration_lit(self, span: Span, ch: list[Any]) -> A.DurationLit:
        return A.DurationLit(ch[0], ch[1], span=span)

    def string_lit(self, span: Span, ch: list[Any]) -> A.StringLit:
        return A.StringLit(ch[0], span=span)

    def datetime_lit(self, span: Span, ch: list[Any]) -> A.DateTimeLit:
        result: A.DateTimeLit = ch[0]
        return result

    def date_lit(self, span: Span, ch: list[Any]) -> A.DateLit:
        result: A.DateLit = ch[0]
        return result

    # ---- CSFs, metric sets, examples
    def csf_decl(self, span: Span, ch: list[Any]) -> A.CsfDecl:
        return A.CsfDecl(ch[0], ch[1], tuple(ch[2:]), span=span)

    def kpis_field(self, span: Span, ch: list[Any]) -> A.KpisField:
        return A.KpisField(ch[0], span=span)

    def metricset_decl(self, span: Span, ch: list[Any]) -> A.MetricSetDecl:
        return A.MetricSetDecl(ch[0], ch[1], ch[2], tuple(ch[3:]), span=span)

    def metrics_field(self, span: Span, ch: list[Any]) -> A.MetricsField:
        return A.MetricsField(ch[0], span=span)

    def csfs_field(self, span: Span, ch: list[Any]) -> A.CsfsField:
        return A.CsfsField(ch[0], span=span)

    def example_decl(self, span: Span, ch: list[Any]) -> A.ExampleDecl:
        return A.ExampleDecl(ch[0], ch[1], tuple(ch[2:]), span=span)

    def as_of_field(self, span: Span, ch: list[Any]) -> A.AsOfField:
        return A.AsOfField(ch[0], span=span)

    def example_variant_field(self, span: Span, ch: list[Any]) -> A.ExampleVariantField:
        return A.ExampleVariantField(ch[0], span=span)

    def example_table(self, span: Span, ch: list[Any]) -> A.ExampleTable:
        return A.ExampleTable(ch[0], tuple(ch[1:]), span=span)

    def table_row(self, span: Span, ch: list[Any]) -> A.Row:
        cells: list[A.Cell] = ch
        spans = [c.span for c in cells if c.span != NO_SPAN]
        span = spans[0].cover(spans[-1]) if spans else span
        return A.Row(tuple(cells), span=span)

    def cell(self, span: Span, ch: list[Any]) -> A.Cell:
        tok = ch[0] if ch else None
        if tok is None:
            return A.Cell("", span=NO_SPAN)
        text = str(tok)
        stripped = text.rstrip()
        start = _tspan(tok).start
        return A.Cell(stripped, span=Span(start, start + len(stripped)))

    def expect_field(self, span: Span, ch: list[Any]) -> A.ExpectField:
        return A.ExpectField(tuple(ch), span=span)

    def expect_eq(self, span: Span, ch: list[Any]) -> A.Expectation:
        return A.Expectation(ch[0], ch[1], span=span)

    def expect_name(self, span: Span, ch: list[Any]) -> A.Expectation:
        return A.Expectation(ch[0], ch[1], span=span)


def _prefixed(prefixes: list[Token], operand: A.Expr) -> A.Expr:
    """Apply prefix operators (``not``, ``-``; ``+`` changes nothing), innermost last."""
    for tok in reversed(prefixes):
        start = tok.start_pos or 0
        if tok.type == "NOT":
            operand = A.Not(operand, span=Span(start, operand.span.end))
        elif str(tok) == "-":
            operand = A.Negate(operand, span=Span(start, operand.span.end))
    return operand


def _bool(op: str, operands: list[A.Expr]) -> A.Expr:
    if len(operands) == 1:
        return operands[0]
    return A.BoolOp(op, tuple(operands), span=operands[0].span.cover(operands[-1].span))


def _arith(op: str, left: A.Expr, right: A.Expr) -> A.Expr:
    return A.Arith(op, left, right, span=left.span.cover(right.span))


def _fold_sums(terms: list[A.Expr], ops: list[str]) -> A.Expr:
    products, joins = [terms[0]], []
    for op, term in zip(ops, terms[1:], strict=True):
        if op in ("*", "/"):
            products[-1] = _arith(op, products[-1], term)
        else:
            products.append(term)
            joins.append(op)
    result = products[0]
    for op, term in zip(joins, products[1:], strict=True):
        result = _arith(op, result, term)
    return result


def _leaf_name(tok: Token) -> A.Name:
    return A.Name(str(tok), span=_tspan(tok))


def _leaf_string(tok: Token) -> A.Str:
    value, triple = _unquote(str(tok))
    return A.Str(value, triple, span=_tspan(tok))


# Value tokens become leaf nodes; every other token is punctuation and is dropped, except the
# operators of the rules in _OPERATOR_RULES and the presence flags DEFAULT / CUMULATIVE / CELL.
_LEAVES: dict[str, Callable[[Token], Any]] = {
    "NAME": _leaf_name,
    "METRIC_REF": _leaf_name,  # ``XFER-OT@2014``: a name whose text holds the version
    "MODE": _leaf_name,
    "KEY_FLAG": _leaf_name,
    "OPTIONAL_FLAG": _leaf_name,
    "STRING": _leaf_string,
    "NUMBER": lambda t: A.NumberLit(str(t), span=_tspan(t)),
    "PERCENT": lambda t: A.PercentLit(str(t)[:-1], span=_tspan(t)),
    "DATE": lambda t: A.DateLit(str(t), span=_tspan(t)),
    "DATETIME": lambda t: A.DateTimeLit(str(t), span=_tspan(t)),
}
_FLAGS = frozenset({"DEFAULT", "CUMULATIVE", "CELL"})
_OPERATORS = frozenset({"CMP_OP", "EQ", "ADD_OP", "MUL_OP", "AND", "OR", "NOT"})
_OPERATOR_RULES = frozenset(
    {
        "compare", "target_clause", "band_compare", "expr", "arith", "window",
        "filter_condition", "filter_compare",
    }
)  # fmt: skip


def _start(children: Iterable[Any]) -> int | None:
    """The first offset among children: tokens, nodes, or tuples of nodes (the hot path)."""
    for child in children:
        if type(child) is Token:
            return child.start_pos
        span = getattr(child, "span", None)
        if span is not None:
            if span.end or span.start:  # NO_SPAN marks a node with no text (an empty cell)
                return int(span.start)
        elif type(child) is tuple:
            found = _start(child)
            if found is not None:
                return found
    return None


def _end(children: Sequence[Any]) -> int | None:
    """The last offset among children (see :func:`_start`)."""
    for child in reversed(children):
        if type(child) is Token:
            return child.end_pos
        span = getattr(child, "span", None)
        if span is not None:
            if span.end or span.start:
                return int(span.end)
        elif type(child) is tuple:
            found = _end(child)
            if found is not None:
                return found
    return None


def _rule_span(children: list[Any]) -> Span:
    start, end = _start(children), _end(children)
    if start is None or end is None:
        return NO_SPAN
    return Span(start, end)


def _adapt(rule: str, method: Callable[[Span, list[Any]], Any]) -> Callable[[list[Any]], Any]:
    keep_ops = rule in _OPERATOR_RULES

    def callback(children: list[Any]) -> Any:
        span = _rule_span(children)
        kept: list[Any] = []
        for child in children:
            if type(child) is Token:
                leaf = _LEAVES.get(child.type)
                if leaf is not None:
                    kept.append(leaf(child))
                elif child.type in _FLAGS or (keep_ops and child.type in _OPERATORS):
                    kept.append(child)
            else:
                kept.append(child)
        return method(span, kept)

    return callback


class _InlineBuilder:
    """Lark's during-parse transformer: one adapted callback per rule of the tree builder."""

    def __init__(self) -> None:
        builder = _Builder()
        for name in dir(_Builder):
            if not name.startswith("_"):
                setattr(self, name, _adapt(name, getattr(builder, name)))


@functools.cache
def _top_level() -> re.Pattern[str]:
    """A declaration keyword at the start of a line (any line end: see imx.source)."""
    from imx.syntax.vocabulary import vocabulary  # it reads the grammar through this module

    return re.compile(rf"(?:^|(?<=[\r\n]))(?:{'|'.join(vocabulary().declarations)})\b")


@functools.cache
def _lark() -> Lark:
    return Lark(
        _resources.grammar_text(),
        parser="lalr",
        lexer=Scanner,
        keep_all_tokens=True,
        maybe_placeholders=True,
        transformer=_InlineBuilder(),
        cache=_resources.parser_cache_path(),
    )


def grammar_parser() -> Lark:
    """The shared Lark parser (built once, cached on disk); its ``parse`` yields AST items."""
    return _lark()


def parse(text: str, path: str = "<input>") -> ParseResult:
    """Parse one file's text into a module, recovering item by item after a syntax error.

    >>> result = parse('unit site = study, site\\n', "a.imx")
    >>> result.module.items[0].name.text, result.diagnostics
    ('site', ())
    """
    source = SourceFile(path, text)
    sink = DiagnosticSink()
    comments = _comments(text)
    unparsed: list[str] = []
    try:
        items = _build(text)
    except UnexpectedInput:
        items = _parse_by_item(source, sink, unparsed)
    except LarkError as exc:  # pragma: no cover - an internal fault, reported as such
        sink.report(M.PARSER_FAILED.format(exc), path, Span(0, 0))
        items = []
    items = shallow_items(items, path, sink)  # no later stage meets a too deep expression
    module = A.Module(path, tuple(items), tuple(comments), tuple(unparsed), span=Span(0, len(text)))
    return ParseResult(source, module, tuple(sink.sorted()))


def _build(text: str) -> list[A.Item]:
    items: Any = _lark().parse(text)  # the inline builder returns AST items, not a Tree
    return list(items)


@functools.cache
def strings_or_comments() -> re.Pattern[str]:
    """A regex for a string literal or (group 1) a comment, from the grammar's own terminals."""
    lark = _lark()
    strings = lark.get_terminal("STRING").pattern.to_regexp()
    return re.compile(f"{strings}|({lark.get_terminal('COMMENT').pattern.to_regexp()})")


def _comments(text: str) -> list[A.Comment]:
    """Comments with their spans, skipping ``#`` inside string literals."""
    found = []
    for m in strings_or_comments().finditer(text):
        if m.group(1) is not None:
            found.append(A.Comment(m.group(1), span=Span(m.start(1), m.end(1))))
    return found


def _parse_by_item(source: SourceFile, sink: DiagnosticSink, unparsed: list[str]) -> list[A.Item]:
    """After a failure, parse each top-level item on its own so one mistake hides no other; the
    name an item that does not parse declares goes to ``unparsed``, so that the checker does not
    call it unknown where it is used (a cascade of the one syntax error)."""
    text = source.text
    starts = [m.start() for m in _top_level().finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = list(zip(starts, [*starts[1:], len(text)], strict=True))
    items: list[A.Item] = []
    for lo, hi in bounds:
        # Blank out everything outside the chunk so offsets stay those of the whole file.
        masked = _blank(text[:lo]) + text[lo:hi] + _blank(text[hi:])
        try:
            items.extend(_build(masked))
        except UnexpectedInput as exc:
            sink.extend([errors.describe(exc, source, _lark())])
            declared = re.match(r"\s*[a-z_]+\s+([A-Za-z_][A-Za-z0-9_.-]*)", text[lo:hi])
            if declared:
                unparsed.append(declared.group(1))
    return items


def _blank(text: str) -> str:
    return re.sub(LINE_CHAR, " ", text)  # line ends stay, so lines and columns do too


__all__ = ["ParseResult", "parse", "grammar_parser", "UnexpectedEOF", "UnexpectedCharacters"]
