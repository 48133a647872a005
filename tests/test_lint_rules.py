"""One harness for every rule: docs with the fixed sections, and valid/invalid fixtures.

Fixtures live in tests/fixtures/lint/<rule-id>/: ``valid-*.bpmn`` must give no finding of the
rule; ``invalid-*.bpmn`` must give exactly the findings announced in the file by comments::

    <!-- expect: Task_1 | has no time allotment -->

(element id, ``|``, a fragment of the message; ``-`` for a finding without element).
Only the rule under test is switched on, at its default severity.

A fixture folder may hold a ``config.toml``: a validator configuration table (``catalogue``,
``document``, ``rules`` for the rule's options) merged into the harness config for every
fixture of that folder, so rules that depend on configuration (catalogues, options) can be
tested here too. Its ``rules`` entry for the rule under test may set options; the severity
stays the rule's default unless the table sets ``severity``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from isobpmn.lint import Library, all_rules, build_config, lint_file
from isobpmn.model import read_document
from isobpmn.lint.docs import missing_sections, rule_page

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "lint"
RULES = all_rules()
EXPECT = re.compile(r"<!--\s*expect:\s*(?P<id>[^|]+?)\s*\|\s*(?P<message>.*?)\s*-->")


def _cases():
    for rule_id in RULES:
        folder = FIXTURES / rule_id
        for path in sorted(folder.glob("*.bpmn")) if folder.is_dir() else ():
            yield pytest.param(rule_id, path, id=f"{rule_id}/{path.name}")


def _only(rule_id: str):
    data = {"extends": [], "rules": {rule_id: RULES[rule_id].severity.word}}
    extra = FIXTURES / rule_id / "config.toml"
    if extra.is_file():
        table = tomllib.loads(extra.read_text(encoding="utf-8"))
        rules = {**data["rules"], **table.pop("rules", {})}
        if isinstance(rules[rule_id], dict):
            rules[rule_id] = {"severity": RULES[rule_id].severity.word, **rules[rule_id]}
        data = {**data, **table, "rules": rules}
    return build_config(data, f"only {rule_id}")


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_has_docs_and_fixtures(rule_id):
    rule = RULES[rule_id]
    assert not missing_sections(rule), f"{rule_id}: docstring lacks sections {missing_sections(rule)}"
    page = ROOT / "docs" / "rules" / f"{rule_id}.md"
    assert page.is_file(), f"docs/rules/{rule_id}.md is missing: run `make docs`"
    assert page.read_text(encoding="utf-8") == rule_page(rule), f"{page} is stale: run `make docs`"
    folder = FIXTURES / rule_id
    assert list(folder.glob("valid-*.bpmn")), f"{rule_id}: no valid-*.bpmn fixture in {folder}"
    assert list(folder.glob("invalid-*.bpmn")), f"{rule_id}: no invalid-*.bpmn fixture in {folder}"
    assert rule.module.endswith(rule_id.replace("-", "_")), "module name must match the rule id"


def test_no_stray_fixture_folders_or_pages():
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders <= set(RULES), f"fixtures for unknown rules: {sorted(folders - set(RULES))}"
    pages = {p.stem for p in (ROOT / "docs" / "rules").glob("*.md")} - {"index"}
    assert pages <= set(RULES), f"docs for unknown rules: {sorted(pages - set(RULES))}"


@pytest.mark.parametrize("rule_id, path", list(_cases()))
def test_fixture(rule_id, path):
    # the fixture is the whole library: rules that look across files check it as complete
    library = Library.of([read_document(path, strict=False)])
    findings = [f for f in lint_file(path, _only(rule_id), library) if f.rule == rule_id]
    if path.name.startswith("valid-"):
        assert findings == [], [f"{f.bpmn_id}: {f.message}" for f in findings]
        return
    expected = [(m["id"], m["message"]) for m in EXPECT.finditer(path.read_text(encoding="utf-8"))]
    assert expected, f"{path.name} announces no expected finding (<!-- expect: id | message -->)"
    got = [(f.bpmn_id or "-", f.message) for f in findings]
    unmatched = list(got)
    for element_id, fragment in expected:
        match = next((g for g in unmatched if g[0] == element_id and fragment in g[1]), None)
        assert match is not None, f"expected {element_id} | {fragment!r}; got {got}"
        unmatched.remove(match)
    assert not unmatched, f"unexpected findings: {unmatched}"
