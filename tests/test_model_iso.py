"""Bad ``iso`` values, broken references and duplicate ids: each is a problem with its line.

Every case builds a small diagram with exactly one mistake and checks the one problem it gives:
its code, its line (found by a marker in the text), and that the message says what is wrong
and what would be right.
"""

from __future__ import annotations

import pytest
from conftest import MINIMAL_PROCEDURE, bpmn_bytes, chain, flow, line_of, task

from isobpmn.model import ModelError, ModelProblem, read_document

UNITS = "working-hours, working-days, calendar-days, same-day"


def procedure_ext(*, kind: str = 'kind="tthc"', document: str = 'code="QT-1" revision="1"',
                  in_document: str = "<iso:title>Thử</iso:title>", extra: str = "") -> str:
    return (f"<iso:procedure {kind}>\n<iso:document {document}>{in_document}</iso:document>\n"
            f"{extra}\n</iso:procedure>")


def step_task(inner: str, bpmn_id: str = "T") -> str:
    return (f'<bpmn:userTask id="{bpmn_id}">\n<bpmn:extensionElements>\n<iso:step>\n{inner}\n'
            "</iso:step>\n</bpmn:extensionElements>\n</bpmn:userTask>")


def field(attrs: str, children: str = "") -> str:
    return step_task(f"<iso:field {attrs}>{children}</iso:field>")


def lane(role: str) -> str:
    return (f'<bpmn:laneSet id="LS">\n<bpmn:lane id="L" name="Chuyên viên">\n'
            f"<bpmn:extensionElements>\n{role}\n</bpmn:extensionElements>\n"
            f"<bpmn:flowNodeRef>A</bpmn:flowNodeRef>\n</bpmn:lane>\n</bpmn:laneSet>\n{task('A')}")


def problems_of(data: bytes) -> tuple[ModelProblem, ...]:
    problems = read_document(data, name="case.bpmn", strict=False).problems
    for problem in problems:
        assert "\n" not in problem.message
    return problems


def only_problem(data: bytes) -> ModelProblem:
    problems = problems_of(data)
    assert len(problems) == 1, [p.message for p in problems]
    return problems[0]


