"""Semantics rule 28, variant precedence: a study takes its most specific matching variant (the
most selector terms); two equally specific matches are a check error when the selectors tell,
else a failed run (exit 1) naming the studies; never a silent fallback to the base. The property
compares DuckDB and the reference evaluator with a plain-Python statement of the rule."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import imx
from imx.checker import check_paths
from imx.cli import main
from imx.errors import RunFailed

COLUMNS = {"therapeutic_area": ("oncology", "neurology"), "phase": ("2", "3"), "vendor": ("A", "B")}
SCHEMA = """
schema tiny "Imaging events" version "1"

events {
    scan_acquired   "Images acquired"
    images_received "Images received"
}

table events {
    study     text      key
    site      text      key
    subject   text      key
    timepoint text      key
    event     event
    at        timestamp
}

table studies {
    study            text key
    therapeutic_area text
    phase            text
    vendor           text
}

table sites {
    study text key
    site  text key
}

unit timepoint = study, site, subject, timepoint

metric XFER-OT "Images received on time" {
    category timeliness
    per      timepoint
    where    has scan_acquired
    rate     first images_received within window of first scan_acquired
    param    window = 3 days
    levels   study, portfolio
}
"""
Selector = tuple[tuple[str, str], ...]


def _variant(name: str, selector: Selector) -> str:
    terms = " and ".join(f'{c} = "{v}"' for c, v in selector)
    return f'\nvariant {name} of XFER-OT for {terms} {{\n    rationale "{name}"\n}}\n'


def _spec(tmp: Path, selectors: list[Selector]) -> Path:
    path = tmp / "spec.imx"
    text = SCHEMA + "".join(_variant(f"v{i}", s) for i, s in enumerate(selectors))
    path.write_text(text, encoding="utf-8")
    return path


def _chosen(selectors: list[Selector], study: dict[str, str]) -> str | None:
    """Rule 28 in plain Python: the unique most specific match, ``base`` without one, ``None``
    when two equally specific variants are the most specific matches."""
    matching = [
        (len(s), f"v{i}") for i, s in enumerate(selectors) if all(study[c] == v for c, v in s)
    ]
    if not matching:
        return "base"
    top = max(n for n, _ in matching)
    best = [name for n, name in matching if n == top]
    return best[0] if len(best) == 1 else None


def _tables(studies: list[dict[str, str]]) -> dict[str, pa.Table]:
    events = []
    for s in studies:
        events.append((s["study"], "1", "a", "BL", "scan_acquired", "2026-03-02T10:00:00Z"))
        events.append((s["study"], "1", "a", "BL", "images_received", "2026-03-03T10:00:00Z"))
    names = ("study", "site", "subject", "timepoint", "event", "at")
    table = pa.table({n: [e[i] for e in events] for i, n in enumerate(names)})
    table = table.set_column(
        5, "at", pa.array([e[5] for e in events]).cast(pa.timestamp("us", "UTC"))
    )
    return {
        "events": table,
        "studies": pa.Table.from_pylist(studies),
        "sites": pa.table({"study": [s["study"] for s in studies], "site": ["1"] * len(studies)}),
    }


SELECTOR = st.lists(st.sampled_from(sorted(COLUMNS)), min_size=1, max_size=3, unique=True).flatmap(
    lambda cols: st.tuples(*(st.tuples(st.just(c), st.sampled_from(COLUMNS[c])) for c in cols))
)
STUDY = st.fixed_dictionaries({c: st.sampled_from(v) for c, v in COLUMNS.items()})


@settings(max_examples=40)
@example(  # the more specific variant wins where both match; elsewhere the one that matches
    [(("therapeutic_area", "oncology"),), (("therapeutic_area", "oncology"), ("phase", "3"))],
    [{"therapeutic_area": "oncology", "phase": "3", "vendor": "A"},
     {"therapeutic_area": "oncology", "phase": "2", "vendor": "A"}],
)  # fmt: skip
@given(st.lists(SELECTOR, min_size=1, max_size=3), st.lists(STUDY, min_size=1, max_size=4))
def test_each_study_takes_its_most_specific_variant_on_both_evaluators(
    tmp_path_factory: pytest.TempPathFactory, selectors: list[Selector], raw: list[dict[str, str]]
) -> None:
    studies = [{"study": f"S{i}", **s} for i, s in enumerate(raw)]
    result = check_paths([_spec(tmp_path_factory.mktemp("p"), selectors)])
    if result.model is None:  # two equally specific selectors the checker can tell overlap
        assert {d.code for d in result.errors} == {"variant-overlap"}
        return
    expected = {s["study"]: _chosen(selectors, s) for s in studies}
    for engine in ("duckdb", "reference"):
        if None in expected.values():
            with pytest.raises(RunFailed, match="equally specific") as failed:
                imx.evaluate(result.model, _tables(studies), engine=engine)
            clashing = [k for k, v in expected.items() if v is None]
            assert all(f"study {k} " in failed.value.message for k in clashing)
            continue
        out = imx.evaluate(result.model, _tables(studies), engine=engine, units="population")
        got = dict(
            zip(
                *(out.units["XFER-OT"].column(c).to_pylist() for c in ("study", "variant")),
                strict=True,
            )
        )
        assert got == expected, engine


def test_equal_specificity_that_the_selectors_tell_is_a_check_error(tmp_path: Path) -> None:
    same = [(("therapeutic_area", "oncology"),), (("therapeutic_area", "oncology"),)]
    nested = [
        (("therapeutic_area", "oncology"),),
        (("therapeutic_area", "oncology"), ("phase", "3")),
    ]
    assert {d.code for d in check_paths([_spec(tmp_path, same)]).errors} == {"variant-overlap"}
    assert check_paths([_spec(tmp_path, nested)]).errors == ()


def test_a_run_time_tie_fails_the_run_with_exit_1_naming_the_studies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _spec(tmp_path, [(("therapeutic_area", "oncology"),), (("phase", "3"),)])
    data = tmp_path / "data"
    data.mkdir()
    studies = [
        {"study": "BOTH", "therapeutic_area": "oncology", "phase": "3", "vendor": "A"},
        {"study": "ONC", "therapeutic_area": "oncology", "phase": "2", "vendor": "A"},
    ]
    import pyarrow.csv as pcsv

    for name, table in _tables(studies).items():
        pcsv.write_csv(table, data / f"{name}.csv")
    assert main(["run", str(spec), "--data", str(data), "--no-color"]) == 1
    err = capsys.readouterr().err
    assert "XFER-OT: study BOTH matches v0 and v1" in err and "study ONC" not in err
    assert "Traceback" not in err
