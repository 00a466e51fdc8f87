"""The checked Model: params substituted, variants merged with provenance, defaults, examples."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from checkcases import CASES, STDLIB
from imx import model as m
from imx.checker import check_paths

HEAD = "import stdlib.schema\n\n"


@pytest.fixture(scope="module")
def tour() -> m.Model:
    result = check_paths([CASES / "tour.imx"])
    assert result.model is not None, result.diagnostics
    return result.model


def _model(tmp_path: Path, text: str) -> m.Model:
    path = tmp_path / "case.imx"
    path.write_text(HEAD + text, encoding="utf-8")
    result = check_paths([path], stdlib_root=STDLIB)
    assert result.model is not None, [(d.code, d.message) for d in result.errors]
    return result.model


def _metric(model: m.Model, metric_id: str) -> m.Metric:
    metric = model.metric(metric_id)
    assert metric is not None
    return metric


def test_schema(tour: m.Model) -> None:
    schema = tour.schema
    assert (schema.name, schema.version) == ("imaging", "2026.1")
    assert schema.event_names[:2] == ("scan_acquired", "images_received")
    assert schema.unit("timepoint") == m.UnitDef(
        "timepoint", ("study", "site", "subject", "timepoint")
    )
    events = schema.table("events")
    assert events is not None and events.keys == ("study", "site", "subject", "timepoint")
    assert events.column("at") == m.ColumnDef("at", m.ColumnType.TIMESTAMP)
    calendar = schema.default_calendar
    assert calendar is not None
    assert (calendar.name, calendar.timezone, calendar.weekend) == (
        "us",
        "America/New_York",
        frozenset({6, 7}),
    )
    assert dt.date(2026, 7, 3) in calendar.holidays


def test_param_is_substituted_as_a_duration(tour: m.Model) -> None:
    base = _metric(tour, "XFER-OT").base
    window = m.DurationConst(Decimal(3), m.TimeUnit.BUSINESS_DAYS)
    assert base.measure == m.RateMeasure(
        m.Within(m.Fact("first", "images_received"), window, m.Fact("first", "scan_acquired"))
    )
    assert base.params == (("window", window),)
    assert base.value_unit is m.ValueUnit.PERCENT
    assert base.where == (m.Fact("has", "scan_acquired"),)
    assert base.excludes == (
        m.Exclusion(
            m.Fact("has", "timepoint_cancelled"), "Cancelled visits are not expected to arrive"
        ),
    )


def test_variant_is_merged_with_provenance(tour: m.Model) -> None:
    metric = _metric(tour, "XFER-OT")
    (variant,) = metric.variants
    assert (variant.name, variant.base) == ("oncology", "XFER-OT")
    assert variant.selector == (m.SelectorTerm("therapeutic_area", ("oncology",)),)
    assert variant.overrides == ("params", "bands")
    assert variant.rationale is not None and "48 hours" in variant.rationale
    resolved = variant.resolved
    measure = resolved.measure
    assert isinstance(measure, m.RateMeasure) and isinstance(measure.condition, m.Within)
    assert measure.condition.window == m.DurationConst(Decimal(2), m.TimeUnit.BUSINESS_DAYS)
    assert resolved.bands is not None and resolved.bands.bands[0].bound == Decimal("0.95")
    provenance = dict(resolved.provenance)
    assert provenance["params.window"] == "oncology"
    assert provenance["bands"] == "oncology"
    assert provenance["measure"] == "base" and provenance["min_n"] == "base"
    assert set(dict(metric.base.provenance).values()) == {"base"}
    assert variant.matches({"therapeutic_area": "oncology"})
    assert not variant.matches({"therapeutic_area": "neurology"})


def test_defaults_for_levels_and_min_n(tour: m.Model) -> None:
    qc = _metric(tour, "QC-FPR").base
    assert [lv.label for lv in qc.levels] == ["site", "study", "portfolio"]
    assert qc.min_n == 1
    assert qc.target is None and qc.period is None and qc.summary == ()


def test_duration_metric(tour: m.Model) -> None:
    ct = _metric(tour, "XFER-CT").base
    assert ct.measure == m.DurationMeasure(
        m.Fact("first", "scan_acquired"),
        m.Fact("first", "images_received"),
        m.TimeUnit.BUSINESS_DAYS,
    )
    assert ct.value_unit is m.ValueUnit.BUSINESS_DAYS
    assert ct.summary == ("median", "p90")
    assert ct.target == m.Target("median", "<=", Decimal(2))
    assert ct.period == m.Period("month", m.Fact("first", "scan_acquired"))
    assert ct.companions == ("QC-FPR",)
    assert (ct.status, ct.since, ct.min_n) == ("approved", "2009", 10)
    assert ct.doc is not None and ct.doc.startswith("Business days")
    assert ct.bands == m.Bands(
        m.Direction.LOWER_IS_BETTER,
        (
            m.BandDef("green", "<=", Decimal(2)),
            m.BandDef("amber", "<=", Decimal(5)),
            m.BandDef("red"),
        ),
    )


def test_other_measures(tour: m.Model) -> None:
    ratio = _metric(tour, "QRY-RATE").base
    assert ratio.measure == m.RatioMeasure(m.Fact("count", "query_opened"), Decimal(100))
    assert ratio.value_unit is m.ValueUnit.NUMBER
    qc = _metric(tour, "QC-FPR").base
    assert qc.measure == m.RateMeasure(
        m.Compare("=", m.FirstOf(("qc_passed", "qc_failed")), m.EventConst("qc_passed"))
    )
    assert qc.where == (m.BoolOp("or", (m.Fact("has", "qc_passed"), m.Fact("has", "qc_failed"))),)
    aged = _metric(tour, "QRY-AGED").base
    assert aged.measure == m.RateMeasure(
        m.Compare(
            ">",
            m.Elapsed(m.TimeUnit.DAYS, m.Fact("first", "query_opened"), m.AsOf()),
            m.Const(Decimal(30), m.Type.NUMBER),
        )
    )
    adj = _metric(tour, "ADJ-TP").base
    assert adj.bands is not None and adj.bands.bands[0] == m.BandDef(
        "green", low=Decimal("0.2"), high=Decimal("0.4")
    )


def test_csfs_metricsets_and_files(tour: m.Model) -> None:
    (csf,) = tour.csfs
    assert (csf.name, csf.kpis) == ("timely-image-flow", ("XFER-OT", "XFER-CT"))
    (mset,) = tour.metricsets
    assert (mset.version, mset.csfs) == ("2026.1", ("timely-image-flow",))
    assert len(mset.metrics) == 6
    assert [Path(f).name for f in tour.files] == ["tour.imx"]
    metric = _metric(tour, "XFER-CT")
    assert metric.origin is not None and metric.origin.file.endswith("tour.imx")


def test_example_conversion(tour: m.Model) -> None:
    (example,) = tour.examples
    assert example.metric == "XFER-OT" and example.variant is None
    assert example.as_of == dt.datetime(2026, 3, 11, tzinfo=dt.UTC)
    tables = dict(example.tables)
    assert tables["events"][0] == ("study", "site", "subject", "timepoint", "event", "at")
    assert tables["events"][1] == ("S1", "001", "1001", "BL", "scan_acquired", "2026-03-02T10:00Z")
    assert tables["studies"] == (("study", "therapeutic_area"), ("S1", "neurology"))
    assert dict(example.expect) == {
        "value": Decimal("0.5"),
        "numerator": Decimal(1),
        "denominator": Decimal(2),
        "pending": Decimal(1),
    }


def test_example_names_and_variant(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        """
metric R "Rate" {
    category quality
    per timepoint
    rate has qc_passed
    bands higher_is_better { green >= 90%, red }
}

