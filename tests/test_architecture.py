"""ARCHITECTURE.md's map is true of the code: imports follow its table, and functions stay short.

The stages, their modules, the shared pieces, the modules beside the pipeline and the known
exceptions are read from ARCHITECTURE.md itself, so the map has one owner. Every import counts:
at module level, inside functions (imx imports lazily for start-up time) and under
``TYPE_CHECKING`` (a type in a signature is knowledge of the stage that owns it).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dsl" / "imx"
MAP = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
FACADE = "imx"  # imx/__init__.py: like cli, it may use every stage
BESIDE_MAY_USE = {"imx.lexer": ("parse", "check"), "imx.demo_data": ()}
EXCEPTIONS = {  # arrows back up the table; ARCHITECTURE.md lists the same ones, with the reason
    ("imx.data", "imx.engines"),
    ("imx.output", "imx.render.report"),
}
THIRD_PARTY = {  # a library, and the only modules that may import it
    "lark": ("imx.syntax",),
    "sqlglot": ("imx.sql", "imx.staging"),
    "pyspark": ("imx.engines.spark",),
    "duckdb": ("imx.data", "imx.readers", "imx.engines"),
}
MAX_LINES = 60
TEMPORARY_LONG: set[str] = set()  # functions being split, named here only until they are short


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _token_module(token: str) -> str | None:
    """A path of the map (``checker/``, ``syntax/ast.py``) as a module name, if it is one."""
    if token.endswith("/"):
        name = "imx." + token.rstrip("/").replace("/", ".")
        return name if name in MODULES else None
    if token.endswith(".py"):
        name = module_name(PACKAGE / token)
        return name if name in MODULES else None
    return None


def _tokens(text: str) -> list[str]:
    return [m for t in re.findall(r"`([^`]+)`", text) if (m := _token_module(t))]


def _paragraph(starting: str) -> str:
    at = MAP.index(starting)
    return MAP[at : MAP.find("\n\n", at)]


@dataclass(frozen=True)
class Map:
    stages: list[tuple[str, list[str]]]  # in table order, each with its module prefixes
    shared: list[str]
    beside: list[str]
    exceptions: set[tuple[str, str]]

    def stage_of(self, name: str) -> str:
        """The stage (or ``shared``, ``beside``, ``facade``) whose prefix is the longest match."""
        if name == FACADE:
            return "facade"
        found = [(len(p), stage) for stage, ps in self.stages for p in ps if _within(name, p)]
        found += [(len(p), "shared") for p in self.shared if _within(name, p)]
        found += [(len(p), "beside") for p in self.beside if _within(name, p)]
        assert found, f"{name} is not on the map: add it to ARCHITECTURE.md's table"
        return max(found)[1]

    def rank(self, stage: str) -> int:
        return [s for s, _ in self.stages].index(stage)


def read_map() -> Map:
    rows = re.findall(r"^\| ([a-z]+) \| (.+?) \| .+ \|$", MAP, re.MULTILINE)
    stages = [(stage, _tokens(cell)) for stage, cell in rows if stage != "stage"]
    exceptions = {
        (a, b)
        for line in re.findall(r"^- (`[^`]+` → `[^`]+`)", MAP, re.MULTILINE)
        for a, b in [_tokens(line)]
    }
    shared = _tokens(_paragraph("Shared pieces"))
    beside = _tokens(_paragraph("Beside the pipeline"))
    return Map(stages, shared, beside, exceptions)


ARCH = read_map()


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str  # a module of the package, or a top-level third-party package
    names: tuple[str, ...]
    line: int


def _imports(name: str, path: Path) -> Iterator[Import]:
    """Every import of a module, wherever it is written, resolved to modules."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(name, alias.name, (), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = tuple(a.name for a in node.names)
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            if submodules:
                for sub in submodules:
                    yield Import(name, sub, (), node.lineno)
            if len(submodules) < len(names):
                yield Import(name, target, names, node.lineno)


IMPORTS = [i for name, path in MODULES.items() for i in _imports(name, path)]
OWN = [i for i in IMPORTS if _within(i.imported, "imx")]


def _allowed(imp: Import) -> bool:
    src, dst = ARCH.stage_of(imp.importer), ARCH.stage_of(imp.imported)
    if dst == "facade":
        return set(imp.names) <= {"__version__"} or src == "facade"
    if src == "facade" or dst == "shared" or src == dst and src not in ("beside", "shared"):
        return True
    if src == "shared":
        return False
    if src == "beside":
        may_use = next(v for k, v in BESIDE_MAY_USE.items() if _within(imp.importer, k))
        same = imp.imported.split(".")[:2] == imp.importer.split(".")[:2]
        return same or dst in may_use
    if dst == "beside":  # the command line runs them; no stage does
        return src == "cli"
    return ARCH.rank(dst) < ARCH.rank(src)


