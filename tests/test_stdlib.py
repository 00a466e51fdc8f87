"""The standard metric library: every file parses and checks, coverage, and every example passes."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from imx.checker import CheckResult, check_paths
from imx.model import Model
from imx.syntax.parser import parse

STDLIB = Path(__file__).resolve().parent.parent / "stdlib_metrics"
FILES = sorted(STDLIB.rglob("*.imx"))
CATEGORIES = {"relationship", "quality", "efficiency", "timeliness", "cycle_time"}


@cache
def _checked() -> CheckResult:
    return check_paths([STDLIB])


def _model() -> Model:
    model = _checked().model
    assert model is not None, [str(d) for d in _checked().diagnostics]
    return model


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(STDLIB)))
def test_every_file_parses_without_diagnostics(path: Path) -> None:
    result = parse(path.read_text(encoding="utf-8"), str(path))
    assert list(result.diagnostics) == []


def test_the_whole_stdlib_checks_clean() -> None:
    assert [str(d) for d in _checked().diagnostics] == []


def test_coverage_of_metrics_variants_csfs_and_categories() -> None:
    model = _model()
    assert len(model.metrics) >= 30
    assert sum(len(m.variants) for m in model.metrics) >= 10
    assert len(model.csfs) >= 6
    assert {m.base.category for m in model.metrics} == CATEGORIES
    levels = {lv.kind for m in model.metrics for lv in m.base.levels}
    assert {"site", "study", "portfolio"} <= levels
    assert [s.version for s in model.metricsets] == ["2026.1"]


def test_every_metric_is_documented_and_thresholded() -> None:
    for metric in _model().metrics:
        base = metric.base
        assert base.question and base.doc and base.status and base.since, metric.id
        assert base.bands is not None, metric.id
        if base.category in ("cycle_time", "timeliness"):
            assert base.companions, f"{metric.id} has no quality companion"


def test_every_variant_has_a_rationale() -> None:
    for metric in _model().metrics:
        for variant in metric.variants:
            assert variant.rationale, f"{variant.name} of {metric.id}"


def test_every_metric_has_an_example() -> None:
    model = _model()
    tested = Counter(e.metric for e in model.examples)
    assert [m.id for m in model.metrics if not tested[m.id]] == []


def test_examples_cover_the_edge_cases() -> None:
    examples = _model().examples
    keys = {k for e in examples for k, _ in e.expect}
    assert {"pending", "open", "excluded"} <= keys
    assert any(("status", "insufficient") in e.expect for e in examples)
    text = " ".join(e.title.lower() for e in examples)
    for words in ("tie", "weekend", "holiday", "pending", "excluded", "open"):
        assert words in text, words


def test_all_examples_pass_on_both_engines() -> None:
    from imx.examples import run_examples

    failed = [o for o in run_examples(_model()) if not o.passed]
    report = [
        (o.example.metric, o.example.title, o.differences, o.engine_disagreements, dict(o.errors))
        for o in failed
    ]
    assert report == []


def test_the_stdlib_reads_what_events_say() -> None:
    """Filtered facts, attributes of facts, unit attributes, levels by them and series are used."""
    files = {p.name: p.read_text(encoding="utf-8") for p in STDLIB.glob("*.imx")}
    text = "\n".join(files.values())
    for form in ('[severity in ("major", "critical")]', "reading of last phantom_scanned"):
        assert form in text, form
    assert "modality = modality of first scan_acquired" in files["schema.imx"]
    levels = {lv for m in _model().metrics for lv in m.base.levels}
    assert {"by:modality", "by:reader", "by:reason", "by:study+reader"} <= {
        lv.label for lv in levels
    }
    assert sum("series   month" in t for t in files.values()) >= 1


def test_rdi_is_the_readers_reads_the_adjudicator_disagreed_with(tmp_path: Path) -> None:
    """Sharma et al. (JCO 2019): per reader, reads where the adjudicator disagreed with the
    reader (read_not_selected on the reader's read) over the reader's completed reads."""
    import pyarrow.parquet as pq

    from imx.data import load_dataset
    from imx.demo_data import generate
    from imx.evaluation import evaluate
    from imx.results import RunOptions

    manifest = generate(3, 11, tmp_path, "parquet")
    reads: dict[object, set[tuple[object, ...]]] = {}
    disagreed: dict[object, set[tuple[object, ...]]] = {}
    for r in pq.read_table(tmp_path / "events.parquet").to_pylist():
        if r["at"] is None or r["reader"] is None:
            continue
        read = (r["study"], r["site"], r["subject"], r["timepoint"], r["reader"])
        if r["event"] == "read_completed":
            reads.setdefault(r["reader"], set()).add(read)
        elif r["event"] == "read_not_selected":
            disagreed.setdefault(r["reader"], set()).add(read)
    expected = {
        reader: len(units & disagreed.get(reader, set())) / len(units)
        for reader, units in reads.items()
    }
    dataset = load_dataset(_model().schema, {k: tmp_path / v for k, v in manifest.files.items()})
    options = RunOptions(levels=("by:reader",), metrics=("RDI",))
    rows = evaluate(_model(), dataset, options).table.to_pylist()
    found = {r["group"]: r["value"] for r in rows if r["period"] is None and r["value"] is not None}
    assert found.keys() == expected.keys() and len(found) >= 4
    assert all(found[k] == pytest.approx(v) for k, v in expected.items())
