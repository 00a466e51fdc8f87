"""Rendered diagnostics of every checker case match their goldens (text for people, JSON, SARIF)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

import checkcases
from imx.render import diagnostics as R

CASES = checkcases.case_paths()


def _rendered(case: Path) -> str:
    result = checkcases.run(case)
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, no_color=True, highlight=False, soft_wrap=True)
    R.render_text(list(result.diagnostics), result.sources, console)
    console.print(R.summary_line(list(result.diagnostics), len(result.sources)))
    return buffer.getvalue().replace(str(checkcases.ROOT) + "/", "")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rendered_text_matches_golden(case: Path, golden: Callable[[Path, str], None]) -> None:
    target = case.with_name(case.name.removesuffix(".imx") + ".diagnostics.txt")
    golden(target, _rendered(case))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_json_and_sarif_agree_with_the_text(case: Path) -> None:
    result = checkcases.run(case)
    items = json.loads(R.to_json(list(result.diagnostics), result.sources))
    sarif = json.loads(R.to_sarif(list(result.diagnostics), result.sources))
    results = sarif["runs"][0]["results"]
    assert [i["code"] for i in items] == [r["ruleId"] for r in results]
    for item, res in zip(items, results, strict=True):
        region = res["locations"][0]["physicalLocation"]["region"]
        assert (item["line"], item["column"]) == (region["startLine"], region["startColumn"])
        assert (item["end_line"], item["end_column"]) >= (item["line"], item["column"])


def test_sarif_rules_are_the_registered_codes_with_their_summaries() -> None:
    from imx import codes

    result = checkcases.run(checkcases.CASES / "names.imx")
    sarif = json.loads(R.to_sarif(list(result.diagnostics), result.sources))
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [(r["id"], r["shortDescription"]["text"]) for r in rules] == [
        (c.name, c.summary) for c in codes.all_codes()
    ]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert levels["unused-param"] == "warning" and levels["unknown-event"] == "error"
    assert run["results"]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
