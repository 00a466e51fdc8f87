"""`imx sql` and `imx test` print spec text as text: no control character reaches a terminal."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from imx.cli import main

SPEC = """import stdlib.schema

metric T-1 "Transfers [bold]\\x1b[31m red\\x07" {
    category   efficiency
    per        timepoint
    where      has scan_acquired and country = "cancelled \\x1b]0;pwned\\x07 [/]"
    value      count qc_passed
    summary    median
}
"""


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "t.imx"
    path.write_text(SPEC, encoding="utf-8")
    return path


def test_sql_on_a_terminal_shows_control_characters_written_out(
    spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _Tty()
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["sql", "T-1", str(spec)]) == 0
    shown = out.getvalue()
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b]0;pwned\\x07" in shown


def test_sql_through_a_pipe_is_exact(spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "T-1", str(spec)]) == 0
    assert "cancelled \x1b]0;pwned\x07 [/]" in capsys.readouterr().out


def test_imx_test_prints_example_titles_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "e.imx"
    plain = SPEC.replace(' and country = "cancelled \\x1b]0;pwned\\x07 [/]"', "")
    assert plain != SPEC
    path.write_text(
        plain
        + """
example "[bold red]late[/bold red] \\x1b[2J [/]" for T-1 {
    as_of 2026-01-10T00:00Z
    events {
        study | site | subject | timepoint | event         | at
        S1    | 001  | 1001    | BL        | scan_acquired | 2026-01-02T09:00Z
        S1    | 001  | 1001    | BL        | qc_passed     | 2026-01-03T09:00Z
    }
    expect value = 1
}
""",
        encoding="utf-8",
    )
    assert main(["test", str(path)]) == 0
    out = capsys.readouterr().out
    assert "[bold red]late[/bold red] \\x1b[2J [/]" in out
    assert "\x1b" not in out
