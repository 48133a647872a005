"""``--format sarif``: SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps, IDEs).

One run whose driver lists every rule that ran (with its page as help text), and one result per
finding with a physical location (the file relative to ``%SRCROOT%``, the working directory,
and the line) and a logical location (the element id). Suppressed findings are kept, with an
``inSource`` suppression carrying the ``iso:suppress`` reason, so code scanning shows them as
dismissed rather than losing them.

``helpUri`` must be an absolute URI (SARIF 2.1.0 §3.49.12; the schema says ``format: uri``), so
it is only written when the rule-page template (``ISOBPMN_DOCS_URL`` or ``docs_url``) is an
absolute ``http(s)`` URL; the default template is relative (``docs/rules/{id}.md``) and then the
page travels in ``help.text`` / ``help.markdown`` instead.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import quote

from isobpmn import __version__
from isobpmn.cli.formats import Options, RunReport
from isobpmn.lint import READABLE, Finding, Severity, all_rules
from isobpmn.lint.docs import READABLE_PAGE, rule_page, section
from isobpmn.lint.rule import docs_url_template

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARN: "warning", Severity.INFO: "note",
          Severity.OFF: "none"}


def render(report: RunReport, options: Options) -> str:
    template = docs_url_template(options.docs_url)
    absolute = template.startswith(("https://", "http://"))
    rule_ids = sorted({READABLE} | {r for file in report.files for r in file.rules}
                      | {f.rule for file in report.files for f in file.findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    descriptors = [_descriptor(rule_id, template if absolute else None) for rule_id in rule_ids]
    results = [_result(f, index[f.rule], options.base)
               for file in report.files for f in file.findings]
    driver = {"name": "isobpmn", "version": __version__, "semanticVersion": __version__}
    if absolute:  # where the rule pages are published is where the tool is described
        driver["informationUri"] = template.split("{id}", 1)[0].rsplit("/", 1)[0] + "/"
    driver["rules"] = descriptors
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "originalUriBaseIds": {SRCROOT: {"uri": options.base.resolve().as_uri() + "/"}},
            "invocations": [{"executionSuccessful": True}],
            "results": results,
        }],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _descriptor(rule_id: str, template: str | None) -> dict:
    rule = all_rules().get(rule_id)
    if rule is None:  # the pseudo-rule readable-bpmn-file
        page, summary, severity, category = (READABLE_PAGE, "The file is a readable BPMN 2.0 XML file",
                                             Severity.ERROR, "correctness")
        full = READABLE_PAGE.split("## What it checks", 1)[1].split("\n## ", 1)[0].strip()
    else:
        page, summary, severity, category = rule_page(rule), rule.summary, rule.severity, rule.category
        full = section(rule, "What it checks") or summary
    descriptor = {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.split("-")),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": " ".join(full.split())},
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"tags": [category], "precision": "very-high"},
    }
    if template is not None and rule is not None:
        descriptor["helpUri"] = template.format(id=rule_id)
    return descriptor


def _result(finding: Finding, rule_index: int, base: Path) -> dict:
    uri, base_id = _artifact(finding.source, base)
    artifact = {"uri": uri, **({"uriBaseId": base_id} if base_id else {})}
    # Code scanning needs a startLine; a finding about the whole file points at line 1.
    region = {"startLine": finding.line or 1}
    if finding.column:
        region["startColumn"] = finding.column
    result = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region}}],
        "partialFingerprints": {"isobpmnElement/v1": _fingerprint(finding, uri)},
    }
    if finding.bpmn_id:
        logical = {"name": finding.bpmn_id, "kind": "element"}
        if finding.element_name:
            logical["properties"] = {"elementName": finding.element_name}
        result["locations"][0]["logicalLocations"] = [logical]
    if finding.suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.suppression_reason}]
    return result


def _artifact(source: str, base: Path) -> tuple[str, str | None]:
    """The file as a URI reference relative to ``%SRCROOT%``, or an absolute ``file:`` URI for a
    file outside the working directory."""
    path = Path(source)
    if not path.is_absolute():
        resolved = (base / path).resolve()
    else:
        resolved = path.resolve()
    try:
        return quote(resolved.relative_to(base.resolve()).as_posix()), SRCROOT
    except ValueError:
        return resolved.as_uri(), None


def _fingerprint(finding: Finding, uri: str) -> str:
    """Stable across edits that move lines (rule, file, element id, message), so code scanning
    keeps one alert per problem when a diagram is rearranged."""
    key = "\x1f".join((finding.rule, uri, finding.bpmn_id or "", finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
