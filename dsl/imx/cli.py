"""The `imx` command line: argv in, a command run, an exit code out (0 ok, 1 findings, 2 usage)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from imx import __version__
from imx.dialects import DIALECTS, TESTED_DIALECTS
from imx.errors import ImxError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from imx.checker import CheckResult
    from imx.data import Dataset, Source
    from imx.engines import EngineSettings
    from imx.model import Metric, Model, SchemaDef
    from imx.results import Results, RunOptions

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _console(args: argparse.Namespace, stderr: bool = False, *, wrap: bool = False) -> Console:
    """A console for the command; ``wrap`` for tables and panels, else source lines stay whole."""
    from rich.console import Console

    no_color = getattr(args, "no_color", False) or "NO_COLOR" in os.environ
    return Console(stderr=stderr, no_color=no_color, highlight=False, soft_wrap=not wrap)


def _print_error(args: argparse.Namespace, message: str, hints: Sequence[str] = ()) -> None:
    from rich.text import Text

    console = _console(args, stderr=True)
    console.print(Text.assemble(("error", "bold red"), ": ", message))
    for hint in hints:
        console.print(Text.assemble(("  = hint: ", "cyan"), hint))


# ------------------------------------------------------------------------------ check


def _check(paths: Sequence[str]) -> CheckResult:
    from imx.checker import check_paths

    return check_paths(paths)


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


def cmd_check(args: argparse.Namespace) -> int:
    result = _check(args.paths)
    _emit_diagnostics(args, result)
    return EXIT_FINDINGS if _fails(result, args.strict) else EXIT_OK


def _checked_model(args: argparse.Namespace) -> CheckResult:
    """Check the project; print diagnostics and stop (exit 1) if it has errors."""
    result = _check(args.paths)
    if result.model is None or _fails(result, getattr(args, "strict", False)):
        _emit_diagnostics(args, result)
        raise SystemExit(EXIT_FINDINGS)
    warnings = [d for d in result.diagnostics if not d.is_error]
    if warnings and getattr(args, "format", "text") == "text":
        from imx.render import diagnostics as R

        R.render_text(warnings, result.sources, _console(args, stderr=True))
    return result


# -------------------------------------------------------------------------------- fmt


def _imx_files(paths: Sequence[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.imx")))
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

    console = _console(args)
    verb = "would reformat" if args.check else "reformatted"
    changed = refused = 0
    for path in _imx_files(args.paths):  # every file, whatever happened to the ones before
        outcome = format_file(path, write=not args.check)
        if outcome.error is not None:
            console.print(Text.assemble(("error", "bold red"), ": ", outcome.error))
        elif outcome.refused and outcome.source is not None:
            R.render_text(list(outcome.diagnostics), {str(path): outcome.source}, console)
        if outcome.changed:
            console.print(Text(f"{verb} {path}"))
        changed += outcome.changed
        refused += outcome.refused
    if refused:
        console.print(Text(M.FMT_NOT_FORMATTED.format(refused)))
        return EXIT_FINDINGS
    return EXIT_FINDINGS if (args.check and changed) else EXIT_OK


# -------------------------------------------------------------------------------- run


def _parse_instant(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(
            f"--as-of `{text}` is not a timestamp", ["write e.g. 2026-03-31T00:00Z"]
        ) from exc
    if value.tzinfo is None:
        raise UsageError(
            f"--as-of `{text}` has no time zone", ["add Z or an offset, e.g. 2026-03-31T00:00Z"]
        )
    return value.astimezone(dt.UTC)


def _parse_tables(items: Sequence[str]) -> dict[str, Path]:
    tables: dict[str, Path] = {}
    for item in items:
        name, sep, file = item.partition("=")
        if not sep or not name or not file:
            raise UsageError(f"--table `{item}` should look like events=path/to/events.parquet")
        tables[name] = Path(file)
    return tables


def _load_data(args: argparse.Namespace, schema: SchemaDef) -> Dataset:
    from imx.data import discover_sources, load_dataset, parse_column_map
    from imx.errors import DataError

    settings = _engine_settings(args, lambda _: None)  # usage errors before any reading
    try:
        sources: dict[str, Source] = {}
        if args.data:
            sources.update(discover_sources(Path(args.data), schema))
        sources.update(_parse_tables(args.table))
        if not sources:
            raise UsageError("no data given", ["pass --data DIR or --table events=FILE"])
        return load_dataset(
            schema,
            sources,
            as_of=_parse_instant(args.as_of),
            mapping=parse_column_map(args.map),
            timezone=args.timezone,
            threads=settings.threads,
            memory_limit=settings.memory_limit,
        )
    except DataError as exc:
        raise UsageError(exc.message, exc.hints) from exc


def _check_run_options(model: Model, metrics: Sequence[str], levels: Sequence[str]) -> None:
    """Unknown `--metric` ids and `--level` names are usage errors, named with did-you-mean."""
    from imx.diagnostics import available, did_you_mean

    ids = [m.id for m in model.metrics]
    for metric_id in metrics:
        if metric_id not in ids:
            hints = did_you_mean(metric_id, ids) or available("metrics", ids)
            raise UsageError(f"--metric `{metric_id}`: no such metric in this project", hints)
    from imx.model import ColumnType

    plain = (ColumnType.TIMESTAMP, ColumnType.EVENT)
    attributes = sorted(
        {
            c.name
            for t in model.schema.tables
            for c in t.columns
            if not c.key and c.type not in plain
        }
    )
    for level in levels:
        kind, _, attribute = level.partition(":")
        if level in ("site", "study", "portfolio") or (kind == "by" and attribute in attributes):
            continue
        wanted = attribute if kind == "by" else level
        close = [c for c in attributes if wanted and wanted in c] or [
            c.strip("`?") for c in " ".join(did_you_mean(wanted, attributes)).split() if "`" in c
        ]
        hints = [f"did you mean `by:{c}`?" for c in close] or [
            "levels: site, study, portfolio, or by:ATTR with ATTR one of " + ", ".join(attributes)
        ]
        raise UsageError(f"--level `{level}` is not a level", hints)


def _engine_settings(args: argparse.Namespace, on_step: Callable[[str], None]) -> EngineSettings:
    from imx.engines import EngineSettings

    if args.threads is not None and args.threads < 1:
        raise UsageError(f"--threads {args.threads}: give a whole number of 1 or more")
    limit = args.memory_limit
    if limit is not None and not re.fullmatch(r"\d+(\.\d+)?\s*([KMGT]i?B)", limit, re.IGNORECASE):
        raise UsageError(f"--memory-limit `{limit}` is not a size", ["write e.g. 4GB or 512MB"])
    if args.spark_master and args.engine != "spark":
        raise UsageError("--spark-master is for the Spark engine", ["add --engine spark"])
    return EngineSettings(args.threads, limit, args.spark_master, on_step)


def _evaluate(
    args: argparse.Namespace, model: Model, dataset: Dataset, options: RunOptions
) -> Results:
    """Plan, then evaluate each metric, with one progress bar for the steps."""
    from imx.errors import EngineUnavailable
    from imx.evaluation import evaluate
    from imx.render.scorecard import progress

    chosen = [m for m in model.metrics if not options.metrics or m.id in options.metrics]
    steps = len(chosen) + 2  # plan, one per metric, finalize
    label = f"evaluating {len(chosen)} metric(s) on {args.engine}"
    with progress(_console(args, stderr=True), label, total=steps) as advance:
        settings = _engine_settings(args, lambda _: advance(1))
        try:
            return evaluate(model, dataset, options, engine=args.engine, settings=settings)
        except EngineUnavailable as exc:
            raise UsageError(str(exc), exc.hints) from exc


def cmd_run(args: argparse.Namespace) -> int:
    from imx.output import write_results
    from imx.render.scorecard import progress, render_scorecard
    from imx.results import RunOptions

    checked = _checked_model(args)
    model = checked.model
    assert model is not None
    _check_run_options(model, args.metric, args.level)
    with progress(_console(args, stderr=True), "loading data"):
        dataset = _load_data(args, model.schema)
    options = RunOptions(
        as_of=_parse_instant(args.as_of),
        levels=tuple(args.level) or None,
        period=args.period,
        metrics=tuple(args.metric) or None,
    )
    results = _evaluate(args, model, dataset, options)
    console = _console(args, wrap=True)
    render_scorecard(results, model, console)
    if args.out:
        written = write_results(results, Path(args.out), model=model)
        for path in written:
            console.print(f"wrote {path}")
    if args.strict and results.quality:
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    from imx.examples import render_example_outcomes, run_examples

    checked = _checked_model(args)
    assert checked.model is not None
    outcomes = run_examples(checked.model)
    render_example_outcomes(outcomes, _console(args, wrap=True))
    if not outcomes:
        _print_error(args, "no examples found", ["add an `example … for METRIC { … }` block"])
        return EXIT_FINDINGS
    return EXIT_OK if all(o.passed for o in outcomes) else EXIT_FINDINGS


def cmd_sql(args: argparse.Namespace) -> int:
    from imx.evaluation import compile_sql

    checked = _checked_model(args)
    model = checked.model
    assert model is not None
    if model.metric(args.metric) is None:
        from imx.diagnostics import did_you_mean

        ids = [m.id for m in model.metrics]
        raise UsageError(
            f"no metric `{args.metric}` in this project", did_you_mean(args.metric, ids)
        )
    print(compile_sql(model, args.metric, dialect=args.dialect))
    if args.dialect not in TESTED_DIALECTS:
        print(
            f"-- note: {args.dialect} SQL is printed only; imx executes and tests "
            f"{', '.join(TESTED_DIALECTS)}",
            file=sys.stderr,
        )
    return EXIT_OK


def _metric_or_usage(model: Model, metric_id: str) -> Metric:
    found = model.metric(metric_id)
    if found is None:
        from imx.diagnostics import did_you_mean

        ids = [m.id for m in model.metrics]
        raise UsageError(f"no metric `{metric_id}` in this project", did_you_mean(metric_id, ids))
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
        raise UsageError(f"{metric.id} has no variant `{args.variant}`", hints)
    render_explain(metric, args.variant, _console(args, wrap=True))
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    from imx.render.handbook import build_handbook, read_results, serve_handbook

    results_path = Path(args.results) if args.results else None
    if results_path is not None and not results_path.is_file():
        raise UsageError(f"no such results file: {results_path}", ["write one with imx run --out"])
    if args.action == "serve":
        _checked_model(args)
        serve_handbook(args.paths, results_path=results_path, dev_addr=args.addr)
        return EXIT_OK
    from imx.errors import ResultsFileError

    checked = _checked_model(args)
    assert checked.model is not None
    try:
        results = read_results(results_path) if results_path else None
    except ResultsFileError as exc:
        raise UsageError(str(exc), ["pass the file `imx run … --out FILE` wrote"]) from exc
    site = build_handbook(checked.model, Path(args.out), results, checked.sources)
    _console(args).print(f"handbook written to {site} (open {site / 'index.html'})")
    return EXIT_OK


def cmd_demo_data(args: argparse.Namespace) -> int:
    from imx.demo_data import generate

    manifest = generate(
        studies=args.studies,
        seed=args.seed,
        out=Path(args.out),
        fmt=args.format,
        as_of=_parse_instant(args.as_of),
    )
    console = _console(args)
    console.print(f"wrote demo data to {args.out}")
    console.print(str(manifest))
    return EXIT_OK


# ------------------------------------------------------------------------------ parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"`{text}` is not a whole number of at least 1")
    return value


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-color", action="store_true", help="plain output (also: NO_COLOR=1)")


def _paths(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help=".imx files or folders")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imx",
        description="Define, check and run clinical-trial imaging performance metrics.",
    )
    parser.add_argument("--version", action="version", version=f"imx {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("check", help="check .imx files and report diagnostics")
    _paths(p)
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    p.add_argument("--strict", action="store_true", help="warnings fail the run too")
    _add_common(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("fmt", help="rewrite .imx files in the canonical layout")
    _paths(p)
    p.add_argument("--check", action="store_true", help="only report files that would change")
    _add_common(p)
    p.set_defaults(func=cmd_fmt)

    p = sub.add_parser("run", help="evaluate metrics over event tables")
    _paths(p)
    p.add_argument("--data", metavar="DIR", help="folder with events/studies/sites files")
    p.add_argument("--table", action="append", default=[], metavar="NAME=FILE")
    p.add_argument("--map", action="append", default=[], metavar="[TABLE.]COLUMN=SOURCE")
    p.add_argument("--as-of", metavar="INSTANT", help="the data cut, e.g. 2026-03-31T00:00Z")
    p.add_argument("--timezone", metavar="ZONE", help="zone for timestamps written without one")
    p.add_argument(
        "--level",
        action="append",
        default=[],
        metavar="LEVEL",
        help="site, study, portfolio or by:ATTR (repeatable)",
    )
    p.add_argument("--period", choices=("month", "quarter", "year"))
    p.add_argument("--metric", action="append", default=[], metavar="ID")
    p.add_argument("--engine", choices=("duckdb", "spark", "reference"), default="duckdb")
    p.add_argument(
        "--spark-master", metavar="URL", help="Spark master for --engine spark (default local[*])"
    )
    p.add_argument("--threads", type=int, metavar="N", help="threads for DuckDB / local Spark")
    p.add_argument("--memory-limit", metavar="SIZE", help="e.g. 4GB (DuckDB; Spark driver memory)")
    p.add_argument("--out", metavar="FILE", help="results .csv, .json or .parquet")
    p.add_argument("--strict", action="store_true", help="data-quality findings fail the run")
    _add_common(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("test", help="run the examples written in the specs")
    _paths(p)
    _add_common(p)
    p.set_defaults(func=cmd_test)

    p = sub.add_parser("sql", help="print the SQL a metric compiles to")
    p.add_argument("metric", metavar="METRIC")
    _paths(p)
    p.add_argument(
        "--dialect",
        choices=DIALECTS,
        default="duckdb",
        help=f"executed in imx's tests: {', '.join(TESTED_DIALECTS)}; printed only (untested): "
        f"{', '.join(d for d in DIALECTS if d not in TESTED_DIALECTS)}",
    )
    _add_common(p)
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser("docs", help="build or preview the metric handbook (an mkdocs site)")
    p.add_argument("action", choices=("build", "serve"))
    _paths(p)
    p.add_argument("--out", default="handbook", metavar="DIR", help="where `build` writes the site")
    p.add_argument("--results", metavar="FILE", help="results from `imx run --out` to show")
    p.add_argument("--addr", default="127.0.0.1:8000", help="address `serve` listens on")
    _add_common(p)
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("explain", help="show a metric as resolved, and which layer set each field")
    p.add_argument("metric", metavar="METRIC")
    _paths(p)
    p.add_argument("--variant", metavar="NAME", help="resolve under this therapeutic-area variant")
    _add_common(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("demo-data", help="write a realistic synthetic imaging event log")
    p.add_argument("--studies", type=_positive, default=12, help="number of studies (≥ 1)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", default="demo-data", metavar="DIR")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    p.add_argument("--as-of", metavar="INSTANT")
    _add_common(p)
    p.set_defaults(func=cmd_demo_data)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the imx command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except ImxError as exc:
        _print_error(args, exc.message, exc.hints)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - a bug in imx: say so plainly, no traceback
        if os.environ.get("IMX_DEBUG"):
            raise
        _print_error(
            args,
            f"internal error in imx ({type(exc).__name__}: {exc})",
            ["this is a bug in imx, not in your files; rerun with IMX_DEBUG=1 for details"],
        )
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
