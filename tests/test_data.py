"""Loading event tables: formats, column mapping, user errors and every row-hygiene rule."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from imx.data import (
    DataError,
    Dataset,
    StoredTables,
    dataset_from_example,
    discover_sources,
    load_dataset,
    parse_column_map,
)
from imx.model import Example
from support_data import EVENTS_HEADER, imaging_schema

UTC = dt.UTC
CUT = dt.datetime(2026, 3, 31, tzinfo=UTC)
COLUMNS = EVENTS_HEADER.split(",")

# One row per rule, plus clean rows; (study, site, subject, timepoint, event, at).
GOOD = [
    ("S1", "001", "1001", "BL", "scan_acquired", "2026-03-02T10:00Z"),
    ("S1", "001", "1001", "BL", "images_received", "2026-03-03 09:00:00+01:00"),
    ("S1", "002", "1002", "W4", "qc_passed", "2026-03-04T10:00:00.250Z"),
]
DIRTY = [
    ("S1", None, "1003", "BL", "scan_acquired", "2026-03-02T10:00Z"),  # null-key
    ("S1", "001", "1004", "BL", "scan_acquired", None),  # null-timestamp
    ("S1", "001", "1005", "BL", "scan_acquired", "2026-03-02 10:00"),  # naive-timestamp
    ("S1", "001", "1006", "BL", "scan_exploded", "2026-03-02T10:00Z"),  # unknown-event
    GOOD[0],  # duplicate-row
    GOOD[0],  # duplicate-row
    ("S1", "003", "1007", "BL", "scan_acquired", "2026-04-02T10:00Z"),  # after-as-of
    ("S1", "001", "1008", "BL", "scan_acquired", "2026-13-45T10:00Z"),  # unreadable-row
]
EXPECTED = {
    "null-key": 1,
    "null-timestamp": 1,
    "naive-timestamp": 1,
    "unknown-event": 1,
    "duplicate-row": 2,
    "after-as-of": 1,
    "unreadable-row": 1,
}

Row = tuple[str | None, ...]


def write_events(
    folder: Path, rows: Sequence[Row], fmt: str, columns: Sequence[str] = COLUMNS
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"events.{fmt}"
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    if fmt == "csv":
        lines = [",".join(columns)] + [",".join(v or "" for v in row) for row in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif fmt == "parquet":
        table = pa.table({c: pa.array([r[c] for r in records], pa.string()) for c in columns})
        pq.write_table(table, path)
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def counts(dataset: Dataset, table: str = "events") -> dict[str, int]:
    """The findings of one table (not its tallies), rule → rows."""
    return {f.rule: f.rows for f in dataset.quality if f.table == table and not f.tally}


def tallies(dataset: Dataset, table: str = "events") -> dict[str, int]:
    """rows-read, rows-set-aside and rows-kept of one table."""
    return {f.rule: f.rows for f in dataset.quality if f.table == table and f.tally}


@pytest.fixture
def schema():  # type: ignore[no-untyped-def]
    return imaging_schema()


# ------------------------------------------------------------------------------ hygiene


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_every_rule_is_counted_exactly(tmp_path: Path, schema, fmt: str) -> None:  # type: ignore[no-untyped-def]
    path = write_events(tmp_path, GOOD + DIRTY, fmt)
    dataset = load_dataset(schema, {"events": path}, as_of=CUT)
    assert counts(dataset) == EXPECTED
    events = dataset.tables["events"]
    assert events.num_rows == len(GOOD)
    assert sorted(events.column("subject").to_pylist()) == ["1001", "1001", "1002"]
    assert events.schema.field("at").type == pa.timestamp("us", tz="UTC")
    total_rows = events.num_rows + sum(EXPECTED.values())
    assert total_rows == len(GOOD + DIRTY)  # nothing dropped silently


def test_examples_name_the_keys(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    dataset = load_dataset(
        schema, {"events": write_events(tmp_path, GOOD + DIRTY, "csv")}, as_of=CUT
    )
    found = {f.rule: f for f in dataset.quality}
    assert found["null-key"].examples == ("S1/(null)/1003/BL",)
    assert found["duplicate-row"].examples == ("S1/001/1001/BL",)
    assert found["after-as-of"].examples == ("S1/003/1007/BL",)
    assert found["unknown-event"].message


def test_optional_keys_may_be_null(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    events = schema.table("events")
    loose = {"subject", "timepoint"}
    columns = tuple(replace(c, optional=True) if c.name in loose else c for c in events.columns)
    schema = replace(schema, tables=(replace(events, columns=columns), *schema.tables[1:]))
    stamp = "2026-03-02T10:00Z"
    rows = [
        ("S1", "001", None, None, "scan_acquired", stamp),  # a site-level event: kept
        ("S1", None, "1001", "BL", "scan_acquired", stamp),  # required key missing
        ("S1", "001", None, None, "nope", stamp),
    ]
    dataset = load_dataset(schema, {"events": write_events(tmp_path, rows, "csv")})
    assert dataset.tables["events"].num_rows == 1
    found = {f.rule: f.examples for f in dataset.quality if f.table == "events" and not f.tally}
    assert found == {"null-key": ("S1/(null)/1001/BL",), "unknown-event": ("S1/001",)}


def test_examples_are_capped_at_five(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    rows = [("S1", "001", str(n), "BL", "nope", "2026-03-02T10:00Z") for n in range(8)]
    dataset = load_dataset(schema, {"events": write_events(tmp_path, GOOD + rows, "csv")})
    (finding,) = [f for f in dataset.quality if f.rule == "unknown-event"]
    assert finding.rows == 8
    assert finding.examples == tuple(f"S1/001/{n}/BL" for n in range(5))


def test_csv_lines_with_wrong_field_count_are_unreadable(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    path = write_events(tmp_path, GOOD, "csv")
    with path.open("a", encoding="utf-8") as out:
        out.write("S1,001,1009,BL,scan_acquired,2026-03-02T10:00Z,surplus\n")
        out.write("S1,001,1010\n")
        out.write("S1,001,1011,BL,scan_acquired,yesterday\n")
    dataset = load_dataset(schema, {"events": path})
    (finding,) = [f for f in dataset.quality if f.rule == "unreadable-row"]
    assert finding.rows == 3
    assert finding.examples == ("line 5", "line 6", "S1/001/1011/BL")
    assert "2 line(s)" in finding.message and "`at`" in finding.message
    assert dataset.tables["events"].num_rows == len(GOOD)


def test_invalid_json_lines_are_unreadable(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    path = write_events(tmp_path, GOOD, "jsonl")
    with path.open("a", encoding="utf-8") as out:
        out.write('{"study": "S1", "site": \n')
        out.write("\n")  # blank lines are not rows
        out.write("[1, 2]\n")
    dataset = load_dataset(schema, {"events": path})
    assert counts(dataset) == {"unreadable-row": 2}
    assert dataset.tables["events"].num_rows == len(GOOD)


def test_as_of_defaults_to_the_latest_clean_event(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    dataset = load_dataset(schema, {"events": write_events(tmp_path, GOOD + DIRTY, "csv")})
    assert dataset.as_of == dt.datetime(2026, 4, 2, 10, tzinfo=UTC)
    assert dataset.as_of.utcoffset() == dt.timedelta(0)
    assert "after-as-of" not in counts(dataset)


def test_as_of_is_converted_to_utc_and_must_be_aware(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    path = write_events(tmp_path, GOOD, "csv")
    plus_two = dt.datetime(2026, 3, 3, 10, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    dataset = load_dataset(schema, {"events": path}, as_of=plus_two)
    assert dataset.as_of == dt.datetime(2026, 3, 3, 8, tzinfo=UTC)
    assert dataset.as_of.tzinfo == UTC
    assert counts(dataset) == {"after-as-of": 1}  # an event exactly at the cut is kept
    assert (
        dt.datetime(2026, 3, 3, 8, tzinfo=UTC) in dataset.tables["events"].column("at").to_pylist()
    )
    with pytest.raises(DataError, match="no time zone"):
        load_dataset(schema, {"events": path}, as_of=dt.datetime(2026, 3, 3))


def test_naive_timestamps_are_read_in_the_given_zone(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    rows = [("S1", "001", "1001", "BL", "scan_acquired", "2026-03-02 10:00")]
    path = write_events(tmp_path, GOOD + rows, "csv")
    dataset = load_dataset(schema, {"events": path}, timezone="America/New_York")
    assert counts(dataset) == {}
    times = dataset.tables["events"].column("at").to_pylist()
    assert dt.datetime(2026, 3, 2, 15, tzinfo=UTC) in times  # EST is UTC-5
    with pytest.raises(DataError, match="unknown time zone"):
        load_dataset(schema, {"events": path}, timezone="Mars/Olympus")


def test_offsets_are_honoured(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    stamps = ["2026-03-02T10:00+0130", "2026-03-02 10:00:00 UTC", "2026-03-02T10:00:00-05:00"]
    rows = [("S1", "001", str(i), "BL", "scan_acquired", s) for i, s in enumerate(stamps)]
    dataset = load_dataset(schema, {"events": write_events(tmp_path, rows, "csv")})
    assert dataset.tables["events"].column("at").to_pylist() == [
        dt.datetime(2026, 3, 2, 8, 30, tzinfo=UTC),
        dt.datetime(2026, 3, 2, 10, tzinfo=UTC),
        dt.datetime(2026, 3, 2, 15, tzinfo=UTC),
    ]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_key_columns_keep_leading_zeros(tmp_path: Path, schema, fmt: str) -> None:  # type: ignore[no-untyped-def]
    rows = [("S1", "001", "0042", "BL", "scan_acquired", "2026-03-02T10:00Z")]
    dataset = load_dataset(schema, {"events": write_events(tmp_path, rows, fmt)})
    assert dataset.tables["events"].column("site").to_pylist() == ["001"]
    assert dataset.tables["events"].column("subject").to_pylist() == ["0042"]


def test_json_numbers_become_text_keys(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.ndjson"
    record = {"study": "S1", "site": 7, "subject": 1001, "timepoint": "BL"}
    path.write_text(json.dumps({**record, "event": "qc_passed", "at": "2026-03-02T10:00Z"}) + "\n")
    events = load_dataset(schema, {"events": path}).tables["events"]
    assert events.column("site").to_pylist() == ["7"]


# ------------------------------------------------------------------------ fingerprint


def test_fingerprint_is_the_same_across_formats_and_row_order(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    prints = set()
    for fmt in ("csv", "parquet", "jsonl"):
        folder = tmp_path / fmt
        folder.mkdir()
        rows = GOOD + DIRTY if fmt != "parquet" else list(reversed(GOOD + DIRTY))
        prints.add(load_dataset(schema, {"events": write_events(folder, rows, fmt)}).fingerprint)
    assert len(prints) == 1


def test_fingerprint_changes_with_the_data_and_the_zone(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    path = write_events(tmp_path, GOOD + DIRTY, "csv")
    base = load_dataset(schema, {"events": path}).fingerprint
    assert load_dataset(schema, {"events": path}).fingerprint == base
    zoned = load_dataset(schema, {"events": path}, timezone="UTC").fingerprint
    assert zoned != base
    changed = write_events(tmp_path / "..", GOOD[:2] + DIRTY, "csv")
    assert load_dataset(schema, {"events": changed}).fingerprint != base
    assert len(base) == 64


# ---------------------------------------------------------------------- dimension tables


def test_dimension_tables_report_null_and_duplicate_keys(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    studies = tmp_path / "studies.csv"
    studies.write_text(
        "study,therapeutic_area,phase\nS1,oncology,3\nS1,oncology,3\nS2,neurology,2\n"
        "S2,oncology,2\n,oncology,1\nS3,cardiology,\n"
    )
    events = write_events(tmp_path, GOOD, "csv")
    dataset = load_dataset(schema, {"events": events, "studies": studies})
    assert counts(dataset, "studies") == {"duplicate-row": 1, "duplicate-key": 2, "null-key": 1}
    assert dataset.tables["studies"].column("study").to_pylist() == ["S1", "S3"]
    assert counts(dataset, "sites") == {"missing-table": 0}
    assert dataset.tables["sites"].num_rows == 0
    assert dataset.tables["sites"].column_names == ["study", "site", "country", "calendar"]


def test_a_missing_events_table_is_an_error(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match="no `events` table"):
        load_dataset(schema, {"studies": tmp_path / "studies.csv"})


# ----------------------------------------------------------------------- user errors


def test_missing_file_is_named(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match=r"events\.csv` does not exist"):
        load_dataset(schema, {"events": tmp_path / "events.csv"})


def test_unknown_extension_is_an_error(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.xls"
    path.write_text("x")
    with pytest.raises(DataError, match="cannot tell the format") as info:
        load_dataset(schema, {"events": path})
    assert any(".parquet" in h for h in info.value.hints)


def test_missing_column_lists_the_columns_and_suggests(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    columns = ["study", "site", "subject", "timepoint", "event", "att"]
    path = write_events(tmp_path, GOOD, "csv", columns)
    with pytest.raises(DataError) as info:
        load_dataset(schema, {"events": path})
    error = info.value
    assert error.message == "events.csv has no column `at` for table `events`"
    assert "did you mean `att`?" in error.hints
    assert "events.csv has: study, site, subject, timepoint, event, att" in error.hints


def test_column_mapping(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    columns = ["STUDY", "site", "subject", "timepoint", "event", "EVENT_TS"]
    path = write_events(tmp_path, GOOD, "csv", columns)
    mapping = parse_column_map(["at=EVENT_TS"])
    dataset = load_dataset(schema, {"events": path}, mapping=mapping)
    assert dataset.tables["events"].num_rows == 3  # STUDY matched case-insensitively
    with pytest.raises(DataError, match="EVENT_TX` \\(mapped to `at`\\)") as info:
        load_dataset(schema, {"events": path}, mapping={"events": {"at": "EVENT_TX"}})
    assert "did you mean `EVENT_TS`?" in info.value.hints
    with pytest.raises(DataError, match="`events.when` in the column mapping"):
        load_dataset(schema, {"events": path}, mapping={"events": {"when": "EVENT_TS"}})
    with pytest.raises(DataError, match="`evnts` is not a table"):
        load_dataset(schema, {"events": path}, mapping={"evnts": {"at": "EVENT_TS"}})


def test_parse_column_map() -> None:
    assert parse_column_map(["at=EVENT_TS", "sites.site = SITE_NO"]) == {
        "events": {"at": "EVENT_TS"},
        "sites": {"site": "SITE_NO"},
    }
    with pytest.raises(DataError, match="cannot read the column mapping"):
        parse_column_map(["at"])


def test_a_column_of_the_wrong_type_is_an_error(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    table = pa.table({c: pa.array(["x"]) for c in COLUMNS[:-1]} | {"at": pa.array([1])})
    path = tmp_path / "events.parquet"
    pq.write_table(table, path)
    with pytest.raises(DataError, match="holds int64 values, which cannot be read as timestamp"):
        load_dataset(schema, {"events": path})


def test_a_column_with_no_readable_value_is_an_error(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    rows = [("S1", "001", str(n), "BL", "scan_acquired", "next tuesday") for n in range(3)]
    with pytest.raises(DataError, match="no value of column `at`.*'next tuesday'"):
        load_dataset(schema, {"events": write_events(tmp_path, rows, "csv")})


def test_unreadable_file_is_an_error(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "events.parquet"
    path.write_text("this is not parquet")
    with pytest.raises(DataError, match="cannot read .*events.parquet` as parquet"):
        load_dataset(schema, {"events": path})


# ---------------------------------------------------------------------- other sources


def test_duckdb_file_source_and_discovery(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "trial.duckdb"
    frame = pa.table({c: pa.array([r[i] for r in GOOD]) for i, c in enumerate(COLUMNS)})
    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute("CREATE TABLE events AS SELECT * FROM frame")
        con.execute("CREATE TABLE studies AS SELECT 'S1' AS study, 'oncology' AS therapeutic_area")
    sources = discover_sources(path, schema)
    assert sources == {"events": path, "studies": path}
    dataset = load_dataset(schema, sources)
    assert dataset.tables["events"].num_rows == 3
    assert dataset.tables["studies"].column("therapeutic_area").to_pylist() == ["oncology"]
    with pytest.raises(DataError, match="has no table `sites`"):
        load_dataset(schema, {"events": path, "sites": path})


def test_pandas_and_arrow_frames(schema) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame([dict(zip(COLUMNS, r, strict=True)) for r in GOOD + DIRTY])
    from_pandas = load_dataset(schema, {"events": frame}, as_of=CUT)
    assert counts(from_pandas) == EXPECTED
    stamps = pa.array([dt.datetime(2026, 3, 2, 10, tzinfo=UTC)], pa.timestamp("ns", tz="UTC"))
    arrow = pa.table({c: pa.array(["S1"]) for c in COLUMNS[:4]})
    arrow = arrow.append_column("event", pa.array(["qc_passed"])).append_column("at", stamps)
    events = load_dataset(schema, {"events": arrow}).tables["events"]
    assert events.column("at").to_pylist() == [dt.datetime(2026, 3, 2, 10, tzinfo=UTC)]


def test_naive_arrow_timestamps_follow_the_zone_rule(schema) -> None:  # type: ignore[no-untyped-def]
    arrow = pa.table({c: pa.array(["S1", "S1"]) for c in COLUMNS[:4]})
    arrow = arrow.append_column("event", pa.array(["qc_passed", "qc_failed"]))
    arrow = arrow.append_column("at", pa.array([dt.datetime(2026, 3, 2, 10)] * 2))
    with pytest.raises(DataError, match=r"every row of .* was set aside \(2 read") as info:
        load_dataset(schema, {"events": arrow}, as_of=CUT)
    assert "naive-timestamp: 2 row(s)" in info.value.hints[0]
    assert any("--timezone" in hint for hint in info.value.hints)
    zoned = load_dataset(schema, {"events": arrow}, timezone="Europe/Berlin")
    assert zoned.tables["events"].column("at").to_pylist()[0] == dt.datetime(
        2026, 3, 2, 9, tzinfo=UTC
    )


def test_discover_sources(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match="does not exist"):
        discover_sources(tmp_path / "nowhere", schema)
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(DataError, match=r"no events table .*notes\.txt") as info:
        discover_sources(tmp_path, schema)
    assert any("events.csv" in h and "events.parquet" in h for h in info.value.hints)
    events = write_events(tmp_path, GOOD, "csv")
    (tmp_path / "Sites.parquet").write_text("")
    assert discover_sources(tmp_path, schema) == {
        "events": events,
        "sites": tmp_path / "Sites.parquet",
    }
    write_events(tmp_path, GOOD, "jsonl")
    with pytest.raises(DataError, match="given twice"):
        discover_sources(tmp_path, schema)


# ---------------------------------------------------------------------------- examples


def test_dataset_from_example(schema) -> None:  # type: ignore[no-untyped-def]
    events = (
        ("study", "site", "subject", "timepoint", "event", "at"),
        ("S1", "001", "1001", "BL", "scan_acquired", "2026-03-02T10:00Z"),
        ("S1", "001", "1001", "BL", "images_received", ""),
        ("S1", "001", "1002", "BL", "scan_acquired", "2026-03-12T10:00Z"),
    )
    studies = (("study", "therapeutic_area"), ("S1", "neurology"))
    example = Example(
        title="t",
        metric="XFER-OT",
        as_of=dt.datetime(2026, 3, 11, tzinfo=UTC),
        variant=None,
        tables=(("events", events), ("studies", studies)),
        expect=(("value", Decimal("0.5")),),
    )
    dataset = dataset_from_example(schema, example)
    assert dataset.as_of == dt.datetime(2026, 3, 11, tzinfo=UTC)
    assert counts(dataset) == {"null-timestamp": 1, "after-as-of": 1}
    assert dataset.tables["events"].column("site").to_pylist() == ["001"]
    assert dataset.tables["studies"].column("phase").to_pylist() == [None]
    assert dataset.tables["sites"].num_rows == 0
    assert "sites" not in {f.table for f in dataset.quality if not f.tally}


def test_rows_that_differ_only_in_where_their_values_sit_are_not_copies(
    tmp_path: Path,
    schema,  # type: ignore[no-untyped-def]
) -> None:
    swapped = [
        ("S1", "001", "002", "BL", "scan_acquired", "2026-03-02T10:00Z"),
        ("S1", "002", "001", "BL", "scan_acquired", "2026-03-02T10:00Z"),
        ("S1", "001", "002", "BL", "scan_acquired", "2026-03-02T10:00Z"),  # the one copy
        ("S1", "001", None, "BL", "scan_acquired", "2026-03-02T10:00Z"),  # null-key
        ("S1", None, "001", "BL", "scan_acquired", "2026-03-02T10:00Z"),  # null-key, not a copy
    ]
    dataset = load_dataset(schema, {"events": write_events(tmp_path, swapped, "csv")}, as_of=CUT)
    assert counts(dataset, "events") == {"duplicate-row": 1, "null-key": 2}
    assert dataset.tables["events"].num_rows == 2


@pytest.mark.parametrize("sort_rows", [2, 1000])
def test_copies_are_found_whether_the_hashes_are_sorted_in_slices_or_at_once(
    tmp_path: Path,
    schema,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    sort_rows: int,
) -> None:
    monkeypatch.setattr("imx.data._SORT_ROWS", sort_rows)  # 2: each slice of 2 rows at most
    distinct = [
        ("S1", f"{site:03}", f"{1000 + n}", "BL", "scan_acquired", f"2026-03-0{1 + n % 9}T10:00Z")
        for site in range(1, 5)
        for n in range(6)
    ]
    rows = distinct + distinct[:5] + distinct[:3] + distinct[-1:]  # 5 + 3 + 1 extra copies
    dataset = load_dataset(schema, {"events": write_events(tmp_path, rows, "csv")}, as_of=CUT)
    assert counts(dataset, "events") == {"duplicate-row": 9}
    kept = dataset.tables["events"]
    assert kept.num_rows == len(distinct)
    found = zip(kept.column("site").to_pylist(), kept.column("subject").to_pylist(), strict=True)
    assert sorted(found) == sorted((r[1], r[2]) for r in distinct)


def test_a_parquet_column_named_like_duckdbs_row_number_is_just_another_column(
    tmp_path: Path,
    schema,  # type: ignore[no-untyped-def]
) -> None:
    rows = [(*GOOD[0], "7"), (*GOOD[1], "7"), (*GOOD[0], "8")]  # the last: a copy of the first
    plain = write_events(tmp_path, [r[:-1] for r in rows], "parquet")
    extra = write_events(tmp_path / "x", rows, "parquet", [*COLUMNS, "file_row_number"])
    a = load_dataset(schema, {"events": plain}, as_of=CUT)
    b = load_dataset(schema, {"events": extra}, as_of=CUT)
    assert counts(b) == counts(a) == {"duplicate-row": 1}
    assert b.fingerprint == a.fingerprint


def test_a_loaded_dataset_is_cut_again_only_before_its_own_cut(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    dataset = load_dataset(schema, {"events": write_events(tmp_path, GOOD, "csv")})
    tables = dataset.tables
    assert isinstance(tables, StoredTables)
    later = dataset.as_of + dt.timedelta(days=1)
    assert tables.cut("at", dataset.as_of) == (tables, 0)  # nothing is later
    assert tables.cut("at", later) == (tables, 0)
    stamps = sorted(tables["events"].column("at").to_pylist())
    earlier, n_after = stamps[-2], sum(s > stamps[-2] for s in stamps)
    kept, n_late = tables.cut("at", earlier)
    assert n_late == n_after > 0 and kept is not tables
    assert kept["events"].num_rows == len(stamps) - n_after
    assert kept.cut("at", earlier) == (kept, 0)
    assert tables.bounds("events", "at") == (stamps[0], stamps[-1])  # known from loading
    assert kept.bounds("events", "at") == (stamps[0], earlier)  # asked of DuckDB


@pytest.mark.parametrize("statistics", [True, False])
def test_empty_text_in_parquet_is_null_with_or_without_statistics(
    tmp_path: Path,
    schema,
    statistics: bool,  # type: ignore[no-untyped-def]
) -> None:
    # DuckDB skips the empty-text check on a column whose Parquet statistics rule it out
    rows = [(*GOOD[0][:4], "", GOOD[0][5]), *GOOD[1:]]
    table = pa.table({c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(COLUMNS)})  # fmt: skip
    pq.write_table(table, tmp_path / "events.parquet", write_statistics=statistics, row_group_size=2)  # fmt: skip
    dataset = load_dataset(schema, {"events": tmp_path / "events.parquet"})
    assert counts(dataset) == {"unknown-event": 1}  # the empty event is null
    assert dataset.tables["events"].num_rows == len(GOOD) - 1


def test_a_source_column_named_like_a_placeholder_is_read_as_itself(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    columns = [c if c != "at" else "$zone" for c in COLUMNS]
    naive = [(*row[:5], "2026-03-02 10:00") for row in GOOD]
    path = write_events(tmp_path, naive, "csv", columns)
    mapping = {"events": {"at": "$zone"}}
    dataset = load_dataset(schema, {"events": path}, mapping=mapping, timezone="Europe/Berlin")
    stamps = set(dataset.tables["events"].column("at").to_pylist())
    assert stamps == {dt.datetime(2026, 3, 2, 9, tzinfo=UTC)}  # 10:00 in Berlin


def test_with_no_event_declared_every_event_is_unknown(tmp_path: Path, schema) -> None:  # type: ignore[no-untyped-def]
    path = write_events(tmp_path, GOOD, "csv")
    with pytest.raises(DataError, match="every row of events.csv was set aside") as info:
        load_dataset(replace(schema, events=()), {"events": path}, as_of=CUT)
    assert info.value.hints[0].startswith(f"unknown-event: {len(GOOD)} row(s)")
