"""BPMN 2.0 notation as SVG elements, the way bpmn-js draws it: one function per kind of
shape, the arrowheads of flows, and text wrapped into boxes (:mod:`.diagram_svg` places them
at the diagram's DI coordinates).

Arrowheads are plain polygons rather than SVG markers, so WeasyPrint and CairoSVG draw them
alike. Names are wrapped by an estimate of their width (:data:`CHAR_WIDTH`), not measured: no
font library is needed on the server.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from lxml import etree

from isobpmn.model import Event, Gateway
from isobpmn.model.types import Bounds, GatewayType

__all__ = ["BAND", "CHAR_WIDTH", "NAME_SIZE", "STROKE", "SVG_NS", "draw_annotation",
           "draw_arrow", "draw_data_object", "draw_data_store", "draw_default_mark",
           "draw_event", "draw_gateway", "draw_lane", "draw_rect", "draw_sub_process",
           "draw_task", "draw_text", "element", "num", "point_list", "wrap"]

SVG_NS = "http://www.w3.org/2000/svg"
#: Average advance of a character of DejaVu Sans as a share of the font size (Vietnamese text).
CHAR_WIDTH = 0.55
BAND = 30  # width of a pool's or lane's label band
STROKE = "#222"
NAME_SIZE = 11  # task names


# --- shapes ----------------------------------------------------------------------------------

Point = tuple[float, float]


def draw_lane(group: etree._Element, b: Bounds, name: str, fill: str, *,
              vertical: bool) -> None:
    """A pool or lane: its frame, the label band and the name written along the band."""
    draw_rect(group, b, fill=fill, width=1.5)
    if vertical:  # the band across the top, the name written across
        _line(group, (b.x, b.y + BAND), (b.x + b.width, b.y + BAND))
        if name:
            lines = wrap(name, max(b.width - 10, 40), 12)[:2]
            draw_text(group, lines, b.x + b.width / 2, b.y + BAND / 2 - 7 * len(lines), size=12)
        return
    _line(group, (b.x + BAND, b.y), (b.x + BAND, b.y + b.height))
    if name:
        cx, cy = b.x + BAND / 2, b.y + b.height / 2
        lines = wrap(name, max(b.height - 10, 40), 12)[:2]
        text = draw_text(group, lines, cx, cy - 7 * len(lines), size=12)
        text.set("transform", f"rotate(-90 {num(cx)} {num(cy)})")


def draw_task(group: etree._Element, b: Bounds, name: str, number: str, *,
              thick: bool) -> None:
    """A rounded box with the name centred inside (cut with "…" when it does not fit) and the
    step's number in the top left corner."""
    draw_rect(group, b, rx=10, fill="#fff", width=4 if thick else 2)
    size, leading = NAME_SIZE, NAME_SIZE * 1.2
    lines = wrap(name, b.width - 10, size)
    most = max(1, int((b.height - 8) // leading))
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1].rstrip(" .,;") + "…"
    draw_text(group, lines, b.x + b.width / 2, b.y + b.height / 2 - len(lines) * leading / 2,
              size=size)
    if number:
        badge = draw_text(group, [number], b.x + 5, b.y + 3, size=10, anchor="start")
        badge.set("font-weight", "bold")


def draw_sub_process(group: etree._Element, b: Bounds, name: str, number: str, *,
                     collapsed: bool) -> None:
    """Collapsed: a task with the ``+`` marker; expanded: a frame with its name at the top."""
    if collapsed:
        draw_task(group, b, name, number, thick=False)
        x, y = b.x + b.width / 2 - 7, b.y + b.height - 16
        draw_rect(group, Bounds(x, y, 14, 14), width=1.5)
        _path(group, f"M{num(x + 3)} {num(y + 7)}h8M{num(x + 7)} {num(y + 3)}v8", 1.5)
        return
    draw_rect(group, b, rx=10, fill="#fff", width=2)
    label = f"{number}. {name}" if number and name else name
    if label:
        draw_text(group, wrap(label, b.width - 12, 12), b.x + 6, b.y + 4, size=12,
                  anchor="start")


def draw_event(group: etree._Element, b: Bounds, kind: str, node: object) -> None:
    """Start thin, end thick, intermediate and boundary double (dashed when they do not
    interrupt), with the marker of the first event definition."""
    cx, cy, r = b.x + b.width / 2, b.y + b.height / 2, min(b.width, b.height) / 2
    end, start = kind == "endEvent", kind == "startEvent"
    dash = "" if not isinstance(node, Event) or node.cancel_activity else "5 3"
    _circle(group, cx, cy, r, width=4 if end else 2, fill="#fff", dash=dash)
    if not (end or start):
        _circle(group, cx, cy, r - 3, width=1.5, dash=dash)
    if isinstance(node, Event) and node.definitions:
        throw = kind in ("endEvent", "intermediateThrowEvent")
        _event_marker(group, node.definitions[0].kind, cx, cy, r / 18, filled=throw)


def _event_marker(group: etree._Element, kind: str, cx: float, cy: float, s: float, *,
                  filled: bool) -> None:
    """The marker of an event definition, drawn for a 36-unit event scaled by ``s``."""
    fill = STROKE if filled else "#fff"

    def shape(*points: Point) -> None:
        corners = ((cx + x * s, cy + y * s) for x, y in points)
        element(group, "polygon", {"points": point_list(corners), "fill": fill,
                                   "stroke-width": "1"})

    if kind == "message":
        w, h = 18 * s, 12 * s
        x, y = cx - w / 2, cy - h / 2
        draw_rect(group, Bounds(x, y, w, h), fill=fill, width=1)
        element(group, "polyline", {"points": point_list([(x, y), (cx, cy + s), (x + w, y)]),
                                    "stroke": "#fff" if filled else STROKE, "stroke-width": "1"})
    elif kind == "timer":
        _circle(group, cx, cy, 11 * s, width=1.5, fill="#fff")
        _path(group, f"M{num(cx)} {num(cy)}V{num(cy - 8 * s)}M{num(cx)} {num(cy)}"
                     f"L{num(cx + 6 * s)} {num(cy + 3 * s)}", 1.5)
    elif kind == "terminate":
        _circle(group, cx, cy, 10 * s, width=1, fill=STROKE)
    elif kind == "signal":
        shape((0, -10), (9, 7), (-9, 7))
    elif kind == "escalation":
        shape((0, -10), (7, 9), (0, 2), (-7, 9))
    elif kind == "error":
        shape((-9, 9), (-4, -8), (2, 1), (9, -9), (4, 8), (-2, -1))


def draw_gateway(group: etree._Element, b: Bounds, node: object, *,
                 exclusive_marker: bool) -> None:
    """A diamond with the marker of its type (the × of an exclusive gateway only when asked)."""
    cx, cy = b.x + b.width / 2, b.y + b.height / 2
    element(group, "polygon", {"points": point_list([(cx, b.y), (b.x + b.width, cy),
                                                     (cx, b.y + b.height), (b.x, cy)]),
                               "fill": "#fff", "stroke-width": "2"})
    kind = node.gateway_type if isinstance(node, Gateway) else GatewayType.EXCLUSIVE
    k = min(b.width, b.height) / 2 * 0.42
    cross = (f"M{num(cx - k)} {num(cy)}H{num(cx + k)}"
             f"M{num(cx)} {num(cy - k)}V{num(cy + k)}")
    if kind is GatewayType.EXCLUSIVE and exclusive_marker:
        x = k * .75
        _path(group, f"M{num(cx - x)} {num(cy - k)}L{num(cx + x)} {num(cy + k)}"
                     f"M{num(cx + x)} {num(cy - k)}L{num(cx - x)} {num(cy + k)}", 3.5)
    elif kind is GatewayType.PARALLEL:
        _path(group, cross, 3.5)
    elif kind is GatewayType.INCLUSIVE:
        _circle(group, cx, cy, k, width=2.5)
    elif kind is GatewayType.EVENT_BASED:
        _circle(group, cx, cy, k * 1.2, width=1)
        corners = (i * 2 * math.pi / 5 for i in range(5))
        element(group, "polygon", {"points": point_list(
            (cx + k * .75 * math.sin(a), cy - k * .75 * math.cos(a)) for a in corners),
            "stroke-width": "1.5"})
    elif kind is GatewayType.COMPLEX:
        d = k * .7
        _path(group, f"{cross}M{num(cx - d)} {num(cy - d)}L{num(cx + d)} {num(cy + d)}"
                     f"M{num(cx + d)} {num(cy - d)}L{num(cx - d)} {num(cy + d)}", 3)


def draw_annotation(group: etree._Element, b: Bounds, name: str) -> None:
    """The bracket of a text annotation (the model keeps no annotation text, only a name)."""
    _path(group, f"M{num(b.x + 10)} {num(b.y)}H{num(b.x)}V{num(b.y + b.height)}"
                 f"H{num(b.x + 10)}", 1.5)
    if name:
        draw_text(group, wrap(name, b.width - 8, 11), b.x + 5, b.y + 4, size=11, anchor="start")


def draw_data_object(group: etree._Element, b: Bounds) -> None:
    """A page with a folded corner."""
    fold, right, bottom = min(10.0, b.width / 3), b.x + b.width, b.y + b.height
    _path(group, f"M{num(b.x)} {num(b.y)}H{num(right - fold)}L{num(right)} {num(b.y + fold)}"
                 f"V{num(bottom)}H{num(b.x)}ZM{num(right - fold)} {num(b.y)}"
                 f"V{num(b.y + fold)}H{num(right)}", 1.5, fill="#fff")


def draw_data_store(group: etree._Element, b: Bounds) -> None:
    """A cylinder."""
    e, right, bottom = min(8.0, b.height / 5), b.x + b.width, b.y + b.height
    arc = f"A{num(b.width / 2)} {num(e)} 0 0"
    _path(group, f"M{num(b.x)} {num(b.y + e)}{arc} 1 {num(right)} {num(b.y + e)}"
                 f"V{num(bottom - e)}{arc} 1 {num(b.x)} {num(bottom - e)}Z"
                 f"M{num(b.x)} {num(b.y + e)}{arc} 0 {num(right)} {num(b.y + e)}", 1.5,
          fill="#fff")


# --- flows -----------------------------------------------------------------------------------


def draw_arrow(group: etree._Element, before: Point, tip: Point, *, fill: str) -> None:
    """An arrowhead at ``tip``, pointing along the segment from ``before``."""
    (x1, y1), (x2, y2) = before, tip
    angle = math.atan2(y2 - y1, x2 - x1)
    length, half = 11.0, 4.0
    bx, by = x2 - length * math.cos(angle), y2 - length * math.sin(angle)
    nx, ny = -math.sin(angle) * half, math.cos(angle) * half
    element(group, "polygon", {"points": point_list([(x2, y2), (bx + nx, by + ny),
                                                     (bx - nx, by - ny)]),
                               "fill": fill, "stroke-width": "1"})


def draw_default_mark(group: etree._Element, start: Point, towards: Point) -> None:
    """The slash across the start of a default flow."""
    (x1, y1), (x2, y2) = start, towards
    angle = math.atan2(y2 - y1, x2 - x1)
    cx, cy = x1 + 10 * math.cos(angle), y1 + 10 * math.sin(angle)
    across = angle + 3 * math.pi / 4
    dx, dy = 6 * math.cos(across), 6 * math.sin(across)
    _line(group, (cx - dx, cy - dy), (cx + dx, cy + dy), width=1.5)


# --- primitives ------------------------------------------------------------------------------


def element(parent: etree._Element, tag: str, attrib: Mapping[str, str] | None = None
            ) -> etree._Element:
    """A new SVG element under ``parent``."""
    return etree.SubElement(parent, f"{{{SVG_NS}}}{tag}", attrib=dict(attrib or {}))


def num(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def point_list(points: Iterable[Point]) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in points)


def draw_rect(group: etree._Element, b: Bounds, *, rx: float = 0, fill: str = "#fff",
              width: float = 1.5, dash: str = "") -> etree._Element:
    attrib = {"x": num(b.x), "y": num(b.y), "width": num(b.width), "height": num(b.height),
              "fill": fill, "stroke-width": num(width)}
    if rx:
        attrib["rx"] = attrib["ry"] = num(rx)
    if dash:
        attrib["stroke-dasharray"] = dash
    return element(group, "rect", attrib)


def draw_text(group: etree._Element, lines: list[str], x: float, top: float, *, size: float,
              anchor: str = "middle") -> etree._Element:
    """Lines of text whose first line's top is at ``top``."""
    text = element(group, "text", {"x": num(x), "y": num(top + size * 0.9),
                                   "font-size": num(size), "text-anchor": anchor,
                                   "fill": "#000", "stroke": "none"})
    for i, line in enumerate(lines):
        span = element(text, "tspan", {"x": num(x)})
        if i:
            span.set("dy", num(size * 1.2))
        span.text = line
    return text


def wrap(text: str, width: float, size: float) -> list[str]:
    """Words of ``text`` in lines of at most ``width`` units at font ``size`` (estimated)."""
    most = max(4, int(width / (size * CHAR_WIDTH)))
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > most:  # a word longer than a line is cut
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:most])
            word = word[most:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= most:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _line(group: etree._Element, start: Point, end: Point, *, width: float = 1.5) -> None:
    element(group, "line", {"x1": num(start[0]), "y1": num(start[1]), "x2": num(end[0]),
                            "y2": num(end[1]), "stroke-width": num(width)})


def _circle(group: etree._Element, cx: float, cy: float, r: float, *, width: float,
            fill: str = "none", dash: str = "") -> None:
    attrib = {"cx": num(cx), "cy": num(cy), "r": num(r), "fill": fill, "stroke-width": num(width)}
    if dash:
        attrib["stroke-dasharray"] = dash
    element(group, "circle", attrib)


def _path(group: etree._Element, d: str, width: float, *, fill: str = "none") -> None:
    element(group, "path", {"d": d, "fill": fill, "stroke-width": num(width)})
