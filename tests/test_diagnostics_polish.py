"""Diagnostics polish: did-you-mean names the best one or two, a file never read gets no invented
location, and the SARIF log documents every rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imx import codes
from imx.checker import check_paths
from imx.diagnostics import did_you_mean
from imx.render import diagnostics as R


@pytest.mark.parametrize(
    ("name", "candidates", "hint"),
    [
        ("images_recieved", ["images_received", "images_incomplete"], "`images_received`?"),
        (
            "America/New_Yrok",
            ["America/New_York", "America/Nuuk", "America/Nome"],
            "`America/New_York`?",
        ),
        ("Q-3", ["Q-1", "Q-2"], "`Q-1` or `Q-2`?"),
        ("qc_pased", ["qc_passed", "qc_failed"], "`qc_passed`?"),
    ],
)
def test_did_you_mean_offers_the_best_one_or_two(
    name: str, candidates: list[str], hint: str
) -> None:
    assert did_you_mean(name, candidates) == [f"did you mean {hint}"]


def test_no_suggestion_is_weak() -> None:
    assert did_you_mean("zzz", ["images_received", "qc_passed"]) == []


def test_a_file_never_read_has_no_line_or_column(tmp_path: Path) -> None:
    from rich.console import Console

    spec = tmp_path / "a.imx"
    spec.write_text("import stdlib.schema\n")
    missing = str(tmp_path / "gone.imx")
    result = check_paths([str(spec), missing])
    diags = [d for d in result.diagnostics if d.code == "file-not-found"]
    assert diags and diags[0].file == missing
    console = Console(record=True, no_color=True, width=200)
    R.render_text(diags, result.sources, console)
    text = console.export_text()
    assert f"--> {missing}\n" in text and ":1:1" not in text
    item = json.loads(R.to_json(diags, result.sources))[0]
    assert item["line"] is None and item["column"] is None
    sarif = json.loads(R.to_sarif(diags, result.sources))
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": missing}}


def test_sarif_rules_carry_descriptions_help_and_hints(tmp_path: Path) -> None:
    spec = tmp_path / "a.imx"
    spec.write_text(
        'import stdlib.schema\n\nmetric A "A" {\n    category quality\n    per      timepoint\n'
        "    rate     has qc_pased\n}\n"
    )
    result = check_paths([str(spec)])
    log = json.loads(R.to_sarif(list(result.diagnostics), result.sources))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == {c.name for c in codes.all_codes()}
    for rule in rules.values():
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["helpUri"].split("#")[0].endswith("diagnostics.md")
        assert rule["help"]["markdown"]
    assert "Names" in rules["unknown-event"]["fullDescription"]["text"]
    result_ = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "unknown-event")
    assert "- hint: did you mean `qc_passed`?" in result_["message"]["markdown"]


def test_a_hosted_docs_address_is_used_when_given(monkeypatch: pytest.MonkeyPatch) -> None:
    from imx.code_docs import help_uri

    monkeypatch.setenv("IMX_DOCS_URL", "https://docs.example.org/imx/")
    assert help_uri("band-gap") == "https://docs.example.org/imx/diagnostics/#bands-and-targets"