# (case id, document bytes, marker on the problem's line, fragments the message must contain)
ISO_CASES = [
    # durations
    ("time-limit-bad-unit",
     bpmn_bytes("", procedure_ext(extra='<iso:timeLimit value="3" unit="days"/>')),
     "<iso:timeLimit", ['unit="days" is not a time unit', f"use one of: {UNITS}"]),
    ("allotment-no-unit", bpmn_bytes(step_task('<iso:allotment value="3"/>')),
     "<iso:allotment", ["iso:allotment needs a unit", f"use one of: {UNITS}"]),
    ("allotment-not-a-number",
     bpmn_bytes(step_task('<iso:allotment value="ba" unit="working-days"/>')),
     "<iso:allotment", ['value="ba"', "is not a number", "e.g. 0.5 or 3"]),
    ("allotment-negative",
     bpmn_bytes(step_task('<iso:allotment value="-1" unit="working-days"/>')),
     "<iso:allotment", ['value="-1"', "non-negative number"]),
    ("allotment-no-value", bpmn_bytes(step_task('<iso:allotment unit="working-hours"/>')),
     "<iso:allotment", ["needs a value", 'e.g. value="0.5" unit="working-hours"']),
    ("allotment-too-large",
     bpmn_bytes(step_task('<iso:allotment value="5000" unit="working-days"/>')),
     "<iso:allotment", ['value="5000"', "larger than the limit 3000"]),
    ("same-day-with-value",
     bpmn_bytes("", procedure_ext(extra='<iso:timeLimit value="2" unit="same-day"/>')),
     "<iso:timeLimit", ["same-day limit has no amount", "without a value"]),
    # dates and numbers
    ("issued-bad-date", bpmn_bytes("", procedure_ext(
        document='code="QT-1" revision="1" issued="05/01/2026"')),
     "<iso:document", ['issued="05/01/2026" is not a date', "YYYY-MM-DD", "2026-01-15"]),
    ("sign-off-bad-date", bpmn_bytes("", procedure_ext(
        in_document='<iso:title>T</iso:title>\n<iso:signOff role="approved" name="An" '
                    'date="2026-02-30"/>')),
     "<iso:signOff", ['date="2026-02-30" is not a date', "YYYY-MM-DD"]),
    ("revision-zero", bpmn_bytes("", procedure_ext(document='code="QT-1" revision="0"')),
     "<iso:document", ['revision="0" must be a whole number of at least 1']),
    ("revision-abc", bpmn_bytes("", procedure_ext(document='code="QT-1" revision="abc"')),
     "<iso:document", ['revision="abc" must be a whole number of at least 1']),
    ("revision-superscript", bpmn_bytes("", procedure_ext(document='code="QT-1" revision="²"')),
     "<iso:document", ['revision="²" must be a whole number']),
    ("revision-huge",
     bpmn_bytes("", procedure_ext(document=f'code="QT-1" revision="{"9" * 5000}"')),
     "<iso:document", ["must be a whole number of at least 1"]),
    ("revision-missing", bpmn_bytes("", procedure_ext(document='code="QT-1"')),
     "<iso:document", ["iso:document needs the attribute revision", 'e.g. revision="1"']),
    ("revision-entry-bad", bpmn_bytes("", procedure_ext(
        extra='<iso:revision number="1" date="2026-1-5">Ban hành</iso:revision>')),
     "<iso:revision", ['date="2026-1-5" is not a date', "YYYY-MM-DD"]),
    ("dossier-sets", bpmn_bytes("", procedure_ext(
        extra='<iso:dossier sets="0">\n<iso:component copy="original">Tờ khai</iso:component>\n'
              "</iso:dossier>")),
     "<iso:dossier", ['sets="0" must be a whole number of at least 1']),
    ("fee-negative", bpmn_bytes("", procedure_ext(extra='<iso:fee amount="-5">Phí</iso:fee>')),
     "<iso:fee", ['amount="-5" must be a number', 'e.g. amount="100000"']),
    # choices from a list
    ("copy-kind-unknown", bpmn_bytes("", procedure_ext(
        extra='<iso:dossier>\n<iso:component copy="original scan">Tờ khai</iso:component>\n'
              "</iso:dossier>")),
     "<iso:component", ['copy="scan" is not allowed',
                        "original, certified, photocopy, electronic"]),
    ("copy-missing", bpmn_bytes("", procedure_ext(
        extra="<iso:dossier>\n<iso:component>Tờ khai</iso:component>\n</iso:dossier>")),
     "<iso:component", ["needs the attribute copy", "original, certified"]),
    ("component-required-not-bool", bpmn_bytes("", procedure_ext(
        extra='<iso:dossier>\n<iso:component copy="original" required="yes">Tờ khai'
              "</iso:component>\n</iso:dossier>")),
     "<iso:component", ['required="yes" must be true or false']),
    ("procedure-kind-unknown", bpmn_bytes("", procedure_ext(kind='kind="public"')),
     "<iso:procedure", ['kind="public" is not allowed', "use one of: tthc, internal"]),
    ("procedure-kind-missing", bpmn_bytes("", procedure_ext(kind="")),
     "<iso:procedure", ["needs the attribute kind", "tthc, internal"]),
    ("sign-off-role-unknown", bpmn_bytes("", procedure_ext(
        in_document='<iso:title>T</iso:title>\n<iso:signOff role="signed" name="An"/>')),
     "<iso:signOff", ['role="signed" is not allowed', "drafted, reviewed, approved"]),
    # fields
    ("choice-field-without-choices",
     bpmn_bytes(field('name="ket_qua" type="choice" label="Kết quả"')),
     "<iso:field", ['"ket_qua" has type="choice" but no iso:choice children',
                    '<iso:choice value="dat" label="Đạt"/>']),
    ("choices-on-text-field", bpmn_bytes(field(
        'name="ghi_chu" type="text" label="Ghi chú"', '<iso:choice value="a" label="A"/>')),
     "<iso:field", ['has iso:choice children but type="text"', 'use type="choice"']),
    ("duplicate-choice-value", bpmn_bytes(field(
        'name="kq" type="choice" label="KQ"',
        '<iso:choice value="dat" label="Đạt"/>\n<iso:choice value="dat" label="Đạt lại"/>')),
     '<iso:choice value="dat" label="Đạt lại"', ['value="dat" is used twice']),
    ("duplicate-field-name", bpmn_bytes(step_task(
        '<iso:field name="so" type="text" label="Số"/>\n'
        '<iso:field name="so" type="number" label="Số lượng"/>')),
     '<iso:field name="so" type="number"', ['name="so" is used twice in this step',
                                             "needs its own name"]),
    ("field-name-bad", bpmn_bytes(field('name="Ho So" type="text" label="Hồ sơ"')),
     "<iso:field", ['name="Ho So" must start with a lower-case letter', '"so_giay_phep"']),
    ("field-type-unknown", bpmn_bytes(field('name="so" type="string" label="Số"')),
     "<iso:field", ['type="string" is not allowed', "text, number, date, choice, bool, document"]),
    ("field-label-missing", bpmn_bytes(field('name="so" type="text"')),
     "<iso:field", ["iso:field needs the attribute label", 'e.g. label="Hồ sơ đầy đủ"']),
    ("form-code-missing", bpmn_bytes(step_task("<iso:form>Tờ khai</iso:form>")),
     "<iso:form", ["iso:form needs the attribute code", 'e.g. code="Mẫu 01"']),
    # roles
    ("role-code-bad", bpmn_bytes(lane('<iso:role code="Chuyen Vien"/>')),
     "<iso:role", ['code="Chuyen Vien" must be lower-case letters', '"chuyen-vien"']),
    ("role-unit-bad", bpmn_bytes(lane('<iso:role code="chuyen-vien" unit="Phòng KT"/>')),
     "<iso:role", ['unit="Phòng KT" must be lower-case letters']),
    ("role-code-missing", bpmn_bytes(lane('<iso:role unit="kt"/>')),
     "<iso:role", ["iso:role needs the attribute code", 'e.g. code="chuyen-vien"']),
    # unknown or misplaced elements and attributes
    ("unknown-iso-element", bpmn_bytes(
        '<bpmn:userTask id="T">\n<bpmn:extensionElements>\n<iso:steps/>\n'
        "</bpmn:extensionElements>\n</bpmn:userTask>"),
     "<iso:steps", ["iso:steps is not an element of the iso extension",
                    "iso:procedure, iso:role, iso:step, iso:suppress"]),
    ("unknown-child-of-step",
     bpmn_bytes(step_task('<iso:alotment value="1" unit="working-days"/>')),
     "<iso:alotment", ["iso:alotment is not allowed inside iso:step",
                       "iso:allotment, iso:description, iso:form, iso:result, iso:field"]),
    ("foreign-child-of-step", bpmn_bytes(step_task("<bpmn:documentation>x</bpmn:documentation>")),
     "<bpmn:documentation", ["<documentation>", "not allowed inside iso:step",
                             "only iso elements go here"]),
    ("repeated-allotment", bpmn_bytes(step_task(
        '<iso:allotment value="1" unit="working-days"/>\n'
        '<iso:allotment value="2" unit="working-days"/>')),
     '<iso:allotment value="2"', ["iso:allotment appears more than once inside iso:step"]),
    ("unknown-attribute-on-step", bpmn_bytes(
        '<bpmn:userTask id="T">\n<bpmn:extensionElements>\n<iso:step owner="x"/>\n'
        "</bpmn:extensionElements>\n</bpmn:userTask>"),
     "<iso:step", ["iso:step has an unknown attribute 'owner'", "(allowed: none)"]),
    ("unknown-attribute-on-document", bpmn_bytes("", procedure_ext(
        document='code="QT-1" revision="1" version="2"')),
     "<iso:document", ["unknown attribute 'version'", "allowed: code, issued, revision"]),
    ("step-on-gateway", bpmn_bytes(
        '<bpmn:exclusiveGateway id="G">\n<bpmn:extensionElements>\n<iso:step/>\n'
        "</bpmn:extensionElements>\n</bpmn:exclusiveGateway>"),
     "<iso:step", ['iso:step belongs on an activity, not on exclusiveGateway "G"']),
    ("role-on-task", bpmn_bytes(
        '<bpmn:userTask id="T">\n<bpmn:extensionElements>\n<iso:role code="x"/>\n'
        "</bpmn:extensionElements>\n</bpmn:userTask>"),
     "<iso:role", ['iso:role belongs on a lane, not on userTask "T"']),
    ("procedure-on-task", bpmn_bytes(
        '<bpmn:userTask id="T">\n<bpmn:extensionElements>\n' + MINIMAL_PROCEDURE
        + "\n</bpmn:extensionElements>\n</bpmn:userTask>"),
     "<iso:procedure", ['iso:procedure belongs on a process, not on userTask "T"']),
    ("step-outside-extension-elements", bpmn_bytes(
        '<bpmn:userTask id="T">\n<iso:step/>\n</bpmn:userTask>'),
     "<iso:step", ["iso:step must sit inside the bpmn:extensionElements", "userTask"]),
    ("iso-attribute-on-bpmn-element", bpmn_bytes('<bpmn:userTask id="T" iso:allotment="2"/>'),
     '<bpmn:userTask id="T"', ["iso:allotment is an attribute", "elements only"]),
    ("procedure-without-document", bpmn_bytes(
        "", '<iso:procedure kind="tthc">\n<iso:purpose>x</iso:purpose>\n</iso:procedure>'),
     "<iso:procedure", ["iso:procedure needs an iso:document child",
                        '<iso:document code="QT-HT-01" revision="1">']),
    ("document-without-title", bpmn_bytes("", procedure_ext(in_document="")),
     "<iso:document", ["iso:document needs an iso:title child"]),
    ("duplicate-step", bpmn_bytes(
        '<bpmn:userTask id="T">\n<bpmn:extensionElements>\n<iso:step/>\n<iso:step/>\n'
        "</bpmn:extensionElements>\n</bpmn:userTask>"),
     "<iso:step/>\n</bpmn", ['iso:step appears twice on userTask "T"']),
    ("suppress-without-reason", bpmn_bytes(
        '<bpmn:userTask id="T">\n<bpmn:extensionElements>\n'
        '<iso:suppress rule="label-required"/>\n</bpmn:extensionElements>\n</bpmn:userTask>'),
     "<iso:suppress", ["iso:suppress needs the attribute reason",
                       'e.g. reason="why this is fine here"']),
    ("suppress-bad-rule", bpmn_bytes(
        '<bpmn:userTask id="T">\n<bpmn:extensionElements>\n'
        '<iso:suppress rule="Label Required" reason="ok"/>\n</bpmn:extensionElements>\n'
        "</bpmn:userTask>"),
     "<iso:suppress", ['rule="Label Required" is not a rule id (kebab-case)']),
    ("record-without-keeper", bpmn_bytes("", procedure_ext(
        extra='<iso:record retention="05 năm">Sổ</iso:record>')),
     "<iso:record", ["iso:record needs the attribute keeper", 'e.g. keeper="Văn thư"']),
]


