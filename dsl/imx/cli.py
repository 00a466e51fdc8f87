"""The `imx` command line: argv in, a command run, an exit code out (see ``EXIT_CODES``)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from imx import __version__
from imx import messages as M
from imx.dialects import DIALECTS, STANDALONE_DIALECTS, TESTED_DIALECTS
from imx.errors import ImxError, OutputError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from imx.checker import CheckResult
    from imx.data import Dataset, Source
    from imx.evaluation import UnitsTaker
    from imx.model import Metric, Model, SchemaDef
    from imx.render.profile import Profile
    from imx.results import Results, RunOptions

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_CODES = """\
exit codes:
  0      success
  1      findings: diagnostics, failed examples, files fmt would change,
         data-quality findings under --strict, two versions diff finds
         different, units two equally specific variants match
  2      usage: a bad option or path, data that cannot be read, an output that
         cannot be written (the message names it)
  3      an internal error in imx (a bug: please report it)
  128+N  stopped by signal N: 130 Ctrl-C (SIGINT), 143 SIGTERM, 129 SIGHUP"""
T = TypeVar("T")


def _console(args: argparse.Namespace, stderr: bool = False, *, wrap: bool = False) -> Console:
    """A console for the command; ``wrap`` for tables and panels, else source lines stay whole."""
    from rich.console import Console

    no_color = getattr(args, "no_color", False) or "NO_COLOR" in os.environ
    console = Console(stderr=stderr, no_color=no_color, highlight=False, soft_wrap=not wrap)
    console.on_broken_pipe = _reader_gone  # type: ignore[method-assign]
    return console


def _reader_gone() -> None:
    """Rich calls this when the reader of its output went away (``imx run | head``); instead of
    its ``SystemExit(1)``, which would read as findings, imx stops writing and exits 0."""
    raise BrokenPipeError


def _print_error(
    args: argparse.Namespace, message: str, hints: Sequence[str] = (), label: str = "error"
) -> None:
    """``error: message`` and its hints on stderr; the texts hold user text (paths, values, ids),
    so they are printed as text: never read as markup, control characters made visible."""
    from rich.text import Text

    from imx.render.text import as_text

    console = _console(args, stderr=True)
    style = "bold red" if label == "error" else "yellow"
    console.print(Text.assemble((label, style), ": ", as_text(message)))
    for hint in hints:
        console.print(Text.assemble(("  = hint: ", "cyan"), as_text(hint)))


def _say(console: Console, text: str) -> None:
    """Print a line that holds user text (a path, an id) as text: ``[red]`` stays ``[red]``, and
    a long path stays on one line (it can be copied)."""
    from imx.render.text import as_text

    console.print(as_text(text), soft_wrap=True)


# ------------------------------------------------------------------------------ check


def _check(paths: Sequence[str]) -> CheckResult:
    """Check the project; a path given that does not exist or holds no .imx file is a usage
    error (exit 2), worded by the checker's ``file-not-found`` diagnostic."""
    from imx.checker import check_paths

    result = check_paths(paths)
    given = {str(path) for path in paths}
    for d in result.diagnostics:
        if d.code == "file-not-found" and d.file in given:
            raise UsageError(d.message, d.hints)
    return result


def _emit_diagnostics(args: argparse.Namespace, result: CheckResult) -> None:
    from imx.render import diagnostics as R

    diags = list(result.diagnostics)
    fmt = getattr(args, "format", "text")
    if fmt == "json":
        print(R.to_json(diags, result.sources))
    elif fmt == "sarif":
        print(R.to_sarif(diags, result.sources))
    else:
        console = _console(args)
        R.render_text(diags, result.sources, console)
        console.print(R.summary_line(diags, len(result.sources)))


def _fails(result: CheckResult, strict: bool) -> bool:
    return any(d.is_error or strict for d in result.diagnostics)


def _check_exit(result: CheckResult, strict: bool) -> int:
    """3 if imx itself failed (an ``internal-error`` diagnostic), 1 for findings, else 0."""
    if any(d.code == "internal-error" for d in result.diagnostics):
        return EXIT_INTERNAL
    return EXIT_FINDINGS if _fails(result, strict) else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    if args.explain:
        from imx.cli_help import explain_code

        explain_code(args.explain, _console(args))
        return EXIT_OK
    result = _check(args.paths)
    if getattr(args, "fix", False):
        from imx.cli_fix import fix_project

        outcome = fix_project(args.paths, result)
        err = _console(args, stderr=True)
        for line in outcome.lines:
            _say(err, line)
        if outcome.applied:
            result = _check(args.paths)  # what is left after the fixes
    _emit_diagnostics(args, result)
    return _check_exit(result, args.strict)


def _checked_model(args: argparse.Namespace) -> CheckResult:
    """Check the project; print diagnostics and stop (exit 1, or 3) if it has errors."""
    result = _check(args.paths)
    if result.model is None or _fails(result, getattr(args, "strict", False)):
        _emit_diagnostics(args, result)
        raise SystemExit(_check_exit(result, getattr(args, "strict", False)) or EXIT_FINDINGS)
    warnings = [d for d in result.diagnostics if not d.is_error]
    if warnings and getattr(args, "format", "text") == "text":
        from imx.render import diagnostics as R

        R.render_text(warnings, result.sources, _console(args, stderr=True))
    return result


