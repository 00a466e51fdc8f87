"""A JSON results file is written a batch of rows at a time; its text is what one `json.dumps`
of every row gives (the document as a whole: stamp, results, quality), across batch boundaries
and for no rows at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imx.output import _json_row, ordered, quality_table, stamp_dict, write_results
from support_data import SAMPLE_QUALITY, SAMPLE_ROWS, fake_results


@pytest.mark.parametrize("copies", [0, 1, 5])
def test_json_rows_in_batches_read_as_one_document(
    copies: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from imx import output

    monkeypatch.setattr(output, "_JSON_BATCH", 4)
    results = fake_results(SAMPLE_ROWS * copies, SAMPLE_QUALITY)
    (path,) = write_results(results, tmp_path / "results.json")
    document = {
        "stamp": stamp_dict(results.stamp),
        "results": [_json_row(r) for r in ordered(results.table).to_pylist()],
        "quality": [_json_row(r) for r in quality_table(results.quality).to_pylist()],
    }
    expected = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    assert path.read_bytes() == expected.encode("utf-8")
    assert len(json.loads(expected)["results"]) == len(SAMPLE_ROWS) * copies
