"""The structural diff of two procedure revisions: each kind of change, its Vietnamese
description, and the id sets of a visual diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BPMN_DIR, bpmn_bytes, chain, flow, task

from isobpmn.model import read_document
from isobpmn.model.diff import CHANGE_KINDS, diff_procedures

GPXD = (BPMN_DIR / "cap-giay-phep-xay-dung-nha-o-rieng-le.bpmn").read_bytes()
ISO = ('<iso:procedure kind="tthc"><iso:document code="QT-T-01" revision="{revision}">'
       "<iso:title>Thử</iso:title></iso:document>{extra}</iso:procedure>")


def read(data: bytes):
    return read_document(data, strict=False).procedure


def diagram(body: str, *, lanes: str = "", revision: int = 1, extra: str = "") -> bytes:
    return bpmn_bytes(lanes + body, ISO.format(revision=revision, extra=extra))


def lanes(a_role: str = "mot-cua", a_name: str = "Một cửa", b_nodes: tuple = ("B",)) -> str:
    """Two lanes: LA (the desk) with every node not in ``b_nodes``, LB (the specialist)."""
    def lane(lane_id: str, name: str, role: str, nodes) -> str:
        refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes)
        return (f'<bpmn:lane id="{lane_id}" name="{name}"><bpmn:extensionElements>'
                f'<iso:role code="{role}"/></bpmn:extensionElements>{refs}</bpmn:lane>')

    a_nodes = [n for n in ("S", "A", "B", "E") if n not in b_nodes]
    return ('<bpmn:laneSet id="LS">' + lane("LA", a_name, a_role, a_nodes)
            + lane("LB", "Chuyên viên", "chuyen-vien", b_nodes) + "</bpmn:laneSet>")


BASE = ('<bpmn:startEvent id="S" name="Bắt đầu"/>'
        + task("A", "Tiếp nhận", allotment="0.5 working-days")
        + task("B", "Thẩm định", step='<iso:allotment value="2" unit="working-days"/>'
               '<iso:form code="Mẫu 01">Phiếu</iso:form>'
               '<iso:field name="ket_qua" type="text" label="Kết quả"/>')
        + '<bpmn:endEvent id="E" name="Xong"/>' + chain("S", "A", "B", "E"))


def kinds(before: bytes, after: bytes) -> list[tuple[str, str]]:
    return [(c.kind, c.bpmn_id) for c in diff_procedures(read(before), read(after)).changes]


def test_the_same_diagram_has_no_changes():
    diff = diff_procedures(read(GPXD), read(GPXD))
    assert diff.empty and not (diff.added | diff.removed | diff.changed)


def test_steps_added_removed_renamed():
    after = ('<bpmn:startEvent id="S" name="Bắt đầu"/>'
             + task("A", "Tiếp nhận hồ sơ", allotment="0.5 working-days")
             + task("C", "Ký", allotment="1 working-days")
             + '<bpmn:endEvent id="E" name="Xong"/>' + chain("S", "A", "C", "E"))
    diff = diff_procedures(read(diagram(BASE)), read(diagram(after)))
    found = {(c.kind, c.bpmn_id): c for c in diff.changes}
    assert found["step-added", "C"].description == "Thêm bước 2 «Ký», 1 ngày làm việc"
    assert found["step-removed", "B"].description == "Bỏ bước 2 «Thẩm định»"
    renamed = found["step-renamed", "A"]
    assert (renamed.before, renamed.after) == ("Tiếp nhận", "Tiếp nhận hồ sơ")
    assert renamed.description == "Đổi tên bước 1: «Tiếp nhận» → «Tiếp nhận hồ sơ»"
    assert {"F_A_C", "F_C_E"} <= diff.added and {"F_A_B", "F_B_E"} <= diff.removed
    assert "C" in diff.added and "B" in diff.removed and diff.changed == {"A"}


def test_allotment_description_forms_and_fields():
    after = BASE.replace('value="2" unit="working-days"', 'value="1.5" unit="working-days"') \
        .replace("Phiếu</iso:form>", "Phiếu</iso:form><iso:description>Kiểm tra</iso:description>") \
        .replace('code="Mẫu 01"', 'code="Mẫu 02"') \
        .replace('type="text" label="Kết quả"/>',
                 'type="text" label="Kết quả" required="true"/>'
                 '<iso:field name="ngay" type="date" label="Ngày"/>')
    diff = diff_procedures(read(diagram(BASE)), read(diagram(after)))
    found = {c.kind: c for c in diff.changes}
    assert found["allotment-changed"].description == \
        "Thời gian bước 2 «Thẩm định»: 2 ngày làm việc → 1,5 ngày làm việc"
    assert found["description-changed"].after == "Kiểm tra"
    assert (found["forms-changed"].before, found["forms-changed"].after) == \
        ("Mẫu 01: Phiếu", "Mẫu 02: Phiếu")
    assert found["field-added"].description == "Bước 2 «Thẩm định»: thêm trường «Ngày» (ngay)"
    assert found["field-changed"].after == "Kết quả [text, bắt buộc]"
    assert diff.changed == {"B"} and not diff.added and not diff.removed


def test_lanes_roles_and_moved_steps():
    before = diagram(BASE, lanes=lanes())
    after = diagram(BASE, lanes=lanes(a_role="tiep-nhan", a_name="Bộ phận Một cửa", b_nodes=("A", "B")))
    found = {(c.kind, c.bpmn_id): c for c in diff_procedures(read(before), read(after)).changes}
    assert found["role-changed", "LA"].description == \
        "Làn «Bộ phận Một cửa»: vai trò mot-cua → tiep-nhan"
    assert found["lane-renamed", "LA"].description == \
        "Đổi tên làn «Một cửa» thành «Bộ phận Một cửa»"
    assert found["step-moved", "A"].description == \
        "Bước 1 «Tiếp nhận»: trách nhiệm Một cửa → Chuyên viên"


def test_flows_and_other_elements():
    conditional = ('<bpmn:sequenceFlow id="F_G_B" sourceRef="G" targetRef="B">'
                   '<bpmn:conditionExpression>ok == "có"</bpmn:conditionExpression>'
                   "</bpmn:sequenceFlow>")
    after = BASE.replace(chain("S", "A", "B", "E"), "\n".join(
        [chain("S", "A", "G"), conditional, flow("F_G_E", "G", "E"), flow("F_B_E", "B", "E")])) \
        + '<bpmn:exclusiveGateway id="G" name="Đủ hồ sơ?"/>'
    diff = diff_procedures(read(diagram(BASE)), read(diagram(after)))
    found = {(c.kind, c.bpmn_id): c for c in diff.changes}
    assert found["element-added", "G"].description == "Thêm cổng rẽ nhánh «Đủ hồ sơ?»"
    assert found["flow-added", "F_G_B"].after == '«Đủ hồ sơ?» → «Thẩm định» [ok == "có"]'
    assert found["flow-removed", "F_A_B"].description == "Bỏ luồng «Tiếp nhận» → «Thẩm định»"
    assert {"G", "F_A_G", "F_G_B", "F_G_E"} <= diff.added
    changed = BASE.replace(flow("F_B_E", "B", "E"), flow("F_B_E", "A", "E"))
    found = {c.kind: c for c in diff_procedures(read(diagram(BASE)), read(diagram(changed))).changes}
    assert found["flow-changed"].description == \
        "Sửa luồng: «Thẩm định» → «Xong» → «Tiếp nhận» → «Xong»"


def test_document_control_and_statutory_data():
    text = GPXD.decode()
    after = (text.replace('revision="2" issued="2026-01-12"', 'revision="3" issued="2026-03-04"')
             .replace('<iso:timeLimit value="15"', '<iso:timeLimit value="12"')
             .replace('<iso:fee amount="75000">75.000', '<iso:fee amount="100000">100.000')
             .replace("<iso:place>Bộ phận Một cửa,", "<iso:place>Bộ phận Một cửa phường,")
             .replace('quantity="2">Bản vẽ', 'quantity="3">Bản vẽ')
             .replace("</iso:revision>\n        <iso:purpose>",
                      '</iso:revision>\n        <iso:revision number="3" date="2026-03-04">'
                      "Rút ngắn thời hạn</iso:revision>\n        <iso:purpose>")).encode()
    diff = diff_procedures(read(GPXD), read(after))
    descriptions = [c.description for c in diff.changes]
    assert descriptions[:2] == ["Lần ban hành: 2 → 3", "Ngày ban hành: 12/01/2026 → 04/03/2026"]
    assert "Thêm dòng sửa đổi lần 3 (04/03/2026): Rút ngắn thời hạn" in descriptions
    assert "5.4 Thời gian xử lý: 15 ngày làm việc → 12 ngày làm việc" in descriptions
    assert "Sửa mục 5.5 Nơi tiếp nhận và trả kết quả" in descriptions
    assert any(d.startswith("5.6 Lệ phí: 75.000") for d in descriptions)
    assert any(d.startswith("5.2 Thành phần hồ sơ: sửa «Bản vẽ") and "3 bản" in d
               for d in descriptions)
    assert not (diff.added | diff.removed | diff.changed)  # nothing to colour in the drawing


def test_changes_come_in_the_order_of_their_kinds():
    after = ('<bpmn:startEvent id="S" name="Bắt đầu"/>'
             + task("A", "Tiếp nhận hồ sơ", allotment="0.5 working-days")
             + '<bpmn:endEvent id="E" name="Xong"/>' + chain("S", "A", "E"))
    diff = diff_procedures(read(diagram(BASE)), read(diagram(after, revision=2)))
    order = [CHANGE_KINDS.index(c.kind) for c in diff.changes]
    assert order == sorted(order) and diff.changes[0].kind == "document"


@pytest.mark.parametrize("kind", CHANGE_KINDS)
def test_every_kind_is_documented(kind):
    text = (Path(__file__).resolve().parents[1] / "docs" / "lifecycle.md").read_text("utf-8")
    assert f"`{kind}`" in text, f"change kind {kind} is not in docs/lifecycle.md"