# -------------------------------------------------------------------------------- fmt


def _imx_files(paths: Sequence[str]) -> list[Path]:
    from imx.project import imx_files

    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(imx_files(path))  # as `imx check` finds them (not in .venv, .git, …)
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return files


def cmd_fmt(args: argparse.Namespace) -> int:
    from rich.text import Text

    from imx import messages as M
    from imx.render import diagnostics as R
    from imx.syntax.fmt import format_file

    console = _console(args, stderr=args.diff)  # a diff alone on stdout, for `patch`
    only_say = args.check or args.diff
    verb = "would reformat" if only_say else "reformatted"
    changed = refused = 0
    for path in _imx_files(args.paths):  # every file, whatever happened to the ones before
        outcome = format_file(path, write=not only_say)
        if outcome.error is not None:
            console.print(Text.assemble(("error", "bold red"), ": ", outcome.error))
        elif outcome.refused and outcome.source is not None:
            R.render_text(list(outcome.diagnostics), {str(path): outcome.source}, console)
        if outcome.changed:
            if args.diff and outcome.source is not None:
                sys.stdout.write(_fmt_diff(str(path), outcome.source.text))
            console.print(Text(f"{verb} {path}"))
        changed += outcome.changed
        refused += outcome.refused
    if refused:
        console.print(Text(M.FMT_NOT_FORMATTED.format(refused)))
        return EXIT_FINDINGS
    return EXIT_FINDINGS if (only_say and changed) else EXIT_OK


def _fmt_diff(path: str, text: str) -> str:
    """What ``imx fmt`` would change in a file, as a unified diff (``--- a/PATH``, ``+++ b/PATH``)."""
    import difflib

    from imx.syntax.fmt import format_source

    formatted = format_source(text, path).text or text
    lines = difflib.unified_diff(
        text.splitlines(keepends=True),
        formatted.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return "".join(lines)


# -------------------------------------------------------------------------------- run

_INSTANT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)", re.IGNORECASE
)


def parse_instant(text: str) -> dt.datetime:
    """An ``--as-of`` value: an ISO 8601 date and time with a zone, in the years 1900 to 2199
    (a cut outside them is a typo, and the calendars cannot be laid out around it).

    A date alone (``2026-03-31``, ``20260331``) is read as the start of that day in UTC, and a
    note on stderr says so, since events of that day are then after the cut:

    >>> parse_instant("2026-03-31T02:00+02:00").isoformat()
    '2026-03-31T00:00:00+00:00'
    """
    day = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", text)
    instant = "-".join(day.groups()) + "T00:00Z" if day else text
    if not _INSTANT.fullmatch(instant):
        raise UsageError(M.NOT_AN_INSTANT.format(text), [M.INSTANT_FORMS])
    try:
        value = dt.datetime.fromisoformat(re.sub("[zZ]$", "+00:00", instant)).astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:  # messages quote what was written
        raise UsageError(M.INVALID_INSTANT.format(text, exc), [M.INSTANT_FORMS]) from exc
    from imx.data import check_as_of

    found = check_as_of(value, text)
    if day:  # only once the day is known to be one
        print(M.INSTANT_READ_AS_DAY.format(text, instant, "-".join(day.groups())), file=sys.stderr)
    return found


def _parse_tables(items: Sequence[str]) -> dict[str, Path]:
    tables: dict[str, Path] = {}
    for item in items:
        name, sep, file = item.partition("=")
        if not sep or not name or not file:
            raise UsageError(M.BAD_TABLE_OPTION.format(item))
        tables[name] = Path(file)
    return tables


def _run_preflight(args: argparse.Namespace) -> Path | None:
    """Everything about the call that can be judged before any work (checking the specs, reading
    data, evaluating): the data options, the Spark options, the output file. Returns --out."""
    from imx.data import check_zone, parse_column_map
    from imx.engines import memory_warning
    from imx.output import check_output_file

    if args.spark_master and args.engine != "spark":
        raise UsageError(M.SPARK_MASTER_ALONE, ["add --engine spark"])
    if not args.data and not args.table:
        raise UsageError(M.NO_DATA, [M.NO_DATA_HINT])
    _parse_tables(args.table)
    parse_column_map(args.map)
    check_zone(args.timezone)
    out = check_output_file(args.out) if args.out else None
    warning = memory_warning(args.memory_limit) if args.memory_limit else None
    if warning:
        _print_error(args, warning, label="warning")
    return out


def _load_data(args: argparse.Namespace, schema: SchemaDef) -> Dataset:
    from imx.data import discover_sources, load_dataset, parse_column_map
    from imx.render.scorecard import progress

    sources: dict[str, Source] = {}
    if args.data:
        sources.update(discover_sources(Path(args.data), schema))
    sources.update(_parse_tables(args.table))
    with progress(_console(args, stderr=True), "loading data"):
        return load_dataset(
            schema,
            sources,
            as_of=args.as_of,
            mapping=parse_column_map(args.map),
            timezone=args.timezone,
            threads=args.threads,
            memory_limit=args.memory_limit,
        )


