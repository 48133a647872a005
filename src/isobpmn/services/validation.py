"""Validating a diagram for the modeler and the lifecycle: the CLI's rules, as data.

``validate_bpmn`` is the modeler's live lint: the same rules and presets as ``isobpmn
validate --preset NAME`` (docs/validate.md), run on the bytes of one diagram, with the time it
took. The lifecycle uses the same findings: a draft may hold errors, a submission may not
(:func:`blocking_findings`). The configuration of each preset is built once per process.
Nothing here touches the database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

from isobpmn.lint import ConfigError, Finding, LintConfig, Severity, build_config, lint_bytes
from isobpmn.lint.config import PRESETS

from .context import ServiceContext
from .errors import InvalidRequest

__all__ = ["FindingView", "ValidationResult", "blocking_findings", "finding_views",
           "lint_findings", "validate_bpmn"]

#: The preset a submission must pass without errors.
SUBMIT_PRESET = "recommended"
#: Rules about what the system itself writes at approval (the issue date, the revision
#: entry): a drafter cannot satisfy them, so a draft's findings mark them suppressed.
WRITTEN_AT_APPROVAL = frozenset({"issue-date-required", "revision-history-current"})


@dataclass(frozen=True)
class FindingView:
    """One finding of the validator: ``severity`` is ``error``, ``warn`` or ``info``."""

    rule: str
    severity: str
    message: str
    bpmn_id: str | None
    element_name: str
    line: int | None
    suppressed: bool = False

    def describe(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        element = f" ({self.bpmn_id})" if self.bpmn_id else ""
        return f"{where}{self.message}{element} [{self.rule}]"


@dataclass(frozen=True)
class ValidationResult:
    """The findings of one diagram, sorted by line, and the server time they took."""

    findings: tuple[FindingView, ...]
    elapsed_ms: float

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error" and not f.suppressed)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warn" and not f.suppressed)


@lru_cache(maxsize=len(PRESETS))
def _config(preset: str) -> LintConfig:
    return build_config({"extends": [preset]}, f"preset {preset}")


def lint_findings(xml: bytes, preset: str = SUBMIT_PRESET, name: str = "<diagram>"
                  ) -> list[Finding]:
    """The validator's findings for ``xml`` under ``preset``; an unknown preset is
    :class:`InvalidRequest`."""
    try:
        config = _config(preset)
    except ConfigError:
        raise InvalidRequest(f"unknown preset {preset!r}; use one of: "
                             f"{', '.join(PRESETS)}") from None
    return lint_bytes(xml, name, config)


def finding_views(findings: list[Finding], *, draft: bool = False
                  ) -> tuple[FindingView, ...]:
    """Findings as views; for a ``draft``, those of :data:`WRITTEN_AT_APPROVAL` suppressed."""
    return tuple(FindingView(f.rule, f.severity.word, f.message, f.bpmn_id, f.element_name,
                             f.line, f.suppressed or (draft and f.rule in WRITTEN_AT_APPROVAL))
                 for f in findings)


def blocking_findings(xml: bytes, name: str = "<diagram>") -> list[FindingView]:
    """The unsuppressed errors under the submission preset (empty: the diagram may go on)."""
    return [f for f in finding_views(lint_findings(xml, SUBMIT_PRESET, name), draft=True)
            if f.severity == Severity.ERROR.word and not f.suppressed]


def validate_bpmn(ctx: ServiceContext, xml: bytes, *, preset: str = SUBMIT_PRESET,
                  draft: bool = False) -> ValidationResult:
    """Validate one diagram as ``isobpmn validate --preset PRESET`` would; never raises for a
    bad diagram (an unreadable one gives one ``readable-bpmn-file`` finding). A ``draft``'s
    findings about what approval writes are marked suppressed (:data:`WRITTEN_AT_APPROVAL`)."""
    start = time.perf_counter()
    findings = finding_views(lint_findings(xml, preset, "<diagram>"), draft=draft)
    return ValidationResult(findings, round((time.perf_counter() - start) * 1000, 2))
