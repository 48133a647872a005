"""Writing the document control of a diagram while keeping every other byte as it was.

The system, not the author, sets a version's revision number, and at approval writes the issue
date, the revision-history row and the sign-off grid (docs/lifecycle.md). A diagram drawn in
bpmn-js or Camunda Modeler must come back unchanged everywhere else: same attribute quotes,
same ``<a />`` spacing, same indentation, same diagram interchange. So an edit is made twice:

1. on the lxml tree (the meaning of the result), and
2. as text splices into the original: only the changed attributes, the removed elements and
   the inserted ones, indented like their neighbours.

The spliced text is parsed again and compared with the edited tree (whitespace between
elements ignored); should they differ — an unusual layout the splicer does not understand — the
edited tree is serialised by lxml instead, so the result is always right and, in the usual
case, byte-for-byte the original outside the edited elements.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from lxml import etree

from isobpmn.model.errors import ModelError, ModelProblem
from isobpmn.model.iso import ISO_NS
from isobpmn.model.process import NS_BPMN
from isobpmn.model.xmlsafe import parse_xml

__all__ = ["NewSignOff", "set_revision", "stamp_approval"]

_ISO = "{%s}" % ISO_NS

#: Markup in document order: comments, CDATA, processing instructions, then tags.
_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
    r"|<(/?)([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>",
    re.S)


@dataclass(frozen=True)
class NewSignOff:
    """One row of the sign-off grid: ``role`` is drafted, reviewed or approved."""

    role: str
    name: str
    position: str = ""
    date: date | None = None


def set_revision(xml: bytes, revision: int, *, name: str = "<bytes>") -> bytes:
    """``iso:document revision`` set to ``revision`` and its ``issued`` removed (a version
    gets its issue date when it is approved)."""
    edit = _Edit(xml, name)
    edit.attributes(edit.document, {"revision": str(revision), "issued": None})
    return edit.result()


def stamp_approval(xml: bytes, *, revision: int, issued: date, description: str,
                   sign_offs: Sequence[NewSignOff], section: str = "", request: str = "",
                   name: str = "<bytes>") -> bytes:
    """What approval writes: revision and issue date on ``iso:document``, its ``iso:signOff``
    rows replaced by ``sign_offs``, and the ``iso:revision`` row of this revision (added after
    the last one; an existing row of the same number gets the date, and the description when
    it has none). A sign-off keeps the position written in the diagram for the same person."""
    edit = _Edit(xml, name)
    document = edit.document
    edit.attributes(document, {"revision": str(revision), "issued": issued.isoformat()})
    positions = {(el.get("role"), el.get("name")): el.get("position", "")
                 for el in document.iterchildren(f"{_ISO}signOff")}
    for old in list(document.iterchildren(f"{_ISO}signOff")):
        edit.remove(old)
    for entry in sign_offs:
        position = entry.position or positions.get((entry.role, entry.name), "")
        edit.append(document, "signOff", {
            "role": entry.role, "name": entry.name, "position": position or None,
            "date": entry.date.isoformat() if entry.date else None})
    rows = list(edit.procedure.iterchildren(f"{_ISO}revision"))
    same = [row for row in rows if row.get("number", "").strip() == str(revision)]
    if same:
        edit.attributes(same[0], {"date": issued.isoformat()})
        if not (same[0].text or "").strip():
            edit.set_text(same[0], description)
    else:
        edit.insert_after(rows[-1] if rows else document, "revision", {
            "number": str(revision), "date": issued.isoformat(), "section": section or None,
            "request": request or None}, description)
    return edit.result()


@dataclass
class _Span:
    """Where an element sits in the text: its start tag ``[start, open_end)``, its content
    ``[open_end, close_start)`` and its end tag ``[close_start, end)`` (all equal for
    ``<a/>``)."""

    start: int
    open_end: int
    close_start: int = -1
    end: int = -1


class _Edit:
    """One diagram being edited as a tree and as text splices at once (module docstring)."""

    def __init__(self, xml: bytes, name: str) -> None:
        self.name = name
        try:
            self.text = xml.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ModelError(name, [ModelProblem("xml", f"the diagram must be UTF-8 ({exc})")])
        self.root = parse_xml(xml, name)
        self.elements = [el for el in self.root.iter() if isinstance(el.tag, str)]
        self.spans = _spans(self.text, self.elements)
        self.splices: list[tuple[int, int, int, str]] = []  # start, end, order, new text
        self._order = itertools.count()
        self.procedure = self._procedure()
        documents = list(self.procedure.iterchildren(f"{_ISO}document"))
        if not documents:
            raise ModelError(name, [ModelProblem(
                "iso", "iso:procedure has no iso:document; add "
                       '<iso:document code="QT-..." revision="1"> with an iso:title')])
        self.document = documents[0]

    def _procedure(self) -> etree._Element:
        found = self.root.findall(f"{{{NS_BPMN}}}process/{{{NS_BPMN}}}extensionElements/"
                                  f"{_ISO}procedure")
        if len(found) != 1:
            what = "no process carries" if not found else "several processes carry"
            raise ModelError(self.name, [ModelProblem(
                "structure", f"{what} iso:procedure; keep exactly one procedure per file")])
        return found[0]

    # -- edits -------------------------------------------------------------------------------

    def attributes(self, el: etree._Element, values: Mapping[str, str | None]) -> None:
        """Set (or, for ``None``, remove) attributes of ``el``."""
        for key, value in values.items():
            if value is None:
                el.attrib.pop(key, None)
            else:
                el.set(key, value)
        span = self._span(el)
        if span is None:
            return
        tag = self.text[span.start:span.open_end]
        for key, value in values.items():
            tag = _set_attribute(tag, key, value)
        self._splice(span.start, span.open_end, tag)

    def set_text(self, el: etree._Element, text: str) -> None:
        for child in list(el):
            el.remove(child)
        el.text = text
        span = self._span(el)
        if span is None:
            return
        if span.open_end == span.end:  # <a/>: written out whole, its attributes with it
            self.splices = [s for s in self.splices if s[:2] != (span.start, span.open_end)]
            self._splice(span.start, span.end, _markup(el))
        else:
            self._splice(span.open_end, span.close_start, _escape_text(text))

    def remove(self, el: etree._Element) -> None:
        parent = el.getparent()
        previous = el.getprevious()
        if el.tail and el.tail.strip():  # keep text that follows it (never in valid iso data)
            if previous is not None:
                previous.tail = (previous.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)
        span = self._span(el)
        if span is None:
            return
        start = span.start
        line_start = self.text.rfind("\n", 0, start)
        if line_start >= 0 and not self.text[line_start + 1:start].strip():
            start = line_start  # alone on its line: the line goes too
        self._splice(start, span.end, "")

    def append(self, parent: etree._Element, local: str, attrs: Mapping[str, str | None],
               text: str = "") -> None:
        """A new ``iso`` child at the end of ``parent`` (after the new ones appended before)."""
        children = [c for c in parent if isinstance(c.tag, str)]
        indent = self._indent(children[0]) if children else None
        parent_indent = self._indent(parent) or ""
        indent = indent if indent is not None else parent_indent + "  "
        el = self._new(local, attrs, text)
        if children:
            last = children[-1]
            el.tail, last.tail = last.tail, "\n" + indent
            last.addnext(el)
        else:
            parent.text, el.tail = "\n" + indent, "\n" + parent_indent
            parent.append(el)
        anchor = next((c for c in reversed(children) if self._span(c) is not None), None)
        span = self._span(anchor if anchor is not None else parent)
        if span is None:
            return
        at = span.end if anchor is not None else span.open_end
        self._splice(at, at, "\n" + indent + _markup(el, self._prefix()))

    def insert_after(self, sibling: etree._Element, local: str, attrs: Mapping[str, str | None],
                     text: str = "") -> None:
        indent = self._indent(sibling) or ""
        el = self._new(local, attrs, text)
        el.tail, sibling.tail = sibling.tail, "\n" + indent
        sibling.addnext(el)
        span = self._span(sibling)
        if span is not None:
            self._splice(span.end, span.end, "\n" + indent + _markup(el, self._prefix()))

    # -- result ------------------------------------------------------------------------------

    def result(self) -> bytes:
        text = self.text
        # from the end, so earlier offsets stay valid; of two insertions at one place the
        # later is applied first and so lands after the earlier
        for start, end, _, replacement in sorted(self.splices, reverse=True):
            text = text[:start] + replacement + text[end:]
        spliced = text.encode("utf-8")
        try:
            if _shape(parse_xml(spliced, self.name)) == _shape(self.root):
                return spliced
        except ModelError:
            pass
        return etree.tostring(self.root.getroottree(), xml_declaration=True, encoding="UTF-8")

    # -- helpers -----------------------------------------------------------------------------

    def _splice(self, start: int, end: int, replacement: str) -> None:
        self.splices.append((start, end, next(self._order), replacement))

    def _span(self, el: etree._Element) -> _Span | None:
        if self.spans is None:
            return None
        for index, known in enumerate(self.elements):
            if known is el:
                return self.spans[index]
        return None  # an element made by this edit

    def _indent(self, el: etree._Element) -> str | None:
        """The whitespace before ``el`` on its line, when it starts its line."""
        span = self._span(el)
        if span is None:
            return None
        line_start = self.text.rfind("\n", 0, span.start) + 1
        before = self.text[line_start:span.start]
        return before if not before.strip() else None

    def _prefix(self) -> str | None:
        return self.document.prefix

    def _new(self, local: str, attrs: Mapping[str, str | None], text: str) -> etree._Element:
        el = etree.Element(f"{_ISO}{local}", nsmap={self._prefix(): ISO_NS})
        for key, value in attrs.items():
            if value is not None:
                el.set(key, value)
        if text:
            el.text = text
        return el


def _spans(text: str, elements: list[etree._Element]) -> list[_Span] | None:
    """The span of each element, in the order of ``elements``; ``None`` when the text and
    the tree do not line up (then only the tree is edited)."""
    spans: list[_Span] = []
    stack: list[_Span] = []
    for match in _MARKUP.finditer(text):
        closing, qname = match.group(1), match.group(2)
        if qname is None:
            continue  # comment, CDATA, processing instruction
        if closing:
            if not stack:
                return None
            span = stack.pop()
            span.close_start, span.end = match.start(), match.end()
            continue
        index = len(spans)
        if index >= len(elements) or qname != _qname(elements[index]):
            return None
        span = _Span(match.start(), match.end())
        spans.append(span)
        if match.group(4):
            span.close_start = span.end = match.end()
        else:
            stack.append(span)
    return spans if len(spans) == len(elements) and not stack else None


def _qname(el: etree._Element) -> str:
    local = etree.QName(el).localname
    return f"{el.prefix}:{local}" if el.prefix else local


def _set_attribute(tag: str, key: str, value: str | None) -> str:
    pattern = re.compile(r"(\s+)" + re.escape(key) + r"(\s*=\s*)(\"[^\"]*\"|'[^']*')")
    found = pattern.search(tag)
    if value is None:
        return pattern.sub("", tag, count=1) if found else tag
    if found:
        quote = found.group(3)[0]
        new = f"{found.group(1)}{key}{found.group(2)}{quote}{_escape_attr(value, quote)}{quote}"
        return tag[:found.start()] + new + tag[found.end():]
    end = re.search(r"\s*/?>$", tag)
    return tag[:end.start()] + f' {key}="{_escape_attr(value)}"' + tag[end.start():]


def _markup(el: etree._Element, prefix: str | None = None) -> str:
    """An element made of attributes and text only, as text with the ``iso`` prefix in scope."""
    prefix = el.prefix if prefix is None else prefix
    name = f"{prefix}:{etree.QName(el).localname}" if prefix else etree.QName(el).localname
    attrs = "".join(f' {key}="{_escape_attr(value)}"' for key, value in el.attrib.items())
    if not el.text:
        return f"<{name}{attrs}/>"
    return f"<{name}{attrs}>{_escape_text(el.text)}</{name}>"


def _escape_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attr(value: str, quote: str = '"') -> str:
    value = _escape_text(value).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return value.replace('"', "&quot;") if quote == '"' else value.replace("'", "&apos;")


def _shape(root: etree._Element) -> bytes:
    """The tree's canonical form with whitespace-only text between elements left out."""
    copy = etree.fromstring(etree.tostring(root))
    for el in copy.iter():
        if el.text is not None and not el.text.strip() and len(el):
            el.text = None
        if el.tail is not None and not el.tail.strip():
            el.tail = None
    return etree.tostring(copy, method="c14n")