def _close(dataset: Dataset) -> None:
    """Close the DuckDB database a loaded dataset lives in (and remove its temporary folder)."""
    close = getattr(dataset.tables, "close", None)
    if close is not None:
        close()


def _level_names(model: Model, metrics: Sequence[str] = ()) -> list[str]:
    """The names a ``by:NAME`` level may give for the chosen metrics (all when none is): each
    one's unit keys and attributes, the study and site attributes, the events' plain columns."""
    from imx.plan import by_choices

    chosen = _chosen(model, metrics)
    return sorted({n for x in chosen for n in by_choices(model.schema, x.base.unit)})


def _chosen(model: Model, metrics: Sequence[str]) -> tuple[Metric, ...]:
    """The versions ``--metric`` names (``XFER-OT``, ``XFER-OT@2014``; all current when none)."""
    return model.chosen(tuple(m for m in metrics if model.metric(m)) or None).metrics


def _metric_refs(model: Model) -> list[str]:
    """What ``--metric`` may name: each metric's id, and each version as ``ID@V``."""
    every = (*model.metrics, *model.other_versions)
    return [*(x.id for x in model.metrics), *(x.key for x in every if x.version is not None)]


def _check_run_options(model: Model, metrics: Sequence[str], levels: Sequence[str]) -> None:
    """Unknown `--metric` ids and `--level` names are usage errors, named with did-you-mean."""
    from imx.diagnostics import available, did_you_mean

    ids = _metric_refs(model)
    for metric_id in metrics:
        if model.metric(metric_id) is None:
            hints = did_you_mean(metric_id, ids) or available("metrics", ids)
            raise UsageError(M.NO_SUCH_METRIC_OPTION.format(metric_id), hints)
    chosen = _chosen(model, metrics)
    keys = [x.key for x in chosen]
    twice = [x for x in chosen if [y.id for y in chosen].count(x.id) > 1]
    if twice:
        raise UsageError(
            M.TWO_VERSIONS_OPTION.format(twice[0].id, " and ".join(x.key for x in twice)),
            ["a run evaluates one version of each metric; compare versions with `imx diff`"],
        )
    for level in levels:
        metric_id, _, asked = level.partition(":")
        if metric_id in ids or metric_id in keys:
            _check_level_option(asked, _level_names(model, [metric_id]))
            continue
        _check_level_option(level, _level_names(model, metrics))
        _check_level_declared(level, chosen)


def _check_level_declared(level: str, chosen: Sequence[Metric]) -> None:
    """A level no chosen metric has would give nothing: say how to ask for it per metric."""
    from imx.plan import chosen_levels

    if chosen and not any(chosen_levels(x, (level,)) for x in chosen):
        hint = M.LEVEL_NOT_DECLARED_HINT.format(chosen[0].id, level)
        raise UsageError(M.LEVEL_NOT_DECLARED.format(level), [hint])


def _check_level_option(level: str, names: Sequence[str]) -> None:
    """``site``, ``study``, ``portfolio``, ``by:NAME`` or ``by:NAME+NAME`` (two crossed)."""
    from imx.diagnostics import did_you_mean

    kind, _, rest = level.partition(":")
    wanted = rest.split("+") if kind == "by" else [level]
    if level in ("site", "study", "portfolio") or (
        kind == "by"
        and len(wanted) <= 2
        and len(set(wanted)) == len(wanted)
        and all(n in names for n in wanted)
    ):
        return
    bad = next((n for n in wanted if n not in names), "")
    close = [c for c in names if bad and bad in c] or [
        c.strip("`?") for c in " ".join(did_you_mean(bad, names)).split() if "`" in c
    ]
    shown = [c if kind != "by" else "+".join(c if n == bad else n for n in wanted) for c in close]
    hints = [f"did you mean `by:{c}`?" for c in shown] or [
        "levels: site, study, portfolio, by:NAME, or by:NAME+NAME for two crossed, with NAME one"
        " of " + ", ".join(names)
    ]
    raise UsageError(M.NOT_A_LEVEL.format(level), hints)


def _evaluate(
    args: argparse.Namespace,
    model: Model,
    dataset: Dataset,
    options: RunOptions,
    units: str | None = None,
    on_units: UnitsTaker | None = None,
    profile: Profile | None = None,
) -> Results:
    """Plan, then evaluate each metric, with one progress bar for the steps (each marked in
    ``profile``, with each grain's unit rows, when one is given)."""
    from imx.engines import EngineSettings
    from imx.evaluation import evaluate
    from imx.render.scorecard import progress

    chosen = _chosen(model, options.metrics or ())
    steps = len(chosen) + 2  # plan, one per metric, finalize
    label = f"evaluating {len(chosen)} metric(s) on {args.engine}"
    with progress(_console(args, stderr=True), label, total=steps) as advance:

        def step(done: str) -> None:
            advance(1)
            if profile is not None:
                profile.mark(done if done in ("plan", "finalize") else f"metric {done}")

        phase = profile.mark if profile is not None else None
        settings = EngineSettings(args.threads, args.memory_limit, args.spark_master, step, phase)
        return evaluate(
            model, dataset, options, args.engine, settings, units=units, on_units=on_units
        )


