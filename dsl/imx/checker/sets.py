"""CSFs and metric sets: their declarations and the project's names in → model.Csf / MetricSet."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from imx import messages as M
from imx import model as m
from imx.checker.context import Decl, Reporter
from imx.checker.names import unknown
from imx.checker.versions import Versions
from imx.syntax import ast as A


def _names(
    names: Sequence[A.Name], known: Collection[str], kind: str, message: M.Message, rep: Reporter
) -> tuple[str, ...]:
    for name in names:
        if name.text not in known:
            unknown(rep, message, kind, name, known)
    return tuple(n.text for n in names)


def _metrics(names: Sequence[A.Name], versions: Versions, rep: Reporter) -> tuple[str, ...]:
    """Metric references as written (``XFER-OT``, ``XFER-OT@2014``), each checked (rule 27)."""
    for name in names:
        versions.resolve(rep, name)
    return tuple(n.text for n in names)


def _once(fields: Sequence[A.Node], rep: Reporter, owner: tuple[str, str]) -> dict[type, A.Node]:
    """Each field kind once; a repeat is reported and ignored."""
    seen: dict[type, A.Node] = {}
    for f in fields:
        first = seen.setdefault(type(f), f)
        if first is not f:
            word = _WORDS.get(type(f), "field")
            labels = [rep.label(first.span, M.FIRST_DEFINED_HERE)]
            rep.report(M.DUPLICATE_FIELD.format(word, *owner), f.span, labels=labels)
    return seen


_WORDS: dict[type, str] = {
    A.QuestionClause: "question",
    A.KpisField: "kpis",
    A.DocClause: "doc",
    A.MetricsField: "metrics",
    A.CsfsField: "csfs",
}


def check_csf(decl: Decl[A.CsfDecl], metrics: Versions, rep: Reporter) -> m.Csf:
    """A CSF's KPIs must be metrics of the project."""
    node = decl.node
    fields = _once(node.fields, rep, ("csf", node.name.text))
    kpis = fields.get(A.KpisField)
    question = fields.get(A.QuestionClause)
    doc = fields.get(A.DocClause)
    return m.Csf(
        name=node.name.text,
        title=node.title.value if node.title else None,
        question=question.text.value if isinstance(question, A.QuestionClause) else None,
        kpis=_metrics(kpis.metrics, metrics, rep) if isinstance(kpis, A.KpisField) else (),
        doc=doc.text.value if isinstance(doc, A.DocClause) else None,
    )


def check_metricset(
    decl: Decl[A.MetricSetDecl], metrics: Versions, csfs: Collection[str], rep: Reporter
) -> m.MetricSet:
    """A metric set's metrics and CSFs must be declared in the project."""
    node = decl.node
    fields = _once(node.fields, rep, ("metricset", node.name.text))
    listed = fields.get(A.MetricsField)
    csf_field = fields.get(A.CsfsField)
    doc = fields.get(A.DocClause)
    return m.MetricSet(
        name=node.name.text,
        title=node.title.value if node.title else None,
        version=node.version.value if node.version else None,
        metrics=_metrics(listed.metrics, metrics, rep)
        if isinstance(listed, A.MetricsField)
        else (),
        csfs=_names(csf_field.csfs, csfs, "csf", M.UNKNOWN_CSF, rep)
        if isinstance(csf_field, A.CsfsField)
        else (),
        doc=doc.text.value if isinstance(doc, A.DocClause) else None,
    )
