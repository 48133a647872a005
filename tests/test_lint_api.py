"""The validator's Python API (``lint_file``, ``lint_bytes``), and that it stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import BPMN_DIR, EXAMPLE, ROOT, bpmn_bytes, chain, line_of, task

from isobpmn.lint import (
    READABLE,
    Finding,
    Library,
    Severity,
    build_config,
    lint_bytes,
    lint_document,
    lint_file,
)
from isobpmn.lint.runner import read_for_lint

START = "start-event-required"
ONLY_START = build_config({"extends": [], "rules": {START: "error"}}, "test")
NO_START = bpmn_bytes(task("T", "Tiếp nhận") + '\n<bpmn:endEvent id="E"/>\n' + chain("T", "E"))


def test_lint_bytes_returns_findings_with_rule_severity_element_line_and_message():
    [finding] = lint_bytes(NO_START, "upload.bpmn", ONLY_START)
    assert isinstance(finding, Finding)
    assert finding.rule == START
    assert finding.severity is Severity.ERROR
    assert finding.bpmn_id == "P" and finding.element_name == "Thử"
    assert finding.line == line_of(NO_START, "<bpmn:process")
    assert finding.message == 'process "Thử" has no start event'
    assert finding.source == "upload.bpmn"
    assert finding.suppressed is False and finding.suppression_reason == ""


def test_lint_file_names_the_file(tmp_path):
    path = tmp_path / "a.bpmn"
    path.write_bytes(NO_START)
    [finding] = lint_file(path, ONLY_START)
    assert finding.source == str(path) and finding.rule == START


def test_suppressed_findings_are_returned_marked():
    data = bpmn_bytes(task("T") + '\n<bpmn:endEvent id="E"/>\n' + chain("T", "E"),
                      f'<iso:suppress rule="{START}" reason="bắt đầu từ cổng dịch vụ công"/>')
    [finding] = lint_bytes(data, config=ONLY_START)
    assert finding.suppressed is True
    assert finding.suppression_reason == "bắt đầu từ cổng dịch vụ công"


def test_a_suppression_of_an_unknown_rule_is_reported():
    data = bpmn_bytes('<bpmn:startEvent id="S"/>\n' + task("T") + "\n" + chain("S", "T"),
                      '<iso:suppress rule="no-such-rule" reason="x"/>')
    findings = lint_bytes(data, config=ONLY_START)
    assert [(f.rule, f.severity) for f in findings] == [("iso-extension-valid", Severity.WARN)]
    assert "no-such-rule" in findings[0].message


@pytest.mark.parametrize("data, fragment", [
    (b"", "file is empty"),
    (b"<bpmn:definitions", "not well-formed XML"),
    (b"<x/>", "not a BPMN 2.0 file"),
])
def test_unreadable_input_is_one_finding_never_an_exception(data, fragment):
    [finding] = lint_bytes(data, "bad.bpmn")
    assert finding.rule == READABLE and finding.severity is Severity.ERROR
    assert fragment in finding.message and finding.source == "bad.bpmn"


def test_a_missing_file_is_one_finding(tmp_path):
    [finding] = lint_file(tmp_path / "nope.bpmn")
    assert finding.rule == READABLE and "no such file" in finding.message


def test_default_config_is_recommended_and_findings_are_sorted():
    findings = lint_file(EXAMPLE)
    assert findings == sorted(findings, key=Finding.sort_key)


def test_library_facts_come_from_every_document():
    documents = []
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        document, tree = read_for_lint(path.read_bytes(), path.name)
        documents.append((document, tree))
    library = Library.of(d for d, _ in documents)
    assert library.complete
    assert len(library.codes) == len(documents)  # one code per procedure of the library
    for document, tree in documents:
        assert isinstance(lint_document(document, tree, ONLY_START, library), list)


def test_libraries_of_slices_merge_into_the_library_of_all():
    documents = [read_for_lint(p.read_bytes(), p.name)[0] for p in sorted(BPMN_DIR.glob("*.bpmn"))]
    documents.append(read_for_lint(EXAMPLE.read_bytes(), "a.bpmn")[0])
    documents.append(read_for_lint(EXAMPLE.read_bytes(), "b.bpmn")[0])  # a code used twice
    whole = Library.of(documents)
    parts = [Library.of(documents[:2]), Library.of(documents[2:5]), Library.of(documents[5:])]
    assert Library.merge(parts) == whole
    assert whole.codes["QT-HT-05"] == ["a.bpmn", "b.bpmn"]


def test_linting_imports_no_web_database_engine_or_cli():
    code = (
        "import glob, sys\n"
        "from isobpmn.lint import lint_file, build_config\n"
        "strict = build_config({'extends': ['strict']}, 'strict')\n"
        "files = sorted(glob.glob('bpmn/*.bpmn'))\n"
        "assert files\n"
        "for f in files:\n"
        "    lint_file(f)\n"
        "    lint_file(f, strict)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            check=True)
    loaded = set(result.stdout.split())
    heavy = {m for m in loaded
             if m.split(".")[0] in ("flask", "sqlalchemy", "SpiffWorkflow", "jinja2", "click")}
    assert not heavy, f"the validator imported {sorted(heavy)}"
    assert "isobpmn.lint.rules" in loaded
