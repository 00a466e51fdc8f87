"""`imx diff`: the corpus of diff cases (tests/cases/diff), the field table, and properties.

A case is ``NAME.old.imx`` and ``NAME.new.imx``; the new file's header lists every change
expected, ``# expect: KIND KEY STATUS [FIELD CLASS]``, and the diff must give exactly those. Its
text, Markdown and JSON renderings are goldens (``NAME.diff.txt``, ``.diff.md``, ``.diff.json``;
``pytest tests/test_diff.py --update-goldens`` writes them).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imx import model as m
from imx.checker import check_paths
from imx.diff import CLASSES, IDENTITY, PARTS, Class, diff_models
from imx.render import diff as R
from imx.syntax.fmt import format_source

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "diff"
STDLIB = ROOT / "tests" / "fixtures" / "check_stdlib"
EXPECT = re.compile(
    r"^# expect: (metric set|\w+) (\S+) (added|removed|renamed|changed)(?: (\S+) (\w+))?$", re.M
)
NAMES = sorted(p.name.removesuffix(".old.imx") for p in CASES.glob("*.old.imx"))


def load(path: Path) -> m.Model:
    result = check_paths([path], stdlib_root=STDLIB)
    assert result.model is not None, [(d.code, d.message) for d in result.diagnostics]
    return result.model


def classified(old: m.Model, new: m.Model) -> set[tuple[str, ...]]:
    """Each change as the case files write it: (kind, key, status[, field, class])."""
    found: set[tuple[str, ...]] = set()
    for c in diff_models(old, new).changes:
        if c.status != "changed":
            found.add((c.kind, c.key, c.status))
        if c.status in ("changed", "renamed"):
            found |= {(c.kind, c.key, c.status, f.field, f.cls.value) for f in c.fields}
    return found


@pytest.mark.parametrize("name", NAMES)
def test_diff_case_names_exactly_the_expected_changes(name: str) -> None:
    new_path = CASES / f"{name}.new.imx"
    expected = {tuple(x for x in g if x) for g in EXPECT.findall(new_path.read_text("utf-8"))}
    assert classified(load(CASES / f"{name}.old.imx"), load(new_path)) == expected


@pytest.mark.parametrize("name", NAMES)
def test_diff_case_renderings_match_their_goldens(
    name: str, golden: Callable[[Path, str], None]
) -> None:
    old, new = load(CASES / f"{name}.old.imx"), load(CASES / f"{name}.new.imx")
    diff = diff_models(old, new)
    sides = (f"{name}.old.imx", f"{name}.new.imx")
    golden(CASES / f"{name}.diff.txt", R.to_text(diff, None, *sides) + "\n")
    golden(CASES / f"{name}.diff.md", R.to_markdown(diff, None, *sides))
    golden(CASES / f"{name}.diff.json", R.to_json(diff, None, *sides) + "\n")


def test_the_corpus_covers_every_class_and_status() -> None:
    found = set().union(
        *(EXPECT.findall((CASES / f"{n}.new.imx").read_text("utf-8")) for n in NAMES)
    )
    assert {g[4] for g in found if g[4]} == {c.value for c in Class}
    assert {g[2] for g in found} == {"added", "removed", "renamed", "changed"}
    assert (CASES / "layout.diff.txt").read_text("utf-8").endswith("no differences\n")


# ----------------------------------------------------------------------- the field table


def _model_types() -> set[type]:
    """Every dataclass of the model that a diff compares as an entity."""
    return {m.Model, m.SchemaDef, m.EventDef, m.TableDef, m.UnitDef, m.CalendarDef, m.Metric,
            m.ResolvedMetric, m.Variant, m.Csf, m.MetricSet}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(_model_types(), key=lambda t: t.__name__))
def test_every_field_of_a_compared_entity_is_classed(kind: type) -> None:
    # A field added to the model must be given a class (or a reason to be skipped) in
    # imx.diff.CLASSES, so a new field is never silently left out of a review.
    names = {f.name for f in dataclasses.fields(kind)}
    assert kind in CLASSES, f"{kind.__name__} is not in imx.diff.CLASSES"
    assert sorted(names - set(CLASSES[kind])) == [], "unclassed fields: add them to CLASSES"
    assert sorted(set(CLASSES[kind]) - names) == [], "CLASSES names fields that do not exist"


# --------------------------------------------------------------------------- properties

STDLIB_MODEL = load(ROOT / "stdlib_metrics")


def _formatted(tmp: Path) -> Path:
    for path in (ROOT / "stdlib_metrics").rglob("*.imx"):
        target = tmp / path.relative_to(ROOT / "stdlib_metrics")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(format_source(path.read_text("utf-8"), str(path)).text, "utf-8")
    return tmp


def test_diff_of_a_project_and_its_formatted_copy_is_empty(tmp_path: Path) -> None:
    assert diff_models(STDLIB_MODEL, load(_formatted(tmp_path))).empty
    assert diff_models(STDLIB_MODEL, STDLIB_MODEL).empty


CASE_FILES = sorted(CASES.glob("*.imx"))


@settings(max_examples=30)
@given(st.sampled_from(CASE_FILES), st.randoms(use_true_random=False))
def test_diff_of_any_case_file_and_its_messed_up_layout_is_empty(path: Path, rnd: Any) -> None:
    # Re-indent every line by a random amount and add blank lines and comments: the model is the
    # same, so the diff is empty.
    lines = []
    for line in path.read_text("utf-8").splitlines():
        lines.append(" " * rnd.randint(0, 3) + line.strip() if not line.startswith("#") else line)
        if rnd.random() < 0.2 and not line.rstrip().endswith(('"""', "{")):
            lines.append("# a comment that changes nothing")
    messy = "\n".join(lines) + "\n"
    a = check_paths([path], stdlib_root=STDLIB).model
    target = Path(str(path) + ".messy")
    try:
        target.write_text(messy, "utf-8")
        b = check_paths([target], stdlib_root=STDLIB).model
    finally:
        target.unlink()
    assert a is not None and b is not None
    assert diff_models(a, b).empty


