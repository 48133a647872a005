"""The public lookup pages: no sign-in, one answer for every wrong code, the rating once, names
only where the agency publishes them, CSRF and the rate limit."""

from __future__ import annotations

import re

import pytest
from fixtures_services import AGENCY, HO_KINH_DOANH, ready
from fixtures_services import HKD_HAPPY as HAPPY
from fixtures_web import make_app

from isobpmn.store import Rating


def receive(services):
    return services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An", actor="motcua")


def returned(services, clock):
    receipt = receive(services)
    for bpmn_id, actor, data in HAPPY:
        clock.advance(hours=2)
        services.complete_task(ready(services, receipt.case_code, bpmn_id).id, actor, data)
    clock.advance(hours=1)
    services.return_result(receipt.case_code, "motcua")
    return receipt


def look(client, code, verification):
    return client.post("/tra-cuu", data={"ma": code, "xac-thuc": verification})


def without_token(body: bytes) -> bytes:
    """The page less its CSRF token (signed with the moment it was made)."""
    return re.sub(rb'name="csrf_token" value="[^"]*"', b'name="csrf_token" value=""', body)


def without_next(body: bytes) -> bytes:
    """The page less the address it was asked at (in the language switch's links)."""
    return re.sub(rb'next=[^"]*"', b'next="', body)


def test_the_form_needs_no_sign_in_and_the_qr_link_fills_the_code(client):
    page = client.get("/tra-cuu")
    assert page.status_code == 200 and 'name="xac-thuc"' in page.get_data(as_text=True)
    filled = client.get("/tra-cuu?ma=XA-HOA-AN-260303-0001").get_data(as_text=True)
    assert 'value="XA-HOA-AN-260303-0001"' in filled


def test_lookup_shows_the_dossier(client, web_services):
    receipt = receive(web_services)
    page = look(client, receipt.case_code, receipt.lookup_code)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for shown in (receipt.case_code, "Ủy ban nhân dân xã Hòa An", "Tiếp nhận, kiểm tra hồ sơ",
                  "Bộ phận Một cửa", "Đang xử lý", "Trong hạn", "09:00 03/03/2026",
                  "09:00 06/03/2026"):
        assert shown in text, shown
    assert "Nguyễn Thị Mai" not in text and "Cán bộ xử lý" not in text
    assert "Đánh giá mức độ hài lòng" not in text
    assert page.headers["Cache-Control"] == "no-store"


def test_a_link_with_both_codes_looks_up_at_once(client, web_services):
    receipt = receive(web_services)
    page = client.get(f"/tra-cuu?ma={receipt.case_code}&xac-thuc={receipt.lookup_code.lower()}")
    assert page.status_code == 200 and "Tiếp nhận, kiểm tra hồ sơ" in page.get_data(as_text=True)


def test_wrong_code_and_wrong_verification_get_the_same_page(client, web_services):
    receipt = receive(web_services)
    wrong = "ABCDEF" if receipt.lookup_code != "ABCDEF" else "ABCDEG"
    unknown = look(client, "XA-HOA-AN-260303-9999", receipt.lookup_code)
    mismatch = look(client, receipt.case_code, wrong)
    assert unknown.status_code == mismatch.status_code == 404
    assert without_token(unknown.data) == without_token(mismatch.data)
    text = unknown.get_data(as_text=True)
    assert "Không tìm thấy hồ sơ" in text and receipt.case_code not in text
    # by link: the same page, but for the language switch's link back to the address asked
    links = [client.get(f"/tra-cuu?ma={code}&xac-thuc={key}") for code, key in
             (("XA-HOA-AN-260303-9999", receipt.lookup_code), (receipt.case_code, wrong))]
    assert [r.status_code for r in links] == [404, 404]
    assert without_token(without_next(links[0].data)) == \
        without_token(without_next(links[1].data)) == without_token(without_next(unknown.data))


