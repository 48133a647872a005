"""``--format json``: every validated file with its findings, suppressed ones included.

A list with one object per file, in the order validated::

    [{"path": "bpmn/a.bpmn", "errors": 1, "warnings": 0, "infos": 0, "suppressed": 1,
      "findings": [{"rule": "step-allotment-required", "severity": "error", "message": "…",
                    "line": 42, "column": null, "element": {"id": "Task_2", "name": "Thẩm định"},
                    "suppressed": false, "suppression_reason": null,
                    "help": "docs/rules/step-allotment-required.md"}]}]

``severity`` uses the config words (``error``, ``warn``, ``info``); ``element`` is null for a
finding about the whole file; ``help`` is null for ``readable-bpmn-file`` (no rule page). docs/validate.md describes every field.
"""

from __future__ import annotations

import json

from isobpmn.cli.formats import Counts, Options, RunReport
from isobpmn.lint import READABLE, Finding
from isobpmn.lint.rule import docs_url_template


def render(report: RunReport, options: Options) -> str:
    template = docs_url_template(options.docs_url)
    files = []
    for file in report.files:
        counts = Counts.of(file.findings)
        files.append({
            "path": file.path,
            "errors": counts.errors,
            "warnings": counts.warnings,
            "infos": counts.infos,
            "suppressed": counts.suppressed,
            "findings": [_finding(f, template) for f in file.findings],
        })
    return json.dumps(files, ensure_ascii=False, indent=2) + "\n"


def _finding(finding: Finding, template: str) -> dict:
    return {
        "rule": finding.rule,
        "severity": finding.severity.word,
        "message": finding.message,
        "line": finding.line,
        "column": finding.column,
        "element": {"id": finding.bpmn_id, "name": finding.element_name}
        if finding.bpmn_id else None,
        "suppressed": finding.suppressed,
        "suppression_reason": finding.suppression_reason if finding.suppressed else None,
        "help": None if finding.rule == READABLE else template.format(id=finding.rule),
    }
