"""Text from specs or data in → text fit to show, every control character made visible.

A title, a reason or a study id is shown as the characters it holds: on a terminal it is never
read as Rich markup (``[bold]``, ``[/]``) and never reaches the terminal as an escape sequence
(``\\x1b[31m``, ``\\x1b]0;title\\x07``), colour or not. :func:`visible` owns the rule;
:func:`as_text` gives a :class:`rich.text.Text` for printing.

>>> visible("S1\\x1b[31m red\\x07")
'S1\\\\x1b[31m red\\\\x07'
>>> as_text("[bold red]S001[/bold red] [/]").plain
'[bold red]S001[/bold red] [/]'
"""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls but tab and line feed, DEL, C1 controls, the invisible marks that reorder or hide
# text (bidirectional overrides and isolates, line and paragraph separators, BOM), and lone
# surrogates (a string escape can make one; no terminal or file can take it).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufeff]"
)
_LINE_BREAKS = re.compile(r"\r\n?|\n")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: object) -> str:
    """``value`` as text whose control characters are written out (``\\x1b``), tab and newline kept.

    >>> visible("a\\u202eb\\tc")
    'a\\\\u202eb\\tc'
    """
    return _CONTROL.sub(_escape, str(value))


def one_line(value: object) -> str:
    """:func:`visible` on one line: each line break (``\\n``, ``\\r\\n``, ``\\r``) becomes a space.

    >>> one_line("a\\r\\nb\\rc\\nd")
    'a b c d'
    """
    return visible(_LINE_BREAKS.sub(" ", str(value)))


def as_text(value: object, style: str = "") -> Text:
    """A Rich :class:`~rich.text.Text` of ``value``: printed as written, never parsed as markup."""
    return Text(visible(value), style=style)
