"""Shared by the handbook tests: the fixture project checked into a model, and synthetic results."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from imx.data import QualityFinding
from imx.model import Model
from imx.render.handbook.site import check_paths
from imx.results import RESULT_SCHEMA, Results, Stamp
from imx.source import SourceFile

FIXTURE = Path(__file__).parent / "fixtures" / "handbook" / "project.imx"
PERIODS = ("2026-01", "2026-02", "2026-03")
STUDIES = ("S1", "S2")


def checked() -> tuple[Model, dict[str, SourceFile]]:
    """The fixture project's model and sources (it must check without errors)."""
    result = check_paths([FIXTURE])
    assert result.model is not None, [d.message for d in result.diagnostics]
    return result.model, dict(result.sources)


def _row(
    metric: str, level: str, study: str | None, period: str | None, value: float
) -> dict[str, Any]:
    status = "green" if value > 0.5 else "amber"
    return {
        "metric": metric,
        "variant": "base",
        "level": level,
        "study": study,
        "site": None,
        "group": None,
        "period": period,
        "value": value,
        "unit": "percent",
        "numerator": 40.0,
        "denominator": 50,
        "excluded": 1,
        "excluded_by_reason": _typed("excluded_by_reason", {"cancelled": 1}),
        "pending": 2,
        "open": None,
        "ci_low": max(0.0, value - 0.1),
        "ci_high": min(1.0, value + 0.1),
        "band": status,
        "status": status,
        "target_met": value > 0.5,
        "stats": None,
    }


def _typed(column: str, mapping: dict[str, Any]) -> Any:
    """A mapping for ``column`` of the results schema: an Arrow map, or JSON text where it is text."""
    if pa.types.is_map(RESULT_SCHEMA.field(column).type):
        return list(mapping.items())
    return json.dumps(mapping)


def results(model: Model) -> Results:
    """Deterministic results for every metric: portfolio and two studies, three months."""
    rows = []
    for i, metric in enumerate(model.metrics):
        for j, study in enumerate((None, *STUDIES)):
            level = "portfolio" if study is None else "study"
            for k, period in enumerate((None, *PERIODS)):
                value = ((i * 7 + j * 3 + k * 5) % 10) / 10 + 0.05
                rows.append(_row(metric.id, level, study, period, value))
    table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
    stamp = Stamp("abc123", "0.1.0", "def456", dt.datetime(2026, 3, 31, tzinfo=dt.UTC))
    quality = (QualityFinding("duplicate-row", "events", 3, ("S1/001/1001/BL",)),)
    return Results(table, quality, stamp)


# ------------------------------------------------------------------ hostile text in every field

# Markup for each place a text may land: HTML elements and attributes (both quotes), a closing
# tag, Jinja, Markdown links, images, emphasis, code, tables and attribute lists, mathtext, Rich
# markup, terminal escape sequences (CSI, OSC, C1), a bidi override and Python-Markdown's own
# placeholder characters, then what opens a Markdown block.
HOSTILE = (
    "<script>imxpwn('{f}')</script><img src=x onerror=\"imxpwn('{f}')\"><imxtag-{f}>"
    "\" onmouseover=\"imxpwn('{f}')\" ' onfocus='imxpwn() </div></td></table>"
    " {{{{ {f} }}}} [l-{f}](javascript:imxpwn()) ![i](x.png) *em* _u_ `tick` | pipe"
    " {{: onclick=imxpwn() }} $x$ [bold red]{f}[/bold red] [/] \x1b[31mred\x1b[0m"
    " \x1b]0;title\x07 \x9b1m \u202e \ud800 \x02wzxhzdk:0\x03 # - 1. ="
)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def hostile(field: str) -> str:
    """The hostile text for one field, tagged with the field's name."""
    return HOSTILE.format(f=field)


def _quoted(field: str) -> str:
    """:func:`hostile` as an imx string literal (escaped quotes, backslashes, control characters);
    without the lone surrogate, which the checker refuses in a spec (tests/cases/check/numbers.imx)."""
    body = data_text(field).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + CONTROL.sub(lambda c: f"\\u{ord(c.group()):04x}", body) + '"'


