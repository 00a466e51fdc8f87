"""A model diff (and its impact on results) in → what a reviewer reads: text, Markdown or JSON.

Every format is built from one view of the changes (:func:`views`): each field's old and new
value as it is written in imx (expressions by :mod:`imx.spec_text`, bands and measures as
``imx explain`` prints them). Spec and data texts are made visible (control characters written
out) and, in Markdown, escaped so a title never breaks a table.

>>> from imx import model as m
>>> field_text("levels", (m.Level("study"), m.Level("by", ("vendor",), ("studies",))), None)
'study, by:vendor'
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from decimal import Decimal
from typing import Any, get_args

from imx import model as m
from imx.diff import Class, EntityChange, FieldChange, ModelDiff
from imx.impact import KEY, Impact, MovedRow, Summary
from imx.render.explain import bands_text, measure_text, value_text
from imx.render.text import one_line, visible
from imx.results import Stamp
from imx.spec_text import const_text, expr_text, number_text, quoted

LABELS = {
    "unit": "per",
    "excludes": "exclude",
    "value_unit": "value unit",
    "companions": "companion",
    "calendar_table": "calendar table",
    "selector": "for",
    "kpis": "kpis",
}
_EXPRESSIONS = get_args(m.Expr)  # every kind of expression, as the model declares them
View = dict[str, Any]


def label(name: str) -> str:
    """A field as a reviewer knows it: ``params.window`` → ``param window``, ``unit`` → ``per``."""
    if name.startswith("params."):
        return "param " + name.partition(".")[2]
    return LABELS.get(name, name)


def _plain(value: Any) -> str:
    """Any model value as imx-like text."""
    if isinstance(value, _EXPRESSIONS):
        return expr_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return " ".join(value.split())  # a doc's lines as one paragraph
    if isinstance(value, frozenset):
        return ", ".join(sorted(_plain(v) for v in value))
    if isinstance(value, tuple):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, m.ColumnDef):
        flags = [w for w, on in (("key", value.key), ("optional", value.optional)) if on]
        return " ".join([value.name, value.type.value, *flags])
    if isinstance(value, m.UnitAttribute):
        return f"{value.name} = {expr_text(value.expr)}"
    if is_dataclass(value) and not isinstance(value, type):
        parts = (f"{f.name} {_plain(getattr(value, f.name))}" for f in fields(value))
        return f"{type(value).__name__}({', '.join(parts)})"
    return str(value)


def _target(target: m.Target, unit: m.ValueUnit) -> str:
    return f"{target.stat or 'value'} {target.op} {value_text(target.value, unit)}"


def field_text(name: str, value: Any, unit: m.ValueUnit | None) -> str:
    """A field's value as it is written (``—``: not set), percentages as the metric's unit says."""
    unit = unit or m.ValueUnit.NUMBER
    if value is None:
        return "—"
    texts = {
        "where": lambda: (
            " and ".join(expr_text(w, 2 if len(value) > 1 else 0) for w in value) or "all units"
        ),
        "excludes": lambda: "; ".join(
            f"{expr_text(e.condition)} {quoted(e.reason)}" for e in value
        ),
        "measure": lambda: measure_text(value),
        "target": lambda: _target(value, unit),
        "bands": lambda: bands_text(value, unit),
        "levels": lambda: ", ".join(level.label for level in value),
        "period": lambda: (
            f"{value.grain} by {expr_text(value.by)}" + (" cumulative" if value.cumulative else "")
        ),
        "unit": lambda: f"{value.name} ({', '.join(value.keys)})",
        "selector": lambda: " and ".join(_term(t) for t in value),
    }
    if name.startswith("params."):
        return const_text(value)
    text = texts[name]() if name in texts else _plain(value)
    return text or "none"


def _term(term: m.SelectorTerm) -> str:
    values = ", ".join(quoted(v) for v in term.values)
    return f"{term.column} = {values}" if len(term.values) == 1 else f"{term.column} in ({values})"


# ------------------------------------------------------------------------------------ views


def _metric_of(value: Any) -> m.ResolvedMetric | None:
    if isinstance(value, m.Variant):
        return value.resolved
    return value if isinstance(value, m.ResolvedMetric) else None


def _title(change: EntityChange) -> str | None:
    value = change.new if change.new is not None else change.old
    if isinstance(value, m.Variant):
        return "for " + " and ".join(_term(t) for t in value.selector)
    title = getattr(value, "title", None)
    return title if isinstance(title, str) else None


def _field_view(f: FieldChange, change: EntityChange) -> View:
    old_metric, new_metric = _metric_of(change.old), _metric_of(change.new)
    return {
        "field": f.field,
        "label": label(f.field),
        "class": f.cls.value,
        "old": field_text(f.field, f.old, old_metric.value_unit if old_metric else None),
        "new": field_text(f.field, f.new, new_metric.value_unit if new_metric else None),
        "affects": [label(a) for a in f.affects],
        "note": f.note,
    }


def change_view(change: EntityChange) -> View:
    """One entity's change as plain data: what JSON prints and text and Markdown lay out."""
    return {
        "kind": change.kind,
        "key": change.key,
        "title": _title(change),
        "status": change.status,
        "old_key": change.old_key,
        "classes": sorted(c.value for c in change.classes),
        "fields": [_field_view(f, change) for f in change.fields],
    }


