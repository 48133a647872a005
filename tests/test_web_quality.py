"""The quality pages: objectives with their state, the nonconformity workflow from report to
verification, the printable management review, and who sees what."""

from __future__ import annotations

import re

from fixtures_services import AGENCY, HO_KINH_DOANH, ready, vn
from fixtures_services import HKD_HAPPY as HAPPY
from fixtures_web import PASSWORD

BASE = "/chat-luong"


def _resolved_early(services, clock) -> str:
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An",
                                    actor="motcua").case_code
    clock.set(vn(2026, 3, 3, 10, 0))
    for bpmn_id, actor, data in HAPPY:
        services.complete_task(ready(services, code, bpmn_id).id, actor, data)
    return code


def test_the_menu_shows_quality_to_its_staff(client, auth):
    auth.login("chutich")
    assert f'href="{BASE}/muc-tieu"' in client.get("/cong-viec/").get_data(as_text=True)
    auth.logout()
    auth.login("motcua")
    assert f'href="{BASE}/muc-tieu"' not in client.get("/cong-viec/").get_data(as_text=True)


def test_objectives_are_set_and_shown_green_or_red(client, auth, web_services, web_clock):
    _resolved_early(web_services, web_clock)
    auth.login("chutich")
    page = client.get(f"{BASE}/muc-tieu").get_data(as_text=True)
    assert "Chưa đặt mục tiêu chất lượng nào cho năm này." in page
    response = client.post(f"{BASE}/muc-tieu", data={
        "agency": AGENCY, "nam": "2026", "metric": "on_time_rate", "target": "98"})
    assert response.status_code == 302
    client.post(f"{BASE}/muc-tieu", data={"agency": AGENCY, "nam": "2026",
                                          "metric": "avg_time_share", "target": "10,5"})
    page = client.get(f"{BASE}/muc-tieu", query_string={"agency": AGENCY, "nam": "2026"}) \
        .get_data(as_text=True)
    assert "≥ 98 %" in page and "100 %" in page and 'class="sla outcome-on_time">Đạt' in page
    # one hour of 24 used: 4,17 % of the statutory time, above a target of at most 10,5 %
    assert "≤ 10,5 %" in page and "4,17 %" in page
    refused = client.post(f"{BASE}/muc-tieu", data={
        "agency": AGENCY, "nam": "2026", "metric": "satisfaction_avg", "target": "7"})
    assert refused.status_code == 422
    assert "between 0 and 5" in refused.get_data(as_text=True)
    [objective] = [o for o in web_services.quality_objectives(AGENCY, 2026, actor="chutich")
                   if o.metric == "on_time_rate"]
    client.post(f"{BASE}/muc-tieu/{objective.id}/xoa", data={"agency": AGENCY, "nam": "2026"})
    assert [o.metric for o in web_services.quality_objectives(AGENCY, 2026, actor="admin")] == [
        "avg_time_share"]


def test_a_nonconformity_goes_from_report_to_verification(client, auth, web_services, web_clock):
    code = _resolved_early(web_services, web_clock)
    auth.login("chutich")
    response = client.post(f"{BASE}/khong-phu-hop", data={
        "agency": AGENCY, "description": "Phiếu kiểm soát thiếu chữ ký người nhận",
        "source": "audit", "case_code": code, "step": "Task_ThamDinh"})
    assert response.status_code == 302
    detail_url = response.headers["Location"]
    number = int(re.search(r"/khong-phu-hop/(\d+)$", detail_url).group(1))
    page = client.get(detail_url).get_data(as_text=True)
    assert f'href="/ho-so/{code}"' in page and "Đánh giá nội bộ" in page
    assert 'name="step" value="cause"' in page and 'value="plan"' not in page

    client.post(detail_url, data={"step": "cause", "cause": "Chưa hướng dẫn ký nhận"})
    bad = client.post(detail_url, data={"step": "plan", "action": "Tập huấn",
                                        "owner": "motcua", "due_on": "31-03-2026"})
    assert bad.status_code == 422 and "dd/mm/yyyy" in bad.get_data(as_text=True)
    client.post(detail_url, data={"step": "plan", "action": "Tập huấn bộ phận một cửa",
                                  "owner": "motcua", "due_on": "20/03/2026"})
    auth.logout()

    auth.login("motcua")
    mine = client.get(f"{BASE}/khong-phu-hop", query_string={"agency": AGENCY, "cua_toi": "1"})
    assert f'/khong-phu-hop/{number}"' in mine.get_data(as_text=True)
    page = client.get(detail_url).get_data(as_text=True)
    assert 'value="implement"' in page and 'value="verify"' not in page
    client.post(detail_url, data={"step": "implement",
                                  "implementation": "Đã tập huấn ngày 10/03"})
    refused = client.post(detail_url, data={"step": "verify", "verification": "x"})
    assert refused.status_code == 422 and "cannot verify" in refused.get_data(as_text=True)
    auth.logout()

    auth.login("chutich")
    client.post(detail_url, data={"step": "verify", "verification": "Phiếu đã đủ chữ ký",
                                  "effective": "1"})
    assert web_services.nonconformity_detail(number, actor="chutich").status == "closed"
    closed = client.get(f"{BASE}/khong-phu-hop", query_string={"agency": AGENCY,
                                                               "status": "closed"})
    assert f'/khong-phu-hop/{number}"' in closed.get_data(as_text=True)
    assert "Phiếu đã đủ chữ ký" in client.get(detail_url).get_data(as_text=True)


def test_the_management_review_is_printable(client, auth, web_services, web_clock):
    _resolved_early(web_services, web_clock)
    auth.login("chutich")
    page = client.get(f"{BASE}/xem-xet-lanh-dao", query_string={
        "agency": AGENCY, "tu": "01/03/2026", "den": "31/03/2026"}).get_data(as_text=True)
    assert "BÁO CÁO ĐẦU VÀO XEM XÉT CỦA LÃNH ĐẠO" in page and "@media print" in page
    assert "window.print()" in page and "01/03/2026" in page and "31/03/2026" in page
    bad = client.get(f"{BASE}/xem-xet-lanh-dao", query_string={"agency": AGENCY, "tu": "x"})
    assert bad.status_code == 422
    auth.logout()
    auth.login("chuyenvien")
    assert client.get(f"{BASE}/xem-xet-lanh-dao",
                      query_string={"agency": AGENCY}).status_code == 403


def test_the_iso_officer_lands_on_their_agency(client, auth, web_services):
    web_services.create_user("isosec", "Phan Thu Trang")
    web_services.add_membership("isosec", AGENCY, "thu-ky-iso")
    web_services.set_password("isosec", PASSWORD)
    auth.login("isosec")
    page = client.get(f"{BASE}/khong-phu-hop").get_data(as_text=True)
    assert f'<option value="{AGENCY}" selected>' in page
    assert "Ghi nhận sự không phù hợp" in page
    assert client.get(f"{BASE}/khong-phu-hop/999").status_code == 404
