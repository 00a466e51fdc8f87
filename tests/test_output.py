"""Writing results: file naming, byte-identical output, round trips, unknown extensions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imx.errors import OutputError
from imx.output import as_json_text, ordered, register_writer, write_results
from imx.plan import LEVEL_RANK, level_ranks
from support_data import RESULT_SCHEMA, SAMPLE_QUALITY, SAMPLE_ROWS, fake_results

FORMATS = [".csv", ".json", ".parquet"]


def written(folder: Path, suffix: str, rows: list[dict[str, object]]) -> dict[str, bytes]:
    folder.mkdir()
    paths = write_results(fake_results(rows, SAMPLE_QUALITY), folder / f"results{suffix}")
    return {p.name: p.read_bytes() for p in paths}


@pytest.mark.parametrize("suffix", FORMATS)
def test_same_results_give_byte_identical_files(tmp_path: Path, suffix: str) -> None:
    first = written(tmp_path / "a", suffix, SAMPLE_ROWS)
    # an engine may return the rows of one metric in any order (GROUP BY)
    shuffled = [SAMPLE_ROWS[1], SAMPLE_ROWS[0], *SAMPLE_ROWS[2:]]
    second = written(tmp_path / "b", suffix, shuffled)
    assert first == second
    assert all(len(content) > 0 for content in first.values())


@pytest.mark.parametrize(
    ("suffix", "names"),
    [
        (".csv", ["results.csv", "results.quality.csv", "results.stamp.json"]),
        (".parquet", ["results.parquet", "results.quality.parquet", "results.stamp.json"]),
        (".json", ["results.json"]),
    ],
)
def test_file_naming(tmp_path: Path, suffix: str, names: list[str]) -> None:
    assert list(written(tmp_path / "out", suffix, SAMPLE_ROWS)) == names


def test_a_different_result_gives_different_bytes(tmp_path: Path) -> None:
    changed = [dict(SAMPLE_ROWS[0], value=0.51)] + SAMPLE_ROWS[1:]
    assert written(tmp_path / "a", ".csv", SAMPLE_ROWS) != written(tmp_path / "b", ".csv", changed)


def test_csv_round_trip(tmp_path: Path) -> None:
    files = written(tmp_path / "out", ".csv", SAMPLE_ROWS)
    expected = as_json_text(ordered(fake_results(SAMPLE_ROWS).table))  # maps as JSON text
    options = pacsv.ConvertOptions(column_types=expected.schema, strings_can_be_null=True)
    back = pacsv.read_csv(tmp_path / "out" / "results.csv", convert_options=options)
    assert back.to_pylist() == expected.to_pylist()
    reasons = back["excluded_by_reason"].to_pylist()
    assert reasons[:2] == ['{"Cancelled visits are not expected to arrive": 1}', "{}"]
    quality = pacsv.read_csv(tmp_path / "out" / "results.quality.csv").to_pylist()
    assert [(q["rule"], q["rows"], q["examples"]) for q in quality] == [
        ("null-key", 2, "S1/(null)/1003/BL"),
        ("negative-duration", 1, "S1/001/1004/BL"),
    ]
    stamp = json.loads(files["results.stamp.json"])
    assert stamp == {
        "spec_hash": "a" * 64,
        "imx_version": "0.1.0",
        "data_fingerprint": "b" * 64,
        "as_of": "2026-03-11T00:00:00Z",
        "engine": "duckdb",
        "levels": "",
        "period": "",
        "metrics": "",
        "versions": "",
    }


def test_parquet_round_trip(tmp_path: Path) -> None:
    written(tmp_path / "out", ".parquet", SAMPLE_ROWS)
    back = pq.read_table(tmp_path / "out" / "results.parquet")
    expected = as_json_text(ordered(fake_results(SAMPLE_ROWS).table))  # maps as JSON text
    assert back.schema.remove_metadata() == expected.schema
    assert back.schema.field("stats").type == pa.string()
    assert back.to_pylist() == expected.to_pylist()
    assert json.loads(back.schema.metadata[b"imx.stamp"])["data_fingerprint"] == "b" * 64
    quality = pq.read_table(tmp_path / "out" / "results.quality.parquet")
    assert quality.column("examples").to_pylist() == [["S1/(null)/1003/BL"], ["S1/001/1004/BL"]]


def test_json_round_trip(tmp_path: Path) -> None:
    document = json.loads(written(tmp_path / "out", ".json", SAMPLE_ROWS)["results.json"])
    assert list(document) == ["stamp", "results", "quality"]
    rows = document["results"]
    assert len(rows) == len(SAMPLE_ROWS)
    site = next(r for r in rows if r["level"] == "site")
    assert site["excluded_by_reason"] == {"Cancelled visits are not expected to arrive": 1}
    assert site["value"] == 0.5 and site["site"] == "001"
    assert document["quality"][1]["metric"] == "XFER-CT"


def test_canonical_order() -> None:
    rows = [SAMPLE_ROWS[1], SAMPLE_ROWS[2], SAMPLE_ROWS[0]]
    table = ordered(pa.Table.from_pylist(rows, schema=RESULT_SCHEMA))
    assert list(zip(table["metric"].to_pylist(), table["level"].to_pylist(), strict=True)) == [
        ("XFER-OT", "site"),
        ("XFER-OT", "portfolio"),
        ("XFER-CT", "portfolio"),
    ]


def test_unknown_extension_and_missing_folder(tmp_path: Path) -> None:
    results = fake_results(SAMPLE_ROWS)
    with pytest.raises(OutputError, match="unknown output format `.xls`") as info:
        write_results(results, tmp_path / "results.xls")
    assert info.value.hints == (
        "name the output file with one of: .csv, .html, .json, .parquet, .xlsx",
    )
    with pytest.raises(OutputError, match="does not exist"):
        write_results(results, tmp_path / "nowhere" / "results.csv")


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_failed_write_leaves_no_partial_file_and_the_old_one_unchanged(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from imx.output import WRITERS, sidecar

    target = tmp_path / f"results{suffix}"
    target.write_bytes(b"earlier results\n")

    def full(results: object, path: Path, model: object) -> list[Path]:
        sidecar(path, "quality", suffix).write_bytes(b"a whole sidecar")
        path.write_bytes(b"half a fi")  # then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setitem(WRITERS, suffix, full)
    message = re.escape(f"cannot write `{target}`: No space left on device")
    with pytest.raises(OutputError, match=message) as info:
        write_results(fake_results(SAMPLE_ROWS, SAMPLE_QUALITY), target)
    assert "unchanged" in info.value.hints[0]
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no sidecar, no staging folder
    assert target.read_bytes() == b"earlier results\n"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("folder.csv", "it is a folder"),
        ("link.csv", "it is not a regular file"),
        ("results", "unknown output format `(none)`"),
        ("results.CSV.txt", "unknown output format `.txt`"),
    ],
)
def test_the_output_path_is_checked_before_anything_is_written(
    tmp_path: Path, name: str, message: str
) -> None:
    from imx.output import check_output_file

    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "link.csv").symlink_to("/dev/null")
    with pytest.raises(OutputError, match=re.escape(message)):
        check_output_file(tmp_path / name)
    assert check_output_file(tmp_path / "results.PARQUET") == tmp_path / "results.PARQUET"


def test_a_writer_can_be_registered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from imx.output import WRITERS

    def fake_html(results: object, path: Path, model: object) -> list[Path]:
        path.write_text("<html></html>")
        return [path]

    monkeypatch.setitem(WRITERS, ".htmlx", fake_html)  # removed again after the test
    register_writer(".HTMLX", fake_html)
    assert write_results(fake_results(SAMPLE_ROWS), tmp_path / "r.htmlx") == [tmp_path / "r.htmlx"]


_cells = st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))


@given(
    st.lists(
        st.tuples(st.sampled_from(["M1", "M2"]), st.sampled_from(["site", "study", "portfolio", "by:x"]), _cells, _cells),
        min_size=1, max_size=12,
    )
)  # fmt: skip
def test_a_table_is_left_as_is_exactly_when_a_sort_would_not_move_a_row(
    rows: list[tuple[str, str, str | None, str | None]],
) -> None:
    table = pa.table(
        {
            "metric": [r[0] for r in rows],
            "level": [r[1] for r in rows],
            "study": pa.array([r[2] for r in rows], pa.string()),
            "site": pa.array([r[3] for r in rows], pa.string()),
        }
    )
    result = ordered(table)
    metric = pc.index_in(table["metric"], pc.unique(table["metric"]))
    keys = pa.table(
        {
            "m": metric,
            "l": level_ranks(table["level"], LEVEL_RANK, by=2, other=4),
            "study": table["study"],
            "site": table["site"],
            "level": table["level"],
        }
    )
    order = pc.sort_indices(keys, sort_keys=[(k, "ascending", "at_start") for k in keys.column_names])  # fmt: skip
    stays = order.to_pylist() == list(range(table.num_rows))  # a stable sort moves nothing
    assert (result is table) == stays
    assert result.equals(table.take(order))


def test_a_table_once_put_in_order_is_not_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import imx.output

    checks: list[int] = []
    real = imx.output.in_order
    monkeypatch.setattr(imx.output, "in_order", lambda keys: checks.append(1) or real(keys))
    table = pa.table({"metric": ["B", "A", "B"], "level": ["portfolio", "site", "site"]})
    first = ordered(table)
    assert first["level"].to_pylist() == ["site", "portfolio", "site"]
    assert ordered(first) is first and ordered(first) is first
    assert len(checks) == 1  # the writer and the scorecard of one run check the order once
