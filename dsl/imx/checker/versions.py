"""Metric versions (semantics rule 27): every metric declaration in → each id's versions in
``supersedes`` order, its current version, and references (``ID``, ``ID@V``) resolved.

The versions of one id form one chain: the first supersedes nothing, each later one supersedes
the one before it (``supersedes "2014"``), and no two supersede the same. "Newest" is the end of
that chain, never an order of the version texts (``2014``, ``2026.1``, ``2014-rev2``: no one
ordering reads every labelling scheme right); the current version of an id, the one a reference
without a version and a default run take, is the newest that is not ``status retired``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from imx import messages as M
from imx.checker.context import Ctx, Decl, Reporter
from imx.checker.names import metric_key, unknown, unknown_as
from imx.diagnostics import available, did_you_mean
from imx.syntax import ast as A

VERSION_TEXT = re.compile(r"[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)*")  # what `ID@V` can name
RETIRED = "retired"
_REPORTED = "@"  # what a `supersedes` that names no version (reported) stands for: no key


def split_ref(ref: str) -> tuple[str, str | None]:
    """A reference's id and version (None when it names no version).

    >>> split_ref("XFER-OT@2026.1"), split_ref("XFER-OT")
    (('XFER-OT', '2026.1'), ('XFER-OT', None))
    """
    metric_id, at, version = ref.partition("@")
    return metric_id, version if at else None


def _version(decl: Decl[A.MetricDecl]) -> str | None:
    return decl.node.version.value if decl.node.version is not None else None


def is_retired(node: A.MetricDecl) -> bool:
    """Whether a metric declaration says ``status retired``."""
    return any(isinstance(f, A.StatusClause) and f.status.text == RETIRED for f in node.fields)


@dataclass
class Versions:
    """Each metric id's declarations (keys of ``Symbols.metrics``) oldest first, and its current
    one (None when every version is retired)."""

    chains: dict[str, list[str]] = field(default_factory=dict)
    current: dict[str, str | None] = field(default_factory=dict)

    def resolve(self, rep: Reporter, name: A.Name) -> str | None:
        """The key a reference names (reported, None, when it names none)."""
        metric_id, version = split_ref(name.text)
        chain = self.chains.get(metric_id)
        if chain is None:
            pool = list(self.chains) if version is None else self.keys()
            unknown(rep, M.UNKNOWN_METRIC, "metric", name, pool)
            return None
        if version is not None:
            if name.text in chain:
                return name.text
            versioned = [k for k in chain if "@" in k]
            msg = M.UNKNOWN_VERSION.format(metric_id, version)
            unknown_as(rep, msg, name, versioned, f"versions of `{metric_id}`")
            return None
        found = self.current.get(metric_id)
        if found is None:
            msg = M.NO_CURRENT_VERSION.format(metric_id, metric_id)
            hints = [f"name the version meant, e.g. `{chain[-1]}`"]
            rep.report(msg, name.span, hints=hints)
        return found

    def keys(self) -> list[str]:
        """Every declared version's key, each id's in chain order."""
        return [k for chain in self.chains.values() for k in chain]

    def signature(self) -> tuple[tuple[str, tuple[str, ...], str | None], ...]:
        """What a reference's resolution depends on: each id's versions and current one."""
        return tuple((i, tuple(c), self.current.get(i)) for i, c in self.chains.items())


def check_versions(metrics: dict[str, Decl[A.MetricDecl]], ctx: Ctx) -> Versions:
    """Group the declarations by id, check each id's chain, and find its current version."""
    by_id: dict[str, dict[str, Decl[A.MetricDecl]]] = {}
    for key, decl in metrics.items():
        by_id.setdefault(decl.node.name.text, {})[key] = decl
    found = Versions()
    for metric_id, decls in by_id.items():
        _check_texts(metric_id, decls, ctx)
        chain = _chain(metric_id, decls, ctx)
        found.chains[metric_id] = chain
        live = [k for k in chain if not is_retired(decls[k].node)]
        found.current[metric_id] = live[-1] if live else None
    return found


