"""Semantics rule 28, variant precedence: a unit takes its most specific matching variant (the
most selector terms), its selectors reading study attributes, site attributes and attributes of
the unit; two equally specific matches are a check error when the selectors tell, else a failed
run (exit 1) naming the studies or sites; never a silent fallback to the base. The property
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

STUDY_COLUMNS = {
    "therapeutic_area": ("oncology", "neurology"), "phase": ("2", "3"), "vendor": ("A", "B"),
}  # fmt: skip
SITE_COLUMNS = {"country": ("US", "FR")}  # a site attribute
UNIT_COLUMNS = {"modality": ("CT", "MR")}  # an attribute of the unit
COLUMNS = {**STUDY_COLUMNS, **SITE_COLUMNS, **UNIT_COLUMNS}
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
    modality  text      optional
}

table studies {
    study            text key
    therapeutic_area text
    phase            text
    vendor           text
}

table sites {
    study   text key
    site    text key
    country text optional
}

unit timepoint = study, site, subject, timepoint {
    modality = modality of first scan_acquired
}

metric XFER-OT "Images received on time" {
    category timeliness
    per      timepoint
    where    has scan_acquired
    rate     first images_received within window of first scan_acquired
    param    window = 3 days
    levels   site, study, portfolio
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


def _chosen(selectors: list[Selector], unit: dict[str, str | None]) -> str | None:
    """Rule 28 in plain Python: the unique most specific match, ``base`` without one, ``None``
    when two equally specific variants are the most specific matches."""
    matching = [
        (len(s), f"v{i}") for i, s in enumerate(selectors) if all(unit[c] == v for c, v in s)
    ]
    if not matching:
        return "base"
    top = max(n for n, _ in matching)
    best = [name for n, name in matching if n == top]
    return best[0] if len(best) == 1 else None


Unit = dict[str, str | None]


def _units(
    studies: list[dict[str, str]], places: list[tuple[str | None, str | None]]
) -> list[Unit]:
    """One timepoint per site of each study: sites 1 and 2, each with its country and the
    modality of its scan (either may be missing)."""
    units = []
    for s in studies:
        for k, (country, modality) in enumerate(places[:2]):
            units.append({**s, "site": str(k + 1), "country": country, "modality": modality})
    return units


def _tables(units: list[Unit]) -> dict[str, pa.Table]:
    events = []
    for u in units:
        place = (u["study"], u["site"], "a", "BL")
        events.append((*place, "scan_acquired", "2026-03-02T10:00:00Z", u["modality"]))
        events.append((*place, "images_received", "2026-03-03T10:00:00Z", u["modality"]))
    names = ("study", "site", "subject", "timepoint", "event", "at", "modality")
    table = pa.table(
        {n: pa.array([e[i] for e in events], pa.string()) for i, n in enumerate(names)}
    )
    table = table.set_column(5, "at", table.column("at").cast(pa.timestamp("us", "UTC")))
    studies = list(
        {u["study"]: {c: u[c] for c in ("study", *STUDY_COLUMNS)} for u in units}.values()
    )
    sites = [{"study": u["study"], "site": u["site"], "country": u["country"]} for u in units]
    return {
        "events": table,
        "studies": pa.Table.from_pylist(studies),
        "sites": pa.Table.from_pylist(sites, pa.schema([(c, pa.string()) for c in sites[0]])),
    }


SELECTOR = st.lists(st.sampled_from(sorted(COLUMNS)), min_size=1, max_size=3, unique=True).flatmap(
    lambda cols: st.tuples(*(st.tuples(st.just(c), st.sampled_from(COLUMNS[c])) for c in cols))
)
STUDY = st.fixed_dictionaries({c: st.sampled_from(v) for c, v in STUDY_COLUMNS.items()})
PLACE = st.tuples(st.sampled_from(["US", "FR", None]), st.sampled_from(["CT", "MR", None]))


@settings(max_examples=40, deadline=None)
@example(  # the more specific variant wins where both match; elsewhere the one that matches
    [(("therapeutic_area", "oncology"),), (("therapeutic_area", "oncology"), ("phase", "3"))],
    [{"therapeutic_area": "oncology", "phase": "3", "vendor": "A"},
     {"therapeutic_area": "oncology", "phase": "2", "vendor": "A"}],
    [("US", "CT"), ("FR", "MR")],
)  # fmt: skip
@example(  # a unit attribute beats a study attribute where it is the more specific selector
    [(("vendor", "A"),), (("vendor", "A"), ("modality", "MR"))],
    [{"therapeutic_area": "oncology", "phase": "3", "vendor": "A"}],
    [("US", "CT"), ("FR", "MR")],
)  # fmt: skip
@example(  # a site attribute and a unit attribute tie at one site only
    [(("country", "US"),), (("modality", "MR"),)],
    [{"therapeutic_area": "oncology", "phase": "3", "vendor": "A"}],
    [("US", "MR"), ("FR", "MR")],
)  # fmt: skip
@given(
    st.lists(SELECTOR, min_size=1, max_size=3),
    st.lists(STUDY, min_size=1, max_size=3),
    st.lists(PLACE, min_size=2, max_size=2),
)
def test_each_unit_takes_its_most_specific_variant_on_both_evaluators(
    tmp_path_factory: pytest.TempPathFactory,
    selectors: list[Selector],
    raw: list[dict[str, str]],
    places: list[tuple[str | None, str | None]],
) -> None:
    """Selectors on study, site and unit attributes: each unit gets the variant rule 28 gives
    it, in its unit row; a tie fails the run on both evaluators, naming each site of a tie."""
    units = _units([{"study": f"S{i}", **s} for i, s in enumerate(raw)], places)
    result = check_paths([_spec(tmp_path_factory.mktemp("p"), selectors)])
    if result.model is None:  # two equally specific selectors the checker can tell overlap
        assert {d.code for d in result.errors} == {"variant-overlap"}
        return
    expected = {(u["study"], u["site"]): _chosen(selectors, u) for u in units}
    fine = any(c not in STUDY_COLUMNS for s in selectors for c, _ in s)
    for engine in ("duckdb", "reference"):
        if None in expected.values():
            with pytest.raises(RunFailed, match="equally specific") as failed:
                imx.evaluate(result.model, _tables(units), engine=engine, units="population")
            clashing = {k for k, v in expected.items() if v is None}
            named = {f"site {s}/{x} " if fine else f"study {s} " for s, x in clashing}
            assert all(n in failed.value.message for n in named), (named, failed.value.message)
            continue
        out = imx.evaluate(result.model, _tables(units), engine=engine, units="population")
        rows = out.units["XFER-OT"]
        keys = zip(*(rows.column(c).to_pylist() for c in ("study", "site")), strict=True)
        got = dict(zip(keys, rows.column("variant").to_pylist(), strict=True))
        assert got == expected, engine
        study_rows = [r for r in out.table.to_pylist() if r["level"] == "study"]
        for r in study_rows:  # a study row is judged by its units' one variant, or mixed
            mine = {v for (s, _), v in expected.items() if s == r["study"]}
            assert r["variant"] == (mine.pop() if len(mine) == 1 else "mixed"), engine


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

    for name, table in _tables(_units(studies, [("US", "CT"), ("FR", "MR")])).items():
        pcsv.write_csv(table, data / f"{name}.csv")
    assert main(["run", str(spec), "--data", str(data), "--no-color"]) == 1
    err = capsys.readouterr().err
    assert "XFER-OT: study BOTH matches v0 and v1" in err and "study ONC" not in err
    assert "Traceback" not in err