def _counts(diff: ModelDiff) -> dict[str, int]:
    """How many changes of each class: a field change each, an entity added or removed one."""
    found: Counter[str] = Counter()
    for c in diff.changes:
        if c.fields and c.status not in ("added", "removed"):
            found.update(f.cls.value for f in c.fields)
        else:
            found.update(x.value for x in c.classes)
    return {k.value: found[k.value] for k in Class if found[k.value]}


def _stamp_view(stamp: Stamp) -> View:
    return {
        "spec_hash": stamp.spec_hash,
        "imx_version": stamp.imx_version,
        "data_fingerprint": stamp.data_fingerprint,
        "as_of": stamp.as_of.isoformat(),
    }


def _number(row: Mapping[str, Any] | None) -> str:
    """A row's value as read: a rate in percent, anything else to two places; ``—``: none."""
    if row is None:
        return "absent"
    value = row["value"]
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if row["unit"] == "percent" else f"{value:.2f}"


def _counts_text(row: Mapping[str, Any] | None) -> str:
    if row is None:
        return ""
    if row["numerator"] is not None and row["unit"] in ("percent", "count"):
        return f"{number_text(Decimal(str(row['numerator'])))}/{row['denominator']}"
    return f"n {row['denominator']}"


def row_view(row: MovedRow) -> View:
    """One moved result row: its key, each side's value, counts, band and status, the cause."""

    def side(r: Mapping[str, Any] | None) -> View | None:
        if r is None:
            return None
        return {**{k: r[k] for k in r if k not in row.key}, "shown": _number(r)}

    return {
        **dict(row.key),
        "old": side(row.old),
        "new": side(row.new),
        "causes": sorted(c.value for c in row.causes),
        "method_change": row.by_method,
    }


def views(diff: ModelDiff, impact: Impact | None, old: str, new: str) -> View:
    """The whole report as plain data (the JSON format)."""
    out: View = {
        "old": old,
        "new": new,
        "equal": diff.empty,
        "counts": _counts(diff),
        "changes": [change_view(c) for c in diff.changes],
    }
    if diff.current:  # rule 27: what a reference without a version takes now
        out["current"] = [
            {"metric": k, "old": a, "new": b} for k, (a, b) in sorted(diff.current.items())
        ]
    if impact is not None:
        out["impact"] = {
            "old_stamp": _stamp_view(impact.old_stamp),
            "new_stamp": _stamp_view(impact.new_stamp),
            "summary": [_summary_view(s) for s in impact.summaries],
            "rows": [row_view(r) for r in impact.rows],
        }
    return out