# Every string field the grammar accepts, each filled with hostile text (NAMEs cannot hold it).
HOSTILE_SPEC = """
schema imaging {schema_title} version {schema_version}

events {{
    scan_acquired        {event_title}
    images_received      "Images received"
    timepoint_cancelled  "Cancelled"
}}

table events {events_table_title} {{
    study      text       key
    site       text       key
    subject    text       key
    timepoint  text       key
    event      event
    at         timestamp
    modality   text       optional
}}

table studies {studies_table_title} {{
    study             text  key
    therapeutic_area  text
}}

table sites {sites_table_title} {{
    study     text  key
    site      text  key
    calendar  text  optional
}}

unit timepoint = study, site, subject, timepoint

calendar us {calendar_title} default {{
    weekend  sat, sun
    holidays 2026-01-01
    timezone "America/New_York"
}}

metric XFER-OT {metric_title} {{
    category   timeliness
    question   {metric_question}
    per        timepoint
    where      has scan_acquired and therapeutic_area != {where_string}
    exclude    has timepoint_cancelled  {exclude_reason}
    rate       first images_received within window of first scan_acquired
    param      window = 3 business_days
    param      label = {param_string}
    target     >= 90%
    bands      higher_is_better {{ green >= 90%, amber >= 75%, red }}
    min_n      1
    levels     site, study, portfolio
    period     month by first scan_acquired
    companion  QC-FPR
    status     approved
    since      {since}
    history    {history}
    doc        {metric_doc}
}}

metric QC-FPR {companion_title} {{
    category   quality
    per        timepoint
    where      has scan_acquired
    rate       has images_received
    doc        \"\"\"
        First paragraph: {{triple_doc}} `code <b>*x*</b>` and more.

        Second paragraph.
    \"\"\"
}}

variant onco of XFER-OT for therapeutic_area = {selector_eq} {{
    target     >= 95%
    rationale  {variant_rationale}
}}

variant cardio of XFER-OT for therapeutic_area in ({selector_in_1}, {selector_in_2}) {{
    extend exclude  has timepoint_cancelled  {variant_exclude_reason}
    doc        {variant_doc}
    rationale  {variant_rationale_2}
}}

csf flow {csf_title} {{
    question {csf_question}
    kpis     XFER-OT, QC-FPR
    doc      {csf_doc}
}}

metricset hostile {metricset_title} version {metricset_version} {{
    metrics  XFER-OT, QC-FPR
    csfs     flow
    doc      {metricset_doc}
}}

example {example_title} for XFER-OT {{
    as_of 2026-03-11T00:00Z
    events {{
        study | site | subject | timepoint | event           | at
        S1    | 001  | 1001    | BL        | scan_acquired   | 2026-03-02T10:00Z
        S1    | 001  | 1001    | BL        | images_received | 2026-03-03T09:00Z
    }}
    studies {{
        study | therapeutic_area
        S1    | <script>imxpwn('cell')</script><img src=x onerror=imxpwn()><imxtag-cell> *e* [c](javascript:x) ` $ [/]
    }}
    expect value = 100%, numerator = 1, denominator = 1
}}
"""
HOSTILE_FIELDS = tuple(
    name for name in re.findall(r"(?<!\{)\{(\w+)\}(?!\})", HOSTILE_SPEC) if name != "triple_doc"
)


def hostile_spec() -> str:
    """The hostile project's text: every string field of the grammar holds :func:`hostile`."""
    spec = HOSTILE_SPEC.format(**{f: _quoted(f) for f in HOSTILE_FIELDS}, triple_doc="{triple_doc}")
    # A triple-quoted string takes no escapes: its text goes in as written (no control characters).
    return spec.replace("{triple_doc}", CONTROL.sub("", hostile("triple_doc")).replace('"', "'"))


def hostile_checked(folder: Path) -> tuple[Model, dict[str, SourceFile]]:
    """The hostile project written under ``folder`` and checked (warnings allowed, no errors)."""
    path = folder / "hostile.imx"
    path.write_text(hostile_spec(), encoding="utf-8")
    result = check_paths([path])
    assert result.model is not None, [d.message for d in result.diagnostics]
    return result.model, dict(result.sources)


def data_text(field: str) -> str:
    """:func:`hostile` as data can hold it: Arrow's strings are UTF-8, so no lone surrogate."""
    return hostile(field).replace("\ud800", "")


def hostile_results(model: Model) -> Results:
    """Results whose data texts (study, site, period, status, stats keys, findings) are hostile."""
    study, other = data_text("study"), "S2"
    rows = []
    for metric in model.metrics:
        for who in (None, study, other):
            level = "portfolio" if who is None else "study"
            for k, period in enumerate((None, "2026-01", data_text("period"))):
                row = _row(metric.id, level, who, period, 0.3 + 0.2 * k)
                row["status"] = row["band"] = data_text("status") if who == study else "green"
                row["stats"] = _typed("stats", {data_text("stat"): 0.5})
                rows.append(row)
        rows.append({**_row(metric.id, "site", study, None, 0.7), "site": data_text("site")})
    table = pa.Table.from_pylist(rows, schema=RESULT_SCHEMA)
    stamp = Stamp(
        data_text("spec_hash"),
        "0.1.0",
        data_text("fingerprint"),
        dt.datetime(2026, 3, 31, tzinfo=dt.UTC),
    )
    quality = (QualityFinding(data_text("rule"), data_text("table"), 3, (data_text("example"),)),)
    return Results(table, quality, stamp)


MARKUP_ID = "[bold red]S001[/bold red]"
CLOSING_ID = "S002[/]"
VENDOR = "\x1b]0;pwned\x07Meridian\x1b[31m\x9b2J\u202e<img src=x onerror=imxpwn()>"


def write_hostile_data(data: Path) -> Path:
    """The demo log (2 studies) under ``data``, its study ids Rich markup, a vendor full of controls."""
    from imx.cli import main

    assert (
        main(["demo-data", "--studies", "2", "--seed", "3", "--format", "csv", "--out", str(data)])
        == 0
    )
    for path in data.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        text = text.replace('"S001"', f'"{MARKUP_ID}"').replace('"S002"', f'"{CLOSING_ID}"')
        path.write_text(text.replace('"Meridian Imaging"', f'"{VENDOR}"'), encoding="utf-8")
    return data
