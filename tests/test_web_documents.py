"""The forms pages: a dossier's forms as print-ready HTML and PDF, the log book, who may see
them."""

from __future__ import annotations

from io import BytesIO

import pytest
from fixtures_services import AGENCY, HO_KINH_DOANH, ready
from fixtures_web import make_app

from isobpmn.services import Applicant

PERSON = Applicant("Trần Thị Bích", address="Thôn 2, xã Hòa An", phone="0912345678")


@pytest.fixture
def code(web_services):
    return web_services.receive_dossier(HO_KINH_DOANH, AGENCY, PERSON,
                                        actor="motcua").case_code


def test_forms_need_signing_in(client, code):
    for url in (f"/ho-so/{code}/bieu-mau/receipt", f"/ho-so/{code}/bieu-mau/receipt.pdf",
                "/so-theo-doi"):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_receipt_page_is_print_ready(client, auth, code, web_services):
    auth.login("motcua")
    response = client.get(f"/ho-so/{code}/bieu-mau/receipt")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    lookup_code = web_services.case_view(code).lookup_code
    for text in ("Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", code, lookup_code,
                 "Trần Thị Bích", "09 giờ 00 phút, ngày 06/03/2026", "@page",
                 'onclick="window.print()"', f"/ho-so/{code}/bieu-mau/receipt.pdf",
                 f"http://localhost/tra-cuu?ma={code}", "<svg"):
        assert text in page, text
    assert 'class="actions no-print form-toolbar"' in page  # the print button is not printed
    assert f'href="/ho-so/{code}/bieu-mau/control-sheet"' in page  # the other forms that apply


def test_form_set_and_public_address_come_from_the_settings(web_services, code):
    from fixtures_web import Auth

    app = make_app(web_services, FORM_SET="tt01-2018",
                   PUBLIC_BASE_URL="https://dichvucong.quangninh.gov.vn/")
    client = app.test_client()
    Auth(client).login("motcua")
    page = client.get(f"/ho-so/{code}/bieu-mau/control-sheet").get_data(as_text=True)
    assert "Mẫu số 05" in page
    receipt = client.get(f"/ho-so/{code}/bieu-mau/receipt").get_data(as_text=True)
    assert f"https://dichvucong.quangninh.gov.vn/tra-cuu?ma={code}" in receipt
    web_services.withdraw(code, "motcua", "Rút hồ sơ")
    response = client.get(f"/ho-so/{code}/bieu-mau/stop")
    assert response.status_code == 422 and "tt03-2025" in response.get_data(as_text=True)


def test_supplement_form_and_its_number(client, auth, web_services, code):
    task = ready(web_services, code, "Task_TiepNhan")
    web_services.complete_task(task.id, "motcua", {"nguoi_nop": "Trần Thị Bích",
                                                   "ho_so_day_du": "không"})
    web_services.request_supplement(ready(web_services, code, "Task_HuongDanBoSung").id,
                                    "motcua", reason="Thiếu bản sao Căn cước",
                                    items=["Bản sao Căn cước của chủ hộ"])
    auth.login("chuyenvien")
    page = client.get(f"/ho-so/{code}/bieu-mau/supplement?so=1").get_data(as_text=True)
    assert "Mẫu số 02" in page and "Thiếu bản sao Căn cước" in page
    assert f"/ho-so/{code}/bieu-mau/supplement.pdf?so=1" in page
    assert client.get(f"/ho-so/{code}/bieu-mau/supplement?so=2").status_code == 422
    assert client.get(f"/ho-so/{code}/bieu-mau/supplement?so=x").status_code == 422


def test_forms_that_do_not_apply_or_do_not_exist(client, auth, code):
    auth.login("motcua")
    refused = client.get(f"/ho-so/{code}/bieu-mau/refusal")
    assert refused.status_code == 422 and "was not refused" in refused.get_data(as_text=True)
    assert client.get(f"/ho-so/{code}/bieu-mau/letter").status_code == 422
    assert client.get("/ho-so/XA-HOA-AN-000000-0000/bieu-mau/receipt").status_code == 404


def test_a_member_of_another_agency_gets_403(client, auth, code):
    auth.login("motcua_bm")
    assert client.get(f"/ho-so/{code}/bieu-mau/receipt").status_code == 403
    assert client.get(f"/ho-so/{code}/bieu-mau/receipt.pdf").status_code == 403
    assert client.get(f"/so-theo-doi?agency={AGENCY}").status_code == 403


def test_receipt_pdf(client, auth, code):
    from pypdf import PdfReader

    auth.login("motcua")
    response = client.get(f"/ho-so/{code}/bieu-mau/receipt.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline") and f"mau-01-giay-tiep-nhan-{code}.pdf" in disposition
    text = PdfReader(BytesIO(response.data)).pages[0].extract_text()
    assert code in text and "Trần Thị Bích" in text


def test_log_book_page_and_pdf(client, auth, code):
    auth.login("motcua")
    page = client.get("/so-theo-doi?tu=01/03/2026&den=31/03/2026")  # the user's agency
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for needle in ("Mẫu số 07", "SỔ THEO DÕI HỒ SƠ", "Từ ngày 01/03/2026 đến ngày 31/03/2026",
                   code, "Trần Thị Bích", 'name="tu" value="01/03/2026"',
                   "/so-theo-doi.pdf?agency=XA-HOA-AN&amp;tu=01/03/2026&amp;den=31/03/2026"):
        assert needle in text, needle
    default = client.get("/so-theo-doi").get_data(as_text=True)  # this month so far
    assert "Từ ngày 01/03/2026 đến ngày 03/03/2026" in default and code in default
    assert client.get("/so-theo-doi?tu=32/13/2026").status_code == 422
    pdf = client.get(f"/so-theo-doi.pdf?agency={AGENCY}&tu=01/03/2026&den=31/03/2026")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "mau-07-so-theo-doi-XA-HOA-AN-20260301-20260331.pdf" in \
        pdf.headers["Content-Disposition"]


def test_pages_in_english_keep_the_forms_in_vietnamese(client, auth, code):
    auth.login("motcua")
    client.get("/ngon-ngu/en")
    page = client.get(f"/ho-so/{code}/bieu-mau/receipt").get_data(as_text=True)
    assert ">Print<" in page and "Download PDF" in page
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in page
