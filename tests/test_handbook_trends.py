"""The handbook's trend figure: every study in its own panel (no study left out), axis titles
with the value's unit, two or three period labels a panel, a study under a variant drawn over
its bands, one colour for every study."""

from __future__ import annotations

import re
from decimal import Decimal

from imx import model as m
from imx.render.handbook import figures, scores

PERIODS = [f"2026-{i:02d}" for i in range(1, 13)]


def _rows(studies: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for period in PERIODS:
        rows.append({"level": "portfolio", "study": None, "period": period, "value": 0.8})
        for s in range(1, studies + 1):
            value = 0.5 + (s * 7 % 10) / 20
            rows.append({"level": "study", "study": f"S{s:03d}", "period": period, "value": value})
    return rows


def test_every_study_gets_a_panel_titled_with_its_name() -> None:
    series = scores.trend_series(_rows(12))
    assert len(series) == 13  # the portfolio and all twelve studies, none cut
    svg = figures.trend_figure(series, None, m.ValueUnit.PERCENT, salt="trend-X")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert {f"S{s:03d}" for s in range(1, 13)} | {"portfolio"} <= set(texts)
    assert "period" in texts and "value (%)" in texts
    assert 'aria-label="Trend by period: portfolio and 12 studies"' in svg


def test_a_panel_shows_at_most_four_period_labels_and_studies_share_one_colour() -> None:
    series = scores.trend_series(_rows(3))
    svg = figures.trend_figure(series, None, m.ValueUnit.BUSINESS_DAYS, salt="trend-Y")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    labels = [t for t in texts if re.fullmatch(r"2026-\d\d", t)]
    assert len(labels) <= 4 * 3 and len(set(labels)) == 3  # four panels, three labels each
    assert "value (business days)" in texts
    strokes = set(re.findall(r"stroke: (#[0-9a-f]{6})", svg))
    assert figures._OTHER[0] in strokes and not set(figures._OTHER[1:]) & strokes


def _bands(green: str, amber: str) -> m.Bands:
    def band(name: str, bound: str | None) -> m.BandDef:
        op = None if bound is None else ">="
        value = None if bound is None else Decimal(bound)
        return m.BandDef(name=name, op=op, bound=value, low=None, high=None)

    return m.Bands(
        m.Direction.HIGHER_IS_BETTER,
        (band("green", green), band("amber", amber), band("red", None)),
    )


def test_a_study_under_a_variant_is_drawn_over_its_bands_and_says_so() -> None:
    rows = _rows(2)
    for row in rows:
        if row["study"] == "S002":
            row["variant"] = "oncology"
    assert scores.study_variants(rows) == {"S002": "oncology"}
    series = scores.trend_series(rows)
    base, own = _bands("0.9", "0.8"), _bands("0.6", "0.4")
    variants = {"S002": ("oncology", own)}
    svg = figures.trend_figure(series, base, m.ValueUnit.PERCENT, variants=variants, salt="trend-V")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "S002 · oncology" in texts and "S001" in texts
    plain = figures.trend_figure(series, base, m.ValueUnit.PERCENT, salt="trend-V")
    assert "S002 · oncology" not in plain and "S002" in re.findall(r">([^<]*)</text>", plain)
    assert svg != plain  # the variant's panel shades other stretches