def test_rating_once_after_the_return(client, web_services, web_clock):
    receipt = returned(web_services, web_clock)
    page = look(client, receipt.case_code, receipt.lookup_code).get_data(as_text=True)
    assert "Đánh giá mức độ hài lòng" in page and "Đã trả kết quả" in page
    form = {"ma": receipt.case_code, "xac-thuc": receipt.lookup_code, "score": "5",
            "comment": "Cán bộ nhiệt tình."}
    thanks = client.post("/tra-cuu/danh-gia", data=form)
    assert thanks.status_code == 200 and "Cảm ơn ông/bà đã đánh giá" in thanks.get_data(
        as_text=True)
    assert "Gửi đánh giá" not in thanks.get_data(as_text=True)
    again = client.post("/tra-cuu/danh-gia", data={**form, "score": "1"})
    assert again.status_code == 422 and "đã được đánh giá" in again.get_data(as_text=True)
    with web_services.db.read() as session:
        assert [(r.score, r.comment) for r in session.query(Rating)] == \
            [(5, "Cán bộ nhiệt tình.")]


def test_rating_before_the_return_is_refused(client, web_services):
    receipt = receive(web_services)
    refused = client.post("/tra-cuu/danh-gia", data={
        "ma": receipt.case_code, "xac-thuc": receipt.lookup_code, "score": "5"})
    assert refused.status_code == 422
    assert "sau khi đã nhận kết quả" in refused.get_data(as_text=True)
    with web_services.db.read() as session:
        assert session.query(Rating).count() == 0


@pytest.mark.parametrize("score", ["", "0", "9", "năm"])
def test_rating_needs_a_score(client, web_services, web_clock, score):
    receipt = returned(web_services, web_clock)
    page = client.post("/tra-cuu/danh-gia", data={
        "ma": receipt.case_code, "xac-thuc": receipt.lookup_code, "score": score})
    assert page.status_code == 422 and "mức độ hài lòng" in page.get_data(as_text=True)


def test_rating_with_a_wrong_code_is_the_not_found_page(client, web_services, web_clock):
    receipt = returned(web_services, web_clock)
    page = client.post("/tra-cuu/danh-gia", data={
        "ma": receipt.case_code, "xac-thuc": "ZZZZZZ", "score": "5"})
    assert page.status_code == 404 and "Không tìm thấy hồ sơ" in page.get_data(as_text=True)


def test_names_only_when_the_agency_publishes_them(client, web_services):
    receipt = receive(web_services)
    web_services.claim(ready(web_services, receipt.case_code, "Task_TiepNhan").id, "motcua")
    hidden = look(client, receipt.case_code, receipt.lookup_code).get_data(as_text=True)
    assert "Nguyễn Thị Mai" not in hidden
    detail = web_services.agency_detail(AGENCY)
    web_services.update_agency(AGENCY, name=detail.name, address=detail.address,
                               calendar=detail.calendar, public_names=True)
    shown = look(client, receipt.case_code, receipt.lookup_code).get_data(as_text=True)
    assert "Cán bộ xử lý" in shown and "Nguyễn Thị Mai" in shown


def test_english(client, web_services):
    receipt = receive(web_services)
    client.get("/ngon-ngu/en")
    text = look(client, receipt.case_code, receipt.lookup_code).get_data(as_text=True)
    assert "Processing history" in text and "Appointment" in text


def test_forms_carry_a_csrf_token(csrf_app, web_services):
    client = csrf_app.test_client()
    page = client.get("/tra-cuu").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    receipt = receive(web_services)
    assert client.post("/tra-cuu", data={"ma": receipt.case_code,
                                         "xac-thuc": receipt.lookup_code}).status_code == 400
    assert client.post("/tra-cuu", data={"ma": receipt.case_code, "csrf_token": token,
                                         "xac-thuc": receipt.lookup_code}).status_code == 200


def test_lookups_are_rate_limited(web_services):
    app = make_app(web_services, RATELIMIT_ENABLED=True, LOOKUP_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(5):
        assert client.get("/tra-cuu").status_code == 200  # showing the form is free
    answers = [look(client, "XA-HOA-AN-260303-9999", "ABCDEF").status_code for _ in range(3)]
    assert answers == [404, 404, 404]
    assert look(client, "XA-HOA-AN-260303-9999", "ABCDEF").status_code == 429
    assert client.post("/tra-cuu/danh-gia", data={"ma": "x", "xac-thuc": "y"}).status_code \
        == 429
