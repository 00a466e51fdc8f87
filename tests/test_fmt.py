"""The formatter: golden layouts, idempotence, meaning and comments preserved, refusal on errors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from imx.syntax import ast as A
from imx.syntax.fmt import FormatResult, format_module, format_source
from imx.syntax.parser import parse

CASES = Path(__file__).parent / "cases" / "fmt"
INPUTS = sorted(p for p in CASES.glob("*.imx") if not p.name.endswith(".fmt.imx"))


def comment_texts(module: A.Module) -> Counter[str]:
    return Counter(c.text.rstrip() for c in module.comments)


def formatted(text: str, path: str = "case.imx") -> str:
    result = format_source(text, path)
    assert result.text is not None, result.diagnostics
    return result.text


def assert_same_meaning(before: str, after: str) -> None:
    old, new = parse(before, "case.imx"), parse(after, "case.imx")
    assert new.diagnostics == ()
    assert new.module == old.module
    assert old.module is not None and new.module is not None
    assert comment_texts(new.module) == comment_texts(old.module)


@pytest.mark.parametrize("case", INPUTS, ids=lambda p: p.stem)
def test_golden(case: Path, golden: Callable[[Path, str], None]) -> None:
    text = case.read_text(encoding="utf-8")
    out = formatted(text)
    golden(case.with_name(case.stem + ".fmt.imx"), out)
    assert formatted(out) == out, "formatting is not idempotent"
    assert_same_meaning(text, out)


def test_tour_is_a_fixed_point_in_meaning() -> None:
    text = (CASES / "tour.imx").read_text(encoding="utf-8")
    out = formatted(text)
    assert formatted(out) == out
    assert_same_meaning(text, out)
    assert "# one of the declared events" in out
    assert "unit subject   = study, site, subject" in out


def test_refuses_a_file_that_does_not_parse() -> None:
    result = format_source('metric A "x" {\n    where has a and\n}\n', "broken.imx")
    assert result == FormatResult(None, result.diagnostics)
    assert result.diagnostics and result.diagnostics[0].is_error
    assert result.diagnostics[0].file == "broken.imx"


def test_refuses_an_unclosed_block() -> None:
    result = format_source("metric A {\n    category quality\n", "broken.imx")
    assert result.text is None
    assert [d.code for d in result.diagnostics] == ["syntax-unclosed-brace"]


def test_format_module_takes_a_parsed_module() -> None:
    text = "unit site=study,site  # the site\n"
    module = parse(text).module
    assert module is not None
    assert format_module(module, text) == "unit site = study, site  # the site\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("", ""),
        ("\n\n  \n", ""),
        ("# only a comment", "# only a comment\n"),
        ("# a   \n\n\n# b\n", "# a\n\n# b\n"),
    ],
)
def test_empty_and_comment_only_files(source: str, expected: str) -> None:
    assert formatted(source) == expected


def test_crlf_input_gives_the_same_layout() -> None:
    text = (CASES / "comments.imx").read_text(encoding="utf-8")
    assert formatted(text.replace("\n", "\r\n")) == formatted(text)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("((has a))", "has a"),
        ("(has a or has b) and has c", "(has a or has b) and has c"),
        ("has a or (has b and has c)", "has a or has b and has c"),
        ("has a and (has b and has c)", "has a and (has b and has c)"),
        ("(has a and has b) and has c", "(has a and has b) and has c"),
        ("not (has a)", "not has a"),
        ("not (has a or has b)", "not (has a or has b)"),
        ("(count a - count b) - count c", "count a - count b - count c"),
        ("count a - (count b - count c)", "count a - (count b - count c)"),
        ("count a / (count b * count c)", "count a / (count b * count c)"),
        ("(count a + count b) * count c", "(count a + count b) * count c"),
        ("-(count a) + -(count b * 2)", "-count a + -(count b * 2)"),
        ("(count a = 1) = (count b = 2)", "(count a = 1) = (count b = 2)"),
        ("(first b) within (2 days) of (first a)", "first b within 2 days of first a"),
        (
            "(first b within 2 days of first a) = (has c)",
            "(first b within 2 days of first a) = has c",
        ),
        ("f((has a or has b), (1))", "f(has a or has b, 1)"),
    ],
)
def test_minimal_parentheses(expr: str, expected: str) -> None:
    out = formatted(f"metric A {{\n    where {expr}\n}}\n")
    assert out == f"metric A {{\n    where {expected}\n}}\n"
    assert_same_meaning(f"metric A {{\n    where {expr}\n}}\n", out)


@pytest.mark.parametrize(
    "literal",
    [
        '"plain"',
        '"quote \\" and \\\\ backslash"',
        '"tab\\tnew\\nline"',
        '"\\x00\\x7f\\u00a0"',
        '"é ✓"',
    ],
)
def test_strings_are_re_escaped_faithfully(literal: str) -> None:
    text = f"schema s {literal}\n"
    out = formatted(text)
    assert_same_meaning(text, out)
    assert formatted(out) == out


def test_numbers_keep_their_spelling() -> None:
    text = "metric A {\n    param p = 007.50\n    target <= 12.0%\n    min_n 010\n}\n"
    out = formatted(text)
    assert "p = 007.50" in out and "<= 12.0%" in out and "min_n  010" in out


def test_long_lists_wrap_under_the_first_item() -> None:
    names = ", ".join(f"metric_number_{i}" for i in range(12))
    out = formatted(f"csf c {{\n    kpis {names}\n}}\n")
    lines = out.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert lines[2].startswith(" " * len("    kpis ")) and not lines[2].startswith(" " * 10)


def test_every_comment_survives_a_comment_on_every_line() -> None:
    text = (CASES / "spacing.imx").read_text(encoding="utf-8")
    tagged = "\n".join(
        f"{line}  # c{i}" if line.strip() and '"""' not in line else line
        for i, line in enumerate(text.splitlines())
    )
    out = formatted(tagged)
    assert formatted(out) == out
    assert_same_meaning(tagged, out)
