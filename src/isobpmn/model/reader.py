"""Reading a BPMN file or bytes into a :class:`BpmnDocument` / :class:`Procedure`.

The reader is tolerant inside and strict at the door: it collects every problem it finds
(duplicate ids, unresolved references, bad ``iso`` values) in one pass; :func:`read_document`
raises them as one :class:`ModelError` unless ``strict=False``, which is what the validator uses
to report them all as findings.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from types import MappingProxyType

from lxml import etree

from isobpmn.model import iso
from isobpmn.model.errors import ModelError, ModelProblem
from isobpmn.model.process import NS_BPMN, ProcessReader, collect_extensions
from isobpmn.model.types import (
    Bounds,
    BpmnDocument,
    Diagram,
    Edge,
    ElementInfo,
    Procedure,
    SequenceFlow,
    Shape,
)
from isobpmn.model.xmlsafe import DEFAULT_MAX_BYTES, parse_xml

NS_BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
NS_DC = "http://www.omg.org/spec/DD/20100524/DC"
NS_DI = "http://www.omg.org/spec/DD/20100524/DI"

Source = str | os.PathLike | bytes

__all__ = ["DEFAULT_MAX_BYTES", "document_from_tree", "load_bytes", "main_process", "read_document",
           "read_procedure"]


def read_document(source: Source, *, name: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                  strict: bool = True) -> BpmnDocument:
    """Read a whole BPMN file (a path, or the bytes of one).

    ``name`` is how the source is shown in messages (default: the path, or ``<bytes>``).
    With ``strict`` (the default) any problem raises :class:`ModelError`; otherwise the problems
    are returned in ``document.problems`` and only unreadable input raises.
    """
    data, label = _load(source, name, max_bytes)
    return document_from_tree(parse_xml(data, label, max_bytes), label, strict=strict)


def load_bytes(source: Source, *, name: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, str]:
    """The bytes of a source and its label, with the size limit applied (for tools that
    need the raw file as well, such as the validator's XSD check)."""
    return _load(source, name, max_bytes)


def document_from_tree(root: etree._Element, label: str, *, strict: bool = True) -> BpmnDocument:
    """Build a :class:`BpmnDocument` from an already safely parsed tree
    (see :func:`isobpmn.model.xmlsafe.parse_xml`)."""
    if etree.QName(root).namespace != NS_BPMN or etree.QName(root).localname != "definitions":
        raise ModelError(label, [ModelProblem(
            "not-bpmn",
            f"not a BPMN 2.0 file: the root element is <{etree.QName(root).localname}> in "
            f"namespace {etree.QName(root).namespace or '(none)'!r}; expected <definitions> in "
            f"{NS_BPMN}",
            root.sourceline,
        )])
    problems = iso.Problems()
    index = _index(root, problems)
    extensions, suppressions = collect_extensions(root, problems)
    participants, participant_names, message_flows = _collaboration(root, index, problems)
    processes = tuple(
        ProcessReader(el, label, index, extensions, problems,
                      participant_names.get(el.get("id", ""), "")).read()
        for el in root.iterchildren(f"{{{NS_BPMN}}}process")
    )
    diagram = _diagram(root, index, problems)
    document = BpmnDocument(
        source=label,
        target_namespace=root.get("targetNamespace", ""),
        processes=processes,
        index=MappingProxyType(index),
        diagram=diagram,
        participants=MappingProxyType(participants),
        message_flows=message_flows,
        problems=tuple(problems.items),
        suppressions=suppressions,
    )
    if strict and document.problems:
        raise ModelError(label, document.problems)
    return document


def read_procedure(source: Source, **options) -> Procedure:
    """Read a file and return the procedure it describes (see :func:`main_process`)."""
    return main_process(read_document(source, **options))


def main_process(document: BpmnDocument) -> Procedure:
    """The process a file is about: the one carrying ``iso:procedure``, else the only one."""
    with_iso = [p for p in document.processes if p.info is not None]
    if len(with_iso) == 1:
        return with_iso[0]
    if len(with_iso) > 1:
        ids = ", ".join(p.bpmn_id for p in with_iso)
        raise ModelError(document.source, [ModelProblem(
            "structure", f"several processes carry iso:procedure ({ids}); keep one procedure per file",
            with_iso[1].line)])
    with_nodes = [p for p in document.processes if p.nodes]
    if len(with_nodes) == 1:
        return with_nodes[0]
    if not with_nodes:
        raise ModelError(document.source, [ModelProblem(
            "structure", "the file has no process with any flow node; draw at least a start event")])
    ids = ", ".join(p.bpmn_id for p in with_nodes)
    raise ModelError(document.source, [ModelProblem(
        "structure", f"the file has several processes ({ids}) and none carries iso:procedure; "
                     "add iso:procedure to the one that is the procedure")])


def _load(source: Source, name: str | None, max_bytes: int) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), name or "<bytes>"
    path = Path(source)
    label = name or str(source)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ModelError(label, [ModelProblem("io", "not a file")])
        if size > max_bytes:
            raise ModelError(label, [ModelProblem(
                "xml", f"file is {size:,} bytes, larger than the limit of {max_bytes:,} bytes; "
                       "split the diagram or raise the limit")])
        with path.open("rb") as handle:
            # read what stat announced (+1 to notice growth): asking for max_bytes would make
            # Python allocate a buffer of that size for every file
            return handle.read(min(size, max_bytes) + 1), label
    except FileNotFoundError:
        raise ModelError(label, [ModelProblem("io", "no such file")]) from None
    except PermissionError:
        raise ModelError(label, [ModelProblem("io", "permission denied")]) from None
    except IsADirectoryError:
        raise ModelError(label, [ModelProblem("io", "is a directory, not a file")]) from None
    except OSError as exc:
        raise ModelError(label, [ModelProblem("io", f"cannot read: {exc.strerror or exc}")]) from None


