"""CLI conventions: help that explains itself, did-you-mean for a misspelt command, shell
completion, check --explain, fmt --diff and test -k."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from imx import codes
from imx.cli import build_parser, main
from imx.cli_help import EXAMPLES

IMX = Path(sys.executable).with_name("imx")
ROOT = Path(__file__).resolve().parent.parent


def _commands(
    parser: argparse.ArgumentParser, prefix: str = ""
) -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                full = f"{prefix} {name}".strip()
                found.append((full, child))
                found += _commands(child, full)
    return found


COMMANDS = _commands(build_parser())


@pytest.mark.parametrize(("name", "parser"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_each_command_opens_with_a_description_and_an_example(
    name: str, parser: argparse.ArgumentParser
) -> None:
    text = parser.format_help()
    description = text.split("\n\n")[1]
    assert description[0].isupper() and description.rstrip().endswith(".")
    assert name in EXAMPLES, f"add an example for `imx {name}` to cli_help.EXAMPLES"
    assert "example" in text and f"imx {name}" in text


@pytest.mark.parametrize(("name", "parser"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_option_with_a_default_names_it(name: str, parser: argparse.ArgumentParser) -> None:
    text = " ".join(parser.format_help().split())
    for action in parser._actions:
        default = action.default
        if not action.option_strings or default in (None, False, [], argparse.SUPPRESS):
            continue
        assert (
            f"default: {default}" in text
            or f"default {default}" in text
            or ("(default)" in text and str(default) in text)
        ), f"imx {name} {action.option_strings[0]}: its default {default!r} is not shown"


def test_bare_imx_prints_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: imx") and "init" in out and "exit codes:" in out


def test_a_misspelt_command_gets_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chek", "x.imx"]) == 2
    err = capsys.readouterr().err
    assert "unknown command `chek`" in err and "did you mean `check`?" in err


def test_check_explain_prints_the_documentation_of_a_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", "--explain", "unknown-event", "--no-color"]) == 0
    out = capsys.readouterr().out
    assert codes.lookup("unknown-event").summary in out
    assert "section: Names" in out and "diagnostics.md#names" in out
    assert main(["check", "--explain", "unknown-evnt"]) == 2
    assert "did you mean `unknown-event`?" in capsys.readouterr().err


def test_fmt_diff_prints_a_patch_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "m.imx"
    text = 'import stdlib.schema\nmetric A "A" {\n  category quality\n  per timepoint\n  rate has qc_passed\n}\n'
    path.write_text(text)
    assert main(["fmt", str(path), "--diff", "--no-color"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"--- a/{path}\n+++ b/{path}\n") and "+    category quality" in out
    assert f"would reformat {path}" in err
    assert path.read_text() == text
    patched = tmp_path / "patched.imx"
    patched.write_text(text)
    if shutil.which("patch"):
        subprocess.run(["patch", "-s", str(patched)], input=out, text=True, check=True)
        assert main(["fmt", str(patched), "--check"]) == 0


def test_test_k_runs_only_the_matching_examples(capsys: pytest.CaptureFixture[str]) -> None:
    stdlib = str(ROOT / "stdlib_metrics")
    assert main(["test", stdlib, "-k", "qual-fpr", "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "QUAL-FPR" in out and "XFER-OT" not in out
    assert main(["test", stdlib, "-k", "no-such-thing"]) == 2
    assert "no example matches -k no-such-thing" in capsys.readouterr().err


def _script(shell: str) -> str:
    command = [str(IMX)] if IMX.exists() else [sys.executable, "-m", "imx.cli"]
    proc = subprocess.run(
        [*command, "completion", shell], capture_output=True, text=True, check=True
    )
    return proc.stdout


def _shell_binary(shell: str) -> str:
    binary = shutil.which(shell)
    assert binary is not None, f"{shell} is not installed: `make shells` installs zsh and fish"
    return binary


def _path_env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{IMX.parent}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script_each_shell_reads(
    shell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert "_ARGCOMPLETE" in script and "imx" in script
    subprocess.run([_shell_binary(shell), "-n"], input=script, text=True, check=True)


def test_fish_completes_commands_and_options(tmp_path: Path) -> None:
    (tmp_path / "imx.fish").write_text(_script("fish"))
    program = f"source {tmp_path / 'imx.fish'}; complete -C 'imx ch'; complete -C 'imx run --le'"
    proc = subprocess.run(
        [_shell_binary("fish"), "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        env=_path_env(),
        check=True,
    )
    offered = {line.split("\t")[0] for line in proc.stdout.splitlines()}
    assert {"check", "--level"} <= offered, proc.stdout + proc.stderr


def test_bash_completes_commands_and_options(tmp_path: Path) -> None:
    script = _script("bash")
    bash = _shell_binary("bash")
    program = (
        f"{script}\n"
        'COMP_WORDS=(imx ch); COMP_CWORD=1; COMP_LINE="imx ch"; COMP_POINT=6\n'
        "_python_argcomplete imx\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
        'COMP_WORDS=(imx run --le); COMP_CWORD=2; COMP_LINE="imx run --le"; COMP_POINT=12\n'
        "_python_argcomplete imx\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    proc = subprocess.run(
        [bash, "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        env=_path_env(),
        check=True,
    )
    offered = {w.strip() for w in proc.stdout.split()}
    assert "check" in offered and "--level" in offered, proc.stdout + proc.stderr
