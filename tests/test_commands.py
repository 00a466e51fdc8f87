"""Each command's work, driven through ``imx.cli.main``: sql, explain, test, docs build, demo-data and
run --out, on the evaluation corpus (tests/cases/eval), whose expected files say what is right."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import test_corpus_eval as corpus
from imx.cli import main
from imx.dialects import DIALECTS, TESTED_DIALECTS

ROOT = Path(__file__).resolve().parent.parent
RATE = corpus.BY_NAME["rate_within"]
VARIANTS = corpus.BY_NAME["variants"]
AS_OF = "2026-03-11T00:00Z"  # the cut in rate_within.imx's header
RUN = ["run", str(RATE.spec), "--data", str(RATE.data), "--as-of", AS_OF, "--no-color"]


# ------------------------------------------------------------------------------------ sql


@pytest.mark.parametrize("dialect", DIALECTS)
def test_sql_prints_the_metrics_sql_in_each_dialect(
    dialect: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", "XFER-OT", str(RATE.spec), "--dialect", dialect, "--no-color"]) == 0
    out, err = capsys.readouterr()
    golden = (RATE.golden(".sql") / f"{dialect}.sql").read_text(encoding="utf-8")
    assert f"-- XFER-OT\n{out}" == golden  # the SQL golden of the corpus, one metric
    note = f"{dialect} SQL is printed only"
    assert (note in err) is (dialect not in TESTED_DIALECTS)


def test_sql_of_an_unknown_metric_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "XFER-0T", str(RATE.spec), "--no-color"]) == 2
    captured = capsys.readouterr()
    assert "no metric `XFER-0T`" in captured.err and "XFER-OT" in captured.err
    assert captured.out == ""


# -------------------------------------------------------------------------------- explain


def _field(out: str, name: str) -> str:
    """The row of the explain table that shows ``name``: its cells, separated by single spaces."""
    line = next(x for x in out.splitlines() if re.match(rf"\W*{name}\b", x))
    return " ".join(re.sub(r"[│┃|]", " ", line).split())


def test_explain_names_the_layer_that_set_each_field(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["explain", "XFER-OT", str(VARIANTS.spec), "--no-color"]
    assert main([*argv, "--variant", "oncology"]) == 0
    out = capsys.readouterr().out
    assert "XFER-OT under variant oncology" in out
    assert _field(out, "param") == "param window = 2 business_days oncology"
    assert _field(out, "bands") == "bands higher_is_better { green >= 50%, red } oncology"
    assert _field(out, "where") == "where has scan_acquired base"
    assert main(argv) == 0
    base = capsys.readouterr().out
    assert _field(base, "param") == "param window = 3 business_days base"
    assert (
        _field(base, "bands") == "bands higher_is_better { green >= 90%, amber >= 75%, red } base"
    )


def test_explain_an_unknown_variant_lists_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["explain", "XFER-OT", str(VARIANTS.spec), "--variant", "onco", "--no-color"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "XFER-OT has no variant `onco`" in err and "oncology" in err


# ----------------------------------------------------------------------------------- test

EXAMPLE = """
example "a late receipt is missed, one on the holiday met, a fresh acquisition pending" for XFER-OT {
    as_of 2026-03-11T00:00Z
    events {
        study | site | subject | timepoint | event           | at
        S1    | 001  | 1001    | BL        | scan_acquired   | 2026-03-02T10:00Z
        S1    | 001  | 1001    | BL        | images_received | 2026-03-09T09:00Z
        S1    | 001  | 1002    | BL        | scan_acquired   | 2026-03-02T10:00Z
        S1    | 001  | 1002    | BL        | images_received | 2026-03-03T10:00Z
        S1    | 001  | 1003    | BL        | scan_acquired   | 2026-03-10T10:00Z
    }
    studies {
        study | therapeutic_area
        S1    | neurology
    }
    expect EXPECT
}
"""


def _with_example(tmp_path: Path, expect: str) -> Path:
    path = tmp_path / "spec.imx"
    text = RATE.spec.read_text(encoding="utf-8") + EXAMPLE.replace("EXPECT", expect)
    path.write_text(text, encoding="utf-8")
    return path


def test_test_passes_an_example_that_holds_on_both_evaluators(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 1001: Mon -> next Mon, 4 business days (Tue 3 March is a holiday): missed. 1002: received
    # on the holiday, 0 days: met. 1003: pending at the cut.
    spec = _with_example(tmp_path, "value = 50%, numerator = 1, denominator = 2, pending = 1")
    assert main(["test", str(spec), "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "a late receipt is missed" in out


def test_test_fails_an_example_that_does_not_hold_and_shows_the_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _with_example(tmp_path, "value = 100%, denominator = 2")
    assert main(["test", str(spec), "--no-color"]) == 1
    out = capsys.readouterr().out
    assert "a late receipt is missed" in out
    assert re.search(r"value\s+1\s+0\.5\s+0\.5", out)  # expected, then DuckDB's and the reference's


def test_test_without_examples_fails_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(RATE.spec), "--no-color"]) == 1
    assert "no examples found" in capsys.readouterr().err


# -------------------------------------------------------------------------------- run --out


def _read(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            return [{k: (None if v == "" else v) for k, v in r.items()} for r in csv.DictReader(f)]
    if path.suffix == ".json":
        return list(json.loads(path.read_text(encoding="utf-8"))["results"])
    return list(pq.read_table(path).to_pylist())


def _key_figures(row: dict[str, Any]) -> tuple[str, ...]:
    """metric, level, study, site, value, numerator, denominator, status, as the corpus writes them."""
    numbers = [None if row[c] is None else float(row[c]) for c in ("value", "numerator")]
    return (
        row["metric"], row["level"], row["study"] or "", row["site"] or "",
        *(corpus.cell("value", x) for x in numbers), str(row["denominator"]), row["status"],
    )  # fmt: skip


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_run_out_writes_the_corpus_expected_rows(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"results{suffix}"
    assert main([*RUN, "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out.replace("\n", "")  # long paths wrap
    with RATE.golden(".expected.csv").open(encoding="utf-8", newline="") as f:
        expected = [_key_figures(r) for r in csv.DictReader(f)]
    assert [_key_figures(r) for r in _read(out)] == expected
    again = tmp_path / "again" / out.name
    again.parent.mkdir()
    assert main([*RUN, "--out", str(again)]) == 0  # rule 13: the same bytes from the same inputs
    assert again.read_bytes() == out.read_bytes()


def test_run_out_csv_writes_the_quality_report_and_the_stamp(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    assert main([*RUN, "--out", str(out)]) == 0
    quality = _read(tmp_path / "results.quality.csv")
    late = [r for r in quality if r["rule"] == "after-as-of"]
    assert [(r["rows"], r["examples"]) for r in late] == [("1", "S2/001/3004/BL")]
    stamp = json.loads((tmp_path / "results.stamp.json").read_text(encoding="utf-8"))
    assert stamp["as_of"].startswith("2026-03-11T00:00:00")
    assert len(stamp["spec_hash"]) == 64


# ----------------------------------------------------------------------------- docs build


def test_docs_build_writes_a_page_per_metric_with_its_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.csv"
    assert main([*RUN, "--out", str(results)]) == 0
    argv = ["docs", "build", str(RATE.spec), "--out", str(tmp_path / "hb"), "--no-color"]
    assert main([*argv, "--results", str(results)]) == 0
    site = tmp_path / "hb" / "site"
    assert f"handbook written to {site}" in capsys.readouterr().out.replace("\n", "")
    page = (site / "metrics" / "XFER-OT.html").read_text(encoding="utf-8")
    assert "Images received on time" in page
    assert "66.7%" in page and "75.0%" in page  # the portfolio's and study S2's values
    assert "XFER-OT" in (site / "index.html").read_text(encoding="utf-8")


def test_docs_build_with_a_missing_results_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["docs", "build", str(RATE.spec), "--out", str(tmp_path / "hb"), "--no-color"]
    assert main([*argv, "--results", str(tmp_path / "none.csv")]) == 2
    assert "none.csv" in capsys.readouterr().err
    assert not (tmp_path / "hb").exists()


# ------------------------------------------------------------------------------ demo-data


def test_demo_data_writes_a_seeded_log_whose_faults_the_run_finds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        argv = ["demo-data", "--studies", "1", "--seed", "5", "--format", "csv"]
        assert main([*argv, "--out", str(folder), "--no-color"]) == 0
    assert f"wrote demo data to {first}" in capsys.readouterr().out.replace("\n", "")
    names = ["events.csv", "studies.csv", "sites.csv", "manifest.json"]
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names)
    manifest = json.loads((first / "manifest.json").read_text(encoding="utf-8"))
    lines = (first / "events.csv").read_text(encoding="utf-8").count("\n") - 1
    assert manifest["rows"]["events"] == lines
    out = tmp_path / "r.csv"
    stdlib = str(ROOT / "stdlib_metrics")
    argv = ["run", stdlib, "--data", str(first), "--metric", "QC-FPR", "--out", str(out)]
    assert main([*argv, "--no-color"]) == 0
    found = {r["rule"]: int(r["rows"]) for r in _read(tmp_path / "r.quality.csv")}
    # negative durations are found per metric, unknown modality codes as their own by-modality
    # groups (tests/test_demo_data.py): no loader rule judges attribute values
    judged_elsewhere = ("negative-duration", "unknown-modality")
    injected = {k: v for k, v in manifest["faults"].items() if v and k not in judged_elsewhere}
    assert injected and {k: found.get(k) for k in injected} == injected
