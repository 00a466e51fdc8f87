"""The VS Code extension, tested without VS Code: its TextMate grammar is generated from the imx
grammar, tokenizes every standard-library file and docs example as the Pygments lexer does (with
vscode-textmate on vscode-oniguruma, VS Code's own engine), and the extension packs with vsce.

The npm packages come from ``editors/vscode/package-lock.json`` (``make test`` runs ``npm ci``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pygments import lex
from pygments.token import Comment, Keyword, Name, Number, Operator, String

from imx.lexer import ImxLexer, textmate_grammar, textmate_json
from imx.source import LINE_END
from imx.syntax.complete import expected_at
from imx.syntax.vocabulary import vocabulary

ROOT = Path(__file__).resolve().parent.parent
EXT = ROOT / "editors" / "vscode"
GRAMMAR_FILE = EXT / "syntaxes" / "imx.tmLanguage.json"


def _node_ready() -> None:
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the VS Code extension's tests need Node.js 20 or later")
    if not (EXT / "node_modules" / "vscode-textmate").is_dir():
        pytest.fail("editors/vscode/node_modules is missing: run `npm ci` there (make test does)")


def _texts() -> list[tuple[str, str]]:
    found = [
        (str(p.relative_to(ROOT)), p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "stdlib_metrics").rglob("*.imx"))
    ]
    for md in sorted((ROOT / "docs").rglob("*.md")):
        for i, block in enumerate(
            re.findall(r"```imx\n(.*?)```", md.read_text(encoding="utf-8"), re.S)
        ):
            found.append((f"{md.relative_to(ROOT)}#{i}", block))
    return found


def _pygments_class(token: object) -> str:
    for cls, name in ((Comment, "comment"), (String, "string"), (Number, "number")):
        if token in cls:  # type: ignore[operator]
            return name
    if token in Keyword or token in Operator.Word:  # type: ignore[operator]
        return "keyword"
    if token in Name:  # type: ignore[operator]
        return "name"
    return "other"


def _textmate_class(scopes: list[str]) -> str:
    scope = scopes[-1]
    if any(s.startswith("string.") for s in scopes):
        return "string"
    for prefix, name in (
        ("comment.", "comment"),
        ("constant.numeric", "number"),
        ("keyword.operator.imx", "other"),
        ("keyword.", "keyword"),
        ("variable.", "name"),
        ("entity.name", "name"),
        ("support.function", "name"),
    ):
        if scope.startswith(prefix):
            return name
    return "other"


def _per_char_pygments(text: str) -> list[str]:
    out: list[str] = []
    for token, value in lex(text, ImxLexer()):
        out += [_pygments_class(token)] * len(value)
    return out[: len(text)]  # Pygments adds a final newline


def _per_char_textmate(text: str, tokens: list[list[object]]) -> list[str]:
    starts = [0, *(m.end() for m in re.finditer(LINE_END, text))]
    out = ["other"] * len(text)
    for line, start, end, scopes in tokens:
        base = starts[line]  # type: ignore[index]
        for i in range(base + start, base + end):  # type: ignore[operator]
            out[i] = _textmate_class(scopes)  # type: ignore[arg-type]
    return out


def test_the_committed_textmate_grammar_is_generated_from_the_grammar() -> None:
    assert GRAMMAR_FILE.read_text(encoding="utf-8") == textmate_json(), (
        "regenerate it: python -m imx.lexer editors/vscode/syntaxes/imx.tmLanguage.json"
    )
    patterns = json.dumps(textmate_grammar())
    for word in vocabulary().keywords:  # every keyword of the grammar is highlighted
        assert re.search(rf"[(|:]{re.escape(word)}[|)]", patterns), word


def test_completion_keywords_are_the_grammars() -> None:
    offered = expected_at('metric A "a" {\n    ', 19).keywords | expected_at("", 0).keywords
    assert offered <= vocabulary().keywords
    assert set(vocabulary().declarations) | set(vocabulary().clauses) <= offered


def test_textmate_tokens_agree_with_pygments(tmp_path: Path) -> None:
    _node_ready()
    texts = _texts()
    assert len(texts) > 10
    source = tmp_path / "texts.json"
    source.write_text(json.dumps([t for _, t in texts]), encoding="utf-8")
    proc = subprocess.run(
        ["node", str(EXT / "test" / "tokenize.js"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for (name, text), tokens in zip(texts, json.loads(proc.stdout), strict=True):
        expected, got = _per_char_pygments(text), _per_char_textmate(text, tokens)
        diffs = [i for i, ch in enumerate(text) if not ch.isspace() and expected[i] != got[i]]
        if diffs:
            i = diffs[0]
            where = text[max(0, i - 20) : i + 20]
            pytest.fail(
                f"{name}: offset {i} ({where!r}): Pygments {expected[i]}, TextMate {got[i]}"
            )


@pytest.mark.slow
def test_the_extension_packs_with_vsce(tmp_path: Path) -> None:
    _node_ready()
    out = tmp_path / "imx.vsix"
    proc = subprocess.run(
        [
            "npx",
            "--no-install",
            "vsce",
            "package",
            "--allow-missing-repository",
            "--skip-license",
            "--out",
            str(out),
        ],
        cwd=EXT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = set(zipfile.ZipFile(out).namelist())
    for needed in (
        "extension/package.json",
        "extension/extension.js",
        "extension/language-configuration.json",
        "extension/syntaxes/imx.tmLanguage.json",
        "extension/node_modules/vscode-languageclient/package.json",
    ):
        assert needed in names, needed
    assert not any(n.startswith("extension/test/") for n in names)
    manifest = json.loads(zipfile.ZipFile(out).read("extension/package.json"))
    assert manifest["contributes"]["grammars"][0]["scopeName"] == textmate_grammar()["scopeName"]
    config = json.loads((EXT / "language-configuration.json").read_text(encoding="utf-8"))
    assert config["comments"]["lineComment"] == "#"
