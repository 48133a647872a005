"""The reception desk: choose a procedure, tick components, receive; answer an incomplete
dossier with a supplement request or a refusal."""

from __future__ import annotations

from fixtures_services import AGENCY, HO_KINH_DOANH

APPLICANT = {"name": "Nguyễn Văn An", "id_number": "022090001234", "address": "Thôn 1, Hòa An",
             "phone": "0912345678", "email": "an@example.vn"}


def receive(client, outcome="receive", **extra):
    data = {**APPLICANT, "channel": "in_person", "components": ["1", "2"], "outcome": outcome,
            **extra}
    return client.post(f"/tiep-nhan/{AGENCY}/{HO_KINH_DOANH}", data=data)


def test_desk_lists_the_procedures_it_receives(client, auth):
    auth.login("motcua")
    page = client.get("/tiep-nhan/").get_data(as_text=True)
    assert HO_KINH_DOANH in page and "Ủy ban nhân dân xã Hòa An" in page


def test_reception_form_shows_the_components(client, auth):
    auth.login("motcua")
    page = client.get(f"/tiep-nhan/{AGENCY}/{HO_KINH_DOANH}").get_data(as_text=True)
    assert 'name="components"' in page and "Thành phần hồ sơ" in page


def test_receive_leads_to_the_case_page_with_the_receipt_link(client, auth, web_services):
    auth.login("motcua")
    response = receive(client)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/ho-so/XA-HOA-AN-260303-0001")
    page = client.get(location).get_data(as_text=True)
    assert "/ho-so/XA-HOA-AN-260303-0001/bieu-mau/receipt" in page
    view = web_services.case_view("XA-HOA-AN-260303-0001")
    assert view.applicant.phone == "0912345678"
    assert [c["no"] for c in view.components] == [1, 2]


def test_missing_name_keeps_what_was_typed(client, auth):
    auth.login("motcua")
    response = receive(client, name="", address="Thôn 7")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Thôn 7" in page and "name" in page


def test_refusal_at_the_desk(client, auth, web_services):
    auth.login("motcua")
    response = receive(client, outcome="refuse", reason="Không thuộc thẩm quyền")
    assert response.headers["Location"].endswith("/bieu-mau/refusal")
    assert web_services.case_view("XA-HOA-AN-260303-0001").status == "refused"


def test_refusal_needs_a_reason(client, auth, web_services):
    auth.login("motcua")
    response = receive(client, outcome="refuse")
    assert response.status_code == 422
    assert web_services.list_cases("motcua") == []


def test_supplement_at_the_desk_goes_to_the_check_step(client, auth, web_services):
    auth.login("motcua")
    response = receive(client, outcome="supplement", reason="Thiếu bản sao căn cước",
                       items="Bản sao Căn cước | 1 | certified")
    location = response.headers["Location"]
    assert location.startswith("/cong-viec/") or location.endswith("/bieu-mau/supplement")


def test_only_the_desk_receives(client, auth):
    auth.login("chuyenvien")
    assert client.get("/tiep-nhan/").status_code == 403
    assert client.get(f"/tiep-nhan/{AGENCY}/{HO_KINH_DOANH}").status_code == 403
