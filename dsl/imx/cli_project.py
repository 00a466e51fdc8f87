"""A project of one's own: ``imx.toml`` (or ``[tool.imx]`` in ``pyproject.toml``) in → the
command's options filled where the command line left them out; and ``imx init`` → a new project.

The settings file is found in the working folder or the nearest folder above it. Its paths are
relative to the file; a command-line flag always wins over the file. Each value goes through the
same check as the flag it stands for (an ``as_of`` is read as ``--as-of`` is), and a key the file
may not hold is a usage error that names the file and line, with a did-you-mean.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imx.errors import UsageError

if TYPE_CHECKING:
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

CONFIG = "imx.toml"
DATA_COMMANDS = ("run", "units", "why")


@dataclass(frozen=True)
class Setting:
    """A key of the settings file: the option it stands for and the commands that read it."""

    dest: str
    commands: tuple[str, ...]
    kind: str  # path, paths, text, texts, flag, pairs (NAME = FILE), names (NAME = TEXT)


_RUNNING = (*DATA_COMMANDS,)
SETTINGS: dict[str, dict[str, Setting]] = {
    "": {"paths": Setting("paths", ("check", "fmt", "run", "units", "why", "test", "sql",
                                     "explain", "docs"), "paths")},
    "data": {
        "dir": Setting("data", _RUNNING, "path"),
        "tables": Setting("table", _RUNNING, "pairs"),
        "map": Setting("map", _RUNNING, "names"),
        "timezone": Setting("timezone", _RUNNING, "text"),
        "as_of": Setting("as_of", _RUNNING, "text"),
    },
    "run": {
        "levels": Setting("level", ("run",), "texts"),
        "period": Setting("period", ("run",), "text"),
        "metrics": Setting("metric", ("run",), "texts"),
        "engine": Setting("engine", _RUNNING, "text"),
        "threads": Setting("threads", _RUNNING, "text"),
        "memory_limit": Setting("memory_limit", _RUNNING, "text"),
        "out": Setting("out", ("run",), "path"),
        "units": Setting("units", ("run",), "path"),
        "strict": Setting("strict", ("run",), "flag"),
    },
    "check": {
        "strict": Setting("strict", ("check", "test", "sql", "explain"), "flag"),
        "format": Setting("format", ("check",), "text"),
    },
    "docs": {
        "out": Setting("out", ("docs",), "path"),
        "results": Setting("results", ("docs",), "path"),
        "units": Setting("units", ("docs",), "path"),
        "addr": Setting("addr", ("docs",), "text"),
    },
}  # fmt: skip


@dataclass(frozen=True)
class Config:
    """A settings file read: where it is, its text, and its table of imx settings."""

    path: Path
    text: str
    table: dict[str, Any]
    prefix: str  # "" for imx.toml, "tool.imx" in pyproject.toml

    def line(self, section: str, key: str) -> int:
        """The line of ``key`` in ``section`` (a TOML table header or dotted key), else of the
        section's header, else 1."""
        header = ".".join(p for p in (self.prefix, section) if p)
        own = ".".join(p for p in (self.prefix, section, key) if p)  # the key as a table
        current, header_line = "", 0
        for number, raw in enumerate(self.text.splitlines(), start=1):
            line = raw.strip()
            if m := re.fullmatch(r"\[\s*([^\[\]]+?)\s*\]\s*(#.*)?", line):
                current = m.group(1).replace(" ", "")
                if current == own:
                    return number
                header_line = number if current == header else header_line
            elif current == header and re.match(rf"['\"]?{re.escape(key)}['\"]?\s*[=.]", line):
                return number
        return header_line or 1

    def where(self, section: str, key: str) -> str:
        return f"{os.path.relpath(self.path)}:{self.line(section, key)}"


def find_config(start: Path | None = None) -> Config | None:
    """The settings of the nearest folder, from ``start`` up, holding ``imx.toml`` or a
    ``pyproject.toml`` with a ``[tool.imx]`` table."""
    folder = (start or Path.cwd()).resolve()
    for here in (folder, *folder.parents):
        for name in (CONFIG, "pyproject.toml"):
            candidate = here / name
            if candidate.is_file():
                found = _read(candidate)
                if found is not None:
                    return found
    return None


def _read(path: Path) -> Config | None:
    try:
        text = path.read_text(encoding="utf-8")
        document = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read `{path}`: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r" \(at line (\d+), column (\d+)\)$", str(exc))
        shown = os.path.relpath(path)
        where = f"{shown}:{at.group(1)}:{at.group(2)}" if at else shown
        reason = str(exc)[: at.start()] if at else str(exc)
        raise UsageError(f"{where}: not valid TOML: {reason}") from exc
    if path.name == CONFIG:
        return Config(path, text, document, "")
    table = document.get("tool", {}).get("imx")
    return Config(path, text, table, "tool.imx") if isinstance(table, dict) else None


def _shown(config: Config, value: str) -> str:
    """A path of the file, relative to it, as the working folder reaches it."""
    target = Path(value).expanduser()
    if not target.is_absolute():
        target = config.path.parent / target
    return os.path.relpath(target)


