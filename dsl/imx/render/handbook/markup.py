"""Text from specs in → Markdown and HTML fragments out, escaped so that no spec text becomes markup.

>>> text("a <script> & *b*")
'a &lt;script&gt; &amp; \\\\*b\\\\*'
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

# Python-Markdown's escapable characters, plus those its tables and our extensions react to.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def text(value: str) -> str:
    """Plain text for a Markdown page: every Markdown character backslashed, then HTML-escaped."""
    escaped = html.escape(_MD_SPECIAL.sub(r"\\\1", value), quote=False)
    return escaped.replace("|", "&#124;").replace("\n", " ")


def cell(value: str) -> str:
    """Plain text for a Markdown table cell (no pipes, no line breaks)."""
    return text(value)


def code(value: str) -> str:
    """Inline code as HTML, so that backticks inside ``value`` cannot end it."""
    return f"<code>{html.escape(value, quote=True)}</code>"


def prose(value: str) -> str:
    """A doc string as Markdown paragraphs: escaped text, with `code` spans kept as code."""
    paragraphs = re.split(r"\n\s*\n", value.strip())
    return "\n\n".join(_paragraph(p) for p in paragraphs if p.strip())


def _paragraph(value: str) -> str:
    joined = " ".join(line.strip() for line in value.splitlines())
    parts = _CODE_SPAN.split(joined)
    return "".join(code(p) if i % 2 else text(p) for i, p in enumerate(parts))


def link(label: str, target: str) -> str:
    """A Markdown link whose label is escaped; ``target`` is a page path the handbook made."""
    return f"[{text(label)}]({target})"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], *, css: str | None = None) -> str:
    """A Markdown table from cells that are already Markdown; ``css`` wraps it in a classed div."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(c or " " for c in row) + " |" for row in rows)
    body = "\n".join(lines)
    return f'<div class="{css}" markdown>\n\n{body}\n\n</div>' if css else body


def fence(body: str, language: str) -> str:
    """A fenced code block long enough that ``body`` cannot close it."""
    longest = max((len(m) for m in re.findall(r"`+|~+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{language}\n{body.rstrip()}\n{ticks}"


def html_text(value: str) -> str:
    """Escaped text for an HTML fragment."""
    return html.escape(value, quote=True)


def raw_block(html_fragment: str, css: str) -> str:
    """A raw HTML block Markdown passes through untouched (no blank lines inside)."""
    body = "\n".join(line for line in html_fragment.splitlines() if line.strip())
    return f'<div class="{css}" markdown="0">\n{body}\n</div>'
