"""Versions of a metric (semantics rule 27): references, `ID@V` on the command line, the results
and stamp that carry the version, the language server's index, and a property that a reference
without a version takes the newest version along the `supersedes` chain that is not retired.

The evaluation uses the rate_within corpus case's schema and tables (tests/cases/eval): its
XFER-OT (a 2-business-day window) is version 2026.1 here, superseding a retired 2014 version
with a 10-day window; `--metric XFER-OT@2014` must give exactly the rows of an unversioned copy
of the 2014 definition, and the default run those of the 2026.1 one.
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import test_corpus_eval as corpus
from imx import check, load
from imx.cli import main
from imx.lsp.index import Symbol, build_index
from imx.syntax.parser import parse

RATE = corpus.BY_NAME["rate_within"]
AS_OF = "2026-03-11T00:00Z"
DATA = ["--data", str(RATE.data), "--as-of", AS_OF, "--no-color"]
SCHEMA = RATE.spec.read_text(encoding="utf-8").split("\nmetric XFER-OT")[0]


def _metric(version: str, window: str, extra: str = "") -> str:
    head = f'metric XFER-OT "Images received on time"{version} {{'
    return f"""
{head}
    category  quality
    per       timepoint
    where     has scan_acquired
    exclude   has timepoint_cancelled  "Cancelled visits are not expected to arrive"
    rate      first images_received within window of first scan_acquired
    param     window = {window}
    bands     higher_is_better {{ green >= 90%, amber >= 75%, red }}
    levels    site, study, portfolio
{extra}}}
"""


VERSIONED = (
    SCHEMA
    + _metric(' version "2014"', "10 business_days", "    status    retired\n")
    + _metric(' version "2026.1" supersedes "2014"', "2 business_days")
    + """
metric QC "QC acceptance" {
    category  quality
    per       timepoint
    rate      has images_received
    companion XFER-OT, XFER-OT@2014
}