@pytest.mark.parametrize(("data", "marker", "fragments"), [c[1:] for c in ISO_CASES],
                         ids=[c[0] for c in ISO_CASES])
def test_bad_iso_value_is_one_problem_with_its_line(data, marker, fragments):
    problem = only_problem(data)
    assert problem.code == "iso"
    assert problem.line == line_of(data, marker)
    for fragment in fragments:
        assert fragment in problem.message


def test_the_reader_keeps_going_after_a_bad_iso_value():
    data = bpmn_bytes(step_task('<iso:allotment value="ba" unit="working-days"/>\n'
                                '<iso:description>Kiểm tra</iso:description>')
                      + task("B") + chain("T", "B"))
    document = read_document(data, strict=False)
    step = document.procedure.step("T")
    assert step.allotment is None
    assert step.info.description == "Kiểm tra"
    assert [s.bpmn_id for s in document.procedure.steps] == ["T", "B"]


def test_good_suppression_is_collected():
    data = bpmn_bytes('<bpmn:userTask id="T">\n<bpmn:extensionElements>\n'
                      '<iso:suppress rule="label-required" reason="a technical step"/>\n'
                      "</bpmn:extensionElements>\n</bpmn:userTask>")
    (suppression,) = read_document(data).suppressions
    assert (suppression.rule, suppression.reason, suppression.bpmn_id) == (
        "label-required", "a technical step", "T")
    assert suppression.line == line_of(data, "<iso:suppress")


