"""Report formats of ``isobpmn validate``: one module per format, each ``render(report, options)``.

The validator (``isobpmn.lint``) returns findings; how they are printed for a terminal, a script,
a CI test report or code scanning is decided here, in the command line's own layer.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from isobpmn.lint import READABLE, Finding, Severity

FORMATS = ("text", "json", "junit", "sarif")


@dataclass(frozen=True)
class FileReport:
    """What one run found in one file. ``path`` is how the file is shown (``Finding.source``);
    ``rules`` are the rules that ran on it (none when the file could not be read)."""

    path: str
    findings: tuple[Finding, ...]
    rules: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def readable(self) -> bool:
        return not any(f.rule == READABLE for f in self.findings)


@dataclass(frozen=True)
class Counts:
    """Findings by severity; suppressed ones counted apart and nowhere else."""

    errors: int = 0
    warnings: int = 0
    infos: int = 0
    suppressed: int = 0

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Counts:
        tally = {Severity.ERROR: 0, Severity.WARN: 0, Severity.INFO: 0}
        suppressed = 0
        for finding in findings:
            if finding.suppressed:
                suppressed += 1
            elif finding.severity in tally:
                tally[finding.severity] += 1
        return cls(tally[Severity.ERROR], tally[Severity.WARN], tally[Severity.INFO], suppressed)


@dataclass(frozen=True)
class RunReport:
    files: tuple[FileReport, ...]

    def counts(self) -> Counts:
        return Counts.of(f for file in self.files for f in file.findings)

    def summary(self) -> str:
        """``3 errors, 1 warning in 12 files`` (infos and suppressed findings when there are)."""
        counts = self.counts()
        text = f"{_n(counts.errors, 'error')}, {_n(counts.warnings, 'warning')}"
        if counts.infos:
            text += f", {_n(counts.infos, 'info')}"
        text += f" in {_n(len(self.files), 'file')}"
        if counts.suppressed:
            text += f" ({counts.suppressed} suppressed)"
        return text


@dataclass(frozen=True)
class Options:
    """How to render: ``docs_url`` is the rule-page template (``""``: the built-in default);
    ``base`` is the folder SARIF locations are relative to (the working directory)."""

    show_suppressed: bool = False
    color: bool = False
    docs_url: str = ""
    base: Path = field(default_factory=Path.cwd)


def render(name: str, report: RunReport, options: Options) -> str:
    """The report in format ``name`` (one of :data:`FORMATS`), ending with a newline."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; use one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{name}")
    return module.render(report, options)


def severity_label(severity: Severity) -> str:
    """The word reports use: ``error``, ``warning``, ``info``."""
    return "warning" if severity is Severity.WARN else severity.word


def element_label(finding: Finding) -> str:
    """``Task_1 "Tiếp nhận hồ sơ"``: the element's id, with its name unless the message
    already quotes it; ``""`` for a finding about the whole file, or when the message already
    names the element by id (and by name, if it has one)."""
    if not finding.bpmn_id:
        return ""
    named = not finding.element_name or f'"{finding.element_name}"' in finding.message
    if named and re.search(rf"(?<![\w-]){re.escape(finding.bpmn_id)}(?![\w-])", finding.message):
        return ""
    if not named:
        return f'{finding.bpmn_id} "{finding.element_name}"'
    return finding.bpmn_id


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