variant v of R for therapeutic_area = "x" {
    rationale "r"
}

example "e" for R {
    variant v
    expect status = green, band = "red", ci_low = 10%, n = 3
}
""",
    )
    (example,) = model.examples
    assert example.variant == "v" and example.as_of is None and example.tables == ()
    assert example.expect == (
        ("status", "green"),
        ("band", "red"),
        ("ci_low", Decimal("0.1")),
        ("n", Decimal(3)),
    )


def test_replace_and_extend(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        """
metric R "Rate" {
    category quality
    per timepoint
    where has scan_acquired
    exclude has timepoint_cancelled
    rate has qc_passed
}

variant r of R for therapeutic_area = "a" {
    replace where has images_received
    extend exclude has qc_failed "failed"
    rationale "r"
}

variant e of R for therapeutic_area = "b" {
    extend where has images_received
    replace exclude has qc_failed
    rationale "e"
}
""",
    )
    metric = _metric(model, "R")
    assert metric.base.excludes == (
        m.Exclusion(m.Fact("has", "timepoint_cancelled"), "has timepoint_cancelled"),
    )
    replaced, extended = (v.resolved for v in metric.variants)
    assert replaced.where == (m.Fact("has", "images_received"),)
    assert [x.reason for x in replaced.excludes] == ["has timepoint_cancelled", "failed"]
    assert extended.where == (m.Fact("has", "scan_acquired"), m.Fact("has", "images_received"))
    assert [x.reason for x in extended.excludes] == ["has qc_failed"]
    assert dict(replaced.provenance)["where"] == "r"
    assert dict(replaced.provenance)["excludes"] == "r"


def test_within_windows_and_duration_units(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        """
metric W "Within a week" {
    category quality
    per timepoint
    param grace = 2 days
    where hours(first scan_acquired, first images_received) <= grace
    rate first images_received within 1 week of first scan_acquired
    levels study, by vendor, by country
}
""",
    )
    base = _metric(model, "W").base
    measure = base.measure
    assert isinstance(measure, m.RateMeasure) and isinstance(measure.condition, m.Within)
    assert measure.condition.window == m.DurationConst(Decimal(7), m.TimeUnit.DAYS)
    (where,) = base.where
    assert isinstance(where, m.Compare)
    assert where.right == m.DurationConst(Decimal(48), m.TimeUnit.HOURS)
    assert base.levels == (
        m.Level("study"),
        m.Level("by", ("vendor",), ("studies",)),
        m.Level("by", ("country",), ("sites",)),
    )


def test_value_units_of_measures(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        """
metric C "Count" {
    category efficiency
    per site
    count has query_opened
}

metric V "Value in days" {
    category efficiency
    per timepoint
    value days(first scan_acquired, first images_received) / 2
    summary median
}

metric N "Plain value" {
    category efficiency
    per timepoint
    value count query_opened - count query_closed
    summary mean
    bands two_sided { green 0 .. 1, red }
}
""",
    )
    assert _metric(model, "C").base.value_unit is m.ValueUnit.COUNT
    assert _metric(model, "V").base.value_unit is m.ValueUnit.DAYS
    assert _metric(model, "N").base.value_unit is m.ValueUnit.NUMBER
    assert _metric(model, "C").base.unit.name == "site"


def test_count_of_a_bare_event_counts_its_events(tmp_path: Path) -> None:
    path = tmp_path / "c.imx"
    path.write_text(
        'import stdlib.schema\n\nmetric C "Queries" {\n    category  efficiency\n'
        "    per       site\n    count     query_opened\n}\n"
    )
    result = check_paths([path], stdlib_root=STDLIB)
    assert result.errors == ()
    assert result.model is not None
    measure = result.model.metrics[0].base.measure
    assert measure == m.CountMeasure(m.Fact("count", "query_opened"))
