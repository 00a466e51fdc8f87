"""Which files a folder's project holds: one rule (``project.imx_files``) for ``imx check``,
``imx fmt`` and ``imx lsp``, which leaves out hidden folders, virtualenvs, ``node_modules`` and
``__pycache__``."""

from __future__ import annotations

from pathlib import Path

import pytest

from imx.cli import main
from imx.lsp.workspace import Workspace
from imx.project import imx_files, load_sources

GOOD = "import stdlib.schema\n"
BROKEN = "metric BROKEN {\n"  # a syntax error: reading it would fail the check


def _tree(root: Path) -> list[Path]:
    """A project with its own files and copies of broken ones in every folder left out."""
    own = [root / "a.imx", root / "sub" / "b.imx", root / "sub" / "deeper" / "c.imx"]
    for path in own:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(GOOD, encoding="utf-8")
    for folder in (".git", ".venv/lib", "node_modules/pkg", "__pycache__", ".hidden", "env2"):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / "x.imx").write_text(BROKEN, encoding="utf-8")
    (root / "env2" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (root / "sub" / "notes.txt").write_text(BROKEN, encoding="utf-8")
    return sorted(own)


def test_the_project_files_leave_out_tool_folders(tmp_path: Path) -> None:
    own = _tree(tmp_path)
    assert imx_files(tmp_path) == own
    project = load_sources([tmp_path])
    assert sorted(Path(f) for f in project.sources if "stdlib" not in f) == own
    assert not project.diagnostics


def test_imx_check_and_fmt_read_only_the_project_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tree(tmp_path)
    assert main(["check", str(tmp_path)]) == 0
    assert main(["fmt", "--check", str(tmp_path)]) == 0
    assert "x.imx" not in capsys.readouterr().out


def test_the_language_server_finds_the_same_files(tmp_path: Path) -> None:
    own = _tree(tmp_path)
    assert Workspace([tmp_path.resolve()]).files() == [p.resolve() for p in own]


def test_a_folder_named_on_the_command_line_is_read_even_if_hidden(tmp_path: Path) -> None:
    hidden = tmp_path / ".specs"
    hidden.mkdir()
    (hidden / "a.imx").write_text(GOOD, encoding="utf-8")
    assert imx_files(hidden) == [hidden / "a.imx"]
