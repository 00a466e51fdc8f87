"""A negative-duration finding counts every unit set aside and names as many examples as any rule."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import imx
from imx.data import EXAMPLES

SPEC = Path(__file__).parent / "cases" / "eval" / "durations.imx"


def _events(n_negative: int) -> pa.Table:
    """``n_negative`` timepoints received a day before they were acquired, and two that are not."""
    rows = []
    for i in range(n_negative + 2):
        subject = f"s{i:03d}"
        acquired, received = ("2026-03-03T15:00Z", "2026-03-02T15:00Z")
        if i >= n_negative:
            acquired, received = received, acquired
        rows.append(("S1", "001", subject, "BL", "scan_acquired", acquired))
        rows.append(("S1", "001", subject, "BL", "images_received", received))
    names = ("study", "site", "subject", "timepoint", "event", "at")
    return pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})


@pytest.mark.parametrize("engine", ["duckdb", "reference"])
def test_66_negative_units_are_counted_and_named_with_five_examples(engine: str) -> None:
    model = imx.load([SPEC])
    tables = {
        "events": _events(66),
        "studies": pa.table({"study": ["S1"], "therapeutic_area": ["oncology"]}),
        "sites": pa.table({"study": ["S1"], "site": ["001"], "calendar": [None]}),
    }
    results = imx.evaluate(model, tables, metrics=["XFER-CT"], engine=engine)
    found = [f for f in results.quality if f.rule == "negative-duration"]
    assert [(f.metric, f.rows) for f in found] == [("XFER-CT", 66)]
    assert EXAMPLES == 5
    assert found[0].examples == tuple(f"S1/001/s{i:03d}/BL" for i in range(EXAMPLES))