metricset CORE "Core" version "2026" {
    metrics   XFER-OT, XFER-OT@2014, QC
}
"""
)


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "spec.imx"
    path.write_text(text, encoding="utf-8")
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _run(spec: Path, out: Path, *extra: str) -> list[dict[str, str]]:
    assert main(["run", str(spec), *DATA, *extra, "--out", str(out)]) == 0
    return _rows(out)


def _without_version(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: v for k, v in r.items() if k != "version"} for r in rows]


def test_a_reference_without_a_version_takes_the_newest_that_is_not_retired(
    tmp_path: Path,
) -> None:
    model = load([_write(tmp_path, VERSIONED)])
    current = model.metric("XFER-OT")
    assert current is not None and current.key == "XFER-OT@2026.1"
    old = model.metric("XFER-OT@2014")
    assert old is not None and old.retired and old not in model.metrics
    assert [x.key for x in model.history("XFER-OT")] == ["XFER-OT@2014", "XFER-OT@2026.1"]
    assert [x.key for x in model.metrics] == ["XFER-OT@2026.1", "QC"]
    assert model.metricsets[0].metrics == ("XFER-OT", "XFER-OT@2014", "QC")


def test_id_at_version_runs_the_old_definition_and_results_carry_the_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _write(tmp_path / "versioned", VERSIONED)
    old_alone = _write(tmp_path / "old", SCHEMA + _metric("", "10 business_days"))
    new_alone = _write(tmp_path / "new", SCHEMA + _metric("", "2 business_days"))
    default = _run(spec, tmp_path / "default.csv", "--metric", "XFER-OT")
    chosen = _run(spec, tmp_path / "old.csv", "--metric", "XFER-OT@2014")
    assert {r["version"] for r in default} == {"2026.1"}
    assert {r["version"] for r in chosen} == {"2014"}
    assert _without_version(default) == _without_version(_run(new_alone, tmp_path / "n.csv"))
    assert _without_version(chosen) == _without_version(_run(old_alone, tmp_path / "o.csv"))
    assert {r["version"] for r in _rows(tmp_path / "n.csv")} == {""}  # no version: empty
    assert default != chosen
    stamp = json.loads((tmp_path / "old.stamp.json").read_text(encoding="utf-8"))
    assert stamp["metrics"] == "XFER-OT@2014" and stamp["versions"] == "XFER-OT@2014"
    out = capsys.readouterr().out.replace("\n", "")
    assert "XFER-OT@2014  site S1/001" in out and "versions XFER-OT@2014" in out
    every = _run(spec, tmp_path / "all.csv")  # a default run: current versions only
    assert {(r["metric"], r["version"]) for r in every} == {("XFER-OT", "2026.1"), ("QC", "")}
    assert "versions XFER-OT@2026.1" in capsys.readouterr().out.replace("\n", "")


def test_every_results_format_carries_the_version(tmp_path: Path) -> None:
    spec = _write(tmp_path, VERSIONED)
    for suffix in (".json", ".parquet"):
        out = tmp_path / f"r{suffix}"
        assert main(["run", str(spec), *DATA, "--metric", "XFER-OT@2014", "--out", str(out)]) == 0
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert {r["version"] for r in document["results"]} == {"2014"}
    assert document["stamp"]["versions"] == "XFER-OT@2014"
    assert set(pq.read_table(tmp_path / "r.parquet").column("version").to_pylist()) == {"2014"}
    assert main(["run", str(spec), *DATA, "--metric", "QC", "--out", str(tmp_path / "q.json")]) == 0
    rows = json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))["results"]
    assert {r["version"] for r in rows} == {None}  # a metric without a version: null


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--metric", "XFER-OT@2015"], "did you mean `XFER-OT@2014` or `XFER-OT@2026.1`?"),
        (["--metric", "XFER-OT@2014", "--metric", "XFER-OT"], "two versions of `XFER-OT`"),
    ],
)
def test_a_version_that_is_not_there_or_two_of_one_id_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    spec = _write(tmp_path, VERSIONED)
    assert main(["run", str(spec), *DATA, *argv]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err


def test_units_why_sql_and_explain_accept_a_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = str(_write(tmp_path, VERSIONED))
    assert main(["units", "XFER-OT@2014", spec, *DATA]) == 0
    old_units = capsys.readouterr().out
    assert main(["units", "XFER-OT", spec, *DATA]) == 0
    new_units = capsys.readouterr().out
    assert "XFER-OT@2014:" in old_units and "XFER-OT@2026.1:" in new_units
    assert "missed" in new_units and old_units.count("missed") < new_units.count("missed")
    assert main(["why", "XFER-OT@2014", "S1/001/1001/BL", spec, *DATA]) == 0
    assert "10 business_days" in capsys.readouterr().out.replace("\n", " ")
    assert main(["sql", "XFER-OT@2014", spec]) == 0
    old_sql = capsys.readouterr().out
    assert main(["sql", "XFER-OT", spec]) == 0
    assert old_sql != capsys.readouterr().out
    assert main(["explain", "XFER-OT@2014", spec, "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "XFER-OT@2014" in out and "2014, retired" in out


def test_the_language_server_sees_a_versioned_reference_as_a_use_of_the_metric() -> None:
    text = VERSIONED
    module = parse(text, "spec.imx").module
    assert module is not None
    index = build_index([module])
    uses = index.references(Symbol("metric", "XFER-OT"))
    written = [text[o.span.start : o.span.end] for o in uses]
    assert written.count("XFER-OT") == 6  # two declarations, two companions, two set entries
    at = text.index("XFER-OT@2014")
    assert any(o.span.start == at and o.span.end == at + len("XFER-OT") for o in uses)


def test_a_new_version_moves_rows_by_a_method_change_in_the_impact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _write(tmp_path / "old", SCHEMA + _metric(' version "2014"', "10 business_days"))
    new = _write(tmp_path / "new", VERSIONED)
    argv = ["diff", str(old.parent), str(new.parent), *DATA[:4], "--format", "json"]
    assert main(argv) == 1
    report = json.loads(capsys.readouterr().out)
    changes = {(c["key"], c["status"]) for c in report["changes"]}
    assert {("XFER-OT@2014", "changed"), ("XFER-OT@2026.1", "added")} <= changes
    moved = [r for r in report["impact"]["rows"] if r["metric"] == "XFER-OT"]
    assert moved and all(r["method_change"] for r in moved)
    assert {(r["old"]["version"], r["new"]["version"]) for r in moved} == {("2014", "2026.1")}


def test_the_changelog_says_which_version_a_metric_now_means(tmp_path: Path) -> None:
    from imx.diff import diff_models
    from imx.render.handbook.changes import changes_page

    old = load([_write(tmp_path / "old", SCHEMA + _metric(' version "2014"', "10 business_days"))])
    new = load([_write(tmp_path / "new", VERSIONED)])
    diff = diff_models(old, new)
    assert diff.current == {"XFER-OT": ("XFER-OT@2014", "XFER-OT@2026.1")}
    page = changes_page(diff, "2014")
    assert "- XFER-OT now means XFER-OT@2026.1 (was XFER-OT@2014)" in page
    assert "## metric XFER-OT@2026.1" in page and "## metric XFER-OT@2014" in page
    assert diff_models(new, new).current == {}


def test_the_reference_evaluator_gives_the_old_version_as_duckdb_does(tmp_path: Path) -> None:
    from imx import evaluate

    model = load([_write(tmp_path, VERSIONED)])
    chosen = ("XFER-OT@2014", "QC")
    duck = evaluate(model, RATE.data, as_of=RATE.as_of, metrics=chosen)
    ref = evaluate(model, RATE.data, as_of=RATE.as_of, metrics=chosen, engine="reference")
    assert duck.table.equals(ref.table) and duck.table.num_rows > 0
    assert set(duck.table.column("version").to_pylist()) == {"2014", None}


def test_the_handbook_shows_each_metric_s_versions_and_what_changed(tmp_path: Path) -> None:
    from imx.render.handbook import render_pages
    from imx.render.handbook.site import nav

    retired = """