def cmd_run(args: argparse.Namespace) -> int:
    from imx.cli_units import check_units_folder
    from imx.output import UnitFolder, write_results
    from imx.render.scorecard import render_scorecard
    from imx.results import RunOptions

    profile = _profile_start(args)
    out = _run_preflight(args)
    units = check_units_folder(args)
    model = _checked_model(args).model
    assert model is not None
    _mark(profile, "check")
    _check_run_options(model, args.metric, args.level)
    options = RunOptions(
        as_of=args.as_of,
        levels=tuple(args.level) or None,
        period=args.period,
        metrics=tuple(args.metric) or None,
    )
    dataset = _load_data(args, model.schema)
    _mark(profile, "load")
    try:
        report = out is not None and out.suffix.lower() == ".html"  # it lists the worst units
        chosen = "population" if units or report else None
        # unit files are written as each metric's rows come, unless the report needs them all
        folder = UnitFolder(units) if units else None
        streamed = folder if folder is not None and not report else None
        results = _evaluate(args, model, dataset, options, chosen, streamed, profile)
        console = _console(args, wrap=True)
        statuses = [x.strip() for x in (args.status or "").split(",") if x.strip()]
        from imx.cli_help import paged

        with paged(console):  # a long scorecard on a terminal goes through the pager
            render_scorecard(results, model, console, statuses=statuses, show_all=args.all)
        _mark(profile, "scorecard")
        aside = dataset.set_aside(results.stamp.as_of) if out else None  # before the close
        for path in write_results(results, out, model=model, set_aside=aside) if out else ():
            _say(console, f"wrote {path}")
        if folder is not None and streamed is None:
            for metric, table in results.units.items():
                folder(metric, table, results.stamp)
        for path in folder.close(results.stamp) if folder is not None else ():
            _say(console, f"wrote {path}")
        _mark(profile, "write")
    finally:
        _close(dataset)
    if profile is not None:  # on stderr, like progress: the scorecard stays on stdout
        sys.stderr.write(profile.render() + "\n")
    return EXIT_FINDINGS if args.strict and any(not f.tally for f in results.quality) else EXIT_OK


def _profile_start(args: argparse.Namespace) -> Profile | None:
    """A profile of this run (``--profile``), its clock started now."""
    from imx.render.profile import Profile

    return Profile() if args.profile else None


def _mark(profile: Profile | None, label: str) -> None:
    if profile is not None:
        profile.mark(label)


def cmd_test(args: argparse.Namespace) -> int:
    from imx.examples import run_examples
    from imx.render.examples import render_example_outcomes

    checked = _checked_model(args)
    assert checked.model is not None
    outcomes = run_examples(_chosen_examples(checked.model, args.pattern))
    render_example_outcomes(outcomes, _console(args, wrap=True))
    if not outcomes:
        _print_error(args, M.NO_EXAMPLES, ["add an `example … for METRIC { … }` block"])
        return EXIT_FINDINGS
    return EXIT_OK if all(o.passed for o in outcomes) else EXIT_FINDINGS


def _chosen_examples(model: Model, pattern: str | None) -> Model:
    """The model with only the examples ``imx test -k PATTERN`` asks for: those whose metric id
    or title holds PATTERN, case-insensitively; none is a usage error."""
    import dataclasses

    if pattern is None:
        return model
    wanted = pattern.casefold()
    chosen = tuple(
        e for e in model.examples if wanted in e.metric.casefold() or wanted in e.title.casefold()
    )
    if model.examples and not chosen:
        metrics = sorted({e.metric for e in model.examples})
        raise UsageError(
            f"no example matches -k {pattern}",
            [f"examples are written for: {', '.join(metrics)}"],
        )
    return dataclasses.replace(model, examples=chosen)


def cmd_sql(args: argparse.Namespace) -> int:
    from imx.evaluation import compile_sql
    from imx.render.text import visible

    if args.as_of is not None and not args.standalone:  # judged before any work
        raise UsageError(M.SQL_AS_OF_ALONE, [M.SQL_AS_OF_ALONE_HINT])
    checked = _checked_model(args)
    assert checked.model is not None
    metric = _metric_or_usage(checked.model, args.metric)
    if args.standalone:
        return _print_standalone(checked.model, metric.id, args)
    sql = compile_sql(checked.model, metric.key, dialect=args.dialect)
    # On a terminal, control characters of spec strings are shown written out, never sent to it;
    # a pipe or a file gets the SQL exactly.
    print(visible(sql) if sys.stdout.isatty() else sql)
    if args.dialect not in TESTED_DIALECTS:
        print(
            f"-- note: {args.dialect} SQL is printed only; imx executes and tests "
            f"{', '.join(TESTED_DIALECTS)}",
            file=sys.stderr,
        )
    return EXIT_OK


def _print_standalone(model: Model, metric_id: str, args: argparse.Namespace) -> int:
    """``imx sql --standalone``: the script that runs over the user's own tables."""
    from imx.render.text import visible
    from imx.standalone import script

    text = script(model, metric_id, args.dialect, args.as_of).text()
    sys.stdout.write(visible(text) if sys.stdout.isatty() else text)
    if args.dialect not in STANDALONE_DIALECTS:
        shown = ", ".join(STANDALONE_DIALECTS)
        print(M.STANDALONE_PRINTED_ONLY.format(args.dialect, shown), file=sys.stderr)
    return EXIT_OK


