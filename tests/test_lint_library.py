"""Rules that look across the files of one run, through :class:`isobpmn.lint.Library`.

The fixture harness (test_lint_rules.py) lints one file at a time, so its library is that file
alone; the cross-file cases of ``document-code-unique`` are tested here with a Library built
from several documents, as ``isobpmn validate`` builds it from all the files it is given.
"""

from __future__ import annotations

from conftest import BPMN_DIR, EXAMPLES_DIR, bpmn_bytes, chain, task

from isobpmn.lint import Library, Severity, all_rules, build_config, lint_bytes, lint_file
from isobpmn.model import read_document

ONLY_UNIQUE = build_config({"extends": [], "rules": {"document-code-unique": "error"}}, "test")


def _procedure(code: str, process_id: str = "P") -> bytes:
    procedure = (f'<iso:procedure kind="internal"><iso:document code="{code}" revision="1">'
                 "<iso:title>Quy trình thử</iso:title></iso:document></iso:procedure>")
    body = ('<bpmn:startEvent id="Start"/>' + task("Task_A", "Soạn thảo")
            + '<bpmn:endEvent id="End"/>' + chain("Start", "Task_A", "End"))
    return bpmn_bytes(body, procedure, process_id=process_id)


def _lint(files: dict[str, bytes]) -> dict[str, list]:
    library = Library.of(read_document(data, name=name, strict=False)
                         for name, data in files.items())
    return {name: [f for f in lint_bytes(data, name, ONLY_UNIQUE, library)
                   if f.rule == "document-code-unique"] for name, data in files.items()}


def test_a_code_used_by_two_files_is_reported_in_both():
    found = _lint({"bpmn/dang-ky-ho-kinh-doanh.bpmn": _procedure("QT-DKKD-01"),
                   "bpmn/dang-ky-ho-kinh-doanh-moi.bpmn": _procedure("QT-DKKD-01", "P2"),
                   "bpmn/dang-ky-khai-sinh.bpmn": _procedure("QT-HT-01")})
    first = found["bpmn/dang-ky-ho-kinh-doanh.bpmn"]
    second = found["bpmn/dang-ky-ho-kinh-doanh-moi.bpmn"]
    assert [(f.bpmn_id, f.severity) for f in first] == [("P", Severity.ERROR)]
    assert ('document code "QT-DKKD-01" is also used by bpmn/dang-ky-ho-kinh-doanh-moi.bpmn'
            in first[0].message)
    assert [f.bpmn_id for f in second] == ["P2"]
    assert "bpmn/dang-ky-ho-kinh-doanh.bpmn" in second[0].message
    assert found["bpmn/dang-ky-khai-sinh.bpmn"] == []


def test_every_other_file_with_the_code_is_named_once():
    found = _lint({"a.bpmn": _procedure("QT-ISO-01"), "b.bpmn": _procedure("QT-ISO-01"),
                   "c.bpmn": _procedure("QT-ISO-01")})
    assert "is also used by b.bpmn, c.bpmn;" in found["a.bpmn"][0].message


def test_different_codes_and_a_file_listed_in_its_own_library_are_fine():
    found = _lint({"a.bpmn": _procedure("QT-ISO-01"), "b.bpmn": _procedure("QT-ISO-02")})
    assert found == {"a.bpmn": [], "b.bpmn": []}


def test_a_file_without_iso_procedure_takes_no_part():
    plain = bpmn_bytes('<bpmn:startEvent id="Start"/>')
    found = _lint({"a.bpmn": _procedure("QT-ISO-01"), "plain.bpmn": plain})
    assert found == {"a.bpmn": [], "plain.bpmn": []}


def test_the_procedure_library_has_unique_codes_and_no_iso_errors():
    """Under the strict preset, the iso rules give no error on the shipped library."""
    files = sorted(BPMN_DIR.glob("*.bpmn")) + sorted(EXAMPLES_DIR.glob("*.bpmn"))
    library = Library.of(read_document(path, strict=False) for path in files)
    iso_rules = {r.id for r in all_rules().values() if r.category == "iso"}
    strict = build_config({"extends": ["strict"]}, "strict")
    errors = [f"{f.source}: {f.rule} {f.bpmn_id}: {f.message}"
              for path in files for f in lint_file(path, strict, library)
              if f.rule in iso_rules and f.severity is Severity.ERROR]
    assert errors == []
