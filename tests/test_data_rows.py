"""Hostile data rows: each is a counted, explained finding or a clear refusal, never a silent drop,
and the quality report's tallies show read = kept + set aside for every table."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import imx
from imx.cli import main
from imx.data import (
    AFTER_CUT,
    RULE_MESSAGES,
    SET_ASIDE_RULES,
    TALLY_RULES,
    DataError,
    Dataset,
    load_dataset,
)
from imx.evaluation import evaluate
from imx.readers import MAX_LINE
from imx.results import RunOptions
from support_data import EVENTS_HEADER, imaging_schema

UTC = dt.UTC
CUT = dt.datetime(2026, 3, 31, tzinfo=UTC)
HEADER = EVENTS_HEADER + "\n"
CASE = Path(__file__).parent / "cases" / "eval"


def good(n: int, quoted: bool = False) -> str:
    """Event line ``n``: a scan of subject ``n`` (each line distinct)."""
    fields = ["S1", "001", str(n), "BL", "scan_acquired", "2026-03-02T10:00Z"]
    return ",".join(f'"{f}"' if quoted else f for f in fields) + "\n"


def findings(dataset: Dataset, table: str = "events") -> dict[str, tuple[int, tuple[str, ...]]]:
    return {
        f.rule: (f.rows, f.examples) for f in dataset.quality if f.table == table and not f.tally
    }


def tallies(dataset: Dataset, table: str = "events") -> dict[str, int]:
    return {f.rule: f.rows for f in dataset.quality if f.table == table and f.tally}


def load(path: Path, **sources: object) -> Dataset:
    return load_dataset(imaging_schema(), {"events": path, **sources}, as_of=CUT)  # type: ignore[dict-item]


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_a_line_longer_than_duckdb_reads_is_one_unreadable_row_on_its_line(
    tmp_path: Path, suffix: str
) -> None:
    # it aborted the whole run, naming line 1
    long = "S1,001,51,BL,scan_acquired," + "x" * MAX_LINE + "\n"
    text = HEADER + "".join(good(n) for n in range(1, 51)) + long + good(52)
    path = tmp_path / f"events{suffix}"
    path.write_bytes(gzip.compress(text.encode()) if suffix.endswith(".gz") else text.encode())
    dataset = load(path)
    assert findings(dataset) == {"unreadable-row": (1, ("line 52",))}
    assert dataset.tables["events"].num_rows == 51


def test_a_json_line_longer_than_duckdb_reads_is_one_unreadable_row_on_its_line(
    tmp_path: Path,
) -> None:
    names = EVENTS_HEADER.split(",")
    records = [dict(zip(names, good(n).strip().split(","), strict=True)) for n in range(3)]
    lines = [json.dumps(r) + "\n" for r in records]
    long = json.dumps({"study": "S1", "note": "x" * MAX_LINE}) + "\n"
    path = tmp_path / "events.jsonl"
    path.write_text(lines[0] + "\n" + long + lines[1] + "{bad\n" + lines[2], encoding="utf-8")
    dataset = load(path)
    assert findings(dataset) == {"unreadable-row": (2, ("line 3", "line 5"))}
    assert tallies(dataset) == {"rows-read": 5, "rows-set-aside": 2, "rows-kept": 3}


def test_a_quoted_value_that_never_closes_is_one_unreadable_row(tmp_path: Path) -> None:
    # the truncated record and the line after it were counted as 2 rows set aside
    lines = [good(n, quoted=True) for n in range(1, 4)]
    truncated = '"S1","001","4","BL","scan_acquired","2026-03-02T10\n00Z\n'
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "".join(lines) + truncated, encoding="utf-8")
    dataset = load(path)
    assert findings(dataset) == {"unreadable-row": (1, ("line 5",))}
    assert tallies(dataset) == {"rows-read": 4, "rows-set-aside": 1, "rows-kept": 3}


def test_balanced_quotes_are_read_as_written(tmp_path: Path) -> None:
    lines = [good(n, quoted=True) for n in range(1, 4)]
    lines.append('"S1","001","4","BL","a""b","2026-03-02T10:00Z"\n')  # a quote inside a value
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    assert findings(load(path)) == {"unknown-event": (1, ("S1/001/4/BL",))}


def write_twice(tmp_path: Path, fmt: str) -> object:
    """An events source giving the column `study` twice."""
    names = ["study", "site", "study", "subject", "timepoint", "event", "at"]
    values = ["S1", "001", "S2", "1", "BL", "scan_acquired", "2026-03-02T10:00Z"]
    if fmt == "frame":
        return pa.Table.from_arrays([pa.array([v]) for v in values], names=names)
    if fmt == "pandas":
        import pandas as pd

        return pd.DataFrame([values], columns=names)
    path = tmp_path / f"events.{fmt}"
    if fmt == "csv":
        path.write_text(",".join(names) + "\n" + ",".join(values) + "\n", encoding="utf-8")
    elif fmt == "parquet":
        pq.write_table(pa.Table.from_arrays([pa.array([v]) for v in values], names=names), path)
    else:
        pairs = ", ".join(
            f"{json.dumps(n)}: {json.dumps(v)}" for n, v in zip(names, values, strict=True)
        )
        path.write_text("{" + pairs + "}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl", "frame", "pandas"])
def test_a_column_given_twice_is_refused_naming_it(tmp_path: Path, fmt: str) -> None:
    # one of the two was chosen silently
    source = write_twice(tmp_path, fmt)
    with pytest.raises(DataError, match="`study` twice") as info:
        load_dataset(imaging_schema(), {"events": source}, as_of=CUT)  # type: ignore[dict-item]
    shown = {"frame": "the Table given", "pandas": "the DataFrame given"}
    assert shown.get(fmt, f"`events.{fmt}`") in info.value.message


def optional_site_schema():  # type: ignore[no-untyped-def]
    schema = imaging_schema()
    events = schema.table("events")
    columns = tuple(replace(c, optional=True) if c.name == "site" else c for c in events.columns)
    return replace(schema, tables=(replace(events, columns=columns), *schema.tables[1:]))


def test_a_missing_optional_key_column_is_a_finding(tmp_path: Path) -> None:
    # the log was read with every site empty: exit 0, no finding
    path = tmp_path / "events.csv"
    path.write_text(
        "study,SITE_NO,subject,timepoint,event,at\n" + good(1),
        encoding="utf-8",
    )
    dataset = load_dataset(optional_site_schema(), {"events": path}, as_of=CUT)
    (finding,) = [f for f in dataset.quality if f.rule == "missing-column"]
    assert (finding.table, finding.rows, finding.examples) == ("events", 1, ("site",))
    assert "events.csv has no column `site`" in finding.message
    assert "--map events.site=NAME" in finding.message
    assert dataset.tables["events"].num_rows == 1  # kept: the key may be empty


def test_event_keys_missing_from_a_dimension_table_are_counted(tmp_path: Path) -> None:
    # 's1', 'S1 ' and a stray quote became studies without attributes, with no finding (the
    # file uses no quoting: its stray quote is a letter, and no line is set aside for it)
    studies = tmp_path / "studies.csv"
    studies.write_text("study,therapeutic_area\nS1,oncology\n", encoding="utf-8")
    rows = [good(1)] + [
        good(n).replace("S1,", f"{s},", 1) for n, s in enumerate(["s1", "S1 ", '"S1'], 2)
    ]
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    dataset = load(path, studies=studies)
    (finding,) = [f for f in dataset.quality if f.rule == "unknown-key"]
    assert (finding.table, finding.rows) == ("studies", 3)
    assert finding.examples == ("'\"S1'", "'S1 '", "'s1'")
    assert finding.message == RULE_MESSAGES["unknown-key"]
    assert dataset.tables["events"].num_rows == 4  # kept (semantics rule 1: a left join)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_rows_read_are_kept_or_set_aside_in_every_table(tmp_path: Path, fmt: str) -> None:
    from test_data import DIRTY, GOOD, write_events

    sites = tmp_path / "sites.csv"
    sites.write_text("study,site,country\nS1,001,US\nS1,001,DE\nS1,002,US\n", "utf-8")
    dataset = load(write_events(tmp_path, GOOD + DIRTY, fmt), sites=sites)
    for table, kept in (("events", 3), ("sites", 1)):
        count = tallies(dataset, table)
        aside = sum(
            r for rule, (r, _) in findings(dataset, table).items() if rule in SET_ASIDE_RULES
        )
        assert count == {"rows-read": kept + aside, "rows-set-aside": aside, "rows-kept": kept}
        assert dataset.tables[table].num_rows == kept
    assert [f.rule for f in dataset.quality if f.tally][:3] == list(TALLY_RULES)


def test_the_cut_has_one_message_and_moves_the_tallies() -> None:
    model = imx.load([CASE / "variants.imx"])
    sources = {t: CASE / "variants" / f"{t}.csv" for t in ("events", "studies", "sites")}
    dataset = load_dataset(model.schema, sources)  # cut at the latest event: none after it
    earlier = dt.datetime(2026, 3, 4, tzinfo=UTC)
    results = evaluate(model, dataset, RunOptions(as_of=earlier))
    (late,) = [f for f in results.quality if f.rule == "after-as-of"]
    assert late.message == AFTER_CUT.format(as_of="2026-03-04T00:00:00+00:00")
    assert late.examples and late.rows > 0
    at_load = load_dataset(model.schema, sources, as_of=earlier)
    (same,) = [f for f in at_load.quality if f.rule == "after-as-of"]
    assert same == late
    kept = {f.rule: f.rows for f in results.quality if f.tally and f.table == "events"}
    assert kept == {f.rule: f.rows for f in at_load.quality if f.tally and f.table == "events"}
    assert kept["rows-kept"] == at_load.tables["events"].num_rows


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("events.csv", b"", "is empty"),
        ("events.csv.gz", gzip.compress(b"", mtime=0), "is empty"),  # same id on every worker
        ("events.csv", HEADER.encode(), "holds no rows"),
        ("events.jsonl", b"", "holds no rows"),
        ("events.jsonl", b"\n\n", "holds no rows"),
    ],
)
def test_an_empty_file_says_it_is_empty(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=f"`{name}` {says}"):
        load(path)


def test_a_parquet_file_without_rows_says_so(tmp_path: Path) -> None:
    path = tmp_path / "studies.parquet"
    pq.write_table(pa.table({"study": pa.array([], pa.string())}), path)
    events = tmp_path / "events.csv"
    events.write_text(HEADER + good(1), encoding="utf-8")
    with pytest.raises(DataError, match="`studies.parquet` holds no rows"):
        load(events, studies=path)


def test_when_every_row_is_set_aside_the_run_says_by_which_rule_and_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "".join(good(n).replace("Z", "") for n in range(3)), "utf-8")
    code = main(["run", str(CASE / "variants.imx"), "--table", f"events={path}"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 2
    assert "every row of events.csv was set aside (3 read, 0 kept)" in text
    assert "naive-timestamp: 3 row(s)" in text
    assert "--timezone" in text
    assert (
        main(["run", str(CASE / "variants.imx"), "--table", f"events={path}", "--timezone", "UTC"])
        == 0
    )


def test_every_rule_code_is_documented_where_the_quality_rules_are() -> None:
    section = (Path(__file__).parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    section = section.split("### Data quality", 1)[1].split("\n## ", 1)[0]
    for rule in RULE_MESSAGES:
        assert f"`{rule}`" in section, rule
    assert set(SET_ASIDE_RULES) <= set(RULE_MESSAGES)


def test_the_tallies_are_not_findings_for_strict(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", str(CASE / "bands.imx"), "--data", str(CASE / "bands")]
    argv += ["--as-of", "2026-03-20T00:00Z", "--strict"]
    assert main(argv) == 0, capsys.readouterr().out
    assert "rows-kept" in capsys.readouterr().out
