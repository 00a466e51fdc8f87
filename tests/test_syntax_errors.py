"""Syntax errors in human words: the table of common mistakes, tested by its own examples."""

from __future__ import annotations

import pytest

from imx.diagnostics import Diagnostic
from imx.syntax import errors
from imx.syntax.parser import parse

EXAMPLES = [
    pytest.param(m.code, text, id=f"{m.code}-{i}")
    for m in errors.MISTAKES
    for i, text in enumerate(m.examples)
]


def diagnostics(text: str) -> tuple[Diagnostic, ...]:
    result = parse(text, "case.imx")
    for d in result.diagnostics:
        assert 0 <= d.span.start <= d.span.end <= len(text), (d, len(text))
        assert d.file == "case.imx"
    return result.diagnostics


def test_the_table_is_well_formed() -> None:
    codes = [m.code for m in errors.MISTAKES]
    assert len(codes) == len(set(codes)), "a code appears twice in MISTAKES"
    for m in errors.MISTAKES:
        assert m.code.startswith("syntax-") and m.code == m.code.lower(), m.code
        assert m.message.text and m.hint and m.examples, m.code


@pytest.mark.parametrize(("code", "text"), EXAMPLES)
def test_each_example_maps_back_to_its_own_entry(code: str, text: str) -> None:
    found = diagnostics(text)
    assert found, f"{text!r} parsed without a diagnostic"
    assert found[0].code == code
    entry = next(m for m in errors.MISTAKES if m.code == code)
    assert found[0].message == entry.message.text and entry.hint in found[0].hints


def test_unknown_field_suggests_the_closest_keyword() -> None:
    (d,) = diagnostics("metric A {\n    categroy quality\n}\n")
    assert d.code == "unknown-field"
    assert "`categroy`" in d.message
    assert d.hints == ("did you mean `category`?",)
    assert (d.span.start, d.span.end) == (15, 23)


def test_unknown_field_far_from_any_keyword_lists_the_fields() -> None:
    (d,) = diagnostics("metric A {\n    zzzzqqq quality\n}\n")
    assert d.code == "unknown-field"
    assert d.hints and "category" in d.hints[0]


def test_unclosed_string() -> None:
    text = 'metric A "Image transfer {\n    category quality\n}\n'
    (d,) = diagnostics(text)
    assert d.code == "syntax-unclosed-string"
    assert text[d.span.start] == '"'


def test_unexpected_end_of_file() -> None:
    text = "metric A {\n    where has a and"
    (d,) = diagnostics(text)
    assert d.code == "syntax-error"
    assert "ends" in d.message
    assert d.span.end <= len(text)


@pytest.mark.parametrize("text", ["metric", "metric A", 'metric A "t"', "unit u =", "events {"])
def test_truncated_items_give_one_located_diagnostic(text: str) -> None:
    found = diagnostics(text)
    assert len(found) == 1 and found[0].is_error


def test_recovery_reports_every_broken_item_and_keeps_the_good_ones() -> None:
    text = (
        "metric A {\n    where has a and\n}\n"
        "unit site = study, site\n"
        "metric B {\n    rate ((has a)\n}\n"
        "csf c {\n    kpis A\n}\n"
    )
    result = parse(text, "case.imx")
    assert len(result.diagnostics) == 2
    first, second = result.diagnostics
    assert text.index("and") < first.span.start < text.index("unit")
    assert text.index("metric B") < second.span.start < text.index("csf")
    assert result.module is not None
    assert [type(i).__name__ for i in result.module.items] == ["UnitDecl", "CsfDecl"]


def test_a_clean_file_has_no_diagnostics() -> None:
    assert diagnostics("unit site = study, site\n") == ()


@pytest.mark.parametrize(
    ("text", "written", "message"),
    [
        ("metric A {\n    min_n 1e400\n}\n", "1e400", "`1e400` is not a number imx reads"),
        ("metric A {\n    bands higher_is_better { g >= 1e2%, r }\n}\n", "1e2", "`1e2` is not"),
        ("metric A {\n    param w = -3 business_days\n}\n", "-", "cannot be negative"),
        ("metric A {\n    target >= -5%\n}\n", "-", "cannot be negative"),
    ],
)
def test_exponents_and_signs_where_a_literal_stands_are_invalid_values(
    text: str, written: str, message: str
) -> None:
    (d,) = diagnostics(text)
    assert d.code == "invalid-value" and message in d.message, d
    assert text[d.span.start : d.span.end] == written
