"""The handbook's trend figure: every study in its own panel (no study left out), axis titles
with the value's unit, a few readable period labels a panel, one colour for every study."""

from __future__ import annotations

import re

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
    assert len(labels) <= 4 * 4 and len(set(labels)) == 4  # four panels, four labels each
    assert "value (business days)" in texts
    strokes = set(re.findall(r"stroke: (#[0-9a-f]{6})", svg))
    assert figures._OTHER[0] in strokes and not set(figures._OTHER[1:]) & strokes
