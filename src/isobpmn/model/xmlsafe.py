"""Parsing untrusted XML: no DTD, no entities, no network, bounded size and depth.

BPMN files come from uploads, editors and CI checkouts; any of them may be hostile (entity
bombs, XXE, gigantic or deeply nested documents). The parser below never loads a DTD, never
expands an entity, never touches the network and keeps libxml2's default depth and size limits
(``huge_tree`` off). A document type declaration is refused outright: BPMN has no use for one.
"""

from __future__ import annotations

import re

from lxml import etree

from isobpmn.model.errors import ModelError, ModelProblem

#: Largest diagram accepted, in bytes. Real procedures are 20–300 kB.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

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
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ModelError(source, [_syntax_problem(exc)]) from None
    if root is None:  # pragma: no cover - lxml raises instead, kept for safety
        raise ModelError(source, [ModelProblem("xml", "no root element")])
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # an encoding the scan cannot read
        raise ModelError(source, [_doctype_problem(None)])
    return root


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
