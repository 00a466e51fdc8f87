"""How the `imx` command line explains itself: help text in, help text and suggestions out.

Each subcommand's help opens with a description and an example (``EXAMPLES``); every option's
help names its default (:class:`HelpFormatter`); a misspelt subcommand gets a did-you-mean
(:func:`check_command`); ``imx completion SHELL`` prints the shell completion script that
argcomplete answers (:func:`add_completion`); ``imx check --explain CODE`` prints a code's
documentation (:func:`explain_code`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from imx.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]

# One example per subcommand, shown under its description in `imx COMMAND --help`.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "init": ("imx init my-metrics", "imx init . --schema blank"),
    "check": (
        "imx check metrics/",
        "imx check --format sarif > imx.sarif",
        "imx check --explain band-gap",
    ),
    "fmt": ("imx fmt metrics/", "imx fmt metrics/ --diff"),
    "run": (
        "imx run metrics/ --data demo-data --level study --out results.csv",
        "imx run --data demo-data    # the standard library, outside a project",
    ),
    "units": ("imx units XFER-OT metrics/ --data demo-data --site 015 --outcome missed",),
    "why": ("imx why XFER-OT S002/015/015-0003/W04 metrics/ --data demo-data",),
    "test": ("imx test metrics/", "imx test metrics/ -k QC-FPR"),
    "sql": ("imx sql XFER-CT metrics/ --dialect snowflake",),
    "docs": ("imx docs build metrics/ --results results.csv", "imx docs serve metrics/"),
    "docs build": ("imx docs build metrics/ --out handbook --results results.csv",),
    "docs serve": ("imx docs serve metrics/ --addr 127.0.0.1:8080",),
    "explain": ("imx explain XFER-OT metrics/ --variant oncology",),
    "demo-data": ("imx demo-data --studies 6 --seed 1 --out demo-data",),
    "diff": ("imx diff git:HEAD~1:metrics metrics/", "imx diff old/ new/ --data demo-data"),
    "lsp": ("imx lsp    # started by an editor, which talks to it over stdin and stdout",),
    "completion": ('eval "$(imx completion bash)"    # in ~/.bashrc',),
}


def description(name: str, summary: str) -> str:
    """A subcommand's description: its summary as a sentence, then its examples.

    >>> print(description("sql", "print the SQL a metric compiles to"))
    Print the SQL a metric compiles to.
    <BLANKLINE>
    example:
      imx sql XFER-CT metrics/ --dialect snowflake
    """
    lines = [summary[0].upper() + summary[1:] + "."]
    examples = EXAMPLES.get(name, ())
    if examples:
        lines += ["", "example:" if len(examples) == 1 else "examples:"]
        lines += [f"  {e}" for e in examples]
    return "\n".join(lines)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions as written (their examples keep their lines); each option's help ends with
    its default, unless it has none (a flag, a repeatable option) or already names it."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            "default" in text
            or not action.option_strings
            or default in (None, False, [], argparse.SUPPRESS)
            or isinstance(action, argparse._VersionAction | argparse._HelpAction)
        ):
            return text
        return f"{text} (default: %(default)s)"


def check_command(argv: Sequence[str], commands: Sequence[str]) -> None:
    """A first word that names no subcommand is a usage error with the nearest one(s)."""
    from imx.diagnostics import did_you_mean

    word = next((a for a in argv if not a.startswith("-")), None)
    if word is None or word in commands or (argv and argv[0].startswith("-")):
        return
    hints = did_you_mean(word, commands) or []
    raise UsageError(f"unknown command `{word}`", [*hints, "commands: " + ", ".join(commands)])


# ------------------------------------------------------------------------ completion

SHELLS = ("bash", "zsh", "fish")


def add_completion(sub: SubParsers) -> argparse.ArgumentParser:
    """``imx completion SHELL``: the script that makes SHELL complete imx's commands and options."""
    summary = "print the shell completion script for bash, zsh or fish"
    p = sub.add_parser(
        "completion",
        help=summary,
        description=description("completion", summary),
        formatter_class=HelpFormatter,
    )
    p.set_defaults(func=cmd_completion, command_parser=p)
    p.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    return p


def cmd_completion(args: argparse.Namespace) -> int:
    from argcomplete.shell_integration import shellcode

    print(shellcode(["imx"], shell=args.shell), end="")
    return 0


def autocomplete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request, if this run is one (argcomplete's variables are
    set), and exit; otherwise do nothing."""
    import os

    if "_ARGCOMPLETE" in os.environ:
        import argcomplete

        argcomplete.autocomplete(parser)


# ------------------------------------------------------------------------ --explain


def explain_code(name: str, console: Console) -> None:
    """Print a diagnostic code's documentation: severity, summary, meaning and where it is."""
    from rich.text import Text

    from imx import codes
    from imx.code_docs import code_doc, help_uri
    from imx.diagnostics import did_you_mean

    names = [c.name for c in codes.all_codes()]
    if name not in names:
        hints = did_you_mean(name, names) or [
            "`imx check --explain` takes a code: see docs/diagnostics.md"
        ]
        raise UsageError(f"no diagnostic code `{name}`", hints)
    code = codes.lookup(name)
    doc = code_doc(name)
    console.print(
        Text.assemble((f"{code.severity.value}[{code.name}]", "bold"), ": ", code.summary)
    )
    console.print(Text(f"section: {doc.section}"))
    if doc.meaning != code.summary:
        console.print(Text(f"meaning: {doc.meaning}"))
    if doc.intro:
        console.print()
        console.print(Text(doc.intro))
    console.print()
    console.print(Text(f"documented at {help_uri(name)}"))


# ------------------------------------------------------------------------ pager


def paged(console: Console) -> AbstractContextManager[object]:
    """Page what is printed inside (``less``, or ``$PAGER``) when the console is a terminal;
    ``less`` quits at once when it fits on one screen (``LESS=-FRX`` unless set). A pipe, a file
    or ``PAGER=cat`` gets the text as it is."""
    import os
    from contextlib import nullcontext

    if not console.is_terminal or os.environ.get("PAGER") == "cat":
        return nullcontext()
    os.environ.setdefault("LESS", "-FRX")
    return console.pager(styles=True)
