"""Bad input and a hostile environment at the command line: each case gives its exit code and a
message naming what was wrong, before any work, with no traceback and no "internal error"."""

from __future__ import annotations

import datetime as dt
import errno
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import imx.checker
import imx.data
import imx.demo_data
from imx.cli import build_parser, main
from imx.errors import ImxError

SPEC = """\
schema s
events {
    a "A"
    b "B"
}
table events {
    study text key
    site text key
    subject text key
    timepoint text key
    event event
    at timestamp
}
table studies {
    study text key
    therapeutic_area text
}
table sites {
    study text key
    site text key
}
unit timepoint = study, site, subject, timepoint

metric Q-1 "A quality metric" {
    category  quality
    question  "How often does b follow a?"
    per       timepoint
    where     has a
    rate      has b
    bands     higher_is_better { green >= 90%, amber >= 80%, red }
}
"""


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A project, its data, a plain file and an empty folder, by the names the cases use."""
    root = tmp_path_factory.mktemp("cli-errors")
    (root / "m.imx").write_text(SPEC, encoding="utf-8")
    data = root / "data"
    data.mkdir()
    (data / "events.csv").write_text(
        "study,site,subject,timepoint,event,at\n"
        "S1,001,1,BL,a,2026-03-02T10:00Z\nS1,001,1,BL,b,2026-03-03T10:00Z\n"
    )
    (data / "studies.csv").write_text("study,therapeutic_area\nS1,oncology\n")
    (data / "sites.csv").write_text("study,site\nS1,001\n")
    (root / "file.txt").write_text("not a folder\n")
    (root / "empty").mkdir()
    return {"spec": str(root / "m.imx"), "data": str(data), "tmp": str(root)}


RUN = ["run", "{spec}", "--data", "{data}", "--no-color"]
# (argv, exit code, a fragment of stderr); {spec}, {data} and {tmp} name the fixture's files
CASES: list[tuple[list[str], int, str]] = [
    # item 5 and 11: output paths and formats, checked before evaluation
    ([*RUN, "--out", "{tmp}/results.xls"], 2, "unknown output format `.xls`"),
    ([*RUN, "--out", "{tmp}/results"], 2, "unknown output format `(none)`"),
    ([*RUN, "--out", "{tmp}/results.txt"], 2, "name the output file with one of: .csv"),
    ([*RUN, "--out", "{tmp}/no/such/r.csv"], 2, "{tmp}/no/such` does not exist"),
    ([*RUN, "--out", "{tmp}/empty"], 2, "{tmp}/empty`: it is a folder"),
    ([*RUN, "--out", "{tmp}/file.txt/r.csv"], 2, "{tmp}/file.txt` does not exist"),
    ([*RUN, "--out", "/dev/full"], 2, "cannot write `/dev/full`: it is not a regular file"),
    ([*RUN, "--out", "{tmp}/x[bold]y/r.csv"], 2, "x[bold]y"),
    ([*RUN, "--out", "{tmp}/a\x1b[31mb/r.csv"], 2, "a\\x1b[31mb"),  # shown, not obeyed
    # --as-of: out of range, no zone, compact forms
    ([*RUN, "--as-of", "9999-12-31T00:00Z"], 2, "outside the years imx evaluates, 1900 to 2199"),
    ([*RUN, "--as-of", "0001-01-01T00:00Z"], 2, "outside the years imx evaluates"),
    ([*RUN, "--as-of", "0001-01-01T00:00+01:00"], 2, "is not a valid instant"),
    ([*RUN, "--as-of", "2026-02-30"], 2, "`2026-02-30` is not a valid instant"),
    ([*RUN, "--as-of", "2026-03-31T00:00"], 2, "not a date and time with a time zone"),
    ([*RUN, "--as-of", "2026-02-30T00:00Z"], 2, "is not a valid instant"),
    ([*RUN, "--as-of", "soon"], 2, "2026-03-31T09:30+02:00"),
    ([*RUN, "--timezone", "Europe/Atlantis"], 2, "unknown time zone `Europe/Atlantis`"),
    # item 8: resources
    ([*RUN, "--threads", "100000"], 2, "100000 is not a number of threads from 1 to"),
    ([*RUN, "--threads", "0"], 2, "0 is not a number of threads"),
    ([*RUN, "--threads", "many"], 2, "`many` is not a whole number"),
    ([*RUN, "--memory-limit", "2MB"], 2, "less than the least memory limit, 64MB"),
    ([*RUN, "--memory-limit", "lots"], 2, "`lots` is not a size"),
    ([*RUN, "--memory-limit", "4"], 2, "write e.g. 4GB"),
    # the run's other options
    ([*RUN, "--bogus"], 2, "usage: imx run"),
    ([*RUN, "--spark-master", "local[2]"], 2, "add --engine spark"),
    (["run", "{spec}", "--no-color"], 2, "no data given"),
    ([*RUN, "--table", "events"], 2, "should look like events="),
    ([*RUN, "--metric", "Q-2"], 2, "did you mean `Q-1`?"),
    ([*RUN, "--metric", "Q-1@2014"], 2, "--metric `Q-1@2014`: no such metric"),  # no versions
    # levels by a key or an attribute, and two crossed (rule 17)
    ([*RUN, "--level", "by:subjct"], 2, "did you mean `by:subject`?"),
    ([*RUN, "--level", "by:therapeutic_area+timepont"], 2, "`by:therapeutic_area+timepoint`?"),
    ([*RUN, "--level", "by:subject+subject"], 2, "by:NAME+NAME for two crossed"),
    ([*RUN, "--level", "by:study+site+subject"], 2, "is not a level"),
    ([*RUN, "--level", "by:reader"], 2, "NAME one of site, study, subject, therapeutic_area"),
    (["units", "Q-1", "{spec}", "--data", "{data}", "--by", "subject"], 2, "is not NAME=VALUE"),
    (["units", "Q-1", "{spec}", "--data", "{data}", "--by", "subject=9"], 2, "hint: subject: 1"),
    (["units", "Q-1", "{spec}", "--data", "{data}", "--by", "vendor=x"], 2, "no unit row has"),
    (["run", "{spec}", "--data", "{tmp}/nodata"], 2, "data folder `{tmp}/nodata` does not exist"),
    # item 10: a path given that does not exist is a usage error for every command
    (["check", "{tmp}/nope.imx"], 2, "no such file or folder: `{tmp}/nope.imx`"),
    (["check", "{tmp}/empty"], 2, "the folder `{tmp}/empty` holds no .imx files"),
    (["check", "--format", "json", "{tmp}/nope.imx"], 2, "no such file or folder"),
    (["run", "{tmp}/nope.imx", "--data", "{data}"], 2, "no such file or folder"),
    (["test", "{tmp}/nope.imx"], 2, "no such file or folder"),
    (["sql", "Q-1", "{tmp}/nope.imx"], 2, "no such file or folder"),
    (["explain", "Q-1", "{tmp}/nope.imx"], 2, "no such file or folder"),
    (["docs", "build", "{tmp}/nope.imx", "--out", "{tmp}/hb"], 2, "no such file or folder"),
    (["fmt", "{tmp}/nope.imx"], 2, "no such file or folder"),
    # subcommand errors show that subcommand's usage
    (["check", "--format", "xml", "{spec}"], 2, "usage: imx check"),
    (["docs"], 2, "usage: imx docs"),
    (["sql", "Q-1"], 2, "usage: imx sql"),
    (["explain", "Q-1", "{spec}", "--colour"], 2, "usage: imx explain"),
    (["sql", "Q-2", "{spec}"], 2, "did you mean `Q-1`?"),
    (["sql", "Q-1", "{spec}", "--as-of", "2026-03-01T00:00Z"], 2, "--as-of is for --standalone"),
    (["sql", "Q-1", "{spec}", "--standalone", "--as-of", "soon"], 2, "soon"),
    # docs and demo-data folders, addresses, cuts
    (["docs", "build", "{spec}", "--out", "{tmp}/file.txt"], 2, "is a file, not a folder"),
    (["docs", "build", "{spec}", "--out", "{tmp}/file.txt/hb"], 2, "{tmp}/file.txt` is a file"),
    (["docs", "build", "{spec}", "--results", "{tmp}/none.csv"], 2, "no such results file"),
    (["docs", "serve", "{spec}", "--addr", "bogus"], 2, "`bogus` is not HOST:PORT"),
    (["docs", "serve", "{spec}", "--addr", "127.0.0.1:99999"], 2, "a port from 1 to 65535"),
    (["docs", "serve", "{spec}", "--addr", "127.0.0.1:0"], 2, "a port from 1 to 65535"),
    (["docs", "serve", "{spec}", "--addr", "example.org:80"], 2, "not an IP address"),
    (["demo-data", "--out", "{tmp}/file.txt"], 2, "--out `{tmp}/file.txt` is a file"),
    (["demo-data", "--out", "{tmp}/d", "--as-of", "1900-01-01T00:00Z"], 2, "from 2024-11-01"),
    (["demo-data", "--out", "{tmp}/d", "--as-of", "2199-01-01T00:00Z"], 2, "to 2028-12-31"),
    (["demo-data", "--studies", "0"], 2, "0 is not a number of studies from 1 to 10,000"),
    (["demo-data", "--studies", "1000000"], 2, "1000000 is not a number of studies"),
    (["demo-data", "--seed", "x"], 2, "`x` is not a whole number"),
    # imx diff: sides, git revisions and data options
    (["diff", "{spec}", "{tmp}/nope.imx"], 2, "no such file or folder: `{tmp}/nope.imx`"),
    (["diff", "{spec}", "{tmp}/empty"], 2, "no .imx"),
    (["diff", "{spec}", "{tmp}/file.txt"], 2, "{tmp}/file.txt"),
    (["diff", "git:HEAD", "{spec}"], 2, "is not of the form git:REV:PATH"),
    (["diff", "git::x", "{spec}"], 2, "is not of the form git:REV:PATH"),
    (["diff", "{spec}", "{spec}", "--as-of", "2026-03-01T00:00Z"], 2, "give --data too"),
    (["diff", "{spec}", "{spec}", "--as-of", "9999-12-31T00:00Z"], 2, "outside the years"),
    (["diff", "{spec}", "{spec}", "--data", "{tmp}/nodata"], 2, "`{tmp}/nodata` does not exist"),
    (["diff", "{spec}", "{spec}", "--format", "sarif"], 2, "invalid choice: 'sarif'"),
]


def _argv(template: list[str], place: dict[str, str]) -> list[str]:
    return [part.format(**place) for part in template]


def _case_id(case: tuple[list[str], int, str]) -> str:
    return " ".join(case[0]).replace("{", "").replace("}", "")


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_bad_input_gives_its_code_and_message(
    case: tuple[list[str], int, str],
    place: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    template, code, fragment = case
    assert main(_argv(template, place)) == code
    err = capsys.readouterr().err
    assert fragment.format(**place) in err
    assert "Traceback" not in err and "internal error" not in err


def _no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make checking the specs, loading data and simulating a demo log fail the test."""

    def started(*_: Any, **__: Any) -> Any:
        raise AssertionError("work started before the options were validated")

    monkeypatch.setattr(imx.checker, "check_paths", started)
    monkeypatch.setattr(imx.data, "load_dataset", started)
    monkeypatch.setattr(imx.demo_data, "_simulate", started)


