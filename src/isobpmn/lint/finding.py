"""What the validator reports: findings with a severity, a place and a rule."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """Ordered: ``OFF`` < ``INFO`` < ``WARN`` < ``ERROR``. The value names are the config words."""

    OFF = 0
    INFO = 1
    WARN = 2
    ERROR = 3

    @property
    def word(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, word: str) -> Severity:
        aliases = {"warning": "warn", "0": "off", "1": "warn", "2": "error"}
        key = aliases.get(str(word).strip().lower(), str(word).strip().lower())
        try:
            return cls[key.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {word!r}; use off, info, warn or error") from None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one file. ``line`` is 1-based; ``column`` when known."""

    rule: str
    severity: Severity
    message: str
    source: str
    bpmn_id: str | None = None
    element_name: str = ""
    line: int | None = None
    column: int | None = None
    suppressed: bool = False
    suppression_reason: str = ""

    def sort_key(self) -> tuple:
        return (self.source, self.line or 0, self.column or 0, self.rule, self.bpmn_id or "")