def test_same_day_without_value_and_comma_decimals_are_accepted():
    data = bpmn_bytes(step_task('<iso:allotment value="0,5" unit="working-days"/>'),
                      procedure_ext(extra='<iso:timeLimit unit="same-day">Trước 15 giờ'
                                          "</iso:timeLimit>"))
    procedure = read_document(data).procedure
    assert procedure.time_limit.unit.value == "same-day"
    assert procedure.info.time_limit_note == "Trước 15 giờ"
    assert str(procedure.step("T").allotment) == "0.5 working-days"


# --- references and ids --------------------------------------------------------------------

DI = """
<bpmndi:BPMNDiagram id="Dia">
<bpmndi:BPMNPlane id="Plane" bpmnElement="P">
<bpmndi:BPMNShape id="Ghost_di" bpmnElement="Ghost"><dc:Bounds x="0" y="0" width="1" height="1"/></bpmndi:BPMNShape>
</bpmndi:BPMNPlane>
</bpmndi:BPMNDiagram>"""

REFERENCE_CASES = [
    ("flow-target-missing", bpmn_bytes(task("A") + "\n" + flow("F1", "A", "Nowhere")),
     'id="F1"', ['sequence flow "F1" targetRef="Nowhere" is not in the file']),
    ("flow-source-missing", bpmn_bytes(task("A") + "\n" + flow("F1", "Nowhere", "A")),
     'id="F1"', ['sourceRef="Nowhere" is not in the file']),
    ("flow-to-a-lane", bpmn_bytes(
        '<bpmn:laneSet id="LS"><bpmn:lane id="L"/></bpmn:laneSet>\n' + task("A") + "\n"
        + flow("F1", "A", "L")),
     'id="F1"', ['targetRef="L" is a lane, not a flow node of this process']),
    ("lane-ref-missing", bpmn_bytes(
        '<bpmn:laneSet id="LS">\n<bpmn:lane id="L">\n<bpmn:flowNodeRef>A</bpmn:flowNodeRef>\n'
        "<bpmn:flowNodeRef>Ghost</bpmn:flowNodeRef>\n</bpmn:lane>\n</bpmn:laneSet>\n" + task("A")),
     "<bpmn:flowNodeRef>Ghost", ['lane "L" lists flow node "Ghost", which is not in the file']),
    ("gateway-default-not-outgoing", bpmn_bytes(
        task("A") + task("B") + '\n<bpmn:exclusiveGateway id="G" default="F_AB"/>\n'
        + flow("F_AB", "A", "B") + flow("F_GB", "G", "B")),
     'id="G"', ['exclusiveGateway "G" default="F_AB" is not one of its outgoing sequence flows']),
    ("task-default-missing", bpmn_bytes('<bpmn:userTask id="A" default="F9"/>'),
     'id="A"', ['userTask "A" default="F9" is not one of its outgoing']),
    ("boundary-on-gateway", bpmn_bytes(
        '<bpmn:exclusiveGateway id="G"/>\n<bpmn:boundaryEvent id="B" attachedToRef="G"/>'),
     'id="B"', ['boundary event "B" attachedToRef="G" is not an activity of this process']),
    ("boundary-unattached", bpmn_bytes('<bpmn:boundaryEvent id="B"/>'),
     'id="B"', ['boundary event "B" attachedToRef="" is not an activity']),
    ("di-element-missing", bpmn_bytes(task("A"), after=DI),
     'id="Ghost_di"', ['diagram BPMNShape "Ghost_di" draws "Ghost", which is not an element']),
    ("participant-process-missing", bpmn_bytes(
        task("A"), before='<bpmn:collaboration id="C">\n'
        '<bpmn:participant id="Pool" name="UBND" processRef="Q"/>\n</bpmn:collaboration>'),
     'id="Pool"', ['participant "Pool" refers to process "Q", which is not in the file']),
    ("message-flow-missing", bpmn_bytes(
        task("A"), before='<bpmn:collaboration id="C">\n'
        '<bpmn:participant id="Pool" processRef="P"/>\n'
        '<bpmn:messageFlow id="M" sourceRef="Citizen" targetRef="A"/>\n</bpmn:collaboration>'),
     'id="M"', ['message flow "M" sourceRef="Citizen" is not an element of the file']),
]