def _metric_or_usage(model: Model, metric_id: str) -> Metric:
    found = model.metric(metric_id)
    if found is None:
        from imx.diagnostics import did_you_mean

        ids = _metric_refs(model)
        raise UsageError(M.NO_SUCH_METRIC.format(metric_id), did_you_mean(metric_id, ids))
    return found


def cmd_explain(args: argparse.Namespace) -> int:
    from imx.render.explain import render_explain

    checked = _checked_model(args)
    assert checked.model is not None
    metric = _metric_or_usage(checked.model, args.metric)
    names = [v.name for v in metric.variants]
    if args.variant is not None and args.variant not in names:
        from imx.diagnostics import did_you_mean

        hints = did_you_mean(args.variant, names) or [
            f"variants of {metric.id}: {', '.join(names) or 'none'}"
        ]
        raise UsageError(M.NO_SUCH_VARIANT.format(metric.id, args.variant), hints)
    render_explain(metric, args.variant, _console(args, wrap=True))
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    from imx.output import check_output_folder

    results_path = Path(args.results) if args.results else None
    if results_path is not None and not results_path.is_file():
        raise UsageError(M.NO_RESULTS_FILE.format(results_path), ["write one with imx run --out"])
    _check_docs_units(args, results_path)
    if args.action == "serve":
        return _serve_docs(args, results_path)
    out = check_output_folder(args.out, "--out")
    return _build_docs(args, out, results_path)


def _check_docs_units(args: argparse.Namespace, results_path: Path | None) -> None:
    """``--units DIR`` of ``docs build``: beside ``--results``, from the same run."""
    from imx.render.handbook.units import check_unit_folder

    if getattr(args, "units", None) is None:  # `docs serve` has no --units
        return
    if results_path is None:
        raise UsageError(M.DOCS_UNITS_NEEDS_RESULTS)
    check_unit_folder(Path(args.units), results_path)


def _build_docs(args: argparse.Namespace, out: Path, results_path: Path | None) -> int:
    from imx.cli_diff import changes_page_for
    from imx.render.handbook import build_handbook, read_results
    from imx.render.handbook.units import read_unit_folder

    checked = _checked_model(args)
    assert checked.model is not None
    results = read_results(results_path) if results_path else None
    units = read_unit_folder(Path(args.units)) if args.units else None
    from imx.render.scorecard import progress

    try:
        with progress(_console(args, stderr=True), f"building the handbook in {out}"):
            site = build_handbook(
                checked.model,
                out,
                results,
                checked.sources,
                units,
                changes_page_for(args, checked.model),
            )
    except OSError as exc:
        raise OutputError(M.HANDBOOK_UNWRITABLE.format(out, exc.strerror or exc)) from exc
    _say(_console(args), f"handbook written to {site} (open {site / 'index.html'})")
    return EXIT_OK


def _serve_docs(args: argparse.Namespace, results_path: Path | None) -> int:
    import tempfile

    from imx.render.handbook import serve_handbook

    _checked_model(args)
    _say(
        _console(args, stderr=True),
        f"serving the handbook on http://{args.addr}/ (re-rendered when a .imx file changes; "
        "Ctrl-C stops)",
    )
    with tempfile.TemporaryDirectory(prefix="imx-handbook-") as project:
        try:
            serve_handbook(
                args.paths, out=Path(project), results_path=results_path, dev_addr=args.addr
            )
        except OSError as exc:  # the address is taken, or not this machine's
            raise UsageError(M.CANNOT_SERVE.format(args.addr, exc.strerror or exc)) from exc
    return EXIT_OK


def cmd_demo_data(args: argparse.Namespace) -> int:
    from imx.demo_data import generate
    from imx.output import check_output_folder

    out = check_output_folder(args.out, "--out")
    try:
        manifest = generate(
            studies=args.studies, seed=args.seed, out=out, fmt=args.format, as_of=args.as_of
        )
    except OSError as exc:
        raise OutputError(M.DEMO_UNWRITABLE.format(out, exc.strerror or exc)) from exc
    console = _console(args)
    _say(console, f"wrote demo data to {args.out}")
    _say(console, str(manifest))
    return EXIT_OK


# ------------------------------------------------------------------------------ parser


