"""The terminal scorecard: content, colour only when allowed, narrow terminals, formatting."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from rich.console import Console

from imx.model import Target
from imx.render.scorecard import (
    format_target,
    format_value,
    level_label,
    make_console,
    progress,
    render_scorecard,
    status_text,
)
from support_data import SAMPLE_QUALITY, SAMPLE_ROWS, fake_results, sample_model

SGR = re.compile(r"\x1b\[([0-9;]*)m")
STATUSES = ("green", "amber", "insufficient", "no_data", "superb")


def colour_codes(text: str) -> set[int]:
    """The SGR colour parameters (30–38, 40–48, 90–107) found in ``text``."""
    codes = {int(p) for params in SGR.findall(text) for p in params.split(";") if p}
    return {c for c in codes if 30 <= c <= 48 or 90 <= c <= 107}


def render(width: int = 140, **console_options: object) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=True, **console_options)  # type: ignore[arg-type]
    render_scorecard(fake_results(SAMPLE_ROWS, SAMPLE_QUALITY), sample_model(), console)
    return buffer.getvalue()


def plain(text: str) -> str:
    return SGR.sub("", text)


def test_colour_is_used_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert 32 in colour_codes(render())  # green


def test_no_color_environment_is_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    output = render()
    assert colour_codes(output) == set()
    for status in STATUSES:
        assert status in output


def test_no_color_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    buffer = io.StringIO()
    console = make_console(no_color=True, width=120, file=buffer)
    console._force_terminal = True  # as if on a terminal
    render_scorecard(fake_results(SAMPLE_ROWS, SAMPLE_QUALITY), sample_model(), console)
    assert colour_codes(buffer.getvalue()) == set()
    assert make_console().no_color is False


def test_content_grouped_by_category() -> None:
    output = plain(render())
    headings = [output.index(h) for h in ("Quality", "Efficiency", "Timeliness", "Cycle Time")]
    assert headings == sorted(headings)
    assert "as of 2026-03-11T00:00:00Z" in output
    assert "92.5%" in output and "80.1%–97.4%" in output  # value and interval
    assert "median ≤ 2.0 business days" in output  # target in the metric's unit
    assert "site S1/001" in output and "Images received on time" in output
    assert "data bbbbbbbbbbbb" in output and "spec aaaaaaaaaaaa" in output


def test_quality_panel_lists_findings() -> None:
    output = plain(render())
    assert "data quality" in output
    assert "negative-duration (XFER-CT)" in output
    assert "S1/(null)/1003/BL" in output
    assert "2 finding(s)" in output
    empty = io.StringIO()
    render_scorecard(fake_results(SAMPLE_ROWS), sample_model(), Console(file=empty, width=100))
    assert "No rows were set aside." in empty.getvalue()


@pytest.mark.parametrize("width", [20, 40, 60, 89, 90])
def test_narrow_terminals_do_not_crash(width: int) -> None:
    output = plain(render(width=width))
    for status in STATUSES:
        assert status in output.replace("\n", "")
    assert max(len(line) for line in output.splitlines()) <= width


def test_status_styles() -> None:
    assert "green" in str(status_text("green").style)
    assert "red" in str(status_text("red").style)
    assert str(status_text("superb").style) == ""  # custom band names stay neutral
    assert status_text(None).plain == "—"


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (0.925, "percent", "92.5%"),
        (0.0, "percent", "0.0%"),
        (2.46, "business_days", "2.5 business days"),
        (3.0, "days", "3.0 days"),
        (7.0, "count", "7"),
        (17.25, "number", "17.25"),
        (17.0, "number", "17"),
        (None, "percent", "—"),
        (float("nan"), "days", "—"),
        (Decimal("0.9"), "percent", "90.0%"),
    ],
)
def test_format_value(value: object, unit: str, shown: str) -> None:
    assert format_value(value, unit) == shown


def test_format_target_and_level_label() -> None:
    assert format_target(Target(None, ">=", Decimal("0.9")), "percent") == "≥ 90.0%"
    assert format_target(None, "percent") == "—"
    assert level_label({"level": "by:vendor", "group": "Acme"}) == "vendor Acme"
    assert level_label({"level": "by:reader", "group": None}) == "reader (none)"
    crossed = {"level": "by:vendor+therapeutic_area", "group": "Acme", "group2": "oncology"}
    assert level_label(crossed) == "vendor Acme × therapeutic_area oncology"
    assert level_label({**crossed, "group": None}) == "vendor (none) × therapeutic_area oncology"
    assert level_label({"level": "study", "study": "S1"}) == "study S1"


def test_progress_helper() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=80)
    with progress(console, "evaluating", total=3) as advance:
        for _ in range(3):
            advance(1)
    assert buffer.getvalue() == ""  # not a terminal: no bar
    terminal = Console(file=io.StringIO(), width=80, force_terminal=True)
    with progress(terminal, "evaluating", total=2) as advance:
        advance(2)