metric OLD "An old rate" version "2009" {
    category  quality
    per       timepoint
    rate      has images_received
    status    retired
}
"""
    result = check([_write(tmp_path, VERSIONED + retired)])
    assert result.model is not None and not result.errors
    pages = render_pages(result.model, result.sources)
    page = pages["metrics/XFER-OT.md"]
    versions = page[page.index("## Versions") :]
    assert "| <code>XFER-OT@2014</code> | — | retired |   |" in versions
    assert "| <code>XFER-OT@2026.1</code> | 2014 | — | **current** |" in versions
    assert "### 2014 → 2026&#46;1" in versions  # the diff engine's field, class, old and new
    assert (
        "| param window | method | 10 business&#95;days | 2 business&#95;days (changes measure) |"
        in versions
    )
    assert '??? example "XFER-OT@2014 as written"' in versions  # the old one as written
    old = pages["metrics/OLD.md"]  # every version retired: a page still, under Retired
    assert "Every version of <code>OLD</code> is retired" in old
    metrics = next(x["Metrics"] for x in nav(result.model, False) if "Metrics" in x)
    assert {"Retired": [{"OLD": "metrics/OLD.md"}]} in metrics


def _example(ref: str, value: str) -> str:
    """An in-spec example: one timepoint received 4 business days after acquisition (Mon 5 →
    Fri 9 Jan 2026): met within 2014's 10 days, missed within 2026.1's 2."""
    return f"""
