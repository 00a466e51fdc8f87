"""`imx diff OLD NEW`: two versions of a metric set compared, and with ``--data`` their results.

OLD and NEW are folders, files, or ``git:REV:PATH`` (PATH at revision REV, read with ``git
archive`` / ``git show`` into a temporary folder, the working tree untouched; PATH is relative to
the repository's top, or to the current folder when it starts with ``./`` or ``../``). Each side
is checked; a side with errors is a usage error (exit 2) after its diagnostics. The checked models
are compared (:mod:`imx.diff`); with ``--data`` both are evaluated on the same data and cut and
the result rows that moved are listed (:mod:`imx.impact`). Exit 0 when the two are equal, 1 when
they differ.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from imx import cli
from imx import messages as M
from imx.errors import UsageError

if TYPE_CHECKING:
    from imx.diff import ModelDiff
    from imx.impact import Impact
    from imx.model import Model

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

GIT = "git:"


def add_diff(sub: SubParsers) -> argparse.ArgumentParser:
    """The ``diff`` subcommand's parser."""
    help = "compare two versions of a metric set, and with --data their results"
    p = cli._command(sub, "diff", cmd_diff, help)
    for side in ("old", "new"):
        p.add_argument(side, metavar=side.upper(), help="a folder, a file, or git:REV:PATH")
    p.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text for a terminal (default), JSON for tools, Markdown for a review",
    )
    cli._add_run_data(p)
    cli._add_run_engine(p)
    return p


def _git(args: list[str], cwd: Path, spec: str) -> bytes:
    """A git command's output; git missing or failing is a usage error naming ``spec``."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError(M.DIFF_NO_GIT.format(spec), [M.DIFF_GIT_HINT]) from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(M.DIFF_GIT_FAILED.format(spec, detail[-1] if detail else "failed"))
    return done.stdout


def _in_repo(path: str, root: Path, spec: str) -> str:
    """PATH of ``git:REV:PATH`` relative to the repository's top."""
    if not path.startswith(("./", "../")) and path not in (".", ".."):
        return path.strip("/")
    absolute = (Path.cwd() / path).resolve()
    try:
        return absolute.relative_to(root.resolve()).as_posix().removeprefix(".")
    except ValueError:
        raise UsageError(M.DIFF_OUTSIDE_REPO.format(spec, root)) from None


def _from_git(spec: str, scratch: Path) -> Path:
    """``git:REV:PATH`` written out under ``scratch``: the path of its copy."""
    rev, sep, path = spec.removeprefix(GIT).partition(":")
    if not sep or not rev:
        raise UsageError(M.DIFF_BAD_GIT.format(spec), [M.DIFF_GIT_HINT])
    root = Path(_git(["rev-parse", "--show-toplevel"], Path.cwd(), spec).decode().strip())
    inner = _in_repo(path, root, spec)
    kind = _git(["cat-file", "-t", f"{rev}:{inner}"], root, spec).decode().strip()
    target = scratch / (inner or ".")
    if kind == "blob":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_git(["show", f"{rev}:{inner}"], root, spec))
        return target
    if kind != "tree":
        raise UsageError(M.DIFF_GIT_FAILED.format(spec, f"a {kind}, not a file or folder"))
    archive = _git(["archive", "--format=tar", rev, *([inner] if inner else [])], root, spec)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(scratch, filter="data")
    return target


@contextmanager
def _sides(*specs: str) -> Iterator[list[Path]]:
    """Each side as a path on disk, git revisions written to a temporary folder meanwhile."""
    with tempfile.TemporaryDirectory(prefix="imx-diff-") as scratch:
        paths = []
        for i, spec in enumerate(specs):
            if spec.startswith(GIT):
                paths.append(_from_git(spec, Path(scratch) / str(i)))
            elif Path(spec).exists():
                paths.append(Path(spec))
            else:
                raise UsageError(M.DIFF_NO_SIDE.format(spec), [M.DIFF_SIDE_HINT])
        yield paths


def _model(args: argparse.Namespace, path: Path, name: str) -> Model:
    """One side checked; with errors, its diagnostics on stderr and a usage error."""
    from imx.render import diagnostics as R

    result = cli._check([str(path)])
    if result.model is not None and not result.errors:
        return result.model
    R.render_text(list(result.errors), result.sources, cli._console(args, stderr=True))
    raise UsageError(M.DIFF_SIDE_HAS_ERRORS.format(name, len(result.errors)))


def _impact(args: argparse.Namespace, old: Model, new: Model, diff: ModelDiff) -> Impact:
    """Both models evaluated on the same data and cut (loaded once when the schemas agree),
    each only for the metrics a change may move (:meth:`imx.diff.ModelDiff.evaluated`)."""
    from imx.impact import compare_results
    from imx.results import RunOptions

    olds, news = diff.evaluated(old, new)
    first = cli._load_data(args, old.schema)
    try:
        as_of = args.as_of or first.as_of
        # no metric chosen means every metric: the rows of the ones not chosen are left out below
        before = cli._evaluate(args, old, first, RunOptions(as_of=as_of, metrics=olds or None))
        options = RunOptions(as_of=as_of, metrics=news or None)
        if new.schema == old.schema:
            after = cli._evaluate(args, new, first, options)
        else:
            second = cli._load_data(argparse.Namespace(**{**vars(args), "as_of": options.as_of}),
                                    new.schema)  # fmt: skip
            try:
                after = cli._evaluate(args, new, second, options)
            finally:
                cli._close(second)
    finally:
        cli._close(first)
    return compare_results(diff, before, after, (olds, news))


def _preflight(args: argparse.Namespace) -> None:
    """Data options without data, and the engine's, judged before any work."""
    from imx.data import check_zone, parse_column_map

    given = args.data or args.table
    if not given and (args.as_of or args.map or args.timezone):
        raise UsageError(M.DIFF_DATA_OPTION_ALONE, [M.NO_DATA_HINT])
    if args.spark_master and args.engine != "spark":
        raise UsageError(M.SPARK_MASTER_ALONE, ["add --engine spark"])
    if args.data and not Path(args.data).is_dir():  # judged even when the sides are equal
        raise UsageError(M.DIFF_NO_DATA_FOLDER.format(args.data))
    cli._parse_tables(args.table)
    parse_column_map(args.map)
    check_zone(args.timezone)


def cmd_diff(args: argparse.Namespace) -> int:
    from imx.diff import diff_models
    from imx.render import diff as R

    _preflight(args)
    with _sides(args.old, args.new) as (old_path, new_path):
        old = _model(args, old_path, args.old)
        new = _model(args, new_path, args.new)
    diff = diff_models(old, new)
    impact = _impact(args, old, new, diff) if (args.data or args.table) and not diff.empty else None
    render = {"json": R.to_json, "markdown": R.to_markdown, "text": R.to_text}[args.format]
    text = render(diff, impact, args.old, args.new)
    if args.format == "text":
        cli._say(cli._console(args), text)
    else:
        print(text, end="" if text.endswith("\n") else "\n")
    return cli.EXIT_OK if diff.empty else cli.EXIT_FINDINGS


def changes_page_for(args: argparse.Namespace, model: Model) -> str | None:
    """``imx docs build --changes-from OLD``: the handbook's Changes page from OLD (a folder, a
    file or ``git:REV:PATH``, checked like a side of ``imx diff``) to ``model``."""
    from imx.diff import diff_models
    from imx.render.handbook.changes import changes_page

    if args.changes_from is None:
        return None
    with _sides(args.changes_from) as (path,):
        old = _model(args, path, args.changes_from)
    return changes_page(diff_models(old, model), args.changes_from)
