"""The procedure diagram as SVG, drawn on the server from the file's BPMN DI.

The ISO procedure document prints the diagram under 5.7 (docs/procedure-document.md). No
browser is involved: every DI shape becomes one ``<g data-bpmn-id="…">`` at its DI bounds and
every DI edge one polyline, in the notation of BPMN 2.0 as bpmn-js draws it —

- pools and lanes as rectangles with their name written upwards in a band on the left (across
  the top for a vertical pool or lane);
- tasks as rounded rectangles with the name wrapped inside and the step's number (TT of the
  step table) in the top left corner; a call activity with a thick border, a collapsed
  sub-process with a ``+`` marker;
- events as circles (start thin, end thick, intermediate and boundary double) with a marker
  for message, timer, signal, error, escalation and terminate definitions;
- gateways as diamonds with their marker (× exclusive when the DI asks for it, + parallel,
  ○ inclusive, event-based);
- sequence flows as polylines with a filled arrowhead and the default-flow slash (message
  flows dashed, associations dotted);
- names of events, gateways, data and flows at their DI label bounds, else under the shape
  (beside the first segment for a flow).

The model keeps no label bounds, marker visibility or orientation, so :func:`di_layout` reads
them from the same parsed tree. The SVG tree is built with lxml, so every name is escaped and
the result is well-formed whatever the diagram says. The shapes themselves are drawn by
:mod:`.bpmn_notation`. Text is set in DejaVu Sans (``fonts-dejavu-core``, which has every
Vietnamese letter), falling back to Arial and Liberation Sans.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import NamedTuple

from lxml import etree

from isobpmn.model import BpmnDocument, Procedure
from isobpmn.model.reader import NS_BPMNDI, NS_DC
from isobpmn.model.types import Bounds, Edge, GatewayType, Shape

from .bpmn_notation import (
    STROKE,
    SVG_NS,
    draw_annotation,
    draw_arrow,
    draw_data_object,
    draw_data_store,
    draw_default_mark,
    draw_event,
    draw_gateway,
    draw_lane,
    draw_rect,
    draw_sub_process,
    draw_task,
    draw_text,
    element,
    num,
    point_list,
    wrap,
)

__all__ = ["FONT_FAMILY", "SVG_NS", "DiLayout", "di_layout", "diagram_svg"]

FONT_FAMILY = "DejaVu Sans, Arial, Liberation Sans, sans-serif"
MARGIN = 12
LABEL_SIZE = 10  # names outside shapes

TASKS = frozenset({"task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask",
                   "receiveTask", "businessRuleTask", "callActivity"})
SUB_PROCESSES = frozenset({"subProcess", "transaction", "adHocSubProcess"})
EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent",
                    "intermediateThrowEvent", "boundaryEvent"})
GATEWAYS = frozenset(t.value for t in GatewayType)
#: Elements whose name is written under the shape rather than inside it.
OUTSIDE_LABELS = EVENTS | GATEWAYS | {"dataObjectReference", "dataStoreReference"}


class DiLayout(NamedTuple):
    """What the DI says beyond shapes and waypoints: label bounds by element id, gateways
    whose marker is shown (``isMarkerVisible``), pools and lanes drawn vertically."""

    labels: Mapping[str, Bounds] = MappingProxyType({})
    marker_visible: frozenset[str] | None = None  # None: show every marker
    vertical: frozenset[str] = frozenset()


def di_layout(root: etree._Element) -> DiLayout:
    """Read :class:`DiLayout` from a file parsed by :func:`isobpmn.model.xmlsafe.parse_xml`."""
    labels: dict[str, Bounds] = {}
    visible, vertical = set(), set()
    for el in root.iter(f"{{{NS_BPMNDI}}}BPMNShape", f"{{{NS_BPMNDI}}}BPMNEdge"):
        ref = el.get("bpmnElement", "")
        if el.get("isMarkerVisible") == "true":
            visible.add(ref)
        if el.get("isHorizontal") == "false":
            vertical.add(ref)
        bounds = el.find(f"{{{NS_BPMNDI}}}BPMNLabel/{{{NS_DC}}}Bounds")
        if bounds is not None:
            try:
                box = Bounds(*(float(bounds.get(k, "")) for k in ("x", "y", "width", "height")))
            except ValueError:
                continue
            if all(map(math.isfinite, box)):
                labels[ref] = box
    return DiLayout(labels, frozenset(visible), frozenset(vertical))


def diagram_svg(document: BpmnDocument, procedure: Procedure | None = None, *,
                title: str = "", layout: DiLayout | None = None) -> str:
    """The diagram of ``document`` as an SVG document (no XML declaration), or ``""`` when
    the file has no DI. ``procedure`` numbers the steps; ``title`` becomes the SVG title;
    ``layout`` places the labels (:func:`di_layout`)."""
    diagram = document.diagram
    if not diagram.shapes:
        return ""
    nodes = {bpmn_id: node for p in document.processes for bpmn_id, node in p.nodes.items()}
    flows = {bpmn_id: flow for p in document.processes for bpmn_id, flow in p.flows.items()}
    numbers = {s.bpmn_id: s.number for s in procedure.steps} if procedure else {}
    layout = layout or DiLayout()
    left, top, right, bottom = _extent(diagram.shapes.values(), diagram.edges.values(),
                                       layout.labels.values())
    width, height = right - left + 2 * MARGIN, bottom - top + 2 * MARGIN
    svg = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS}, attrib={
        "version": "1.1", "class": "bpmn-diagram",
        "viewBox": f"{num(left - MARGIN)} {num(top - MARGIN)} {num(width)} {num(height)}",
        "width": num(width), "height": num(height),
        "font-family": FONT_FAMILY, "font-size": "12", "fill": "none", "stroke": STROKE,
        "stroke-linejoin": "round"})
    if title:
        element(svg, "title").text = title
    drawing = _Drawing(document.index, nodes, flows, numbers, layout)
    # containers first, largest first, so that what they contain is drawn over them
    shapes = sorted(diagram.shapes.values(),
                    key=lambda s: (not drawing.is_container(s), -s.bounds.width * s.bounds.height))
    for shape in shapes:
        drawing.shape(svg, shape)
    for edge in diagram.edges.values():
        drawing.edge(svg, edge)
    return etree.tostring(svg, encoding="unicode")


# --- drawing ---------------------------------------------------------------------------------


class _Drawing:
    """What one diagram needs while it is drawn: element kinds, names, events, flows, layout."""

    def __init__(self, index: Mapping, nodes: Mapping, flows: Mapping,
                 numbers: Mapping[str, str], layout: DiLayout) -> None:
        self.index, self.nodes, self.flows = index, nodes, flows
        self.numbers, self.layout = numbers, layout

    def kind(self, element_id: str) -> str:
        info = self.index.get(element_id)
        return info.kind if info else ""

    def name(self, element_id: str) -> str:
        info = self.index.get(element_id)
        return " ".join((info.name or "").split()) if info else ""

    def is_container(self, shape: Shape) -> bool:
        kind = self.kind(shape.element_id)
        return kind in ("participant", "lane", "group") or (
            kind in SUB_PROCESSES and shape.is_expanded is not False)

    def shape(self, parent: etree._Element, shape: Shape) -> None:
        """One ``<g>`` for one DI shape, drawn by its element's kind."""
        element_id = shape.element_id
        kind = self.kind(element_id)
        group = element(parent, "g", {"class": f"shape {kind}", "data-bpmn-id": element_id})
        b, name, number = shape.bounds, self.name(element_id), self.numbers.get(element_id, "")
        if kind in ("participant", "lane"):
            draw_lane(group, b, name, fill="#fff" if kind == "participant" else "none",
                      vertical=element_id in self.layout.vertical)
        elif kind in TASKS:
            draw_task(group, b, name, number, thick=kind == "callActivity")
        elif kind in SUB_PROCESSES:
            draw_sub_process(group, b, name, number, collapsed=not self.is_container(shape))
        elif kind in EVENTS:
            draw_event(group, b, kind, self.nodes.get(element_id))
        elif kind in GATEWAYS:
            shown = self.layout.marker_visible
            draw_gateway(group, b, self.nodes.get(element_id),
                         exclusive_marker=shown is None or element_id in shown)
        elif kind == "textAnnotation":
            draw_annotation(group, b, name)
        elif kind == "dataObjectReference":
            draw_data_object(group, b)
        elif kind == "dataStoreReference":
            draw_data_store(group, b)
        elif kind == "group":
            draw_rect(group, b, rx=10, dash="8 4 1 4")
        else:
            draw_rect(group, b)
        if kind in OUTSIDE_LABELS and name:
            self.label(group, element_id, name,
                       Bounds(b.x + b.width / 2 - 45, b.y + b.height + 5, 90, 0))

    def label(self, group: etree._Element, element_id: str, name: str, default: Bounds,
              anchor: str = "middle") -> None:
        """``name`` at the element's DI label bounds, else at ``default``."""
        box = self.layout.labels.get(element_id)
        if box is not None:
            lines = wrap(name, max(box.width + 8, 30), LABEL_SIZE)
            draw_text(group, lines, box.x + box.width / 2, box.y, size=LABEL_SIZE)
        else:
            x = default.x + default.width / 2 if anchor == "middle" else default.x
            draw_text(group, wrap(name, default.width, LABEL_SIZE), x, default.y,
                      size=LABEL_SIZE, anchor=anchor)

    def edge(self, parent: etree._Element, edge: Edge) -> None:
        """A flow along its waypoints: sequence flows solid with a filled arrowhead, message
        flows dashed, associations dotted."""
        points = edge.waypoints
        if len(points) < 2:
            return
        kind = self.kind(edge.element_id)
        group = element(parent, "g", {"class": f"edge {kind}", "data-bpmn-id": edge.element_id})
        line = element(group, "polyline", {"points": point_list(points)})
        if kind == "messageFlow":
            line.set("stroke-dasharray", "6 4")
            x, y = points[0]
            element(group, "circle", {"cx": num(x), "cy": num(y), "r": "3.5", "fill": "#fff"})
            draw_arrow(group, points[-2], points[-1], fill="#fff")
        elif kind in ("association", "dataInputAssociation", "dataOutputAssociation"):
            line.set("stroke-dasharray", "1 4")
            line.set("stroke-linecap", "round")
            if kind != "association":
                draw_arrow(group, points[-2], points[-1], fill="#fff")
        else:
            draw_arrow(group, points[-2], points[-1], fill=STROKE)
            flow = self.flows.get(edge.element_id)
            if flow is not None and flow.is_default:
                draw_default_mark(group, points[0], points[1])
        name = self.name(edge.element_id)
        if name:
            (x1, y1), (x2, y2) = points[0], points[1]
            self.label(group, edge.element_id, name,
                       Bounds((x1 + x2) / 2 + 6, (y1 + y2) / 2 - 14, 110, 0), anchor="start")


def _extent(shapes: Iterable[Shape], edges: Iterable[Edge], labels: Iterable[Bounds]
            ) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for b in [s.bounds for s in shapes] + list(labels):
        xs += [b.x, b.x + b.width]
        ys += [b.y, b.y + b.height]
    for edge in edges:
        xs += [x for x, _ in edge.waypoints]
        ys += [y for _, y in edge.waypoints]
    return min(xs), min(ys), max(xs), max(ys) + 30  # room for a label under the lowest shape