def _check_texts(metric_id: str, decls: dict[str, Decl[A.MetricDecl]], ctx: Ctx) -> None:
    """Every version is a text ``ID@V`` can name; with versions, every declaration has one."""
    versioned = [d for d in decls.values() if d.node.version is not None]
    for d in decls.values():
        rep, version = ctx.at(d.file), d.node.version
        if version is None and versioned:
            other = versioned[0]
            label = ctx.at(other.file).label(other.node.name.span, "a version of it")
            hint = f'give it one: `metric {metric_id} … version "1" {{`'
            msg = M.MISSING_VERSION.format(metric_id)
            rep.report(msg, d.node.name.span, labels=[label], hints=[hint])
        elif version is not None and not VERSION_TEXT.fullmatch(version.value):
            msg = M.BAD_VERSION.format(version.value, metric_id, version.value)
            hint = "a version is letters, digits and `_`, joined by `.` or `-`: `2026.1`, `v2-rc1`"
            rep.report(msg, version.span, hints=[hint])


def _chain(metric_id: str, decls: dict[str, Decl[A.MetricDecl]], ctx: Ctx) -> list[str]:
    """The keys in ``supersedes`` order (a broken chain reported, the rest after it)."""
    keys = {_version(d): k for k, d in decls.items() if d.node.version is not None}
    after: dict[str, str] = {}  # key -> the key that supersedes it
    starts: list[str] = []  # the first version, then any a reported error left off the chain
    for key, d in decls.items():
        before = _predecessor(metric_id, d, keys, ctx)
        if before is None or before == _REPORTED:
            if before is None and starts and d.node.version is not None and "@" in starts[0]:
                _two_roots(metric_id, decls[starts[0]], d, ctx)
            starts.append(key)
        elif before in after:
            _two_successors(metric_id, decls[after[before]], d, decls[before], ctx)
            starts.append(key)
        else:
            after[before] = key
    chain = _walk(starts[:1], after)
    reached = _walk(starts, after)
    circle = [k for k in decls if k not in reached]
    if circle:
        d = decls[circle[0]]
        ctx.at(d.file).report(M.VERSION_CYCLE.format(metric_id), _where(d).span)
    return chain + [k for k in decls if k not in chain]


def _walk(start: Iterable[str], after: dict[str, str]) -> list[str]:
    """Each start and the versions that supersede it, one after the other."""
    chain: list[str] = []
    for key in start:
        while key not in chain:
            chain.append(key)
            if key not in after:
                break
            key = after[key]
    return chain


def _where(d: Decl[A.MetricDecl]) -> A.Node:
    node = d.node
    return node.supersedes or node.version or node.name


def _predecessor(
    metric_id: str, d: Decl[A.MetricDecl], keys: dict[str | None, str], ctx: Ctx
) -> str | None:
    """The key a declaration supersedes: None when it supersedes nothing, :data:`_REPORTED`
    when what it names is not a version (reported)."""
    node, rep = d.node, ctx.at(d.file)
    if node.supersedes is None:
        return None
    named = node.supersedes.value
    if node.version is not None and named == node.version.value:
        rep.report(M.SUPERSEDES_ITSELF.format(named, metric_id), node.supersedes.span)
        return _REPORTED
    if named not in keys:
        versions = sorted(v for v in keys if v is not None and v != _version(d))
        hints = did_you_mean(named, versions) or available(f"versions of `{metric_id}`", versions)
        rep.report(M.UNKNOWN_VERSION.format(metric_id, named), node.supersedes.span, hints=hints)
        return _REPORTED
    return keys[named]


def _two_roots(metric_id: str, first: Decl[A.MetricDecl], d: Decl[A.MetricDecl], ctx: Ctx) -> None:
    a, b = _version(first), _version(d)
    label = ctx.at(first.file).label(_where(first).span, "this one supersedes nothing too")
    hint = f'say which version `{b}` replaces: `version "{b}" supersedes "{a}"`'
    ctx.at(d.file).report(
        M.TWO_FIRST_VERSIONS.format(a, b, metric_id), _where(d).span, labels=[label], hints=[hint]
    )


def _two_successors(
    metric_id: str,
    first: Decl[A.MetricDecl],
    d: Decl[A.MetricDecl],
    before: Decl[A.MetricDecl],
    ctx: Ctx,
) -> None:
    a, b, old = _version(first), _version(d), _version(before)
    label = ctx.at(first.file).label(_where(first).span, f"this one supersedes `{old}` too")
    hint = f"one chain of versions: let `{b}` supersede `{a}` (or the other way round)"
    ctx.at(d.file).report(
        M.TWO_SUCCESSORS.format(a, b, metric_id, old),
        _where(d).span,
        labels=[label],
        hints=[hint],
    )


__all__ = ["Versions", "check_versions", "is_retired", "metric_key", "split_ref"]
