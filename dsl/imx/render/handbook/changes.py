"""A model diff in → the handbook's Changes page: every definition changed since an earlier version
of the metric set, field by field, each change classed method / threshold / wording.

The page lays out the same view as ``imx diff`` (:func:`imx.render.diff.views`); every spec text
goes through the handbook's Markdown helpers, so none of it becomes markup.
"""

from __future__ import annotations

from imx.diff import ModelDiff
from imx.render.diff import current_lines, heading, move, notes, totals, views
from imx.render.handbook.markup import cell, code, table, text

PAGE = "changes.md"


def changes_page(diff: ModelDiff, old: str) -> str:
    """The Changes page: from ``old`` (as the reader named it) to the definitions shown here."""
    report = views(diff, None, old, "this handbook")
    parts = [
        "# Changes",
        f"From {code(old)} to the definitions in this handbook: {text(totals(report))}. A "
        "**method** change alters which units count, how they are measured or which result rows "
        "exist; a **threshold** change judges the same numbers differently; **wording** changes "
        "no result.",
    ]
    moved = current_lines(report)  # rule 27: what references and default runs take now
    if moved:
        parts.append("\n".join(f"- {text(line)}" for line in moved))
    for v in report["changes"]:
        parts.append(f"## {text(heading(v))}")
        if v["status"] in ("added", "removed"):
            rows = [[cell(f["label"]), cell(f["class"]), cell(move(v, f))] for f in v["fields"]]
            parts.append(table(["field", "class", "value"], rows))
        elif v["fields"]:
            rows = [
                [cell(f["label"]), cell(f["class"]), cell(f["old"]), cell(f["new"] + notes(f))]
                for f in v["fields"]
            ]
            parts.append(table(["field", "class", "old", "new"], rows))
        else:
            parts.append(text(f"{v['status'].capitalize()}, nothing else changed."))
    return "\n\n".join(parts) + "\n"
