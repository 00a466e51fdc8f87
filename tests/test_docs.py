"""Every ```imx block in docs/ and README.md checks as its page says it should."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from imx.checker import check_paths

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([*ROOT.joinpath("docs").rglob("*.md"), ROOT / "README.md"])
BLOCK = re.compile(r"^```imx\n(.*?)^```", re.S | re.M)
MISTAKE = re.compile(r"#.*mistake on purpose: imx check reports ([a-z-]+)")
STEERED = re.compile(r"(?:^<!-- (file|append): (.+?) -->\n)?^```imx\n(.*?)^```", re.S | re.M)


def _projects(page: Path) -> list[tuple[str, str | None]]:
    """(source, expected error code or None) for each project a page's blocks make.

    A block that starts with `import` stands alone; one marked `<!-- append: FILE -->` (the
    tutorial's) is added to the block marked `<!-- file: FILE -->`; the other blocks of a page form one project,
    which gets `import stdlib.schema` when none of them declares a schema.
    """
    alone: list[tuple[str, str | None]] = []
    joined: list[str] = []
    files: dict[str, int] = {}  # a file named by `<!-- file: -->` → its index in `alone`
    for steer, file, block in STEERED.findall(page.read_text(encoding="utf-8")):
        if steer == "append":
            source, code = alone[files[file]]
            alone[files[file]] = (source + "\n" + block, code)
            continue
        if steer == "file":
            files[file] = len(alone)
        code = MISTAKE.search(block)
        body = re.sub(r"^(#[^\n]*\n)*", "", block)
        if body.startswith("import"):
            alone.append((block, code.group(1) if code else None))
        else:
            joined.append(block)
    if joined:
        text = "\n".join(joined)
        if not re.search(r"^schema\b", text, re.M):
            text = "import stdlib.schema\n\n" + text
        alone.append((text, None))
    return alone


CASES = [
    pytest.param(page, i, source, code, id=f"{page.relative_to(ROOT)}#{i}")
    for page in PAGES
    for i, (source, code) in enumerate(_projects(page))
]


def test_docs_have_imx_blocks() -> None:
    blocks = sum(len(BLOCK.findall(page.read_text(encoding="utf-8"))) for page in PAGES)
    assert blocks >= 10 and len(CASES) >= 6


@pytest.mark.parametrize(("page", "index", "source", "expected"), CASES)
def test_doc_block_checks(
    tmp_path: Path, page: Path, index: int, source: str, expected: str | None
) -> None:
    path = tmp_path / f"block{index}.imx"
    path.write_text(source, encoding="utf-8")
    result = check_paths([path])
    errors = sorted({d.code for d in result.diagnostics if d.is_error})
    if expected is None:
        assert errors == [], [(d.code, d.message) for d in result.diagnostics]
        assert result.model is not None
    else:
        assert errors == [expected]


def _documented_codes() -> dict[str, bool]:
    """Each code named in the first column of a table of docs/diagnostics.md → marked (warning)."""
    found: dict[str, bool] = {}
    for line in (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            for code in re.findall(r"`([a-z0-9-]+)`", first):
                assert code not in found, f"`{code}` is documented twice"
                found[code] = "(warning)" in first
    return found


def test_docs_document_exactly_the_registered_codes() -> None:
    from imx import codes

    documented = _documented_codes()
    registered = {c.name: c.severity is codes.Severity.WARNING for c in codes.all_codes()}
    assert sorted(set(registered) - set(documented)) == [], "registered but not documented"
    assert sorted(set(documented) - set(registered)) == [], "documented but not registered"
    assert documented == registered, "a warning must be marked (warning), an error must not"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_doc_blocks_are_in_the_canonical_layout(page: Path) -> None:
    from imx.syntax.fmt import format_source

    for block in BLOCK.findall(page.read_text(encoding="utf-8")):
        assert format_source(block, str(page)).text == block
