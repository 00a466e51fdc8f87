"""Hand-built schema and model objects for the data, output, scorecard and example-runner tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa

from imx.data import QualityFinding
from imx.model import (
    CalendarDef,
    ColumnDef,
    ColumnType,
    EventDef,
    Example,
    Fact,
    Level,
    Metric,
    Model,
    RateMeasure,
    ResolvedMetric,
    SchemaDef,
    TableDef,
    Target,
    UnitDef,
    ValueUnit,
)
from imx.results import RESULT_SCHEMA, Results, Stamp

EVENT_NAMES = (
    "scan_acquired",
    "images_received",
    "qc_passed",
    "qc_failed",
    "query_opened",
    "query_closed",
    "timepoint_cancelled",
)
EVENTS_HEADER = "study,site,subject,timepoint,event,at"


def imaging_schema() -> SchemaDef:
    """The tour's imaging schema (events, studies, sites), built without the checker."""
    text, key = ColumnType.TEXT, True
    events = TableDef(
        "events",
        None,
        (
            ColumnDef("study", text, key=key),
            ColumnDef("site", text, key=key),
            ColumnDef("subject", text, key=key),
            ColumnDef("timepoint", text, key=key),
            ColumnDef("event", ColumnType.EVENT),
            ColumnDef("at", ColumnType.TIMESTAMP),
            ColumnDef("modality", text, optional=True),
            ColumnDef("reader", text, optional=True),
        ),
    )
    studies = TableDef(
        "studies",
        None,
        (
            ColumnDef("study", text, key=key),
            ColumnDef("therapeutic_area", text),
            ColumnDef("phase", text, optional=True),
            ColumnDef("vendor", text, optional=True),
        ),
    )
    sites = TableDef(
        "sites",
        None,
        (
            ColumnDef("study", text, key=key),
            ColumnDef("site", text, key=key),
            ColumnDef("country", text, optional=True),
            ColumnDef("calendar", text, optional=True),
        ),
    )
    calendar = CalendarDef(
        "us", None, True, frozenset({6, 7}), frozenset({dt.date(2026, 1, 1)}), "America/New_York"
    )
    return SchemaDef(
        name="imaging",
        title=None,
        version="2026.1",
        events=tuple(EventDef(n, None, i) for i, n in enumerate(EVENT_NAMES)),
        tables=(events, studies, sites),
        units=(
            UnitDef("timepoint", ("study", "site", "subject", "timepoint")),
            UnitDef("study", ("study",)),
        ),
        calendars=(calendar,),
    )


RESULT_COLUMNS = tuple((field.name, field.type) for field in RESULT_SCHEMA)


def result_row(metric: str, level: str = "portfolio", **values: object) -> dict[str, object]:
    """One results row with every column present (null unless given)."""
    row: dict[str, object] = {name: None for name, _ in RESULT_COLUMNS}
    row.update(metric=metric, level=level, variant="base", **values)
    return row


def fake_results(
    rows: list[dict[str, object]],
    quality: tuple[QualityFinding, ...] = (),
    as_of: dt.datetime = dt.datetime(2026, 3, 11, tzinfo=dt.UTC),
) -> Results:
    """A fabricated :class:`Results` for output, scorecard and example-runner tests."""
    stamp = Stamp("a" * 64, "0.1.0", "b" * 64, as_of)
    return Results(pa.Table.from_pylist(rows, schema=RESULT_SCHEMA), quality, stamp)


SAMPLE_ROWS = [
    result_row(
        "XFER-OT",
        "site",
        study="S1",
        site="001",
        value=0.5,
        unit="percent",
        numerator=1,
        denominator=2,
        excluded=1,
        excluded_by_reason=[("Cancelled visits are not expected to arrive", 1)],
        pending=1,
        open=0,
        ci_low=0.0945,
        ci_high=0.9055,
        band="red",
        status="insufficient",
        target_met=None,
    ),
    result_row(
        "XFER-OT",
        value=0.925,
        unit="percent",
        numerator=37,
        denominator=40,
        excluded=0,
        excluded_by_reason=[],
        pending=3,
        open=0,
        ci_low=0.8014,
        ci_high=0.9742,
        band="green",
        status="green",
        target_met=True,
    ),
    result_row(
        "XFER-CT",
        value=2.5,
        unit="business_days",
        denominator=12,
        open=4,
        band="amber",
        status="amber",
        target_met=False,
    ),
    result_row("QRY-RATE", value=17.0, unit="number", denominator=30, status="amber"),
    result_row("ADJ-TP", value=None, unit="percent", denominator=0, status="no_data"),
    result_row(
        "QRY-AGED",
        "study",
        study="S1",
        value=0.031,
        unit="percent",
        denominator=32,
        numerator=1,
        status="superb",
        band="superb",
    ),
]
SAMPLE_QUALITY = (
    QualityFinding("null-key", "events", 2, ("S1/(null)/1003/BL",), None, "rows with an empty key"),
    QualityFinding("negative-duration", "events", 1, ("S1/001/1004/BL",), "XFER-CT", "end first"),
)


def resolved_metric(
    metric_id: str,
    category: str,
    unit: ValueUnit = ValueUnit.PERCENT,
    target: Target | None = None,
    title: str | None = None,
) -> ResolvedMetric:
    """A minimal resolved metric (a rate over timepoints) for renderer and runner tests."""
    return ResolvedMetric(
        id=metric_id,
        title=title,
        category=category,
        question=None,
        unit=UnitDef("timepoint", ("study", "site", "subject", "timepoint")),
        where=(),
        excludes=(),
        measure=RateMeasure(Fact("has", "images_received")),
        summary=(),
        value_unit=unit,
        target=target,
        bands=None,
        min_n=10,
        levels=(Level("portfolio"),),
        period=None,
        companions=(),
        status=None,
        since=None,
        doc=None,
        params=(),
    )


def sample_model(examples: tuple[Example, ...] = ()) -> Model:
    """Metrics matching :data:`SAMPLE_ROWS`, across four categories."""
    metrics = (
        resolved_metric("XFER-OT", "timeliness", title="Images received on time"),
        resolved_metric(
            "XFER-CT",
            "cycle_time",
            ValueUnit.BUSINESS_DAYS,
            Target("median", "<=", Decimal(2)),
            "Image transfer cycle time",
        ),
        resolved_metric("QRY-RATE", "efficiency", ValueUnit.NUMBER),
        resolved_metric("ADJ-TP", "quality"),
        resolved_metric("QRY-AGED", "timeliness"),
    )
    return Model(imaging_schema(), tuple(Metric(m) for m in metrics), examples=examples)
