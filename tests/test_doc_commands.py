"""Every shell block of docs/ and README.md runs as written, or says why not.

A page's blocks run in order in a temporary folder that holds the repository's `.venv` and
`stdlib_metrics` (the commands are written to be run from the repository's folder), each ```sh
block as one `bash -e` script. Comments just above a block steer the test, and render as nothing:

- `<!-- file: PATH -->` above an ```imx block writes it to PATH; `<!-- append: PATH -->` adds it
  to the end of PATH;
- `<!-- output: COMMAND -->` above a ```text block runs COMMAND: every line of the block must be
  in its output (stdout and stderr), in that order;
- `<!-- not run: REASON -->` above a ```sh block skips it, for the reason given.

A page that needs more than a folder (a git repository, edits between commands) is run by a test
of its own, named in ``RUN_ELSEWHERE``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([*ROOT.joinpath("docs").rglob("*.md"), ROOT / "README.md"])
FENCE = re.compile(r"(?:^<!-- ([a-z ]+): (.+?) -->\n)?^```(\w+)\n(.*?)^```", re.S | re.M)
SHELLS = ("sh", "bash", "shell", "console")
STEERS = ("file", "append", "output", "not run")


@dataclass(frozen=True)
class Block:
    steer: str | None
    argument: str
    language: str
    text: str


def blocks(page: Path) -> list[Block]:
    found = []
    for steer, argument, language, text in FENCE.findall(page.read_text(encoding="utf-8")):
        assert not steer or steer in STEERS, f"{page.name}: unknown steer `<!-- {steer}: -->`"
        found.append(Block(steer or None, argument, language, text))
    return found


RUN_ELSEWHERE = {ROOT / "docs" / "howto" / "propose-a-change.md": "tests/test_howto.py"}
RUN = [p for p in PAGES if p not in RUN_ELSEWHERE and any(b.language in SHELLS for b in blocks(p))]


def _environment() -> dict[str, str]:
    venv = Path(sys.executable).parent
    path = f"{venv}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "PATH": path}


def _shell(script: str, folder: Path, check: bool) -> str:
    proc = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
        env=_environment(),
        check=False,
    )
    output = proc.stdout + proc.stderr
    if check:
        assert proc.returncode == 0, f"exit {proc.returncode} from:\n{script}\n{output}"
    return output


def _in_order(expected: str, output: str) -> None:
    """Each line of ``expected`` is a line of ``output`` (trailing spaces aside), in order."""
    lines = [line.rstrip() for line in output.splitlines()]
    at = 0
    for want in (w.rstrip() for w in expected.splitlines()):
        found = next((i for i in range(at, len(lines)) if lines[i] == want), None)
        assert found is not None, f"`{want}` not found (in order) in:\n{output}"
        at = found + 1


def _folder(tmp_path: Path) -> Path:
    venv = Path(sys.executable).parent.parent
    (tmp_path / ".venv").symlink_to(venv)
    (tmp_path / "stdlib_metrics").symlink_to(ROOT / "stdlib_metrics")
    return tmp_path


@pytest.mark.parametrize("page", RUN, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_page_runs_as_written(page: Path, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    for block in blocks(page):
        target = folder / block.argument if block.steer in ("file", "append") else None
        if target is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            before = target.read_text(encoding="utf-8") + "\n" if block.steer == "append" else ""
            target.write_text(before + block.text, encoding="utf-8")
        elif block.steer == "output":
            _in_order(block.text, _shell(block.argument, folder, check=False))
        elif block.language in SHELLS and block.steer != "not run":
            _shell(block.text, folder, check=True)


def test_every_shell_block_is_run_or_says_why_not() -> None:
    for page in PAGES:
        for block in blocks(page):
            if block.language in SHELLS and block.steer is not None:
                assert block.steer == "not run", f"{page.name}: `{block.steer}` above a shell block"
                assert len(block.argument.split()) >= 3, f"{page.name}: give a reason, not a word"
    assert ROOT / "docs" / "tutorial.md" in RUN
    for page, test in RUN_ELSEWHERE.items():
        assert (ROOT / test).is_file() and page.name in (ROOT / test).read_text(encoding="utf-8")


def test_the_tutorial_compares_output_and_writes_its_files() -> None:
    steers = [b.steer for b in blocks(ROOT / "docs" / "tutorial.md")]
    assert steers.count("output") >= 2 and "file" in steers and "append" in steers
