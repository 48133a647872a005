"""The administration pages: administrators only; agencies, units, users, roles, calendars and
API tokens changed through the forms, with the services' checks shown to the user."""

from __future__ import annotations

import re

import pytest
from fixtures_services import AGENCY
from fixtures_web import PASSWORD

from isobpmn.services import NotSignedIn
from isobpmn.web.admin import calendar_text, parse_calendar

PAGES = ["/quan-tri/", "/quan-tri/co-quan", f"/quan-tri/co-quan/{AGENCY}", "/quan-tri/nguoi-dung",
         "/quan-tri/nguoi-dung/motcua"]


@pytest.mark.parametrize("page", PAGES)
def test_officials_get_403_and_visitors_the_sign_in(client, auth, page):
    assert "/dang-nhap" in client.get(page).headers["Location"]
    auth.login("chutich")
    assert client.get(page).status_code == 403
    assert client.post("/quan-tri/vai-tro/1/xoa").status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_admins_see_every_page(client, auth, page):
    auth.login("admin")
    assert client.get(page).status_code == 200


def test_the_menu_shows_administration_to_admins(client, auth):
    auth.login("admin")
    assert "/quan-tri/" in client.get("/tai-khoan").get_data(as_text=True)


def test_agency_tree_and_create_agency_and_unit(client, auth, web_services):
    auth.login("admin")
    listing = client.get("/quan-tri/co-quan").get_data(as_text=True)
    assert listing.index("TINH-QN") < listing.index("XA-BINH-MINH") < listing.index(AGENCY)
    created = client.post("/quan-tri/co-quan", data={
        "code": "xa-yen-binh", "name": "Ủy ban nhân dân xã Yên Bình", "level": "commune",
        "parent": "TINH-QN", "address": "Thôn 2"})
    assert created.status_code == 302 and created.headers["Location"].endswith(
        "/quan-tri/co-quan/XA-YEN-BINH")
    detail = web_services.agency_detail("XA-YEN-BINH")
    assert (detail.name, detail.parent_code, detail.address) == \
        ("Ủy ban nhân dân xã Yên Bình", "TINH-QN", "Thôn 2")
    again = client.post("/quan-tri/co-quan", data={"code": "XA-YEN-BINH", "name": "x",
                                                   "level": "commune"})
    assert again.status_code == 422 and "already exists" in again.get_data(as_text=True)
    client.post("/quan-tri/co-quan/XA-YEN-BINH/don-vi",
                data={"unit_code": "van-phong", "unit_name": "Văn phòng"})
    page = client.get("/quan-tri/co-quan/XA-YEN-BINH").get_data(as_text=True)
    assert "Đã thêm đơn vị" in page and "van-phong" in page
    assert [u.code for u in web_services.agency_detail("XA-YEN-BINH").units] == ["van-phong"]


def test_edit_agency_with_calendar_and_public_names(client, auth, web_services):
    auth.login("admin")
    text = '[calendar]\noffice_hours = ["07:30-11:30", "13:00-17:00"]\n' \
           'extra_days_off = [2026-02-13, "16/02/2026"]\nreceipt_cutoff = 16:00:00\n'
    saved = client.post(f"/quan-tri/co-quan/{AGENCY}", data={
        "name": "UBND xã Hòa An", "address": "Thôn 1", "calendar": text, "public_names": "1"})
    assert saved.status_code == 302
    detail = web_services.agency_detail(AGENCY)
    assert detail.calendar == {"office_hours": ["07:30-11:30", "13:00-17:00"],
                               "extra_days_off": ["2026-02-13", "16/02/2026"],
                               "receipt_cutoff": "16:00"}
    assert (detail.name, detail.public_names) == ("UBND xã Hòa An", True)
    page = client.get(f"/quan-tri/co-quan/{AGENCY}").get_data(as_text=True)
    assert "Đã lưu thay đổi" in page
    assert 'receipt_cutoff = &#34;16:00&#34;' in page and 'name="public_names" value="1" checked' \
        in page
    # unchanged: said so; unticked: public_names off again
    client.post(f"/quan-tri/co-quan/{AGENCY}", data={
        "name": "UBND xã Hòa An", "address": "Thôn 1", "calendar": calendar_text(detail.calendar),
        "public_names": "1"})
    assert "Không có gì thay đổi" in client.get(f"/quan-tri/co-quan/{AGENCY}").get_data(
        as_text=True)
    client.post(f"/quan-tri/co-quan/{AGENCY}", data={"name": "UBND xã Hòa An", "calendar": ""})
    after = web_services.agency_detail(AGENCY)
    assert (after.public_names, after.calendar, after.address) == (False, None, None)