def _option(check: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse ``type`` from a check that raises :class:`UsageError`: a bad value is then
    reported by argparse, with the command's usage line, before any work."""

    def parse(text: str) -> T:
        try:
            return check(text)
        except UsageError as exc:
            raise argparse.ArgumentTypeError("; ".join((exc.message, *exc.hints))) from exc

    parse.__name__ = getattr(check, "__name__", "value")
    return parse


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UsageError(M.NOT_WHOLE.format(text)) from None


def _studies(text: str) -> int:
    from imx.demo_data import check_studies

    return check_studies(_whole(text))


def _threads(text: str) -> int:
    from imx.engines import check_threads

    return check_threads(_whole(text))


def _memory_limit(text: str) -> str:
    from imx.engines import check_memory_limit

    return check_memory_limit(text)


def _address(text: str) -> str:
    """``HOST:PORT`` for ``docs serve``: HOST an IP address or ``localhost``, PORT 1..65535."""
    import ipaddress

    host, sep, port = text.rpartition(":")
    hint = [M.ADDRESS_HINT]
    if not sep or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise UsageError(M.BAD_ADDRESS.format(text), hint)
    try:
        if host != "localhost":
            ipaddress.ip_address(host)
    except ValueError:
        raise UsageError(M.BAD_HOST.format(host), hint) from None
    return text


def _command(
    sub: SubParsers,
    name: str,
    func: Callable[[argparse.Namespace], int],
    help: str,
    full_name: str | None = None,
) -> argparse.ArgumentParser:
    """A subcommand's parser, its description followed by its examples (``cli_help.EXAMPLES``
    under ``full_name``, default ``name``); its defaults name the function that runs it and the
    parser itself (so that an unknown option is reported with this command's usage)."""
    from imx.cli_help import HelpFormatter, description

    p = sub.add_parser(
        name,
        help=help,
        description=description(full_name or name, help),
        formatter_class=HelpFormatter,
    )
    p.set_defaults(func=func, command_parser=p)
    return p


def _paths(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=".imx files or folders (default: the `paths` of the project's imx.toml)",
    )


def _add_check(sub: SubParsers) -> argparse.ArgumentParser:
    p = _command(sub, "check", cmd_check, "check .imx files and report diagnostics")
    _paths(p)
    p.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text for people (default), a JSON list, or a SARIF 2.1.0 log",
    )
    p.add_argument("--strict", action="store_true", help="warnings fail the run too")
    p.add_argument(
        "--explain",
        metavar="CODE",
        help="print the documentation of a diagnostic code (e.g. band-gap) and stop",
    )
    p.add_argument(
        "--fix",
        action="store_true",
        help="apply the certain fixes (a misspelt name whose did-you-mean names one) to the files given,"
        " never writing a file that would not parse; then report what is left",
    )
    return p


def cmd_lsp(args: argparse.Namespace) -> int:
    from imx.lsp.server import serve

    serve()
    return EXIT_OK


def _add_lsp(sub: SubParsers) -> argparse.ArgumentParser:
    help = "run the imx language server over stdin and stdout (for editors; see docs/editors.md)"
    return _command(sub, "lsp", cmd_lsp, help)


def _add_fmt(sub: SubParsers) -> argparse.ArgumentParser:
    p = _command(sub, "fmt", cmd_fmt, "rewrite .imx files in the canonical layout")
    _paths(p)
    p.add_argument("--check", action="store_true", help="only report files that would change")
    p.add_argument(
        "--diff",
        action="store_true",
        help="print what would change as a unified diff; write nothing",
    )
    return p


def _add_run_data(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="DIR", help="folder with events/studies/sites files")
    p.add_argument(
        "--table", action="append", default=[], metavar="NAME=FILE", help="one table's file"
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="[TABLE.]COLUMN=SOURCE",
        help="read the schema's COLUMN from the file's SOURCE column",
    )
    p.add_argument(
        "--as-of",
        type=_option(parse_instant),
        metavar="INSTANT",
        help="the data cut, e.g. 2026-03-31T00:00Z (default: the latest event)",
    )
    p.add_argument("--timezone", metavar="ZONE", help="zone for timestamps written without one")


def _add_run_engine(p: argparse.ArgumentParser) -> None:
    from imx.engines import max_threads

    p.add_argument(
        "--engine",
        choices=("duckdb", "spark", "reference"),
        default="duckdb",
        help="DuckDB in-process (default), Spark, or the pure-Python reference evaluator",
    )
    p.add_argument(
        "--spark-master", metavar="URL", help="Spark master for --engine spark (default local[*])"
    )
    p.add_argument(
        "--threads",
        type=_option(_threads),
        metavar="N",
        help=f"threads for DuckDB / local Spark, 1 to {max_threads()}",
    )
    p.add_argument(
        "--memory-limit",
        type=_option(_memory_limit),
        metavar="SIZE",
        help="at least 64MB, e.g. 4GB (DuckDB; Spark driver memory)",
    )


def _add_run(sub: SubParsers) -> argparse.ArgumentParser:
    p = _command(sub, "run", cmd_run, "evaluate metrics over event tables")
    _paths(p)
    _add_run_data(p)
    p.add_argument(
        "--level",
        action="append",
        default=[],
        metavar="LEVEL",
        help="site, study, portfolio, by:NAME or by:NAME+NAME crossed, for the metrics that"
        " declare it; METRIC:LEVEL for one metric (repeatable; default: each metric's own)",
    )
    p.add_argument("--period", choices=("month", "quarter", "year"), help="report per period")
    p.add_argument(
        "--metric",
        action="append",
        default=[],
        metavar="ID",
        help="only this metric, or ID@V one version of it (repeatable)",
    )
    _add_run_engine(p)
    p.add_argument(
        "--out", metavar="FILE", help="also write results: .csv, .json, .parquet, .html, .xlsx"
    )
    p.add_argument("--units", metavar="DIR", help="also write each metric's unit rows (Parquet)")
    p.add_argument("--strict", action="store_true", help="data-quality findings fail the run")
    p.add_argument(
        "--status",
        metavar="S[,S…]",
        help="the scorecard shows only rows with these statuses, e.g. red,amber (files keep all)",
    )
    p.add_argument(
        "--all", action="store_true", help="the scorecard shows every row, periods included"
    )
    p.add_argument(
        "--profile",
        action="store_true",
        help="print where the time and memory go: seconds, CPU seconds and peak memory per"
        " phase and per grain (on stderr)",
    )
    return p


