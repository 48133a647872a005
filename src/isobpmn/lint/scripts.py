"""Where a diagram holds code the engine evaluates: conditions, scripts, pre/post scripts.

Shared by the executability rules, so each finds the same places the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from isobpmn.model.process import NS_BPMN

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

#: BPMN elements holding one expression the engine evaluates, and how a message names them.
EXPRESSIONS = {
    "conditionExpression": "condition", "condition": "condition",
    "completionCondition": "completion condition", "loopCardinality": "loop cardinality",
    "loopCondition": "loop condition",
}
SPIFF_SCRIPTS = {"preScript": "preScript", "postScript": "postScript"}


@dataclass(frozen=True, slots=True)
class Site:
    """One piece of code in the file: what it belongs to, what it is, where its text starts."""

    owner_id: str | None
    what: str  # "condition", "script", "preScript", …
    element: etree._Element
    is_script: bool

    @property
    def text(self) -> str:
        """The text exactly as written (not stripped), so that line offsets stay true."""
        return "".join(self.element.itertext())


def owner_id(element: etree._Element) -> str | None:
    """The id of the nearest enclosing element that has one."""
    parent = element.getparent()
    while parent is not None and parent.get("id") is None:
        parent = parent.getparent()
    return parent.get("id") if parent is not None else None


def spiff_script(activity: etree._Element, name: str) -> etree._Element | None:
    """The ``spiffworkflow:preScript`` / ``postScript`` element of an activity, if any."""
    return activity.find(f"{{{NS_BPMN}}}extensionElements/{{{SPIFF_NS}}}{name}")


def sites(root: etree._Element) -> Iterator[Site]:
    """Every expression and script of the file, in document order."""
    for el in root.iter(f"{{{NS_BPMN}}}*", f"{{{SPIFF_NS}}}*"):
        qname = etree.QName(el)
        if qname.namespace == NS_BPMN and qname.localname in EXPRESSIONS:
            yield Site(owner_id(el), EXPRESSIONS[qname.localname], el, False)
        elif qname.namespace == NS_BPMN and qname.localname == "script":
            parent = el.getparent()
            if parent is not None and parent.tag == f"{{{NS_BPMN}}}scriptTask":
                yield Site(parent.get("id"), "script", el, True)
        elif qname.namespace == SPIFF_NS and qname.localname in SPIFF_SCRIPTS:
            holder = el.getparent()
            if holder is not None and holder.tag == f"{{{NS_BPMN}}}extensionElements":
                yield Site(holder.getparent().get("id"), SPIFF_SCRIPTS[qname.localname], el, True)
