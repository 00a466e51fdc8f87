"""Property: any text, put where a handbook page puts it, renders as that text and as no markup.

Each escaping helper of :mod:`imx.render.handbook.markup` is placed in the Markdown contexts the
pages use (a paragraph's first line, a heading, a list item, a table cell, inline code, a raw HTML
block) and rendered with the handbook's own Markdown extensions; the HTML must hold only the
elements and attributes of the context, and its text must read as the input (control characters
shown escaped, whitespace collapsed as a browser collapses it).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import markdown
from hypothesis import example, given
from hypothesis import strategies as st

from imx.render.handbook import markup
from imx.render.handbook.site import markdown_extensions
from imx.render.text import one_line

SPECIALS = list("<>&\"'`*_[](){}!|~#+-.=:$\\/ \t\n\r") + [
    "\x1b",
    "\x07",
    "\x9b",
    "\u202e",
    "\x02",
    "\ud800",
]
TEXTS = st.text(st.sampled_from([*SPECIALS, "a", "1", "x", "é"]) | st.characters(), max_size=40)
HOSTILE = "<img src=x onerror=y()> [l](javascript:x) *e* `c` | {: onclick=z } \x02wzxhzdk:0\x03"

# Context → (Markdown around the escaped text, the elements it may render, the helper).
CONTEXTS: dict[str, tuple[str, set[str], Any]] = {
    "paragraph": ("{}\n\nnext", {"p"}, markup.text),
    "heading": ("# {}", {"h1", "a"}, markup.text),
    "list item": ("- {}\n- second", {"ul", "li"}, markup.text),
    "table cell": (
        "| a | b |\n|---|---|\n| {} | x |",
        {"table", "thead", "tbody", "tr", "th", "td"},
        markup.cell,
    ),
    "inline code": ("see {} here", {"p", "code"}, markup.code),
    "html in a cell": (
        "| a |\n|---|\n| <span>{}</span> |",
        {"table", "thead", "tbody", "tr", "th", "td", "span"},
        markup.html_text,
    ),
    "raw html": ('<div class="k" markdown="0">\n<b>{}</b>\n</div>', {"div", "b"}, markup.html_text),
}
ALLOWED_ATTRIBUTES = {"id", "class", "href", "title", "markdown"}


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _markdown() -> markdown.Markdown:
    """Python-Markdown configured as mkdocs configures it from the handbook's extension list."""
    names: list[str] = []
    configs: dict[str, Any] = {}
    for item in markdown_extensions():
        name = item if isinstance(item, str) else next(iter(item))
        names.append(name)
        if not isinstance(item, str):
            configs[name] = item[name]
    return markdown.Markdown(extensions=names, extension_configs=configs)


def render(template: str, escaped: str) -> _Html:
    html = _markdown().convert(template.format(escaped))
    parsed = _Html()
    parsed.feed(html)
    parsed.close()
    return parsed


def words(value: str) -> str:
    return " ".join(value.split())


@given(TEXTS)
@example(HOSTILE)
@example("    indented like code")
@example("1. not a list")
@example("=== not a rule")
@example("C#")
def test_escaped_text_renders_as_itself_in_every_context(value: str) -> None:
    shown = words(one_line(value))
    for name, (template, elements, helper) in CONTEXTS.items():
        page = render(template, helper(value))
        for tag, attrs in page.tags:
            assert tag in elements, (name, tag, value)
            for attribute, target in attrs:
                assert attribute in ALLOWED_ATTRIBUTES, (name, tag, attribute, value)
                if attribute == "href":
                    assert (target or "").startswith("#"), (name, target, value)  # a permalink
        text = words("".join(page.text))
        assert shown in text, (name, shown, text)
