"""`imx why`: one unit's outcome told step by step, golden text for the corpus's examples.

From tests/cases/eval/rate_within.imx (cut 2026-03-11T00:00Z): S1/001/1001/BL counts 1 business
day across the holiday of Tuesday 3 March (met); 1003 is pending; 1004 is cancelled (excluded);
S1/002/2002/BL has no acquisition (outside). From durations.imx: S1/001/e/BL is received the day
before its acquisition (a negative duration). Each golden is tests/goldens/why/NAME.txt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import test_corpus_eval as corpus
from imx.cli import main

GOLDENS = Path(__file__).resolve().parent / "goldens" / "why"
AS_OF = "2026-03-11T00:00Z"
CASES = [
    ("holiday", "rate_within", "XFER-OT", "S1/001/1001/BL"),
    ("pending", "rate_within", "XFER-OT", "S1/001/1003/BL"),
    ("excluded", "rate_within", "XFER-OT", "S1/001/1004/BL"),
    ("outside", "rate_within", "XFER-OT", "S1/002/2002/BL"),
    ("negative", "durations", "XFER-CT", "S1/001/e/BL"),
]


def _why(case: str, metric: str, key: str) -> list[str]:
    spec, data = corpus.BY_NAME[case].spec, corpus.BY_NAME[case].data
    return [
        "why", metric, key, str(spec), "--data", str(data), "--as-of", AS_OF, "--no-color",
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "case", "metric", "key"), CASES, ids=[c[0] for c in CASES])
def test_why_tells_the_units_outcome(
    name: str,
    case: str,
    metric: str,
    key: str,
    golden: Callable[[Path, str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(_why(case, metric, key)) == 0
    golden(GOLDENS / f"{name}.txt", capsys.readouterr().out)


def test_why_reads_the_engines_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*_why("rate_within", "XFER-OT", "S1/001/1004/BL"), "--engine", "reference"]) == 0
    out = capsys.readouterr().out
    assert "5 business day(s)" in out
    assert "skipped: Tue 3 Mar (holiday), Sat 7 Mar (weekend), Sun 8 Mar (weekend)" in out


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("S1/001/1009/BL", "no timepoint `S1/001/1009/BL` in the data"),
        ("S1/001/1O01/BL", "did you mean `S1/001/1001/BL`"),
        ("S1/001", "`S1/001` has 2 part(s); a timepoint's key is study/site/subject/timepoint"),
    ],
)
def test_a_key_that_matches_no_unit_names_the_nearest(
    key: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_why("rate_within", "XFER-OT", key)) == 2
    assert said in capsys.readouterr().err.replace("\n", " ")


def test_a_long_count_names_its_holidays_and_counts_its_weekends() -> None:
    import datetime as dt

    from evalkit import US
    from imx.render.why import _brief, skipped_days

    start = dt.datetime(2026, 1, 2, 15, tzinfo=dt.UTC)  # Friday 2 January, New York
    counted, skipped = skipped_days(start, dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC), US)
    assert counted == 39  # 41 weekdays after 2 January up to 2 March, less two holidays
    assert _brief(skipped) == "18 weekend days and 2 holiday(s): Mon 19 Jan, Mon 16 Feb"
    assert skipped_days(dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC), start, US)[0] == -39