def _summary_view(s: Summary) -> View:
    return {"metric": s.metric, "level": s.level, "moved": s.moved, "total": s.total,
            "old_status": s.old_status, "new_status": s.new_status,
            "causes": sorted(c.value for c in s.causes), "text": s.text}  # fmt: skip


def to_json(diff: ModelDiff, impact: Impact | None, old: str, new: str) -> str:
    return json.dumps(views(diff, impact, old, new), indent=2, ensure_ascii=False)


# ------------------------------------------------------------------------------------ text


def heading(v: View) -> str:
    """``metric XFER-OT "Images received on time": changed``."""
    title = f" {quoted(v['title'])}" if v["title"] and v["kind"] != "variant" else ""
    selector = f" ({v['title']})" if v["title"] and v["kind"] == "variant" else ""
    status = f"renamed from {v['old_key']}" if v["status"] == "renamed" else v["status"]
    return f"{v['kind']} {v['key']}{title}{selector}: {status}"


def move(change: View, f: View) -> str:
    """``old → new``; an added or removed definition's field: its one value."""
    if change["status"] in ("added", "removed"):
        return str(f["new"] if change["status"] == "added" else f["old"])
    return f"{f['old']} → {f['new']}"


def notes(f: View) -> str:
    """What a field's change also says: the fields a param changed, where a value comes from."""
    said = [f"changes {', '.join(f['affects'])}"] if f["affects"] else []
    said += [f["note"]] if f["note"] else []
    return f" ({'; '.join(said)})" if said else ""


def current_lines(report: View) -> list[str]:
    """``XFER-OT now means XFER-OT@2026.1 (was XFER-OT@2014)``, one per metric whose current
    version moved: what its references and a default run take."""
    out = []
    for c in report.get("current", ()):
        new = f"now means {c['new']}" if c["new"] else "now has every version retired"
        was = f"was {c['old']}" if c["old"] else "every version was retired"
        out.append(f"{c['metric']} {new} ({was})")
    return out


def totals(report: View) -> str:
    """``2 definition(s) differ: 1 method, 1 wording``."""
    counts = ", ".join(f"{n} {k}" for k, n in report["counts"].items())
    n = len(report["changes"])
    return f"{n} definition(s) differ: {counts}" if n else "no differences"


def _key_text(row: View) -> str:
    """``XFER-OT study ONC``, ``XFER-OT site ONC/001 2026-03``, ``XFER-OT portfolio``."""
    names = "/".join(str(row[k]) for k in KEY[2:] if k != "period" and row.get(k) is not None)
    parts = [row["metric"], row["level"], names, row.get("period") or ""]
    return " ".join(str(p) for p in parts if p)


def _side_text(side: View | None) -> tuple[str, str]:
    if side is None:
        return "absent", "absent"
    return f"{side['shown']} ({_counts_text(side)})", str(side["status"])


def _status_move(row: View) -> str:
    """``green → amber``, or ``insufficient (band amber → red)`` when only the band moved."""
    (_, old), (_, new) = _side_text(row["old"]), _side_text(row["new"])
    if old != new:
        return f"{old} → {new}"
    bands = (row["old"]["band"], row["new"]["band"])
    return f"{new} (band {bands[0]} → {bands[1]})" if bands[0] != bands[1] else new


def _row_text(row: View) -> str:
    (old, _), (new, _) = _side_text(row["old"]), _side_text(row["new"])
    status = _status_move(row)
    cause = "method change" if row["method_change"] else "/".join(row["causes"]) or "none"
    return f"  {_key_text(row)}: {old} → {new}; {status} [{cause}]"


def _impact_lines(impact: View) -> Iterable[str]:
    for side in ("old", "new"):
        s = impact[f"{side}_stamp"]
        yield (
            f"  {side}: spec {s['spec_hash'][:12]}, imx {s['imx_version']}, "
            f"data {s['data_fingerprint'][:12]}, as of {s['as_of']}"
        )
    yield from (f"  {s['text']}" for s in impact["summary"])
    if impact["rows"]:
        yield "rows moved:"
        yield from (_row_text(r) for r in impact["rows"])
    else:
        yield "  no result row moved"


