"""The documentation of each diagnostic code: ``docs/diagnostics.md`` (shipped with imx) in →
each code's section, meaning and the page's address out.

The registry (:mod:`imx.codes`) owns each code's name, severity and one-line summary; the page
owns the longer text, one table row per code (or per group of codes), under a section that may
open with a paragraph. ``imx check --explain CODE`` and the SARIF log's rules read it here.

>>> doc = code_doc("band-gap")
>>> doc.section, doc.meaning
('Bands and targets', 'values that no band covers')
>>> help_uri("band-gap").endswith("#bands-and-targets")
True
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass

from imx import _resources

# A hosted copy of the docs (``https://example.org/imx/``): SARIF rules and --explain link there.
DOCS_URL_VARIABLE = "IMX_DOCS_URL"


@dataclass(frozen=True)
class CodeDoc:
    """A code's section of the diagnostics page, its meaning, and the section's opening text."""

    section: str
    meaning: str
    intro: str

    @property
    def anchor(self) -> str:
        """The section's id on the built page (mkdocs' slug of its title)."""
        return re.sub(r"[^a-z0-9]+", "-", self.section.lower()).strip("-")


@functools.cache
def _docs() -> dict[str, CodeDoc]:
    text = _resources.diagnostics_doc_path().read_text(encoding="utf-8")
    found: dict[str, CodeDoc] = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        title, _, body = block.partition("\n")
        first = body.strip().split("\n\n")[0]
        intro = "" if first.startswith("|") else first
        for row in re.findall(r"^\| (`[^|]+`[^|]*) \| (.+) \|$", body, re.M):
            for name in re.findall(r"`([a-z0-9-]+)`", row[0]):
                found[name] = CodeDoc(title.strip(), row[1].strip(), " ".join(intro.split()))
    return found


def code_doc(name: str) -> CodeDoc:
    """The documentation of the registered code called ``name``; its summary while the page
    has no row for it (a test holds the page and the registry together)."""
    from imx.codes import lookup

    found = _docs().get(name)
    return found or CodeDoc("Diagnostics", lookup(name).summary, "")


def help_uri(name: str) -> str:
    """Where the code is documented: the hosted docs' diagnostics page when ``IMX_DOCS_URL`` is
    set, else the page shipped with imx, as a file URI; with the code's section as fragment."""
    base = os.environ.get(DOCS_URL_VARIABLE)
    page = (
        base.rstrip("/") + "/diagnostics/"
        if base
        else _resources.diagnostics_doc_path().resolve().as_uri()
    )
    return f"{page}#{code_doc(name).anchor}"