def _add_test(sub: SubParsers) -> argparse.ArgumentParser:
    p = _command(sub, "test", cmd_test, "run the examples written in the specs")
    _paths(p)
    p.add_argument(
        "-k",
        dest="pattern",
        metavar="PATTERN",
        help="only the examples whose metric id or title contains PATTERN (case-insensitive)",
    )
    return p


def _add_sql(sub: SubParsers) -> argparse.ArgumentParser:
    p = _command(sub, "sql", cmd_sql, "print the SQL a metric compiles to")
    p.add_argument("metric", metavar="METRIC", help="the metric's id, or ID@V one version of it")
    _paths(p)
    p.add_argument(
        "--dialect",
        choices=DIALECTS,
        default="duckdb",
        help=f"executed in imx's tests: {', '.join(TESTED_DIALECTS)}; printed only (untested): "
        f"{', '.join(d for d in DIALECTS if d not in TESTED_DIALECTS)}",
    )
    p.add_argument(
        "--standalone",
        action="store_true",
        help="one script that runs as-is over your own tables (calendar, hygiene, the cut, the "
        f"metric); run in a fresh database by imx's tests: {', '.join(STANDALONE_DIALECTS)}; "
        f"printed only: {', '.join(d for d in DIALECTS if d not in STANDALONE_DIALECTS)}",
    )
    p.add_argument(
        "--as-of",
        type=_option(parse_instant),
        metavar="INSTANT",
        help="with --standalone: the data cut written into the script (default: the latest event)",
    )
    return p


def _add_docs(sub: SubParsers) -> argparse.ArgumentParser:
    """``docs build`` and ``docs serve``, each a subcommand with its own options."""
    p = _command(sub, "docs", cmd_docs, "build or preview the metric handbook (an mkdocs site)")
    actions = p.add_subparsers(
        dest="action",
        metavar="ACTION",
        required=True,
        help="build: write the site; serve: preview it",
    )
    build = _command(actions, "build", cmd_docs, "write the handbook as a site", "docs build")
    serve = _command(actions, "serve", cmd_docs, "preview the handbook live", "docs serve")
    for child in (build, serve):
        _paths(child)
        child.add_argument("--results", metavar="FILE", help="results from `imx run --out` to show")
    build.add_argument("--out", default="handbook", metavar="DIR", help="where to write the site")
    build.add_argument(
        "--units",
        metavar="DIR",
        help="unit rows from the same run's `imx run --units`: red and amber cells link to them",
    )
    build.add_argument(
        "--changes-from",
        metavar="OLD",
        help="add a Changes page from OLD (a folder, a file or git:REV:PATH), as imx diff shows",
    )
    serve.add_argument(
        "--addr",
        default="127.0.0.1:8000",
        type=_option(_address),
        metavar="HOST:PORT",
        help="address to listen on; the preview re-renders when a .imx file changes",
    )
    for child in (build, serve):
        child.add_argument(
            "--no-color", action="store_true", help="plain output (also: NO_COLOR=1)"
        )
    return p


def _add_explain(sub: SubParsers) -> argparse.ArgumentParser:
    help = "show a metric as resolved, and which layer set each field"
    p = _command(sub, "explain", cmd_explain, help)
    p.add_argument("metric", metavar="METRIC", help="the metric's id, or ID@V one version of it")
    _paths(p)
    p.add_argument("--variant", metavar="NAME", help="resolve under this therapeutic-area variant")
    return p


def _add_demo_data(sub: SubParsers) -> argparse.ArgumentParser:
    from imx.demo_data import AS_OF_RANGE, MAX_STUDIES

    p = _command(sub, "demo-data", cmd_demo_data, "write a realistic synthetic imaging event log")
    p.add_argument(
        "--studies",
        type=_option(_studies),
        default=12,
        help=f"number of studies, 1 to {MAX_STUDIES:,} (about 4,000 events each)",
    )
    p.add_argument("--seed", type=_option(_whole), default=1, help="the same seed, the same bytes")
    p.add_argument("--out", default="demo-data", metavar="DIR", help="the folder to write")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="file format")
    earliest, latest = (d.date().isoformat() for d in AS_OF_RANGE)
    p.add_argument(
        "--as-of",
        type=_option(parse_instant),
        metavar="INSTANT",
        help=f"the data cut, {earliest} to {latest} (default 2026-06-30T00:00Z)",
    )
    return p


def _add_units(sub: SubParsers) -> argparse.ArgumentParser:
    from imx.cli_units import add_units

    return add_units(sub)


