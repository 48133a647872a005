"""Where a diagram holds code the engine evaluates: conditions, scripts, pre/post scripts.

Shared by the executability rules, so each finds the same places the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from isobpmn.model.process import NS_BPMN
from isobpmn.model.reader import split_tag

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


_SITE_TAGS = (*(f"{{{NS_BPMN}}}{name}" for name in EXPRESSIONS), f"{{{NS_BPMN}}}script",
              *(f"{{{SPIFF_NS}}}{name}" for name in SPIFF_SCRIPTS))


def sites(root: etree._Element) -> list[Site]:
    """Every expression and script of the file, in document order. Rules get them from
    :attr:`isobpmn.lint.LintContext.code_sites`, computed once per file."""
    found = []
    for el in root.iter(*_SITE_TAGS):  # lxml filters by tag in C: no Python per element
        namespace, local = split_tag(el.tag)
        if namespace == NS_BPMN and local in EXPRESSIONS:
            found.append(Site(owner_id(el), EXPRESSIONS[local], el, False))
        elif namespace == NS_BPMN:
            parent = el.getparent()
            if parent is not None and parent.tag == f"{{{NS_BPMN}}}scriptTask":
                found.append(Site(parent.get("id"), "script", el, True))
        else:
            holder = el.getparent()
            if holder is not None and holder.tag == f"{{{NS_BPMN}}}extensionElements":
                found.append(Site(holder.getparent().get("id"), SPIFF_SCRIPTS[local], el, True))
    return found