def test_bad_calendar_toml_shows_its_line(client, auth, web_services):
    auth.login("admin")
    text = 'office_hours = ["07:30-11:30", "13:00-17:00"]\nreceipt_cutoff = 15:00\n'
    page = client.post(f"/quan-tri/co-quan/{AGENCY}", data={"name": "Tên mới",
                                                             "calendar": text})
    body = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Lịch làm việc chưa hợp lệ" in body and "at line 2" in body
    assert "Dòng 2: receipt_cutoff = 15:00" in body
    assert "Tên mới" in body and "receipt_cutoff = 15:00\n</textarea>" in body  # kept as typed
    assert web_services.agency_detail(AGENCY).name == "Ủy ban nhân dân xã Hòa An"
    unclosed = client.post(f"/quan-tri/co-quan/{AGENCY}", data={
        "name": "x", "calendar": 'timezone = "Asia/Ho_Chi_Minh"\nextra_days_off = ["2026-02-13"\n\n'})
    assert "Dòng 2: extra_days_off = [&#34;2026-02-13&#34;" in unclosed.get_data(as_text=True)


def test_bad_calendar_value_shows_the_calendars_message(client, auth, web_services):
    auth.login("admin")
    page = client.post(f"/quan-tri/co-quan/{AGENCY}", data={
        "name": "x", "calendar": 'office_hours = ["07:00-11:30", "11:00-17:00"]'})
    body = page.get_data(as_text=True)
    assert page.status_code == 422 and "office_hours" in body and "overlaps" in body
    assert web_services.agency_detail(AGENCY).calendar is None


def test_an_agency_needs_a_name(client, auth, web_services):
    auth.login("admin")
    page = client.post(f"/quan-tri/co-quan/{AGENCY}", data={"name": " ", "calendar": ""})
    body = page.get_data(as_text=True)
    assert page.status_code == 422 and "needs a name" in body
    assert "Lịch làm việc chưa hợp lệ" not in body


def test_calendar_text_round_trips():
    calendar = {"office_hours": ["07:30-11:30", "13:00-17:00"], "receipt_cutoff": False,
                "working_weekdays": ["mon", "tue"], "timezone": 'Asia/"Ho_Chi_Minh"',
                "public_holidays": True}
    assert parse_calendar(calendar_text(calendar)) == calendar
    assert parse_calendar("  \n") is None and calendar_text(None) == ""


