"""Texts from data and specs reach the terminal as text: never Rich markup, never escape sequences.

The scorecard, ``imx explain`` and diagnostics are driven through ``imx.cli.main`` on data and specs
that hold Rich markup (``[/]``, ``[bold red]…[/bold red]``) and terminal controls (CSI, OSC, BEL,
C1, a bidi override): the run ends with exit 0, the texts appear as written, and no control
character from the data or the spec is written.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rich.console import Console

from handbook_support import (
    CLOSING_ID,
    CONTROL,
    MARKUP_ID,
    VENDOR,
    data_text,
    hostile_spec,
    write_hostile_data,
)
from imx.cli import main
from imx.data import QualityFinding
from imx.render.scorecard import progress, render_scorecard
from imx.render.text import as_text, visible
from support_data import fake_results, result_row, sample_model

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hostile_data(tmp_path_factory.mktemp("hostile-data"))


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("columns", ["220", "80"])  # the table, and the short lines of a narrow one
def test_scorecard_prints_data_as_written(
    hostile_data: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    columns: str,
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setenv("NO_COLOR", "1")
    argv = ["run", str(ROOT / "stdlib_metrics"), "--data", str(hostile_data)]
    argv += ["--metric", "QC-FPR", "--level", "study", "--level", "by:vendor"]
    code, out = run(argv, capsys)
    assert code == 0, out
    assert f"study {MARKUP_ID}" in out and f"study {CLOSING_ID}" in out
    assert f"{CLOSING_ID}/0" in out  # in the data-quality examples, too
    if columns == "220":  # a narrow terminal folds the long vendor name over lines
        assert visible(VENDOR) in out
    assert not CONTROL.findall(out), CONTROL.findall(out)[:5]


def test_explain_prints_spec_texts_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "4000")  # no folding: each text stays on one line
    spec = tmp_path / "hostile.imx"
    spec.write_text(hostile_spec(), encoding="utf-8")
    code, base = run(["explain", "XFER-OT", str(spec)], capsys)
    assert code == 0, base
    for field in ("metric_title", "metric_question", "exclude_reason"):
        assert visible(data_text(field)) in base, field
    code, cardio = run(["explain", "XFER-OT", str(spec), "--variant", "cardio"], capsys)
    assert code == 0, cardio
    for field in ("variant_rationale_2", "variant_exclude_reason"):
        assert visible(data_text(field)) in cardio, field
    for out in (base, cardio):
        assert not CONTROL.findall(out), CONTROL.findall(out)[:5]


def test_diagnostics_show_control_characters_escaped_and_carets_follow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "controls.imx"
    spec.write_text('metric A "\x1b]0;t\x07" {\n    category \x1b[2Jquality\n}\n', encoding="utf-8")
    code, out = run(["check", str(spec)], capsys)
    assert code == 1, out
    assert not CONTROL.findall(out), CONTROL.findall(out)[:5]
    lines = out.splitlines()
    shown = next(i for i, line in enumerate(lines) if "category \\x1b[2Jquality" in line)
    carets = lines[shown + 1]
    column = lines[shown].index("\\x1b")
    assert carets[column:].startswith("^"), (lines[shown], carets)


def test_progress_label_is_text() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, no_color=True, width=100)
    with progress(console, "[bold]label[/] \x1b]0;t\x07", total=2) as advance:
        advance(1)
    console.print(as_text("[/] done \x1b[31m"))
    out = buffer.getvalue()
    assert "[bold]label[/] \\x1b]0;t\\x07" in out and "[/] done \\x1b[31m" in out
    assert "\x07" not in out and "\x1b]0;" not in out and "\x1b[31m" not in out


# Texts a results table can hold (Arrow's strings are UTF-8: no lone surrogate), and texts of a
# finding's example keys, which are Python strings and may hold one.
TERMINAL_TEXTS = st.text(
    st.sampled_from(
        list("[]/\\:@#=bold red") + ["\x1b", "\x07", "\r", "\x9b", "\u202e", "\x00", "\n"]
    )
    | st.characters(exclude_categories=("Cs",)),
    min_size=1,
    max_size=30,
)
KEY_TEXTS = TERMINAL_TEXTS | st.text(st.sampled_from(["\udfff", "[", "/", "]", "\x1b"]), min_size=1)


@given(study=TERMINAL_TEXTS, period=TERMINAL_TEXTS, example_key=KEY_TEXTS)
@example(study="S002[/]", period="[bold red]x[/bold red]", example_key="\x1b]0;t\x07")
def test_scorecard_prints_any_data_text(study: str, period: str, example_key: str) -> None:
    rows = [
        result_row("XFER-OT", "study", study=study, value=0.5, unit="percent", status="green"),
        result_row("XFER-OT", "study", study=study, period=period, value=0.5, unit="percent"),
    ]
    quality = (QualityFinding("null-key", "events", 1, (example_key,), None, "rows"),)
    for width in (200, 60):
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, no_color=True, highlight=False)
        render_scorecard(fake_results(rows, quality), sample_model(), console)
        out = buffer.getvalue()
        assert not CONTROL.findall(out), (width, CONTROL.findall(out)[:3])
        if width == 200 and study.isprintable() and len(visible(study)) < 40:
            assert visible(study) in out


def test_live_preview_logs_spec_text_as_text(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from imx.render.handbook.site import SETTINGS, regenerate

    spec = tmp_path / "bad.imx"
    spec.write_text(
        "schema s\nevents {\n    a\n}\ncalendar c default {\n    weekend sat, sun\n"
        '    timezone "\\x1b]0;t\\x07Europe/Nowhere"\n}\n',
        encoding="utf-8",
    )
    (tmp_path / SETTINGS).write_text(json.dumps({"paths": [str(spec)], "results": None}))
    with caplog.at_level(logging.WARNING, logger="imx.handbook"):
        regenerate(tmp_path)
    assert "\\x1b]0;t\\x07Europe/Nowhere" in caplog.text
    assert not CONTROL.findall(caplog.text)
