"""Path globs for config overrides, gitignore style, matched against POSIX relative paths.

``fnmatch`` lets ``*`` cross ``/`` and has no ``**``; ``PurePath.match`` matches from the right
and, before Python 3.13, treats ``**`` as ``*``. Neither is what a ``.gitignore`` writer
expects, so overrides use this small translation instead.
"""

from __future__ import annotations

import re

_GLOBS: dict[str, re.Pattern[str]] = {}


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A compiled glob, gitignore style: ``*`` and ``?`` stay within one path segment, ``**``
    spans segments (``**/x`` also matches ``x`` at the top), ``[a-z]`` is a set. A pattern with
    no ``/`` but at its end matches at any depth (``*.draft.bpmn``); a pattern that names a
    folder matches everything below it (``drafts/``)."""
    if pattern in _GLOBS:
        return _GLOBS[pattern]
    anchored = "/" in pattern.rstrip("/")
    text = pattern.strip("/")
    if not anchored:
        text = "**/" + text
    out, i = [], 0
    while i < len(text):
        if text.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif text.startswith("**", i):
            out.append(".*")
            i += 2
        elif text[i] == "*":
            out.append("[^/]*")
            i += 1
        elif text[i] == "?":
            out.append("[^/]")
            i += 1
        elif text[i] == "[" and "]" in text[i + 2:]:
            end = text.index("]", i + 2)
            body = text[i + 1:end]
            negate = body.startswith("!")
            body = re.escape(body[1:] if negate else body).replace("\\-", "-")
            out.append(f"[{'^' if negate else ''}{body}]")
            i = end + 1
        else:
            out.append(re.escape(text[i]))
            i += 1
    _GLOBS[pattern] = compiled = re.compile("".join(out) + "(?:/.*)?")
    return compiled
