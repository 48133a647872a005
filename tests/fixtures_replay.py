"""A dossier worth replaying, for the replay's service, page and browser tests: hộ kinh doanh
with a supplement, a fee pause during the examination and a return from the review, resolved
and handed to the citizen (18 events, Tue 03/03 → Thu 05/03/2026)."""

from __future__ import annotations

from fixtures_services import AGENCY, HKD_HAPPY, HO_KINH_DOANH, ready, vn

INCOMPLETE = {"nguoi_nop": "Nguyễn Văn An", "ho_so_day_du": "không"}
ITEMS = [{"name": "Bản sao Căn cước của chủ hộ", "quantity": 1, "copy": "certified"}]
STEPS = {bpmn_id: (actor, data) for bpmn_id, actor, data in HKD_HAPPY}


def _complete(services, code: str, bpmn_id: str, data: dict | None = None) -> None:
    actor, entered = STEPS[bpmn_id]
    services.complete_task(ready(services, code, bpmn_id).id, actor,
                           entered if data is None else data)


def household_case(services, clock) -> str:
    """Run the dossier on ``services`` with ``clock`` (a ManualClock); its code."""
    clock.set(vn(2026, 3, 3, 9, 0))
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An",
                                    actor="motcua").case_code
    clock.set(vn(2026, 3, 3, 9, 30))
    _complete(services, code, "Task_TiepNhan", INCOMPLETE)
    clock.set(vn(2026, 3, 3, 10, 0))
    services.request_supplement(ready(services, code, "Task_HuongDanBoSung").id, "motcua",
                                reason="Thiếu bản sao Căn cước", items=ITEMS)
    clock.set(vn(2026, 3, 4, 9, 0))
    services.receive_supplement(code, "motcua")
    clock.set(vn(2026, 3, 4, 10, 0))
    _complete(services, code, "Task_TiepNhan")
    clock.set(vn(2026, 3, 4, 11, 0))
    services.claim(ready(services, code, "Task_ThamDinh").id, "chuyenvien")
    clock.set(vn(2026, 3, 4, 13, 0))
    services.await_payment(code, "chuyenvien", note="Lệ phí đăng ký")
    clock.set(vn(2026, 3, 4, 15, 0))
    services.record_payment(code, "chuyenvien", receipt_no="BL-7")
    clock.set(vn(2026, 3, 4, 16, 0))
    _complete(services, code, "Task_ThamDinh")
    clock.set(vn(2026, 3, 5, 8, 0))
    services.return_to_previous(ready(services, code, "Task_XemXet").id, "truongphong",
                                "Ngành nghề ghi chưa đúng")
    for bpmn_id in ("Task_ThamDinh", "Task_XemXet", "Task_Ky", "Task_VaoSo", "Task_TraKetQua"):
        clock.advance(minutes=30)
        _complete(services, code, bpmn_id)
    clock.advance(minutes=30)
    services.return_result(code, "motcua")
    return code