def test_the_map_reads_as_a_table_of_stages() -> None:
    names = [stage for stage, _ in ARCH.stages]
    assert names[:3] == ["parse", "format", "load"] and names[-1] == "cli"
    assert all(prefixes for _, prefixes in ARCH.stages), ARCH.stages
    assert {"imx.source", "imx.errors", "imx.codes", "imx.messages"} <= set(ARCH.shared)
    assert set(ARCH.beside) == set(BESIDE_MAY_USE)


def test_every_module_is_on_the_map() -> None:
    for name in MODULES:
        ARCH.stage_of(name)  # fails naming the module


def test_no_import_runs_back_up_the_table() -> None:
    bad = [
        f"{MODULES[i.importer].relative_to(ROOT)}:{i.line}: {i.importer} "
        f"({ARCH.stage_of(i.importer)}) imports {i.imported} ({ARCH.stage_of(i.imported)})"
        for i in OWN
        if not _allowed(i) and (i.importer, _exception_key(i)) not in EXCEPTIONS
    ]
    assert bad == [], "\n".join(bad)


def _exception_key(imp: Import) -> str:
    return next((b for a, b in EXCEPTIONS if a == imp.importer and _within(imp.imported, b)), "")


def test_the_known_exceptions_are_the_maps_and_are_still_needed() -> None:
    assert ARCH.exceptions == EXCEPTIONS
    for importer, imported in EXCEPTIONS:
        used = [i for i in OWN if i.importer == importer and _within(i.imported, imported)]
        assert used and not all(_allowed(i) for i in used), f"{importer} → {imported} is unused"


@pytest.mark.parametrize("library", sorted(THIRD_PARTY))
def test_each_library_is_known_only_to_its_stage(library: str) -> None:
    owners = THIRD_PARTY[library]
    users = {i.importer for i in IMPORTS if _within(i.imported, library)}
    assert users, f"no module imports {library}: the rule is stale"
    assert {u for u in users if not any(_within(u, o) for o in owners)} == set()


def test_imports_are_read_wherever_they_are_written() -> None:
    pairs = {(i.importer, i.imported) for i in OWN}
    assert ("imx.project", "imx.syntax.parser") in pairs  # module level
    assert ("imx.cli", "imx.demo_data") in pairs  # inside a function
    assert ("imx", "imx.results") in pairs  # under TYPE_CHECKING (and inside a function)
    assert ("imx.plan.nodes", "imx.model") in pairs  # `from imx import model as m`
    assert ("imx.plan", "imx.plan.build") in pairs  # relative or absolute, as a module


def test_the_rule_catches_an_arrow_back_up() -> None:
    # the checker importing the SQL compiler, the parser importing the checker
    assert not _allowed(Import("imx.checker.types", "imx.sql", (), 1))
    assert not _allowed(Import("imx.syntax.parser", "imx.checker", (), 1))
    assert not _allowed(Import("imx.source", "imx.model", (), 1))  # shared uses only shared
    assert not _allowed(Import("imx.demo_data.world", "imx.model", (), 1))
    assert not _allowed(Import("imx.evaluation", "imx.demo_data", (), 1))
    assert _allowed(Import("imx.cli", "imx.demo_data", (), 1))
    assert _allowed(Import("imx.sql", "imx.plan", (), 1))
    assert _allowed(Import("imx.results", FACADE, ("__version__",), 1))
    assert not _allowed(Import("imx.results", FACADE, ("evaluate",), 1))


# ------------------------------------------------------------------------- function length


def long_functions() -> dict[str, int]:
    """Every function or method of the package longer than MAX_LINES, by qualified name."""
    found: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qualified = f"{prefix}.{child.name}"
                if not isinstance(child, ast.ClassDef):
                    first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                    length = (child.end_lineno or child.lineno) - first + 1
                    if length > MAX_LINES:
                        found[qualified] = length
                visit(child, qualified)

    for name, path in MODULES.items():
        visit(ast.parse(path.read_text(encoding="utf-8")), name)
    return found


def test_no_function_is_over_sixty_lines() -> None:
    found = long_functions()
    over = {k: v for k, v in found.items() if k not in TEMPORARY_LONG}
    assert over == {}, f"split these (lines, decorators included): {over}"
    stale = TEMPORARY_LONG - set(found)
    assert not stale, f"{sorted(stale)} are short now: remove them from TEMPORARY_LONG"