def _add_why(sub: SubParsers) -> argparse.ArgumentParser:
    from imx.cli_units import add_why

    return add_why(sub)


def _add_diff(sub: SubParsers) -> argparse.ArgumentParser:
    from imx.cli_diff import add_diff

    return add_diff(sub)


def _add_init(sub: SubParsers) -> argparse.ArgumentParser:
    from imx.cli_project import add_init

    return add_init(sub)


def _add_completion(sub: SubParsers) -> argparse.ArgumentParser:
    from imx.cli_help import add_completion

    return add_completion(sub)


_COMMANDS = (
    _add_init, _add_check, _add_fmt, _add_run, _add_units, _add_why, _add_test, _add_sql, _add_docs,
    _add_explain, _add_diff, _add_lsp,
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """The ``imx`` parser: one subparser per command, each with ``--no-color``."""
    parser = argparse.ArgumentParser(
        prog="imx",
        description="Define, check and run clinical-trial imaging performance metrics.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"imx {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (*_COMMANDS, _add_demo_data, _add_completion):
        p = add(sub)
        p.add_argument("--no-color", action="store_true", help="plain output (also: NO_COLOR=1)")
    return parser


# ------------------------------------------------------------------------------ main


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP arrived: raised in the main thread, so that every ``finally``
    and context manager on the way out runs (the temporary data folder is removed)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_STOP_SIGNALS = tuple(
    getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)
)


@contextmanager
def _signals_unwind() -> Iterator[list[int]]:
    """While imx works, SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` (once: a signal
    that comes while imx cleans up is noted, not raised); yields the signals received. A signal
    ignored when imx started (``nohup``) stays ignored."""
    received: list[int] = []

    def stop(signum: int, frame: object) -> None:
        received.append(signum)
        if len(received) == 1:
            raise Interrupted(signum)

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for s in _STOP_SIGNALS:
            if signal.getsignal(s) not in (signal.SIG_IGN, None):
                previous[s] = signal.signal(s, stop)
    try:
        yield received
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _interrupted(exc: BaseException, received: Sequence[int]) -> int | None:
    """The signal that stopped imx, if one did: a signal received, Ctrl-C, or DuckDB's report
    of an interrupted query (raised as ``InterruptException`` or as "Query interrupted")."""
    if received:
        return received[0]
    duckdb = sys.modules.get("duckdb")
    if isinstance(exc, KeyboardInterrupt) or (
        duckdb is not None and isinstance(exc, duckdb.InterruptException)
    ):
        return int(signal.SIGINT)
    if isinstance(exc, RuntimeError) and str(exc) == "Query interrupted":
        return int(signal.SIGINT)
    return None


def _exit_code(args: argparse.Namespace, exc: BaseException, received: Sequence[int]) -> int:
    """The exit code (and the message) for a command that raised ``exc``."""
    signum = _interrupted(exc, received)
    if signum is not None:
        _print_error(args, M.INTERRUPTED.format(signal.Signals(signum).name))
        return 128 + signum
    if isinstance(exc, SystemExit):
        return (
            EXIT_OK if exc.code is None else exc.code if isinstance(exc.code, int) else EXIT_USAGE
        )
    if isinstance(exc, ImxError):
        _print_error(args, exc.message, exc.hints)
        return exc.exit_code  # EXIT_USAGE, or EXIT_FINDINGS for a run the specs do not allow
    if isinstance(exc, BrokenPipeError):  # nobody reads on: send what is left nowhere, exit 0
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    if isinstance(exc, MemoryError):  # the machine's limit, not a bug
        _print_error(args, M.OUT_OF_MEMORY, [M.OUT_OF_MEMORY_HINT])
        return EXIT_USAGE
    if not isinstance(exc, Exception) or os.environ.get("IMX_DEBUG"):
        raise exc
    _print_error(args, M.CLI_INTERNAL_ERROR.format(type(exc).__name__, exc), [M.CLI_INTERNAL_HINT])
    return EXIT_INTERNAL


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse argv; an unknown option is reported with the usage of the command it was given to.
    Bare ``imx`` prints the help; a misspelt command gets a did-you-mean; inside a project, the
    options left out come from its ``imx.toml`` (``cli_project.apply_config``)."""
    from imx.cli_help import autocomplete, check_command
    from imx.cli_project import apply_config

    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    autocomplete(parser)  # answers a shell's completion request and exits; else nothing
    if not words:
        parser.print_help()
        raise SystemExit(EXIT_OK)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    check_command(words, list(sub.choices))
    args, extra = parser.parse_known_args(words)
    if extra:
        args.command_parser.error(f"unrecognized arguments: {' '.join(extra)}")
    apply_config(args, words)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the imx command line and return its exit code (see ``EXIT_CODES``)."""
    args = argparse.Namespace()
    with _signals_unwind() as received:
        try:  # argparse raises SystemExit for --help, --version and the usage errors it prints
            args = _parse(argv)
            code = int(args.func(args))
        except BaseException as exc:  # noqa: BLE001 - every way out gets its exit code
            return _exit_code(args, exc, received)
        if received:  # a command that stops on a signal by design (docs serve) still says so
            return _exit_code(args, Interrupted(received[0]), received)
        return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
