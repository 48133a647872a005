"""Charts drawn on the server as inline SVG: no script, no external file, printable.

Two shapes serve the leaders' dashboard: vertical bars of a few counts (dossiers resolved
early, on time, late) and, per procedure, a horizontal bar of the average processing time with
a tick at the 90th percentile and a dashed line at the statutory allowance. Colours come from
CSS classes of app.css (``chart-*``); texts are escaped and given by the caller, translated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["Bar", "Comparison", "bars", "comparisons"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    css: str
    text: str = ""


@dataclass(frozen=True)
class Comparison:
    """One procedure: ``value`` (average) and ``high`` (90th percentile) against ``limit``,
    in one unit; ``text`` is what the row says in words."""

    label: str
    value: float | None
    high: float | None
    limit: float | None
    text: str


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def bars(items: Sequence[Bar], title: str) -> Markup:
    """Vertical bars, each with its value above and its label below."""
    width, height, top, bottom = 120 * max(len(items), 1), 220, 24, 36
    peak = max((item.value for item in items), default=0) or 1
    body = [f'<line class="chart-axis" x1="0" y1="{height - bottom}" x2="{width}" '
            f'y2="{height - bottom}"/>']
    for i, item in enumerate(items):
        size = (height - top - bottom) * item.value / peak
        x, y = i * 120 + 30, height - bottom - size
        body.append(f'<rect class="{escape(item.css)}" x="{x}" y="{y:.1f}" width="60" '
                    f'height="{size:.1f}"><title>{escape(item.label)}: '
                    f"{escape(item.text or item.value)}</title></rect>")
        body.append(f'<text class="chart-value" x="{x + 30}" y="{y - 6:.1f}" '
                    f'text-anchor="middle">{escape(item.text or f"{item.value:g}")}</text>')
        body.append(f'<text class="chart-label" x="{x + 30}" y="{height - bottom + 20}" '
                    f'text-anchor="middle">{escape(item.label)}</text>')
    return _svg(width, height, title, body)


def comparisons(rows: Sequence[Comparison], title: str, legend: tuple[str, str, str]) -> Markup:
    """One row per procedure: the average as a bar, the 90th percentile as a tick, the
    allowance as a dashed line; ``legend`` names the three."""
    label_width, plot, row_height, top = 260, 420, 34, 30
    width = label_width + plot + 150
    height = top + row_height * max(len(rows), 1) + 10
    peak = max((v for r in rows for v in (r.value, r.high, r.limit) if v), default=0) or 1
    scale = plot / (peak * 1.05)
    body = []
    for i, (css, name) in enumerate(zip(("chart-avg", "chart-p90", "chart-limit"), legend)):
        x = label_width + i * 150
        key = (f'<rect class="{css}" x="{x}" y="6" width="14" height="10"/>' if i == 0 else
               f'<line class="{css}" x1="{x + 7}" y1="2" x2="{x + 7}" y2="20"/>')
        body.append(f'{key}<text class="chart-label" x="{x + 20}" y="15">{escape(name)}</text>')
    for i, row in enumerate(rows):
        y = top + i * row_height
        body.append(f'<text class="chart-label" x="{label_width - 8}" y="{y + 17}" '
                    f'text-anchor="end">{escape(row.label)}</text>')
        if row.value is not None:
            body.append(f'<rect class="chart-avg" x="{label_width}" y="{y + 6}" '
                        f'width="{row.value * scale:.1f}" height="16"/>')
        if row.high is not None:
            x = label_width + row.high * scale
            body.append(f'<line class="chart-p90" x1="{x:.1f}" y1="{y + 2}" x2="{x:.1f}" '
                        f'y2="{y + 26}"/>')
        if row.limit is not None:
            x = label_width + row.limit * scale
            body.append(f'<line class="chart-limit" x1="{x:.1f}" y1="{y}" x2="{x:.1f}" '
                        f'y2="{y + row_height}"/>')
        body.append(f'<text class="chart-value" x="{label_width + plot + 8}" y="{y + 17}">'
                    f"{escape(row.text)}</text>")
    return _svg(width, height, title, body)
