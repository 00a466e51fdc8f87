"""No SQL text is assembled from strings anywhere in the package: every statement is a sqlglot tree.

The package is read as Python (its syntax trees, not its text): an f-string, a ``%`` or ``+`` of
strings, a ``.format`` or a ``.join`` whose constant parts hold a SQL keyword is SQL built from
strings, and fails here naming the line. Outside the two modules that build trees (``sql.py`` and
``staging.py``) no string constant may hold SQL at all, so nothing reaches an engine as text; in
those two, constant templates are parsed by sqlglot (their placeholders replaced by trees).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dsl" / "imx"
TREE_BUILDERS = {"sql.py", "staging.py"}  # the modules that import sqlglot (ARCHITECTURE.md)

# A SQL statement or clause keyword as SQL is written (upper case, a word of its own). Prose in
# messages is lower case, so "the data cut" or "select a metric" does not match.
SQL_WORDS = re.compile(
    r"\b(SELECT|FROM|WHERE|INSERT INTO|CREATE|DROP|ATTACH|DETACH|UNION ALL|JOIN|GROUP BY|"
    r"ORDER BY|VALUES|CAST|TRY_CAST|CASE WHEN|SET|PRAGMA|CHECKPOINT|EXCLUDE|LIMIT|COPY|"
    r"DESCRIBE|COALESCE|NULLIF|IS NOT NULL|IS NULL)\b"
)


def _constant_parts(node: ast.AST) -> list[str]:
    """The constant strings an expression that makes a string is built from."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        ]
    if isinstance(node, ast.BinOp):
        return _constant_parts(node.left) + _constant_parts(node.right)
    return []


def _assembled(tree: ast.AST) -> list[tuple[int, str]]:
    """Each place a string with SQL in it is assembled: line and constant text."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        parts: list[str] = []
        if isinstance(node, ast.JoinedStr) and any(
            isinstance(v, ast.FormattedValue) for v in node.values
        ):
            parts = _constant_parts(node)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
            parts = _constant_parts(node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("format", "join")
        ):
            parts = _constant_parts(node.func.value)
        text = " ".join(parts)
        if SQL_WORDS.search(text):
            found.append((getattr(node, "lineno", 0), text))
    return found


def _sql_constants(tree: ast.AST) -> list[tuple[int, str]]:
    """Each string constant holding SQL (docstrings left out)."""
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and id(n) not in docstrings
        and SQL_WORDS.search(n.value)
    ]


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_sql_is_assembled_from_strings(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = _assembled(tree)
    if path.name not in TREE_BUILDERS or path.parent != PACKAGE:
        found += _sql_constants(tree)
    shown = [f"{path.relative_to(ROOT)}:{line}: {text[:70]!r}" for line, text in found]
    assert shown == [], "build these as sqlglot trees (imx.staging, imx.sql):\n" + "\n".join(shown)


def test_the_check_catches_sql_built_from_strings() -> None:
    caught = [
        'f"SELECT {a} FROM t"',
        '"SELECT " + columns',
        '"DROP TABLE %s" % name',
        '"SELECT {} FROM t".format(a)',
        '", ".join(parts) + " FROM t"',
        '" UNION ALL ".join(parts)',
    ]
    for source in caught:
        assert _assembled(ast.parse(source)), source
    assert _sql_constants(ast.parse('con.execute("SET threads = 4")'))
    fine = ['f"the data cut {cut} is set"', '"rows " + str(n)', '", ".join(names)']
    for source in fine:
        assert not _assembled(ast.parse(source)), source
