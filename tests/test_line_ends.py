"""Line ends: "\\r\\n", "\\n" and a lone "\\r" each end a line, for the scanner, spans, check and fmt.

The rule is owned by imx.source; these tests hold the grammar, the scanner, the checker and the
formatter to it, and hold `imx fmt` to writing only what reads the same as what `imx check` read.
"""

from __future__ import annotations

import dataclasses
import errno
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from lark.exceptions import UnexpectedInput

import imx
from imx import source
from imx.cli import main
from imx.model import Example
from imx.source import SourceFile
from imx.sql import compile_sql
from imx.syntax import fmt
from imx.syntax.fmt import format_source
from imx.syntax.parser import grammar_parser, parse

STDLIB = Path(__file__).resolve().parents[1] / "stdlib_metrics"
ENDS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


def _mixed(text: str) -> str:
    """Each line end of ``text`` replaced in turn by CRLF, LF and a lone CR (in this order a lone
    CR is always followed by a CRLF or text, never by an LF it would pair with)."""
    lines = text.split("\n")
    ends = ["\r\n", "\n", "\r"]
    return "".join(line + ends[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]


STYLES = {**{name: (lambda t, e=end: t.replace("\n", e)) for name, end in ENDS.items()}}
STYLES["mixed"] = _mixed


def _copy_stdlib(tmp_path: Path, style: str) -> Path:
    root = tmp_path / "stdlib"
    shutil.copytree(STDLIB, root)
    for path in root.rglob("*.imx"):
        text = path.read_bytes().decode("utf-8")
        assert "\r" not in text
        path.write_bytes(STYLES[style](text).encode("utf-8"))
    return root


def _summary(root: Path) -> tuple[list[str], list[tuple[str, int, int]], list[str]]:
    """Metrics (name and title), every diagnostic (code, line, column) and every example."""
    result = imx.check([root])
    assert result.model is not None
    diags = []
    for d in result.diagnostics:
        pos = result.sources[d.file].position(d.span.start) if d.file in result.sources else None
        diags.append((d.code, pos.line if pos else 0, pos.column if pos else 0))
    examples = sorted(f"{e.metric}: {e.title}" for e in result.model.examples)
    metrics = sorted(
        f"{m.id}: {m.base.title} ({len(m.variants)} variants)" for m in result.model.metrics
    )
    return metrics, diags, examples


def _meaning(root: Path) -> tuple[list[str], list[Example]]:
    """What the library computes: each metric's SQL, and each example without its origin."""
    model = imx.load([root])
    sql = [compile_sql(model, m.id) for m in model.metrics]
    return sql, [dataclasses.replace(e, origin=None) for e in model.examples]


@pytest.mark.parametrize("style", ["crlf", "cr", "mixed"])
def test_the_standard_library_checks_the_same_in_every_line_end_style(
    tmp_path: Path, style: str
) -> None:
    expected = _summary(STDLIB)
    assert len(expected[0]) > 10  # the library's metrics, not an empty model
    copy = _copy_stdlib(tmp_path, style)
    assert _summary(copy) == expected
    assert _meaning(copy) == _meaning(STDLIB)


def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path: Path) -> None:
    """Some Windows editors start a UTF-8 file with a BOM; it checks as the file without one."""
    copy = _copy_stdlib(tmp_path, "crlf")
    for path in copy.rglob("*.imx"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert _summary(copy) == _summary(STDLIB)
    first = next(copy.rglob("*.imx"))
    assert main(["fmt", str(first)]) == 0
    assert not first.read_bytes().startswith(b"\xef\xbb\xbf")
    assert _summary(copy) == _summary(STDLIB)


@pytest.mark.parametrize("style", ["crlf", "cr", "mixed"])
def test_imx_check_reports_every_stdlib_file_in_every_style(
    tmp_path: Path, style: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _copy_stdlib(tmp_path, style)
    assert main(["check", str(root), "--no-color"]) == 0
    count = len(list(root.rglob("*.imx")))
    assert f"no problems found in {count} files" in capsys.readouterr().out


# ------------------------------------------------------------------------------ spans


BROKEN = """\
# a comment on line 1
unit site = study, site

metric A "A" {
    category quality
    per site
    where has a and
}
"""


@pytest.mark.parametrize("style", list(STYLES))
def test_a_syntax_error_is_located_on_the_same_line_and_column(style: str) -> None:
    text = STYLES[style](BROKEN)
    result = parse(text, "a.imx")
    assert [d.code for d in result.diagnostics]
    first = result.diagnostics[0]
    pos = result.source.position(first.span.start)
    assert (pos.line, pos.column) == (7, 20)  # the end of `where has a and`
    assert result.source.line_text(7) == "    where has a and"


@pytest.mark.parametrize("style", list(STYLES))
def test_scanner_tokens_carry_the_line_numbers_an_editor_shows(style: str) -> None:
    text = STYLES[style]("unit a = b\n\n# c\nunit c = d e\n")
    with pytest.raises(UnexpectedInput) as raised:
        grammar_parser().parse(text)
    assert (raised.value.line, raised.value.column) == (4, 12)


CHECKED = """\
import stdlib.schema

metric A "A" {
    category quality
    question "q?"
    per timepoint
    where has site_survey_completed   # a trailing comment
    rate has no_such_event
    bands higher_is_better { green >= 90%, red }
}
"""


@pytest.mark.parametrize("style", list(STYLES))
def test_checker_diagnostics_are_located_the_same_in_every_style(
    tmp_path: Path, style: str
) -> None:
    path = tmp_path / "a.imx"
    path.write_bytes(STYLES[style](CHECKED).encode("utf-8"))
    result = imx.check([path])
    found = [
        (d.code, result.sources[d.file].position(d.span.start))
        for d in result.diagnostics
        if d.file == str(path)
    ]
    assert [(c, p.line, p.column) for c, p in found] == [("unknown-event", 8, 14)]


def test_source_positions_count_each_kind_of_line_end_once() -> None:
    src = SourceFile("a.imx", "a\r\nb\rc\nd")
    assert [src.position(i) for i in (0, 3, 5, 7)] == [
        source.Position(1, 1),
        source.Position(2, 1),
        source.Position(3, 1),
        source.Position(4, 1),
    ]
    assert [src.line_text(n) for n in range(1, 5)] == ["a", "b", "c", "d"]
    assert src.line_count == 4
    assert source.split_lines("a\r\nb\rc\nd") == ["a", "b", "c", "d"]
    assert source.line_ends("a\r\nb\rc\nd") == 3


# ------------------------------------------------------------------------------ the grammar


def _terminal(name: str) -> re.Pattern[str]:
    return re.compile(grammar_parser().get_terminal(name).pattern.to_regexp())


@pytest.mark.parametrize("end", list(ENDS.values()), ids=list(ENDS))
def test_grammar_terminals_follow_the_line_end_rule(end: str) -> None:
    newline, comment, string = _terminal("_NL"), _terminal("COMMENT"), _terminal("STRING")
    assert newline.fullmatch("# c" + end + "    ")
    assert newline.fullmatch(end + end + "# c" + end)
    assert comment.match("# a" + end + "metric B {}")[0] == "# a"  # type: ignore[index]
    assert string.fullmatch('"a' + end + 'b"') is None
    assert string.fullmatch('"""a' + end + 'b"""')
    assert re.fullmatch(source.LINE_END, end) and not re.fullmatch(source.LINE_CHAR, end[0])


# ------------------------------------------------------------------------------ lone CRs


def test_a_comment_ended_by_a_lone_cr_does_not_swallow_the_rest() -> None:
    result = parse("# one\runit site = study, site\r# two\runit a = b\r", "a.imx")
    assert result.diagnostics == ()
    assert result.module is not None
    assert [i.name.text for i in result.module.items] == ["site", "a"]  # type: ignore[attr-defined]
    assert [c.text for c in result.module.comments] == ["# one", "# two"]


def test_a_lone_cr_inside_a_string_ends_its_line_for_check_and_fmt_alike(tmp_path: Path) -> None:
    text = 'schema s "a\rb"\n'
    assert [d.code for d in parse(text).diagnostics] == ["syntax-unclosed-string"]
    assert format_source(text).text is None
    path = tmp_path / "a.imx"
    path.write_bytes(text.encode("utf-8"))
    assert main(["check", str(path), "--no-color"]) == 1
    assert main(["fmt", str(path), "--no-color"]) == 1
    assert path.read_bytes() == text.encode("utf-8")


def test_one_lone_cr_reads_the_same_to_check_and_fmt(tmp_path: Path) -> None:
    text = STYLES["lf"](CHECKED).replace("\n    per timepoint\n", "\r    per timepoint\n")
    path = tmp_path / "a.imx"
    path.write_bytes(text.encode("utf-8"))
    before = [(d.code, d.message) for d in imx.check([path]).diagnostics]
    assert main(["fmt", str(path), "--no-color"]) == 0
    after = path.read_bytes().decode("utf-8")
    assert "\r" not in after and re.search(r"\n    per +timepoint\n", after)
    assert [(d.code, d.message) for d in imx.check([path]).diagnostics] == before


# ------------------------------------------------------------------------------ fmt


@pytest.mark.parametrize("style", ["crlf", "cr", "mixed"])
def test_fmt_writes_the_canonical_text_whatever_the_line_ends(style: str) -> None:
    for path in sorted(STDLIB.rglob("*.imx")):
        text = path.read_text(encoding="utf-8")
        assert format_source(STYLES[style](text), str(path)).text == format_source(text).text


@pytest.mark.parametrize("style", ["crlf", "cr", "mixed"])
def test_imx_fmt_rewrites_other_line_ends_to_lf_and_the_files_check_the_same(
    tmp_path: Path, style: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _copy_stdlib(tmp_path, style)
    expected = _summary(root)
    assert main(["fmt", "--check", str(root), "--no-color"]) == 1
    assert main(["fmt", str(root), "--no-color"]) == 0
    out = capsys.readouterr().out
    files = sorted(root.rglob("*.imx"))
    assert all(f"reformatted {p}" in out for p in files)
    assert all(b"\r" not in p.read_bytes() for p in files)
    assert _summary(root) == expected
    assert main(["fmt", "--check", str(root), "--no-color"]) == 0


# ------------------------------------------------------------------------------ the fmt guard


def test_fmt_refuses_a_rewrite_that_would_change_the_meaning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = fmt.format_module

    def faulty(module: Any, text: str) -> str:  # a formatter bug: one clause changes
        return re.sub(r"per( +)timepoint", r"per\1site", real(module, text))

    monkeypatch.setattr(fmt, "format_module", faulty)
    text = STYLES["lf"](CHECKED).replace("    per timepoint", "  per   timepoint")
    result = format_source(text, "a.imx")
    assert result.text is None
    assert [d.code for d in result.diagnostics] == ["internal-error"]
    assert "would change its definitions" in result.diagnostics[0].message
    assert SourceFile("a.imx", text).position(result.diagnostics[0].span.start).line == 3
    path = tmp_path / "a.imx"
    path.write_text(text, encoding="utf-8")
    assert main(["fmt", str(path), "--no-color"]) == 1
    assert path.read_text(encoding="utf-8") == text
    out = capsys.readouterr().out
    assert "would change its definitions" in out and "1 file(s) not formatted" in out


def test_fmt_refuses_a_rewrite_that_would_lose_a_comment(monkeypatch: pytest.MonkeyPatch) -> None:
    real = fmt.format_module
    monkeypatch.setattr(
        fmt, "format_module", lambda m, t: real(m, t).replace("  # a trailing comment", "")
    )
    result = format_source(STYLES["lf"](CHECKED).replace("where ", "where  "), "a.imx")
    assert result.text is None
    assert "would change its comments" in result.diagnostics[0].message


def test_fmt_of_a_folder_goes_on_past_failing_files_and_lists_every_rewrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    messy = "unit  site=study ,site\n"
    (tmp_path / "a_broken.imx").write_text("unit site =\n", encoding="utf-8")
    (tmp_path / "b.imx").write_text(messy, encoding="utf-8")
    (tmp_path / "c_bytes.imx").write_bytes(b"unit site = study\n\xff\n")  # cannot be read
    (tmp_path / "c_folder.imx").mkdir()  # a folder, though named like a file: looked into
    (tmp_path / "d_full.imx").write_text(messy, encoding="utf-8")
    (tmp_path / "e.imx").write_text(messy, encoding="utf-8")
    real_open = Path.open

    class DiskFull:
        """A file that takes half the text, then finds the disk full."""

        def __init__(self, file: Any) -> None:
            self.file = file

        def __enter__(self) -> DiskFull:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, text: str) -> int:
            self.file.write(text[: len(text) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    def full_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        opened = real_open(self, mode, *args, **kwargs)
        return DiskFull(opened) if "d_full.imx" in self.name and "w" in mode else opened

    monkeypatch.setattr(Path, "open", full_open)
    assert main(["fmt", str(tmp_path), "--no-color"]) == 1
    out = capsys.readouterr().out
    for name in ("b.imx", "e.imx"):
        assert f"reformatted {tmp_path / name}" in out
        assert (tmp_path / name).read_text(encoding="utf-8") == "unit site = study, site\n"
    assert f"cannot write `{tmp_path / 'd_full.imx'}`: No space left on device" in out
    assert f"cannot read `{tmp_path / 'c_bytes.imx'}`: not UTF-8 text" in out
    assert "c_folder" not in out
    assert (tmp_path / "d_full.imx").read_text(encoding="utf-8") == messy  # not half written
    assert (tmp_path / "a_broken.imx").read_text(encoding="utf-8") == "unit site =\n"
    assert "3 file(s) not formatted" in out
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["a_broken.imx", "b.imx", "c_bytes.imx", "c_folder.imx", "d_full.imx", "e.imx"]


def test_fmt_keeps_a_files_permissions_and_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.imx"
    real.write_text("unit  site=study ,site\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.imx"
    link.symlink_to(real)
    assert main(["fmt", str(link), "--no-color"]) == 0
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "unit site = study, site\n"
    assert real.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("style", ["crlf", "cr", "mixed"])
@pytest.mark.parametrize("output", ["text", "json", "sarif"])
def test_check_output_is_the_same_in_every_style(
    tmp_path: Path,
    style: str,
    output: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = Path(__file__).parent / "cases" / "check" / "types.imx"
    text = case.read_text(encoding="utf-8")
    printed = []
    for name, body in (("lf", text), (style, STYLES[style](text))):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "t.imx").write_bytes(body.encode("utf-8"))
        monkeypatch.chdir(folder)
        assert main(["check", "t.imx", "--format", output, "--no-color"]) == 1
        printed.append(capsys.readouterr().out)
    assert printed[0].count("type-mismatch") > 1
    assert printed[1] == printed[0]