def _values(field: str) -> list[Any]:
    """The distinct values the stdlib's metrics and variants give ``field``, plus a few more."""
    seen = [getattr(x.base, field) for x in STDLIB_MODEL.metrics]
    seen += [getattr(v.resolved, field) for x in STDLIB_MODEL.metrics for v in x.variants]
    extra = {"calendar_table": ["studies"], "title": ["Another title"], "min_n": [1, 99]}
    out: list[Any] = []
    for v in [*seen, *extra.get(field, [])]:
        if v not in out:
            out.append(v)
    return out


MUTABLE = [
    f for f, role in CLASSES[m.ResolvedMetric].items() if isinstance(role, Class) and f != "params"
]


@settings(max_examples=100)
@given(st.sampled_from(STDLIB_MODEL.metrics), st.sampled_from(MUTABLE), st.data())
def test_a_single_field_mutation_is_named_exactly_with_its_class(
    metric: m.Metric, field: str, data: st.DataObject
) -> None:
    other = [v for v in _values(field) if v != getattr(metric.base, field)]
    if not other:
        return  # every metric of the stdlib agrees on it and there is no other value to try
    value = data.draw(st.sampled_from(other))
    mutated = dataclasses.replace(metric, base=dataclasses.replace(metric.base, **{field: value}))
    metrics = tuple(mutated if x is metric else x for x in STDLIB_MODEL.metrics)
    new = dataclasses.replace(STDLIB_MODEL, metrics=metrics)
    changes = diff_models(STDLIB_MODEL, new).changes
    assert [(c.kind, c.key, c.status) for c in changes] == [("metric", metric.id, "changed")]
    role = CLASSES[m.ResolvedMetric][field]
    assert [(f.field, f.cls) for f in changes[0].fields] in (
        [(field, role)],
        [(field, Class.WORDING)],  # a method field whose values differ only in wording parts
    )
    if changes[0].fields[0].cls is Class.WORDING and role is not Class.WORDING:
        assert field == "excludes"


@settings(max_examples=40)
@given(st.sampled_from([x for x in STDLIB_MODEL.metrics if x.base.params]), st.data())
def test_a_param_mutation_is_one_method_change(metric: m.Metric, data: st.DataObject) -> None:
    name, const = metric.base.params[0]
    now = const.amount if isinstance(const, m.DurationConst) else const.value
    amount = Decimal(data.draw(st.integers(1, 40).filter(lambda n: n != now)))
    if isinstance(const, m.DurationConst):
        new_const: m.Const | m.DurationConst = dataclasses.replace(const, amount=amount)
    else:
        new_const = dataclasses.replace(const, value=amount)
    params = ((name, new_const), *metric.base.params[1:])
    base = dataclasses.replace(metric.base, params=params)
    changes = diff_models(
        dataclasses.replace(STDLIB_MODEL, metrics=(dataclasses.replace(metric, base=base),)),
        dataclasses.replace(STDLIB_MODEL, metrics=(metric,)),
    ).changes
    assert [(f.field, f.cls) for c in changes for f in c.fields] == [
        (f"params.{name}", Class.METHOD)
    ]


def test_a_field_the_table_does_not_know_is_compared_as_method() -> None:
    from imx.diff import _plain_fields

    @dataclasses.dataclass(frozen=True)
    class Future:
        colour: str

    (change,) = _plain_fields(Future("red"), Future("blue"), ["colour"], {})
    assert (change.field, change.cls) == ("colour", Class.METHOD)


def test_identity_and_parts_are_never_reported_as_fields() -> None:
    roles = {r for table in CLASSES.values() for r in table.values()}
    assert IDENTITY in roles and PARTS in roles