def to_text(diff: ModelDiff, impact: Impact | None, old: str, new: str) -> str:
    """Lines for a terminal: each change with its fields, then the impact."""
    report = views(diff, impact, old, new)
    lines = [f"{old} → {new}: {totals(report)}"]
    lines += [f"  {line}" for line in current_lines(report)]
    for v in report["changes"]:
        lines += ["", heading(v)]
        for f in v["fields"]:
            lines.append(f"  {f['class']:<9}  {f['label']}: {move(v, f)}{notes(f)}")
    if "impact" in report:
        lines += ["", "impact on the same data and cut:"]
        lines.extend(_impact_lines(report["impact"]))
    return "\n".join(visible(line) for line in lines)


# -------------------------------------------------------------------------------- markdown


def cell(value: object) -> str:
    """Text for a Markdown table cell: one line, ``|`` and HTML characters escaped.

    >>> cell("a | <b>\\nc")
    'a \\\\| &lt;b> c'
    """
    text = one_line(value).replace("&", "&amp;").replace("<", "&lt;")
    return text.replace("\\", "\\\\").replace("|", "\\|").strip() or " "


def _table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    head = list(header)
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return out


def _markdown_change(v: View) -> list[str]:
    lines = ["", f"### {cell(heading(v))}", ""]
    if v["status"] in ("added", "removed"):
        added = [(f["label"], f["class"], move(v, f)) for f in v["fields"]]
        lines += _table(("field", "class", "value"), added)
    elif v["fields"]:
        rows = [(f["label"], f["class"], f["old"], f["new"] + notes(f)) for f in v["fields"]]
        lines += _table(("field", "class", "old", "new"), rows)
    else:
        lines.append(f"{v['status'].capitalize()}, nothing else changed.")
    return lines


def _markdown_impact(impact: View) -> list[str]:
    lines = ["", "## Impact on the results (same data, same cut)", ""]
    stamps = [impact["old_stamp"], impact["new_stamp"]]
    lines += _table(
        ("side", "spec hash", "imx", "data fingerprint", "as of"),
        [(side, s["spec_hash"][:12], s["imx_version"], s["data_fingerprint"][:12], s["as_of"])
         for side, s in zip(("old", "new"), stamps, strict=True)],
    )  # fmt: skip
    lines += [""] + [f"- {cell(s['text'])}" for s in impact["summary"]]
    if not impact["rows"]:
        return [*lines, "", "No result row moved."]
    by_metric: dict[str, list[View]] = {}
    for r in impact["rows"]:
        by_metric.setdefault(str(r["metric"]), []).append(r)
    for metric, moved in by_metric.items():  # folded: a metric's rows can be thousands
        lines += ["", f"<details><summary>{cell(metric)}: {len(moved)} row(s) moved</summary>", ""]
        lines += [
            *_table(("row", "old value", "new value", "status", "moved by"), _rows(moved)),
            "",
        ]
        lines.append("</details>")
    return lines


def _rows(moved: list[View]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for r in moved:
        (old, _), (new, _) = _side_text(r["old"]), _side_text(r["new"])
        cause = "**method**" if r["method_change"] else "/".join(r["causes"]) or "none"
        out.append((_key_text(r), old, new, _status_move(r), cause))
    return out


def to_markdown(diff: ModelDiff, impact: Impact | None, old: str, new: str) -> str:
    """A review comment: totals, a table per changed definition, the impact with both stamps."""
    report = views(diff, impact, old, new)
    lines = [f"## Changes from `{cell(old)}` to `{cell(new)}`", "", totals(report) + "."]
    moved = current_lines(report)
    lines += ["", *(f"- {cell(line)}" for line in moved)] if moved else []
    for v in report["changes"]:
        lines += _markdown_change(v)
    if "impact" in report:
        lines += _markdown_impact(report["impact"])
    return "\n".join(lines) + "\n"
