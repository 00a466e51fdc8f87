"""`imx units` and `imx run --units`: the unit rows behind a metric's results, shown and written.

``imx units METRIC PATHS --data DIR`` evaluates one metric with its unit rows (semantics rule 29),
keeps those the filters ask for (``--study``, ``--site``, ``--period``, ``--variant``,
``--outcome``, ``--by NAME=VALUE``; ``--all`` adds the units outside the population), prints them worst first, capped,
and writes every one with ``--out``. ``imx run --units DIR`` writes every evaluated metric's unit
rows beside the results, one Parquet file per metric. ``imx why METRIC KEY PATHS --data DIR``
tells one unit's outcome step by step.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from imx import cli

if TYPE_CHECKING:
    import pyarrow as pa

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]


def add_units(sub: SubParsers) -> argparse.ArgumentParser:
    """The ``units`` subcommand's parser."""
    from imx.plan import OUTCOMES

    help = "list the units behind a metric's results, worst first"
    p = cli._command(sub, "units", cmd_units, help)
    p.add_argument("metric", metavar="METRIC", help="the metric's id, or ID@V one version of it")
    cli._paths(p)
    cli._add_run_data(p)
    p.add_argument("--study", metavar="S", help="only this study's units")
    p.add_argument("--site", metavar="X", help="only this site's units")
    p.add_argument("--period", metavar="P", help="only this period's units, e.g. 2026-03")
    p.add_argument("--variant", metavar="V", help="only the units judged under this variant")
    p.add_argument(
        "--by",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="only the units of this `by` group (repeatable; VALUE (none) for no value),"
        " e.g. --by reader=R07",
    )
    p.add_argument(
        "--outcome",
        action="append",
        default=[],
        metavar="O",
        help=f"only units with this outcome (repeatable): {', '.join(OUTCOMES)}",
    )
    p.add_argument(
        "--all", action="store_true", help="also the units outside the population (`outside`)"
    )
    cli._add_run_engine(p)
    p.add_argument("--out", metavar="FILE", help="also write every row: .csv, .json, .parquet")
    return p


def cmd_units(args: argparse.Namespace) -> int:
    from imx.output import check_units_file, write_units
    from imx.render.units import render_units
    from imx.results import RunOptions
    from imx.units import UnitFilter, check_outcomes, select_units

    out = check_units_file(args.out) if args.out else None
    check_outcomes(args.outcome)
    cli._run_preflight(argparse.Namespace(**{**vars(args), "out": None}))
    model = cli._checked_model(args).model
    assert model is not None
    cli._check_run_options(model, [args.metric], [])
    options = RunOptions(as_of=args.as_of, metrics=(args.metric,))
    dataset = cli._load_data(args, model.schema)
    try:
        chosen = "all" if args.all else "population"
        results = cli._evaluate(args, model, dataset, options, units=chosen)
    finally:
        cli._close(dataset)
    groups = tuple(_group_option(text) for text in args.by)
    wanted = UnitFilter(
        args.study, args.site, args.period, args.variant, tuple(args.outcome), groups
    )
    metric = cli._metric_or_usage(model, args.metric).base  # `XFER-OT@2014`: that version
    table = select_units(results.units[metric.id], wanted)
    console = cli._console(args, wrap=True)
    by = [n for level in metric.levels for n in level.attributes if n not in metric.unit.keys]
    render_units(metric.key, table, metric.unit.keys, console, groups=by)
    for path in write_units(table, out, results.stamp) if out else ():
        cli._say(console, f"wrote {path}")
    return cli.EXIT_OK


def _group_option(text: str) -> tuple[str, str]:
    """``--by reader=R07`` → (``reader``, ``R07``); a usage error without ``=``."""
    from imx.errors import UsageError

    name, sep, value = text.partition("=")
    if not sep or not name:
        raise UsageError(f"--by `{text}` is not NAME=VALUE", ["write e.g. --by reader=R07"])
    return name, value


def check_units_folder(args: argparse.Namespace) -> Path | None:
    """The folder ``imx run --units`` names, if it can be written (checked before any work)."""
    from imx.output import check_output_folder

    return check_output_folder(args.units, "--units") if args.units else None


def add_why(sub: SubParsers) -> argparse.ArgumentParser:
    """The ``why`` subcommand's parser."""
    p = cli._command(sub, "why", cmd_why, "tell one unit's outcome for a metric, step by step")
    p.add_argument("metric", metavar="METRIC", help="the metric's id, or ID@V one version of it")
    p.add_argument("key", metavar="KEY", help="the unit's keys in order, e.g. S1/001/1001/BL")
    cli._paths(p)
    cli._add_run_data(p)
    cli._add_run_engine(p)
    return p


def cmd_why(args: argparse.Namespace) -> int:
    from imx.render.why import render_why, why_lines
    from imx.results import RunOptions

    cli._run_preflight(argparse.Namespace(**{**vars(args), "out": None}))
    model = cli._checked_model(args).model
    assert model is not None
    cli._check_run_options(model, [args.metric], [])
    metric = cli._metric_or_usage(model, args.metric)
    dataset = cli._load_data(args, model.schema)
    try:
        options = RunOptions(as_of=args.as_of, metrics=(args.metric,))
        results = cli._evaluate(args, model, dataset, options, units="explain")
    finally:
        cli._close(dataset)
    keys = metric.base.unit.keys
    row = find_unit(results.units[metric.id], keys, args.key, metric.base.unit.name)
    lines = why_lines(metric, row, keys, model.schema.calendars, results.stamp.as_of)
    render_why(lines, cli._console(args, wrap=True))
    return cli.EXIT_OK


def find_unit(table: pa.Table, keys: tuple[str, ...], key: str, unit: str) -> dict[str, object]:
    """The unit row whose keys, joined by ``/``, are ``key`` (the last of several); else a
    :class:`UsageError` naming the nearest keys. The keys are joined in Arrow: only the row
    found becomes a Python row, not every unit of the metric."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from imx.diagnostics import did_you_mean
    from imx.errors import UsageError

    columns = [pc.fill_null(pc.cast(table.column(k), pa.string()), "None") for k in keys]
    joined = (
        pc.binary_join_element_wise(*columns, "/") if columns else pa.array([""] * table.num_rows)
    )
    same = pc.fill_null(pc.equal(joined, key), False).to_numpy(zero_copy_only=False)
    hits = np.flatnonzero(np.asarray(same, bool))
    if hits.size:
        found: dict[str, object] = table.slice(int(hits[-1]), 1).to_pylist()[0]
        return found
    labels = dict.fromkeys(str(x) for x in joined.to_pylist())
    parts = len(key.split("/"))
    shape = f"a {unit}'s key is {'/'.join(keys)}"
    if parts != len(keys):
        raise UsageError(
            f"`{key}` has {parts} part(s); {shape}",
            [f"write e.g. {next(iter(labels), '/'.join(keys))}"],
        )
    near = did_you_mean(key, labels) or [f"{shape}; {len(labels):,} unit(s) in the data"]
    raise UsageError(f"no {unit} `{key}` in the data", near)