BEFORE_WORK = [
    c
    for c in CASES
    if any(
        o in c[0]
        for o in ("--out", "--as-of", "--threads", "--memory-limit", "--addr", "--timezone")
    )
    and c[0][0] in ("run", "docs", "demo-data")
    and "{tmp}/nope.imx" not in c[0]
]


@pytest.mark.parametrize("case", BEFORE_WORK, ids=_case_id)
def test_options_are_judged_before_any_work(
    case: tuple[list[str], int, str],
    place: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _no_work(monkeypatch)
    argv = _argv(case[0], place)
    if argv[0] == "run":  # data that does not exist: the option's message still comes first
        argv[argv.index("--data") + 1] = f"{place['tmp']}/nodata"
    assert main(argv) == case[1]
    err = capsys.readouterr().err
    assert case[2].format(**place) in err and "nodata" not in err


def test_before_work_covers_each_kind_of_option() -> None:
    covered = {o for c in BEFORE_WORK for o in c[0] if o.startswith("--")}
    assert {"--out", "--as-of", "--threads", "--memory-limit", "--addr", "--timezone"} <= covered
    assert {c[0][0] for c in BEFORE_WORK} == {"run", "docs", "demo-data"}


def test_user_text_in_paths_is_printed_as_text(
    place: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a[red]b.json"
    assert main([*_argv(RUN, place), "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    assert out.is_file()
    folder = tmp_path / "[bold]demo[/bold]"
    assert main(["demo-data", "--studies", "1", "--out", str(folder), "--no-color"]) == 0
    assert f"wrote demo data to {folder}" in capsys.readouterr().out


def test_a_checker_failure_is_an_internal_error_exit_3(
    place: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("checker bug")

    monkeypatch.setattr(imx.checker, "build_model", broken)
    assert main(["check", place["spec"], "--no-color"]) == 3
    assert "internal-error" in capsys.readouterr().out
    assert main(["sql", "Q-1", place["spec"], "--no-color"]) == 3


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files and folders")
def test_read_only_folder_and_file_are_named(
    place: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (tmp_path / "r.csv").write_text("old\n")
    (tmp_path / "r.csv").chmod(0o444)
    locked.chmod(0o555)
    try:
        assert main([*_argv(RUN, place), "--out", str(locked / "r.csv")]) == 2
        assert f"cannot write `{locked / 'r.csv'}`" in capsys.readouterr().err
        assert main([*_argv(RUN, place), "--out", str(tmp_path / "r.csv")]) == 2
        assert "the file is read-only" in capsys.readouterr().err
    finally:
        locked.chmod(0o755)


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs a read-only /sys")
def test_a_folder_nobody_may_write_is_named(
    place: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_argv(RUN, place), "--out", "/sys/kernel/results.csv"]) == 2
    assert main(["docs", "build", place["spec"], "--out", "/sys/kernel/hb"]) == 2
    err = capsys.readouterr().err
    assert "cannot write `/sys/kernel/results.csv`" in err
    assert "--out `/sys/kernel/hb`: cannot write in `/sys/kernel`" in err


def test_out_through_a_link_to_a_device_is_refused_before_work(
    place: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    link = tmp_path / "results.csv"
    link.symlink_to("/dev/full")
    _no_work(monkeypatch)
    assert main([*_argv(RUN, place), "--out", str(link)]) == 2
    assert "it is not a regular file" in capsys.readouterr().err


def test_a_full_disk_during_the_write_leaves_nothing_and_exits_2(
    place: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from imx.output import WRITERS

    def full(results: object, path: Path, model: object) -> list[Path]:
        path.write_text("metric,value\nQ-1,0.")  # a part written, then no space
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setitem(WRITERS, ".csv", full)
    out = tmp_path / "results.csv"
    assert main([*_argv(RUN, place), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write `{out}`: No space left on device" in err
    assert list(tmp_path.iterdir()) == []  # no partial file, no staging folder


def test_running_out_of_memory_is_exit_2_not_a_bug(
    place: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def exhausted(*_: Any, **__: Any) -> Any:
        raise MemoryError

    monkeypatch.setattr(imx.data, "load_dataset", exhausted)
    assert main(_argv(RUN, place)) == 2
    err = capsys.readouterr().err
    assert "imx ran out of memory" in err and "internal error" not in err


def test_a_memory_limit_beyond_the_machine_warns(
    place: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_argv(RUN, place), "--memory-limit", "1000TB"]) == 0
    assert "warning: --memory-limit 1000TB is more than this machine's memory" in (
        capsys.readouterr().err
    )


def test_help_describes_every_option_and_the_exit_codes() -> None:
    parser = build_parser()
    text = parser.format_help()
    assert "128+N" in text and "internal error" in text
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():  # type: ignore[attr-defined]
        for action in command._actions:
            assert action.help, f"imx {name} {action.option_strings or action.dest} has no help"


IMX = Path(sys.executable).with_name("imx")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["run", "{spec}", "--data", "{tmp}/nodata", "--out", "{tmp}/r.xls"], "`.xls`"),
        (["run", "{spec}", "--data", "{data}", "--threads", "100000"], "from 1 to"),
        (["run", "{spec}", "--data", "{data}", "--as-of", "9999-12-31T00:00Z"], "1900 to 2199"),
        (["check", "{tmp}/nope.imx"], "no such file or folder"),
        (["demo-data", "--out", "{tmp}/file.txt"], "is a file, not a folder"),
    ],
)
def test_the_installed_command_exits_2(
    argv: list[str], fragment: str, place: dict[str, str]
) -> None:
    command = [str(IMX)] if IMX.exists() else [sys.executable, "-m", "imx.cli"]
    proc = subprocess.run(
        [*command, *_argv(argv, place)], capture_output=True, text=True, check=False, timeout=60
    )
    assert proc.returncode == 2, proc.stderr
    assert fragment in proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr


def test_a_reader_that_stops_early_gives_exit_0(place: dict[str, str]) -> None:
    """`imx run … | head -0`: Rich's own answer to a closed pipe was exit 1, read as findings."""
    command = [str(IMX)] if IMX.exists() else [sys.executable, "-m", "imx.cli"]
    for argv in (_argv(RUN, place), ["check", place["spec"], "--format", "json"]):
        proc = subprocess.Popen(
            [*command, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader goes away before imx writes a line
        with proc.stderr:
            err = proc.stderr.read()
        assert proc.wait(timeout=60) == 0, err
        assert "Traceback" not in err and "Exception ignored" not in err


@pytest.mark.parametrize(
    "as_of",
    [
        dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        dt.datetime(1899, 12, 31, 23, 59, tzinfo=dt.UTC),
    ],
)
def test_the_python_api_refuses_a_cut_outside_the_years_evaluated(
    as_of: dt.datetime, place: dict[str, str]
) -> None:
    """The range is the loader's, so imx.evaluate says what --as-of says (it had overflowed)."""
    model = imx.load([place["spec"]])
    with pytest.raises(ImxError, match="outside the years imx evaluates, 1900 to 2199"):
        imx.evaluate(model, place["data"], as_of=as_of)


@pytest.mark.parametrize("written", ["20260331", "2026-03-31"])
def test_a_date_alone_is_read_as_the_start_of_that_day_and_says_so(
    written: str, place: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    out = Path(place["tmp"]) / f"day-{written}.csv"
    argv = _argv([*RUN, "--as-of", written, "--out", str(out)], place)
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert f"reading --as-of {written} as 2026-03-31T00:00Z, the start of that day in UTC" in err
    stamp = (Path(place["tmp"]) / f"day-{written}.stamp.json").read_text(encoding="utf-8")
    assert "2026-03-31T00:00:00Z" in stamp or "2026-03-31T00:00Z" in stamp


def test_a_date_that_is_no_day_gets_no_note_only_the_error(
    place: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_argv([*RUN, "--as-of", "2026-13-01"], place)) == 2
    err = capsys.readouterr().err
    assert "`2026-13-01` is not a valid instant" in err and "reading --as-of" not in err