example "received after four business days" for {ref} {{
    as_of 2026-02-01T00:00Z
    events {{
        study | site | subject | timepoint | event           | at
        S1    | 001  | 1001    | BL        | scan_acquired   | 2026-01-05T15:00Z
        S1    | 001  | 1001    | BL        | images_received | 2026-01-09T15:00Z
    }}
    expect value = {value}
}}
"""


def test_an_example_may_test_an_old_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = VERSIONED + _example("XFER-OT@2014", "100%") + _example("XFER-OT", "0%")
    assert main(["test", str(_write(tmp_path, text)), "--no-color"]) == 0
    assert "2 passed" in capsys.readouterr().out


def test_hover_on_a_versioned_metric_describes_its_current_version(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from imx.lsp import navigate

    module = parse(VERSIONED, "spec.imx").module
    assert module is not None
    analysis = SimpleNamespace(
        index=build_index([module]), model=load([_write(tmp_path, VERSIONED)])
    )
    text = "\n".join(navigate._describe(analysis, Symbol("metric", "XFER-OT")))  # type: ignore[arg-type]
    assert "**metric** `XFER-OT@2026.1`" in text and "2 business_days" in text


# ------------------------------------------------------------------------------ the property


def _chain_project(n: int, retired: list[bool], order: list[int]) -> str:
    """``n`` versions v0 … v(n-1) of one metric, each superseding the one before, declared in
    ``order``; ``retired[i]``: v``i`` is retired. A second metric refers to it by id."""
    decls = []
    for i in order:
        supersedes = f' supersedes "v{i - 1}"' if i else ""
        status = "    status   retired\n" if retired[i] else ""
        decls.append(
            f'metric P-M "m" version "v{i}"{supersedes} {{\n'
            "    category quality\n"
            "    per      timepoint\n"
            f"    rate     count scan_acquired >= {i + 1}\n"
            f"{status}}}\n"
        )
    user = 'metric P-USER "u" {\n    category  quality\n    per       timepoint\n'
    user += "    rate      has scan_acquired\n    companion P-M\n}\n"
    return "import stdlib.schema\n\n" + "\n".join(decls) + "\n" + user


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.booleans(), min_size=n, max_size=n),
    st.permutations(list(range(n))),
)))  # fmt: skip
def test_references_resolve_to_the_newest_version_that_is_not_retired(
    case: tuple[int, list[bool], list[int]],
) -> None:
    n, retired, order = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.imx"
        path.write_text(_chain_project(n, retired, order), encoding="utf-8")
        result = check([path])
    live = [i for i in range(n) if not retired[i]]
    codes = {d.code for d in result.errors}
    if not live:  # every version retired: the bare reference names none
        assert codes == {"no-current-version"}
        return
    assert codes == set()
    model = result.model
    assert model is not None
    current = model.metric("P-M")
    assert current is not None and current.version == f"v{max(live)}"  # the newest not retired
    assert [x.version for x in model.history("P-M")] == [f"v{i}" for i in range(n)]
    assert {x.key for x in (*model.metrics, *model.other_versions) if x.id == "P-M"} == {
        f"P-M@v{i}" for i in range(n)
    }
    for i in range(n):
        named = model.metric(f"P-M@v{i}")
        assert named is not None and named.version == f"v{i}"


def test_the_handbook_never_shows_an_old_version_s_rows_as_the_current_one_s(
    tmp_path: Path,
) -> None:
    from imx.render.handbook import scores

    spec = _write(tmp_path / "versioned", VERSIONED)
    model = load([spec])
    _run(spec, tmp_path / "old.csv", "--metric", "XFER-OT@2014")
    _run(spec, tmp_path / "new.csv", "--metric", "XFER-OT")
    old, new = (scores.read_results(tmp_path / f"{n}.csv") for n in ("old", "new"))
    assert set(scores.by_metric(old, model)) == {"XFER-OT@2014"}  # not the current page's
    assert set(scores.by_metric(new, model)) == {"XFER-OT"}
    assert set(scores.by_metric(old)) == {"XFER-OT"}  # without a model: by id, as written
    assert set(old.column("version").to_pylist()) == {"2014"}  # text, never the number 2014