@pytest.mark.parametrize(("data", "marker", "fragments"), [c[1:] for c in REFERENCE_CASES],
                         ids=[c[0] for c in REFERENCE_CASES])
def test_broken_reference_is_reported_with_its_line(data, marker, fragments):
    problem = only_problem(data)
    assert problem.code == "unresolved-reference"
    assert problem.line == line_of(data, marker)
    for fragment in fragments:
        assert fragment in problem.message


def test_duplicate_id_names_both_lines():
    data = bpmn_bytes(task("A") + "\n" + task("B") + "\n" + task("A", "again") + "\n"
                      + chain("A", "B"))
    problem = only_problem(data)
    assert problem.code == "duplicate-id"
    assert problem.bpmn_id == "A"
    assert problem.line == line_of(data, 'id="A"', occurrence=2)
    first_line = line_of(data, 'id="A"')
    assert f'id "A" is used twice (first on line {first_line})' in problem.message
    assert "every id in a file must be unique" in problem.message
    # the first definition wins
    assert read_document(data, strict=False).procedure.nodes["A"].name == "A"


def test_duplicate_id_across_bpmn_and_di():
    data = bpmn_bytes(task("A"), after='<bpmndi:BPMNDiagram id="A"/>')
    assert only_problem(data).code == "duplicate-id"


