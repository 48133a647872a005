"""Plain-text tables with wrapped cells, for terminals and logs."""

from __future__ import annotations

import shutil
import textwrap
import unicodedata
from collections.abc import Sequence


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF"
               else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in unicodedata.normalize("NFC", text).splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, width, break_long_words=True,
                                   break_on_hyphens=False) or [""])
    return lines


def render(headers: Sequence[str], rows: Sequence[Sequence[str]], *,
           max_width: int | None = None, min_widths: Sequence[int] | None = None,
           max_widths: Sequence[int | None] | None = None) -> str:
    """A boxed table that fits in ``max_width`` columns (default: the terminal, at most 120).

    ``max_widths`` caps some columns so the others keep the room (e.g. a long step text).
    """
    if max_width is None:
        max_width = min(shutil.get_terminal_size((100, 24)).columns, 120)
    count = len(headers)
    natural = [max([_width(h)] + [max((_width(x) for x in str(r[i]).splitlines()), default=0)
                                  for r in rows]) for i, h in enumerate(headers)]
    minimum = list(min_widths) if min_widths else [min(6, n) for n in natural]
    widths = [max(n, 1) for n in natural]
    if max_widths:
        widths = [min(w, cap) if cap else w for w, cap in zip(widths, max_widths, strict=True)]
    budget = max_width - (3 * count + 1)
    while sum(widths) > budget:
        shrinkable = [i for i in range(count) if widths[i] > minimum[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1

    def line(left: str, mid: str, right: str) -> str:
        return left + mid.join("─" * (w + 2) for w in widths) + right

    def row_lines(cells: Sequence[str]) -> list[str]:
        wrapped = [_wrap(str(c), widths[i]) for i, c in enumerate(cells)]
        height = max(len(w) for w in wrapped)
        out = []
        for k in range(height):
            parts = []
            for i, w in enumerate(wrapped):
                text = w[k] if k < len(w) else ""
                parts.append(" " + text + " " * (widths[i] - _width(text)) + " ")
            out.append("│" + "│".join(parts) + "│")
        return out

    out = [line("┌", "┬", "┐"), *row_lines(headers), line("├", "┼", "┤")]
    for index, row in enumerate(rows):
        if index:
            out.append(line("├", "┼", "┤"))
        out.extend(row_lines(row))
    out.append(line("└", "┴", "┘"))
    return "\n".join(out)
