"""``--format junit``: a JUnit XML test report, the format every CI server displays.

One ``<testsuite>`` per file (named by its path), one ``<testcase>`` per rule that ran on it,
plus ``readable-bpmn-file``. A rule with errors or warnings in the file is a ``<failure>`` whose
text lists them; infos and suppressed findings go to the testcase's ``<system-out>``. The shape
follows the de-facto schema read by Jenkins, GitLab, GitHub test reporters and Azure DevOps:
``testsuites > testsuite[name tests failures errors skipped time] > testcase[classname name
time] > failure[message type]``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from isobpmn.cli.formats import Counts, FileReport, Options, RunReport, element_label, severity_label
from isobpmn.lint import READABLE, Finding, Severity

# Characters XML 1.0 cannot carry at all (messages may quote bytes of a broken file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def render(report: RunReport, options: Options) -> str:
    root = ET.Element("testsuites", name="isobpmn validate")
    totals = [0, 0, 0.0]
    for file in report.files:
        suite = _suite(file)
        root.append(suite)
        totals[0] += int(suite.get("tests"))
        totals[1] += int(suite.get("failures"))
        totals[2] += file.seconds
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", "0")
    root.set("time", f"{totals[2]:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(file: FileReport) -> ET.Element:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in file.findings:
        by_rule[finding.rule].append(finding)
    names = [READABLE, *sorted((set(file.rules) | set(by_rule)) - {READABLE})]
    suite = ET.Element("testsuite", name=_clean(file.path))
    failures = 0
    for name in names:
        case = ET.SubElement(suite, "testcase", classname=_clean(file.path), name=name,
                             time=f"{file.seconds / len(names):.3f}")
        findings = by_rule.get(name, [])
        failing = [f for f in findings if not f.suppressed and f.severity >= Severity.WARN]
        if failing:
            failures += 1
            counts = Counts.of(failing)
            worst = max(f.severity for f in failing)
            failure = ET.SubElement(case, "failure", type=severity_label(worst),
                                    message=_clean(_count_text(counts)))
            failure.text = _clean("\n".join(_line(file.path, f) for f in failing))
        quiet = [f for f in findings if f not in failing]
        if quiet:
            out = ET.SubElement(case, "system-out")
            out.text = _clean("\n".join(_line(file.path, f) for f in quiet))
    suite.set("tests", str(len(names)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    suite.set("time", f"{file.seconds:.3f}")
    return suite


def _line(path: str, finding: Finding) -> str:
    where = f"{path}:{finding.line}" if finding.line else path
    element = element_label(finding)
    text = f"{where}: {severity_label(finding.severity)}: {finding.message}"
    if element:
        text += f" ({element})"
    if finding.suppressed:
        text += f" [suppressed: {finding.suppression_reason}]"
    return text


def _count_text(counts: Counts) -> str:
    parts = []
    if counts.errors:
        parts.append(f"{counts.errors} error{'s' if counts.errors > 1 else ''}")
    if counts.warnings:
        parts.append(f"{counts.warnings} warning{'s' if counts.warnings > 1 else ''}")
    return ", ".join(parts)


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
