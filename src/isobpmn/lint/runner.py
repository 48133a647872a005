"""Running the rules over a document: severities, suppressions, crashes turned into findings."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from isobpmn.lint.config import LintConfig, default_config
from isobpmn.lint.context import Library, LintContext
from isobpmn.lint.finding import Finding, Severity
from isobpmn.lint.rule import all_rules
from isobpmn.model import BpmnDocument, ModelError
from isobpmn.model.reader import document_from_tree, load_bytes
from isobpmn.model.xmlsafe import DEFAULT_MAX_BYTES, parse_xml

#: The pseudo-rule for files that cannot be read at all (not XML, hostile, not BPMN).
READABLE = "readable-bpmn-file"
#: How a finding about a bug in isobpmn itself (not in the diagram) begins.
INTERNAL_ERROR = "internal error"


def read_for_lint(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES):
    """``(document, tree)`` for ``data``, or a list with the one finding that explains why not.

    Never raises for bad input: a reader bug on some odd file becomes a finding asking for a
    report, like a rule that throws, so one file cannot stop the run over a whole library.
    """
    try:
        tree = parse_xml(data, name, max_bytes)
        return document_from_tree(tree, name, strict=False), tree
    except ModelError as exc:
        return [Finding(READABLE, Severity.ERROR, _plain(exc), name, line=exc.line)]
    except Exception as exc:  # a reader bug: reported for this file, never a crash of the run
        return [Finding(READABLE, Severity.ERROR,
                        f"{INTERNAL_ERROR} while reading this file ({type(exc).__name__}: {exc}); "
                        "please report it", name)]


def read_path_for_lint(path: str | os.PathLike, name: str | None = None,
                       max_bytes: int = DEFAULT_MAX_BYTES):
    """Like :func:`read_for_lint` for a file: missing, unreadable or too large files give the
    one finding too. ``name`` is how the file is shown (default: the path as given)."""
    label = name or str(path)
    try:
        data, label = load_bytes(Path(path), name=label, max_bytes=max_bytes)
    except ModelError as exc:
        return [Finding(READABLE, Severity.ERROR, _plain(exc), label, line=exc.line)]
    return read_for_lint(data, label, max_bytes)


def _plain(exc: ModelError) -> str:
    prefix = f"{exc.source}:{exc.line}: " if exc.line else f"{exc.source}: "
    text = str(exc)
    return text[len(prefix):] if text.startswith(prefix) else text


def lint_bytes(data: bytes, name: str = "<bytes>", config: LintConfig | None = None,
               library: Library | None = None) -> list[Finding]:
    """Validate the bytes of one diagram; never raises for bad input."""
    result = read_for_lint(data, name)
    if isinstance(result, list):
        return result
    document, tree = result
    return lint_document(document, tree, config or default_config(), library)


def lint_file(path: str | os.PathLike, config: LintConfig | None = None,
              library: Library | None = None) -> list[Finding]:
    """Validate one file; an unreadable file gives one finding, not an exception."""
    result = read_path_for_lint(path)
    if isinstance(result, list):
        return result
    document, tree = result
    return lint_document(document, tree, config or default_config(), library)


def lint_document(document: BpmnDocument, tree, config: LintConfig,
                  library: Library | None = None) -> list[Finding]:
    rules = all_rules()
    context = LintContext(document, tree, config, library)
    findings: list[Finding] = []
    for rule_id, rule in rules.items():
        setting = config.rules.get(rule_id)
        if setting is None or setting.severity is Severity.OFF:
            continue
        context.options = setting.options
        try:
            reports = list(rule.check(context))
        except Exception as exc:  # a rule that throws is reported, never a crash of the run
            findings.append(Finding(rule_id, Severity.ERROR,
                                    f"the rule failed on this file ({type(exc).__name__}: {exc}); "
                                    "please report it", document.source))
            continue
        for report in reports:
            info = document.index.get(report.bpmn_id or "")
            findings.append(Finding(
                rule=rule_id,
                severity=report.severity or setting.severity,
                message=report.message,
                source=document.source,
                bpmn_id=report.bpmn_id,
                element_name=info.name if info else "",
                line=report.line if report.line is not None else (info.line if info else None),
            ))
    return sorted(_suppress(findings, document, rules), key=Finding.sort_key)


def _suppress(findings: Iterable[Finding], document: BpmnDocument, rules) -> list[Finding]:
    by_key = {(s.rule, s.bpmn_id): s for s in document.suppressions}
    result = []
    for finding in findings:
        suppression = by_key.get((finding.rule, finding.bpmn_id))
        if suppression is not None:
            finding = Finding(**{**_fields(finding), "suppressed": True,
                                 "suppression_reason": suppression.reason})
        result.append(finding)
    for suppression in document.suppressions:
        if suppression.rule not in rules:
            result.append(Finding("iso-extension-valid", Severity.WARN,
                                  f'iso:suppress names an unknown rule "{suppression.rule}"; '
                                  "check the spelling (`isobpmn validate --list-rules`)",
                                  document.source, suppression.bpmn_id,
                                  line=suppression.line))
    return result


def _fields(finding: Finding) -> dict:
    return {name: getattr(finding, name) for name in finding.__dataclass_fields__}