def _settings(config: Config) -> list[tuple[str, str, Setting, Any]]:
    """Every (section, key, setting, value) of the file; an unknown key is a located error."""
    from imx.diagnostics import did_you_mean

    found: list[tuple[str, str, Setting, Any]] = []
    tops = [k for k in SETTINGS[""]] + [s for s in SETTINGS if s]
    for key, value in config.table.items():
        if key in SETTINGS and key and isinstance(value, dict):
            for inner, item in value.items():
                known = SETTINGS[key]
                if inner not in known:
                    hints = did_you_mean(inner, known) or [f"[{key}] may hold: {', '.join(known)}"]
                    where = config.where(key, inner)
                    raise UsageError(f"{where}: unknown setting `{key}.{inner}`", hints)
                found.append((key, inner, known[inner], item))
        elif key in SETTINGS[""]:
            found.append(("", key, SETTINGS[""][key], value))
        else:
            hints = did_you_mean(key, tops) or [f"settings: {', '.join(tops)}"]
            raise UsageError(f"{config.where('', key)}: unknown setting `{key}`", hints)
    return found


def _as_strings(config: Config, name: str, where: str, setting: Setting, value: Any) -> list[str]:
    """The value as the command line would give it: a list of option texts."""
    wrong = UsageError(f"{where}: `{name}` must be {_KIND_WORDS[setting.kind]}")
    kind = setting.kind
    if kind == "flag":
        if not isinstance(value, bool):
            raise wrong
        return []
    if kind in ("path", "text"):
        if not isinstance(value, str):
            raise wrong
        return [_shown(config, value) if kind == "path" else value]
    if kind in ("paths", "texts"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong
        return [_shown(config, v) if kind == "paths" else v for v in value]
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise wrong
    return [f"{k}={_shown(config, v) if kind == 'pairs' else v}" for k, v in value.items()]


_KIND_WORDS = {
    "path": "a path (text)", "text": "text", "flag": "true or false",
    "paths": "a list of paths", "texts": "a list of texts",
    "pairs": "a table of NAME = \"FILE\"", "names": "a table of COLUMN = \"SOURCE\"",
}  # fmt: skip


def _given(parser: argparse.ArgumentParser, argv: Sequence[str]) -> set[str]:
    """The options the command line gave (by dest), abbreviations included."""
    given: set[str] = set()
    options = {o: a.dest for a in parser._actions for o in a.option_strings}
    for token in argv:
        if not token.startswith("-") or token == "--":
            continue
        name = token.split("=", 1)[0]
        matches = {d for o, d in options.items() if o == name} or {
            d for o, d in options.items() if name.startswith("--") and o.startswith(name)
        }
        given |= matches if len(matches) == 1 else set()
    return given


def _convert(parser: argparse.ArgumentParser, dest: str, texts: list[str], where: str) -> Any:
    """The texts through the option's own type and choices, as argparse would take them."""
    action = next(a for a in parser._actions if a.dest == dest)
    values = []
    for text in texts:
        try:
            value = action.type(text) if callable(action.type) else text
        except (argparse.ArgumentTypeError, ValueError) as exc:
            raise UsageError(f"{where}: {exc}") from exc
        if action.choices is not None and value not in action.choices:
            choices = ", ".join(map(str, action.choices))
            raise UsageError(f"{where}: `{text}` is not one of {choices}")
        values.append(value)
    many = isinstance(action, argparse._AppendAction) or action.nargs in ("*", "+")
    return values if many else values[0]


def apply_config(args: argparse.Namespace, argv: Sequence[str]) -> None:
    """Fill the options the command line left out from the project's settings, if any; with no
    paths and no project, a data command runs the standard library (and says so)."""
    command = _command_name(args)
    parser: argparse.ArgumentParser = args.command_parser
    if not any(command in s.commands for section in SETTINGS.values() for s in section.values()):
        return  # init, demo-data, completion, ...: a project's settings are not theirs
    config = find_config()
    if config is not None:
        given = _given(parser, argv) | ({"paths"} if getattr(args, "paths", None) else set())
        for section, key, setting, value in _settings(config):
            if command not in setting.commands or setting.dest in given:
                continue
            if not any(a.dest == setting.dest for a in parser._actions):
                continue  # a docs serve has no --out
            name = f"{section}.{key}" if section else key
            where = config.where(section, key)
            texts = _as_strings(config, name, where, setting, value)
            if setting.kind == "flag":
                setattr(args, setting.dest, value)
            else:
                setattr(args, setting.dest, _convert(parser, setting.dest, texts, where))
    if hasattr(args, "paths") and not args.paths and not getattr(args, "explain", None):
        _no_paths(args, command, parser)


def _command_name(args: argparse.Namespace) -> str:
    return str(args.command)


def _no_paths(args: argparse.Namespace, command: str, parser: argparse.ArgumentParser) -> None:
    from imx import _resources

    if command in DATA_COMMANDS and (args.data or args.table):
        args.paths = [str(_resources.stdlib_path())]
        print(
            f"note: no {CONFIG} here or above and no PATH given: {command} uses the standard "
            "library (`import stdlib`)",
            file=sys.stderr,
        )
        return
    parser.error(
        f"no PATH given and no {CONFIG} here or above: give .imx files or folders, "
        "or make a project with `imx init`"
    )


# ------------------------------------------------------------------------------ init

_TOML = """\
# The settings of this imx project. `imx check`, `imx test`, `imx run` and `imx docs build` read
# them, so inside this folder they need no arguments; a flag on the command line wins over any
# of them. Paths are relative to this file. Every key: docs/cli.md, "imx.toml".
paths = ["metrics"]

[data]
dir = "data"                     # imx run --data: `imx demo-data --out data` writes a demo log

[run]
levels = ["study", "portfolio"]  # imx run --level
out = "results.csv"              # imx run --out: also .json, .parquet, .xlsx, .html

[docs]
out = "handbook"                 # imx docs build --out
results = "results.csv"          # the values the handbook shows: write them with `imx run`
"""

_GITIGNORE = """\
# written by imx run, imx demo-data and imx docs build
/data/
/results.*
/handbook/
"""

_README = """\
# {name}

Imaging performance metrics written in imx. The specs are in `metrics/`, the settings in
`imx.toml`. The next three commands:

```sh
imx check                            # diagnostics for every file in metrics/
imx test                             # the examples written in the specs, on both evaluators
imx demo-data --out data && imx run  # a synthetic event log, then the metrics over it
```

Then `imx docs build` writes the metric handbook to `handbook/site/`.
"""

_SCHEMAS = {
    "stdlib": """\
# The standard library's imaging schema: its events, tables, units and business-day calendars.
import stdlib.schema
""",
    "blank": """\
# A schema of your own: declare the workflow events, the tables that hold them and the units
# the metrics count. `import stdlib.schema` instead brings the standard library's.
schema my_schema "My imaging workflow" version "0.1"

events {
    qc_passed "Core-lab quality control passed"
    qc_failed "Core-lab quality control failed"
}

table events {
    study     text key
    site      text key
    subject   text key
    timepoint text key
    event     event
    at        timestamp
}

table studies {
    study text key
}

table sites {
    study text key
    site  text key
}

unit timepoint = study, site, subject, timepoint
""",
}

_METRIC = """\
metric MY-QC-FPR "First-pass QC acceptance" {
    category quality
    question "How often do images pass QC the first time?"
    per      timepoint
    where    has qc_passed or has qc_failed
    rate     first_of(qc_passed, qc_failed) = qc_passed
    bands    higher_is_better { green >= 90%, amber >= 80%, red }
}

example "a pass after a failure is not a first pass" for MY-QC-FPR {
    as_of 2026-03-31T00:00Z
    events {
        study | site | subject | timepoint | event     | at
        S1    | 001  | 1001    | BL        | qc_failed | 2026-03-02T10:00Z
        S1    | 001  | 1001    | BL        | qc_passed | 2026-03-04T10:00Z
        S1    | 001  | 1002    | BL        | qc_passed | 2026-03-03T10:00Z
    }
    expect value = 50%, numerator = 1, denominator = 2, status = red
}
"""


def project_files(name: str, schema: str) -> dict[str, str]:
    """The files ``imx init`` writes, by path relative to the project's folder."""
    return {
        CONFIG: _TOML,
        ".gitignore": _GITIGNORE,
        "README.md": _README.format(name=name),
        "metrics/schema.imx": _SCHEMAS[schema],
        "metrics/quality.imx": _METRIC,
    }


def add_init(sub: SubParsers) -> argparse.ArgumentParser:
    """The ``init`` subcommand's parser."""
    from imx import cli

    p = cli._command(sub, "init", cmd_init, "start a project: imx.toml, a schema, a metric")
    p.add_argument(
        "dir", nargs="?", default=".", metavar="DIR", help="the project's folder (default: here)"
    )
    p.add_argument(
        "--schema",
        choices=tuple(_SCHEMAS),
        default="stdlib",
        help="import the standard library's schema, or start one of your own",
    )
    return p


def cmd_init(args: argparse.Namespace) -> int:
    from imx import cli
    from imx.errors import OutputError

    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"`{folder}` is a file, not a folder")
    files = project_files(folder.resolve().name, args.schema)
    taken = [name for name in files if (folder / name).exists()]
    if taken:
        raise UsageError(
            f"`{folder}` already holds {', '.join(taken)}: imx init writes no file over another",
            ["give another folder: imx init DIR"],
        )
    console = cli._console(args)
    try:
        for name, text in files.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            cli._say(console, f"created {target}")
    except OSError as exc:
        raise OutputError(f"cannot write in `{folder}`: {exc.strerror or exc}") from exc
    go = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
    cli._say(console, f"next: {go}imx check && imx test && imx demo-data --out data && imx run")
    return cli.EXIT_OK
