"""`imx run` stopped by SIGINT, SIGTERM or SIGHUP mid-run: exit 128+N, one line saying so, no
traceback, and no temporary data folder left behind (real processes, a private TMPDIR each)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imx.demo_data import generate
from test_cli_errors import SPEC

ROOT = Path(__file__).resolve().parents[1]
IMX = Path(sys.executable).with_name("imx")
COMMAND = [str(IMX)] if IMX.exists() else [sys.executable, "-m", "imx.cli"]


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo log that takes a few seconds to load and evaluate (40 studies, as CSV)."""
    folder = tmp_path_factory.mktemp("signals") / "data"
    generate(studies=40, seed=3, out=folder, fmt="csv")
    return folder


def _stop(log: Path, tmp: Path, signum: int, delay: float) -> tuple[int, str]:
    """Start `imx run`, wait until it has made its data folder (and ``delay`` more), signal it."""
    proc = subprocess.Popen(
        [*COMMAND, "run", str(ROOT / "stdlib_metrics"), "--data", str(log), "--no-color"],
        env={**os.environ, "TMPDIR": str(tmp)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not list(tmp.glob("imx-data-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(delay)
    assert proc.poll() is None, "the run ended before it was signalled: use a larger log"
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


# each signal at two moments: while loading the data, and while evaluating
@pytest.mark.parametrize("delay", [0.2, 1.4])
@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_stops_the_run_cleanly(log: Path, tmp_path: Path, name: str, delay: float) -> None:
    signum = getattr(signal, name)
    code, err = _stop(log, tmp_path, signum, delay)
    assert code == 128 + signum, err
    assert err.strip().splitlines() == [f"error: interrupted by {name}"]
    assert not list(tmp_path.glob("imx-data-*"))  # the data folder is gone


def test_sigterm_stops_docs_serve_with_143_and_removes_its_project(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    spec = tmp_path / "project" / "m.imx"  # a small project: the site builds in a second
    spec.parent.mkdir()
    spec.write_text(SPEC, encoding="utf-8")
    paths = [str(spec)]
    proc = subprocess.Popen(
        [*COMMAND, "docs", "serve", *paths, "--addr", f"127.0.0.1:{port}", "--no-color"],
        env={**os.environ, "TMPDIR": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        with socket.socket() as client:
            if client.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    assert proc.poll() is None, "docs serve ended before it was signalled"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err.strip().splitlines()[-1] == "error: interrupted by SIGTERM"
    assert f"serving the handbook on http://127.0.0.1:{port}/" in err  # says where to look
    assert "Traceback" not in err
    assert not list(tmp_path.glob("imx-handbook-*"))