def test_create_user_with_password_and_give_a_role(client, auth, web_services):
    auth.login("admin")
    short = client.post("/quan-tri/nguoi-dung", data={
        "username": "ketoan", "full_name": "Lý Thị Thu", "password": "ngan"})
    assert short.status_code == 422 and "ít nhất 8" in short.get_data(as_text=True)
    created = client.post("/quan-tri/nguoi-dung", data={
        "username": "ketoan", "full_name": "Lý Thị Thu", "email": "thu@example.vn",
        "password": "mat-khau-ke-toan"})
    assert created.status_code == 302 and created.headers["Location"].endswith(
        "/quan-tri/nguoi-dung/ketoan")
    assert web_services.authenticate("ketoan", "mat-khau-ke-toan").full_name == "Lý Thị Thu"
    added = client.post("/quan-tri/vai-tro", data={
        "username": "ketoan", "agency": AGENCY, "unit": "phong-kinh-te", "role": "chuyen-vien",
        "next": f"/quan-tri/co-quan/{AGENCY}"})
    assert added.headers["Location"].endswith(f"/quan-tri/co-quan/{AGENCY}")
    [held] = web_services.user_detail("ketoan").memberships
    assert (held.agency_code, held.unit_code, held.role_code) == \
        (AGENCY, "phong-kinh-te", "chuyen-vien")
    wrong_unit = client.post("/quan-tri/vai-tro", data={
        "username": "ketoan", "agency": AGENCY, "unit": "khong-co", "role": "chuyen-vien",
        "next": "/quan-tri/nguoi-dung/ketoan"}, follow_redirects=True)
    assert "has no unit" in wrong_unit.get_data(as_text=True)
    listing = client.get("/quan-tri/nguoi-dung?q=ketoan").get_data(as_text=True)
    assert "Lý Thị Thu" in listing and "Nguyễn Thị Mai" not in listing
    removed = client.post(f"/quan-tri/vai-tro/{held.id}/xoa",
                          data={"next": "/quan-tri/nguoi-dung/ketoan"}, follow_redirects=True)
    assert "Đã bỏ vai trò" in removed.get_data(as_text=True)
    assert web_services.user_detail("ketoan").memberships == ()


def test_deactivate_reset_password_and_activate(client, auth, web_services):
    auth.login("admin")
    page = "/quan-tri/nguoi-dung/hotich"
    client.post(page, data={"action": "deactivate"})
    assert web_services.user_detail("hotich").is_active is False
    with pytest.raises(NotSignedIn):
        web_services.authenticate("hotich", PASSWORD)
    assert "Đã khóa" in client.get(page).get_data(as_text=True)
    client.post(page, data={"action": "activate"})
    client.post(page, data={"action": "password", "new_password": "mat-khau-moi-2026"})
    assert web_services.authenticate("hotich", "mat-khau-moi-2026").username == "hotich"
    refused = client.post("/quan-tri/nguoi-dung/admin", data={"action": "deactivate"},
                          follow_redirects=True)
    assert "your own account" in refused.get_data(as_text=True)
    assert web_services.user_detail("admin").is_active


def test_issue_and_revoke_a_token_for_another_user(client, auth, web_services):
    auth.login("admin")
    page = client.post("/quan-tri/nguoi-dung/vanthu", data={"action": "token",
                                                            "name": "Hệ thống văn bản"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "chỉ hiện một lần" in text
    token = re.search(r'<code class="token">([^<]+)</code>', text).group(1)
    assert web_services.authenticate_token(token).username == "vanthu"
    assert token not in client.get("/quan-tri/nguoi-dung/vanthu").get_data(as_text=True)
    [listed] = web_services.list_api_tokens("vanthu")
    client.post("/quan-tri/nguoi-dung/vanthu", data={"action": "revoke", "token_id": listed.id})
    with pytest.raises(NotSignedIn):
        web_services.authenticate_token(token)
    assert "Đã thu hồi" in client.get("/quan-tri/nguoi-dung/vanthu").get_data(as_text=True)


def test_forms_need_the_csrf_token(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/dang-nhap", data={"username": "admin", "password": PASSWORD,
                                    "csrf_token": token})
    assert client.post("/quan-tri/co-quan", data={"code": "X", "name": "X"}).status_code == 400
    form = client.get("/quan-tri/co-quan").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert client.post("/quan-tri/co-quan", data={"code": "X", "name": "X", "level": "other",
                                                  "csrf_token": token}).status_code == 302


def test_english(client, auth):
    auth.login("admin")
    client.get("/ngon-ngu/en")
    text = client.get(f"/quan-tri/co-quan/{AGENCY}").get_data(as_text=True)
    assert "Units" in text and "Save" in text and "Whole agency" in text