# --- one pass, every problem ---------------------------------------------------------------

SEVERAL = bpmn_bytes(
    step_task('<iso:allotment value="2" unit="days"/>\n'
              '<iso:field name="Bad" type="text" label="x"/>') + "\n"
    + '<bpmn:exclusiveGateway id="G">\n<bpmn:extensionElements>\n<iso:step/>\n'
      "</bpmn:extensionElements>\n</bpmn:exclusiveGateway>\n"
    + flow("F1", "T", "Nowhere") + "\n" + task("T", "twice"),
    procedure_ext(document='code="QT-1" revision="0" issued="hôm nay"'),
)


def test_one_pass_collects_every_problem():
    problems = read_document(SEVERAL, strict=False).problems
    codes = [p.code for p in problems]
    assert sorted(codes) == sorted(["duplicate-id", "iso", "iso", "iso", "iso", "iso",
                                    "unresolved-reference"])
    assert all(p.line for p in problems)
    messages = " | ".join(p.message for p in problems)
    for fragment in ('revision="0"', 'issued="hôm nay"', 'unit="days"', 'name="Bad"',
                     "iso:step belongs on an activity", 'targetRef="Nowhere"',
                     'id "T" is used twice'):
        assert fragment in messages


def test_strict_reading_raises_the_first_problem_and_counts_the_rest():
    with pytest.raises(ModelError) as caught:
        read_document(SEVERAL, name="many.bpmn")
    error = caught.value
    assert len(error.problems) == 7
    first = error.problems[0]
    assert str(error) == f"many.bpmn:{first.line}: {first.message} (and 6 more problems)"
    assert error.line == first.line
    assert "\n" not in str(error)
