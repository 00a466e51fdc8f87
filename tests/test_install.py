"""A non-editable install carries the grammar and the standard library and gives a working `imx`."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (found,) = out.glob("imx-*.whl")
    return found


def test_wheel_holds_grammar_and_stdlib(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "imx/grammar/imx.lark" in names
    assert any(n.startswith("imx/stdlib_metrics/") and n.endswith(".imx") for n in names)
    assert "imx/py.typed" in names


def test_fresh_venv_runs_imx_from_the_wheel(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([py, "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True)
    # Dependencies come from the test environment's site-packages (a path entry, so its own
    # .pth files, including the editable install of imx, are not processed).
    (purelib,) = Path(env_dir / "lib").glob("python3*/site-packages")
    deps = [p for p in site.getsitepackages() if p.endswith("site-packages")]
    (purelib / "zz_test_deps.pth").write_text("\n".join(deps) + "\n")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "m.imx").write_text("import stdlib\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [py, "-c", "import imx, sys; print(imx.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=env,
    ).stdout
    assert str(env_dir) in where
    proc = subprocess.run(
        [env_dir / "bin" / "imx", "check", "m.imx", "--no-color"],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no problems found" in proc.stdout
