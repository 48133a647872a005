"""The inbox and the task page: lists, filters, claim, complete, conflicts, return, supplement."""

from __future__ import annotations

from fixtures_services import AGENCY, HKD_HAPPY, HO_KINH_DOANH, ready


def receive(services):
    return services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An",
                                    actor="motcua").case_code


def test_unclaimed_tasks_of_my_roles(client, auth, web_services):
    code = receive(web_services)
    auth.login("motcua")
    page = client.get("/cong-viec/?scope=unclaimed").get_data(as_text=True)
    assert code in page and "Nhận xử lý" in page
    assert "còn" in page  # time left in words


def test_whole_happy_path_through_the_pages(client, auth, web_services, web_clock):
    code = receive(web_services)
    for bpmn_id, user, data in HKD_HAPPY:
        web_clock.advance(minutes=30)
        auth.login(user)
        task = ready(web_services, code, bpmn_id)
        page = client.get(f"/cong-viec/{task.id}")
        assert page.status_code == 200, bpmn_id
        assert client.post(f"/cong-viec/{task.id}/nhan").status_code == 302
        form = {k: str(v) for k, v in data.items()}
        response = client.post(f"/cong-viec/{task.id}/hoan-thanh", data=form)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        auth.logout()
    view = web_services.case_view(code)
    assert view.status == "resolved" and view.outcome == "early"
    auth.login("motcua")
    page = client.get(f"/ho-so/{code}").get_data(as_text=True)
    assert "Trả kết quả" in page and "Quá trình xử lý" in page
    client.post(f"/ho-so/{code}/tra-ket-qua", data={"receiver": "Nguyễn Văn An"})
    assert web_services.case_view(code).status == "returned"


def test_invalid_field_shows_the_problem_and_keeps_the_input(client, auth, web_services):
    code = receive(web_services)
    auth.login("motcua")
    task = ready(web_services, code, "Task_TiepNhan")
    response = client.post(f"/cong-viec/{task.id}/hoan-thanh",
                           data={"nguoi_nop": "", "ho_so_day_du": "on", "ghi_chu": "x"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="flash flash-error"' in page
    assert 'name="ho_so_day_du" checked' in page


def test_someone_else_claimed_first(client, auth, web_services):
    code = receive(web_services)
    task = ready(web_services, code, "Task_TiepNhan")
    web_services.claim(task.id, "motcua")
    web_services.create_user("motcua2", "Đỗ Thị Hoa")
    web_services.add_membership("motcua2", AGENCY, "mot-cua")
    from fixtures_web import PASSWORD

    web_services.set_password("motcua2", PASSWORD)
    auth.login("motcua2")
    response = client.post(f"/cong-viec/{task.id}/nhan", follow_redirects=True)
    assert "Không thực hiện được" in response.get_data(as_text=True)


def test_stale_form_is_a_conflict_not_a_crash(client, auth, web_services):
    code = receive(web_services)
    task = ready(web_services, code, "Task_TiepNhan")
    auth.login("motcua")
    response = client.post(f"/cong-viec/{task.id}/hoan-thanh", follow_redirects=True,
                           data={**HKD_HAPPY[0][2], "expected_version": "999"})
    assert "Không thực hiện được" in response.get_data(as_text=True)


def test_supplement_request_from_the_task_page(client, auth, web_services):
    code = receive(web_services)
    auth.login("motcua")
    check = ready(web_services, code, "Task_TiepNhan")
    client.post(f"/cong-viec/{check.id}/hoan-thanh",
                data={"nguoi_nop": "Nguyễn Văn An", "ho_so_day_du": "không"})
    guide = ready(web_services, code, "Task_HuongDanBoSung")
    page = client.get(f"/cong-viec/{guide.id}").get_data(as_text=True)
    assert "Lập phiếu yêu cầu bổ sung" in page
    response = client.post(f"/cong-viec/{guide.id}/bo-sung", data={
        "reason": "Thiếu bản sao", "items": "Bản sao Căn cước | 1 | certified"})
    assert response.headers["Location"].endswith(f"/ho-so/{code}/bieu-mau/supplement")
    assert web_services.case_view(code).status == "paused"
    client.post(f"/ho-so/{code}/nhan-bo-sung", data={"note": "Đã đủ"})
    assert web_services.case_view(code).status == "open"


def test_another_agency_cannot_see_the_task(client, auth, web_services):
    code = receive(web_services)
    task = ready(web_services, code, "Task_TiepNhan")
    auth.login("motcua_bm")
    assert client.get(f"/cong-viec/{task.id}").status_code == 403
    assert client.get(f"/ho-so/{code}").status_code == 403


def test_filters(client, auth, web_services):
    receive(web_services)
    auth.login("motcua")
    page = client.get("/cong-viec/?scope=all&sla=overdue").get_data(as_text=True)
    assert "Không có việc nào" in page
    page = client.get(f"/cong-viec/?scope=all&procedure={HO_KINH_DOANH}").get_data(as_text=True)
    assert HO_KINH_DOANH in page


def test_fee_pause_from_the_case_page(client, auth, web_services):
    code = receive(web_services)
    auth.login("motcua")
    client.post(f"/ho-so/{code}/cho-nop-phi", data={"note": "Lệ phí 100.000 đồng"})
    page = client.get(f"/ho-so/{code}").get_data(as_text=True)
    assert "Đã nộp phí, lệ phí" in page
    client.post(f"/ho-so/{code}/da-nop-phi", data={"receipt_no": "BL-1"})
    assert web_services.case_view(code).status == "open"
