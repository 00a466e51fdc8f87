"""docs/howto/propose-a-change.md runs as written: every ```sh line in a git repository holding the
standard library as `metrics/`, the page's ```imx block applied as the edit it describes, each
line's exit code as its `# exit code N` comment says (0 without one), and the ```text block after
a command is exactly what it prints."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "howto" / "propose-a-change.md"
BLOCK = re.compile(r"^```(sh|imx|text)\n(.*?)^```", re.S | re.M)
EXIT = re.compile(r"#\s*exit code (\d+)")
METRIC = re.compile(r"^metric (\S+) .*?^}\n", re.S | re.M)


def _blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(PAGE.read_text(encoding="utf-8"))


def _apply_edit(metrics: Path, block: str) -> None:
    """Replace the metric the block defines, in the file that defines it, by the block."""
    match = METRIC.search(block)
    assert match, "the page's imx block defines no metric"
    for path in metrics.glob("*.imx"):
        text = path.read_text(encoding="utf-8")
        found = next((x for x in METRIC.finditer(text) if x.group(1) == match.group(1)), None)
        if found:
            path.write_text(text.replace(found.group(0), block), encoding="utf-8")
            return
    pytest.fail(f"no file of the standard library defines {match.group(1)}")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is needed to run the how-to page")
    shutil.copytree(ROOT / "stdlib_metrics", tmp_path / "metrics")
    for argv in (["init", "-q", "-b", "main"], ["add", "metrics"], ["commit", "-q", "-m", "v1"]):
        subprocess.run(["git", *argv], cwd=tmp_path, check=True, env=_env(), capture_output=True)
    return tmp_path


def _env() -> dict[str, str]:
    person = {"GIT_AUTHOR_NAME": "Chair", "GIT_AUTHOR_EMAIL": "chair@example.org"}
    person |= {"GIT_COMMITTER_NAME": "Chair", "GIT_COMMITTER_EMAIL": "chair@example.org"}
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, **person, "PATH": path, "NO_COLOR": "1", "COLUMNS": "200"}


def test_the_page_has_the_steps_it_promises() -> None:
    kinds = [kind for kind, _ in _blocks()]
    assert kinds.count("imx") == 1 and kinds.count("sh") >= 6 and "text" in kinds
    assert "Propose a change" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_every_command_of_the_page_runs_as_it_says(repo: Path) -> None:
    last = ""
    for kind, body in _blocks():
        if kind == "imx":
            _apply_edit(repo / "metrics", body)
        elif kind == "text":
            assert last == body, "the page's output block differs from what the command prints"
        else:
            for line in body.splitlines():
                expected = int(m.group(1)) if (m := EXIT.search(line)) else 0
                done = subprocess.run(
                    ["bash", "-c", line], cwd=repo, env=_env(), capture_output=True, text=True
                )
                assert done.returncode == expected, (line, done.stdout, done.stderr)
                assert "Traceback" not in done.stderr, (line, done.stderr)
                last = done.stdout
    review = (repo / "review.md").read_text(encoding="utf-8")
    assert "### metric COMPLETE-FIRST" in review and "Impact on the results" in review
    assert (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    changes = (repo / "handbook" / "docs" / "changes.md").read_text(encoding="utf-8")
    assert "## metric COMPLETE&#45;FIRST" in changes or "## metric COMPLETE-FIRST" in changes
    for line in re.findall(r"such as\s+`([^`]+)`", PAGE.read_text(encoding="utf-8")):
        assert line in review, f"the page quotes {line!r}, which the impact does not say"
    assert "**method**" not in review  # as the page says: the exclusion moves no row
