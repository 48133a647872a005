"""``--format text``: findings grouped by file, one aligned line each, then a summary.

::

    bpmn/dang-ky-khai-sinh.bpmn
      42:1  error    task "Thẩm định" has no time allotment (Task_2)  step-allotment-required

The line shape (``line:column  severity  message  rule``) is the one editors' and CI problem
matchers know from ESLint's "stylish" output. Lines are 1-based; the validator knows the line
of an element, not its column, so the column is 1; ``0:0`` is a finding about the whole file.
Files without findings are not listed; suppressed findings only with ``--show-suppressed``.
"""

from __future__ import annotations

import click

from isobpmn.cli.formats import Options, RunReport, element_label, severity_label
from isobpmn.lint import Finding, Severity

MESSAGE_WIDTH = 90  # align rule ids after messages up to this width, longer ones just overflow
COLORS = {Severity.ERROR: "red", Severity.WARN: "yellow", Severity.INFO: "blue"}


def render(report: RunReport, options: Options) -> str:
    lines: list[str] = []
    for file in report.files:
        shown = [f for f in file.findings if options.show_suppressed or not f.suppressed]
        if not shown:
            continue
        rows = [_row(f) for f in shown]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        widths[2] = min(widths[2], MESSAGE_WIDTH)
        lines.append(_style(file.path, options, bold=True, underline=True))
        for finding, (where, severity, message, rule) in zip(shown, rows):
            color = None if finding.suppressed else COLORS.get(finding.severity)
            line = (f"  {where:>{widths[0]}}  {_style(severity.ljust(widths[1]), options, fg=color)}"
                    f"  {message.ljust(widths[2])}  {_style(rule, options, dim=True)}")
            if finding.suppressed:
                line += f"  (suppressed: {finding.suppression_reason})"
            lines.append(line)
        lines.append("")
    counts = report.counts()
    mark = "✖ " if counts.errors else "✔ " if not counts.warnings else "⚠ "
    color = "red" if counts.errors else "yellow" if counts.warnings else "green"
    lines.append(_style(mark + report.summary(), options, fg=color, bold=True))
    return "\n".join(lines) + "\n"


def _row(finding: Finding) -> tuple[str, str, str, str]:
    where = f"{finding.line}:{finding.column or 1}" if finding.line else "0:0"
    element = element_label(finding)
    message = f"{finding.message} ({element})" if element else finding.message
    return where, severity_label(finding.severity), " ".join(message.split()), finding.rule


def _style(text: str, options: Options, **style) -> str:
    return click.style(text, **style) if options.color else text
