"""Parsing untrusted XML: no DTD, no entities, no network, bounded size, depth and breadth.

BPMN files come from uploads, editors and CI checkouts; any of them may be hostile (entity
bombs, XXE, gigantic, deeply nested or very wide documents). The parser below never loads a
DTD, never expands an entity, never touches the network and keeps libxml2's default depth and
size limits (``huge_tree`` off). A document type declaration is refused outright: BPMN has no
use for one. A file of more than :data:`MAX_ELEMENTS` elements is refused before its tree is
built (a tree node costs libxml2 over a hundred bytes, so ten megabytes of ``<a/>`` would take
hundreds of megabytes), and so is an attribute value longer than :data:`MAX_ATTRIBUTE`.
XInclude and processing instructions are never acted on: they stay inert nodes of the tree.
"""

from __future__ import annotations

import io
import re

from lxml import etree

from isobpmn.model.errors import ModelError, ModelProblem

#: Largest diagram accepted, in bytes. Real procedures are 20–300 kB.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Most elements a diagram may have. The library's largest has under 500; at 50,000 the parse
#: and a validation of the whole file stay near 100 MB.
MAX_ELEMENTS = 50_000
#: Longest attribute value, in characters (ids, names, references: the library's longest is
#: about 100).
MAX_ATTRIBUTE = 10_000

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
# UTF-16/UTF-32 byte order marks. Without a mark, a NUL byte in the first four gives them away
# (UTF-8 XML has no NUL). Checked first: the DOCTYPE scan below reads ASCII-compatible bytes only.
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        collect_ids=False,
    )


def parse_xml(data: bytes, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse ``data`` into an element tree or raise :class:`ModelError` saying what and where."""
    if len(data) > max_bytes:
        raise ModelError(source, [ModelProblem(
            "xml",
            f"file is {len(data):,} bytes, larger than the limit of {max_bytes:,} bytes; "
            "split the diagram or raise the limit",
        )])
    if not data.strip():
        raise ModelError(source, [ModelProblem("xml", "file is empty; expected a BPMN 2.0 XML file")])
    if data.startswith(_WIDE_BOMS) or b"\x00" in data[:4]:
        raise ModelError(source, [ModelProblem(
            "xml", "file is UTF-16 (or UTF-32) encoded; save it as UTF-8 (every BPMN modeler can)"
        )])
    doctype = _DOCTYPE.search(data) if b"<!" in data else None  # bytes.find is fast
    if doctype:
        raise ModelError(source, [_doctype_problem(data.count(b"\n", 0, doctype.start()) + 1)])
    try:
        if _start_tags(data) > MAX_ELEMENTS:  # an upper bound; counted exactly only then
            _count_elements(data, source)
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ModelError(source, [_syntax_problem(exc)]) from None
    if root is None:  # pragma: no cover - lxml raises instead, kept for safety
        raise ModelError(source, [ModelProblem("xml", "no root element")])
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # an encoding the scan cannot read
        raise ModelError(source, [_doctype_problem(None)])
    _check_tree(root, source)
    return root


def _start_tags(data: bytes) -> int:
    """At least the number of start tags in ``data`` (a ``<`` in a comment or CDATA counts
    too), from four byte counts: no parsing."""
    return data.count(b"<") - data.count(b"</") - data.count(b"<!") - data.count(b"<?")


def _count_elements(data: bytes, source: str) -> None:
    """Parse ``data`` element by element and stop at the first one past :data:`MAX_ELEMENTS`,
    so that no more of the tree is built. Syntax errors (too deep, not well-formed) come out
    as they would from the whole parse."""
    events = etree.iterparse(io.BytesIO(data), events=("start",), resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False)
    for count, (_, element) in enumerate(events, start=1):
        if count > MAX_ELEMENTS:
            raise ModelError(source, [_too_many_problem(element.sourceline)])


def _too_many_problem(line: int | None) -> ModelProblem:
    return ModelProblem(
        "xml", f"the file has more than {MAX_ELEMENTS:,} elements (the limit is reached here); "
               "a procedure's diagram has a few hundred: split it into several diagrams", line)


def _check_tree(root: etree._Element, source: str) -> None:
    """Refuse a tree wider than :data:`MAX_ELEMENTS` (for an encoding the byte count cannot
    read) or with an attribute value longer than :data:`MAX_ATTRIBUTE`."""
    for count, element in enumerate(root.iter(etree.Element), start=1):
        if count > MAX_ELEMENTS:
            raise ModelError(source, [_too_many_problem(element.sourceline)])
        for name, value in element.items():
            if len(value) > MAX_ATTRIBUTE:
                local = etree.QName(name).localname
                raise ModelError(source, [ModelProblem(
                    "xml", f'the attribute {local}="{value[:20]}…" of '
                           f"<{etree.QName(element).localname}> is {len(value):,} characters "
                           f"long, more than {MAX_ATTRIBUTE:,}; shorten it (an id, a name or a "
                           "reference is a line at most)", element.sourceline)])


def _doctype_problem(line: int | None) -> ModelProblem:
    return ModelProblem(
        "xml",
        "a DOCTYPE or ENTITY declaration is not allowed in a BPMN file "
        "(it can be used to read files or exhaust memory); remove it",
        line,
    )


def _syntax_problem(exc: etree.XMLSyntaxError) -> ModelProblem:
    line = exc.lineno or None
    message = (exc.msg or str(exc)).strip()
    # lxml repeats the position as ", line N, column M"; keep the message itself short.
    message = re.sub(r",? line \d+, column \d+$", "", message)
    message = " ".join(message.split())  # libxml2 sometimes ends a message with a line break
    if "XML_PARSE_HUGE" in message or "Excessive depth" in message:
        message = ("elements are nested too deeply (nesting depth over 256 levels); "
                   "a BPMN diagram never needs that")
    column = exc.position[1] if exc.position else None
    where = f" (column {column})" if column else ""
    return ModelProblem("xml", f"not well-formed XML: {message}{where}", line)
