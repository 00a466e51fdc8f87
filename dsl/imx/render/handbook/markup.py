"""Text from specs or data in → text for each place a handbook page puts it, none of it markup.

One helper per context, so no spec text becomes an element, an attribute, a link or a format:

- :func:`text` (and :func:`cell`, :func:`link`, :func:`code`, :func:`prose`): Markdown text;
- :func:`html_text`: HTML text or attribute value, also safe where Markdown reads it again;
- :func:`template_text`: a value mkdocs' theme writes into its HTML as is (``site_name``, nav);
- :func:`figure_text`: a matplotlib label (``$`` would start mathtext);
- :func:`fence`: a fenced code block.

Every one makes control characters visible first (:func:`imx.render.text.visible`).

>>> text("a <script> & *b* [l](javascript:x)")
'a &lt;script&gt; &amp; &#42;b&#42; &#91;l&#93;(javascript:x)'
>>> text("- 1. not a list"), text("2. nor this")
('&#45; 1. not a list', '2&#46; nor this')
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from imx.render.text import one_line, visible

# HTML's specials, then what Python-Markdown's inline patterns and our extensions react to
# (emphasis, code, links and images, attribute lists, tables, escapes, a heading's closing #).
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_INLINE = str.maketrans({**_HTML, **{c: f"&#{ord(c)};" for c in "\\`*_[]{}!|~#"}})
# What starts a block when it opens a line: a list item (`-`, `+`, `1.`, `1)`) or a rule (`=`).
_BLOCK_START = re.compile(r"\s*(?:\d+(?=[.)]))?(?=[-+=.)])")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def text(value: str) -> str:
    """Plain text on one line of a Markdown page: every Markdown and HTML special as a reference.

    Outer whitespace goes (a browser shows none, and indented text would be a code block).
    """
    return _escaped(one_line(value).strip())


def _escaped(value: str, opens_line: bool = True) -> str:
    escaped = value.translate(_INLINE)
    start = _BLOCK_START.match(escaped) if opens_line else None
    if start is None:
        return escaped
    at = start.end()
    return f"{escaped[:at]}&#{ord(escaped[at])};{escaped[at + 1 :]}"


def cell(value: str) -> str:
    """Plain text for a Markdown table cell (no pipes, no line breaks)."""
    return text(value)


def code(value: str) -> str:
    """Inline code as HTML, so that backticks inside ``value`` cannot end it."""
    return f"<code>{text(value)}</code>"


def prose(value: str) -> str:
    """A doc string as Markdown paragraphs: escaped text, with `code` spans kept as code."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = re.split(r"\n\s*\n", value.strip())
    return "\n\n".join(_paragraph(p) for p in paragraphs if p.strip())


def _paragraph(value: str) -> str:
    joined = " ".join(line.strip() for line in value.splitlines())
    parts = _CODE_SPAN.split(joined)
    return "".join(code(p) if i % 2 else _escaped(one_line(p), i == 0) for i, p in enumerate(parts))


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
    body = visible(body.replace("\r\n", "\n").replace("\r", "\n"))
    longest = max((len(m) for m in re.findall(r"`+|~+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{language}\n{body.rstrip()}\n{ticks}"


def html_text(value: str) -> str:
    """Text for HTML (content or a quoted attribute value), inert too where Markdown reads it."""
    return one_line(value).translate(_INLINE)


def template_text(value: str) -> str:
    """Text for a value mkdocs' theme writes into its pages unescaped (``site_name``, nav titles)."""
    return html.escape(one_line(value), quote=True)


def figure_text(value: str) -> str:
    """A label for a matplotlib figure: shown as written (``$`` does not start mathtext)."""
    return one_line(value).replace("$", r"\$")


def raw_block(html_fragment: str, css: str) -> str:
    """A raw HTML block Markdown passes through untouched (no blank lines inside)."""
    body = "\n".join(line for line in html_fragment.splitlines() if line.strip())
    return f'<div class="{css}" markdown="0">\n{body}\n</div>'
