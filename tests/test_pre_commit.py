"""`.pre-commit-hooks.yaml` works as pre-commit runs it: a throwaway git repository whose
`.pre-commit-config.yaml` names this repository (a clone of its last commit) and both hooks, run
on a misformatted file and a file with an error, then on the same files fixed.

pre-commit builds the hooks' environment from the clone (``pip install .``) in a private
``PRE_COMMIT_HOME``, exactly as a user's machine would, once for both runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]

pytestmark = pytest.mark.slow

MESSY = "import   stdlib.schema\n"
GOOD = "import stdlib.schema\n"
METRIC = """\
metric X-1 "x" {
    category quality
    per      timepoint
    where    has qc_failed
    rate     has qc_passed
}
"""
WRONG = METRIC.replace("timepoint", "timepont")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _run(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    proc = subprocess.run(
        [*PRE_COMMIT, "run", "--all-files", "--verbose", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    print(proc.stdout, proc.stderr)  # shown when the test fails
    return proc


def _hooks_repo(tmp_path: Path) -> tuple[Path, str]:
    """A clone of this repository's last commit: what a user's config would name."""
    clone = tmp_path / "hooks"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout.strip()
    return clone, rev


def test_hooks_fail_a_bad_commit_and_pass_a_good_one(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.org")
    _git(repo, "config", "user.name", "t")
    (repo / "imx.toml").write_text('paths = ["."]\n', encoding="utf-8")
    clone, rev = _hooks_repo(tmp_path)
    config = f"repos:\n  - repo: {clone}\n    rev: {rev}\n    hooks:\n      - id: imx-fmt\n      - id: imx-check\n"
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    (repo / "a.imx").write_text(MESSY, encoding="utf-8")
    (repo / "b.imx").write_text(WRONG, encoding="utf-8")
    _git(repo, "add", ".")
    home = tmp_path / "pre-commit-home"

    bad = _run(repo, home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "imx check" in bad.stdout and "imx fmt" in bad.stdout
    assert "unknown-unit" in bad.stdout  # imx check's own diagnostic, located
    assert "b.imx:3:" in bad.stdout
    assert (repo / "a.imx").read_text(encoding="utf-8") == GOOD  # imx fmt rewrote it
    assert "files were modified by this hook" in bad.stdout

    (repo / "b.imx").write_text(METRIC, encoding="utf-8")
    _git(repo, "add", ".")
    good = _run(repo, home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.count("Passed") == 2
