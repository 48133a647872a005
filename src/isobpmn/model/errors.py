"""Errors and problems found while reading a diagram, always with where they are."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ModelProblem:
    """One thing wrong in a diagram: what, where (line, element) and a stable code.

    Codes: ``xml`` (not well-formed or unsafe), ``not-bpmn``, ``duplicate-id``,
    ``unresolved-reference``, ``iso`` (a bad ``iso`` extension value), ``structure``.
    """

    code: str
    message: str
    line: int | None = None
    bpmn_id: str | None = None

    def describe(self, source: str) -> str:
        where = source if self.line is None else f"{source}:{self.line}"
        return f"{where}: {self.message}"


class ModelError(ValueError):
    """A diagram that cannot be read. ``str()`` is one line: ``file:line: message``.

    ``problems`` holds every problem found (the message shows the first and how many more).
    """

    def __init__(self, source: str, problems: list[ModelProblem] | tuple[ModelProblem, ...]):
        self.source = source
        self.problems = tuple(problems)
        first = self.problems[0]
        self.line = first.line
        more = len(self.problems) - 1
        text = first.describe(source)
        if more:
            text += f" (and {more} more problem{'s' if more > 1 else ''})"
        super().__init__(text)