_WITH_ID = etree.XPath("//*[@id]")


def split_tag(tag: str) -> tuple[str, str]:
    """``"{ns}local"`` → ``("ns", "local")`` without building a QName (hot path)."""
    if tag[:1] == "{":
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _index(root: etree._Element, problems: iso.Problems) -> dict[str, ElementInfo]:
    index: dict[str, ElementInfo] = {}
    for el in _WITH_ID(root):
        bpmn_id = el.get("id")
        if bpmn_id in index:
            first = index[bpmn_id]
            problems.add("duplicate-id",
                         f'id "{bpmn_id}" is used twice (first on line {first.line}); '
                         "every id in a file must be unique", el, bpmn_id)
            continue
        parent = el.getparent()
        while parent is not None and parent.get("id") is None:
            parent = parent.getparent()
        namespace, local = split_tag(el.tag)
        index[bpmn_id] = ElementInfo(
            bpmn_id=bpmn_id,
            kind=local,
            name=(el.get("name") or "").strip(),
            line=el.sourceline,
            namespace=namespace,
            parent_id=parent.get("id") if parent is not None else None,
        )
    return index


def _collaboration(root, index, problems):
    participants: dict[str, str] = {}
    names: dict[str, str] = {}  # processRef -> participant name
    message_flows: list[SequenceFlow] = []
    for collab in root.iterchildren(f"{{{NS_BPMN}}}collaboration"):
        for part in collab.iterchildren(f"{{{NS_BPMN}}}participant"):
            ref = part.get("processRef", "")
            if ref and (ref not in index or index[ref].kind != "process"):
                problems.add("unresolved-reference",
                             f'participant "{part.get("id")}" refers to process "{ref}", '
                             "which is not in the file", part, part.get("id"))
            participants[part.get("id", "")] = ref
            if ref:
                names[ref] = (part.get("name") or "").strip()
        for flow in collab.iterchildren(f"{{{NS_BPMN}}}messageFlow"):
            source, target = flow.get("sourceRef", ""), flow.get("targetRef", "")
            for role, ref in (("sourceRef", source), ("targetRef", target)):
                if ref not in index:
                    problems.add("unresolved-reference",
                                 f'message flow "{flow.get("id")}" {role}="{ref}" is not an '
                                 "element of the file", flow, flow.get("id"))
            message_flows.append(SequenceFlow(flow.get("id", ""), (flow.get("name") or "").strip(),
                                              source, target, flow.sourceline,
                                              scope_id=collab.get("id", "")))
    return participants, names, tuple(message_flows)


_SHAPE = f"{{{NS_BPMNDI}}}BPMNShape"
_EDGE = f"{{{NS_BPMNDI}}}BPMNEdge"
_BOUNDS = f"{{{NS_DC}}}Bounds"
_WAYPOINT = f"{{{NS_DI}}}waypoint"


def _diagram(root, index, problems) -> Diagram:
    shapes: dict[str, Shape] = {}
    edges: dict[str, Edge] = {}
    planes: list[str] = []
    for plane in root.iter(f"{{{NS_BPMNDI}}}BPMNPlane"):
        planes.append(plane.get("bpmnElement", ""))
        for el in plane.iterchildren(_SHAPE, _EDGE):
            ref = el.get("bpmnElement", "")
            tag = "BPMNShape" if el.tag == _SHAPE else "BPMNEdge"
            if ref not in index:
                problems.add("unresolved-reference",
                             f'diagram {tag} "{el.get("id")}" draws "{ref}", which is not an '
                             "element of the file", el, el.get("id"))
                continue
            if tag == "BPMNShape":
                bounds = el.find(_BOUNDS)
                box = _bounds(bounds, problems) if bounds is not None else None
                if box is None:
                    continue
                expanded = el.get("isExpanded")
                shapes[ref] = Shape(el.get("id", ""), ref, box, el.sourceline,
                                    None if expanded is None else expanded == "true")
            else:
                points = tuple(
                    p for p in (_point(w, problems) for w in el.iterchildren(_WAYPOINT))
                    if p is not None
                )
                edges[ref] = Edge(el.get("id", ""), ref, points, el.sourceline)
    return Diagram(MappingProxyType(shapes), MappingProxyType(edges), tuple(planes))


_BOX = ("x", "y", "width", "height")


def _number(el, name, problems) -> float | None:
    try:
        value = float(el.get(name, ""))
    except ValueError:
        problems.add("structure", f'{etree.QName(el).localname} {name}="{el.get(name, "")}" '
                                  "is not a number", el)
        return None
    if value != value or value in (float("inf"), float("-inf")):
        problems.add("structure", f"{etree.QName(el).localname} {name} is not a finite number", el)
        return None
    return value


def _bounds(el, problems) -> Bounds | None:
    try:  # the usual case, in one go; the slow path below says which value is wrong
        fast = [float(el.get(k)) for k in _BOX]
        if all(map(math.isfinite, fast)):
            return Bounds(*fast)
    except (TypeError, ValueError):
        pass
    values = [_number(el, k, problems) for k in _BOX]
    if any(v is None for v in values):
        return None
    return Bounds(*values)  # type: ignore[arg-type]


def _point(el, problems) -> tuple[float, float] | None:
    try:
        x, y = float(el.get("x")), float(el.get("y"))
        if math.isfinite(x) and math.isfinite(y):
            return x, y
    except (TypeError, ValueError):
        pass
    x, y = _number(el, "x", problems), _number(el, "y", problems)
    return None if x is None or y is None else (x, y)
