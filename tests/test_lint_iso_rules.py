"""What the fixture harness cannot see in the iso rules: per-report severities and options."""

from __future__ import annotations

from conftest import FIXTURES_DIR

from isobpmn.lint import Severity, build_config, lint_file

FIXTURES = FIXTURES_DIR / "lint"


def _findings(rule_id: str, fixture: str, **options):
    setting = {"severity": "error", **options} if options else "error"
    config = build_config({"extends": [], "rules": {rule_id: setting}}, "test")
    return [f for f in lint_file(FIXTURES / rule_id / fixture, config) if f.rule == rule_id]


def test_far_below_the_limit_is_info_and_over_it_is_the_rule_severity():
    (below,) = _findings("allotments-within-limit", "invalid-far-below.bpmn")
    (over,) = _findings("allotments-within-limit", "invalid-over.bpmn")
    assert (below.severity, over.severity) == (Severity.INFO, Severity.ERROR)


def test_far_below_ratio_is_an_option():
    # 3 of 15 working days is 20%: below half, not below a tenth
    assert _findings("allotments-within-limit", "invalid-far-below.bpmn", far_below_ratio=0.1) == []
    (finding,) = _findings("allotments-within-limit", "invalid-far-below.bpmn",
                           far_below_ratio=0.25)
    assert "less than 25% of it" in finding.message


def test_a_missing_limit_is_info_for_an_internal_procedure_only():
    (internal,) = _findings("time-limit-required", "invalid-internal-without-limit.bpmn")
    (tthc,) = _findings("time-limit-required", "invalid-tthc-without-limit.bpmn")
    assert (internal.severity, tthc.severity) == (Severity.INFO, Severity.ERROR)


def test_the_reception_role_is_an_option():
    assert _findings("tthc-reception-first", "valid-desk-first.bpmn", reception_role="tn-tkq")
    assert not _findings("tthc-reception-first", "invalid-specialist-first.bpmn",
                         reception_role="chuyen-vien")


def test_the_supplement_and_refusal_forms_are_options():
    found = _findings("tthc-supplement-and-refusal", "valid-forms.bpmn",
                      supplement_form="BM.02", refusal_form="BM.03")
    assert [f.message.split(";")[0] for f in found] == [
        "the administrative procedure has no supplement branch",
        "the administrative procedure has no refusal branch"]
