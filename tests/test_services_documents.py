"""A dossier's forms filled from the database: receipt, supplement request, refusal, apology,
stop notice, control sheet and log book (docs/forms.md)."""

from __future__ import annotations

from datetime import date

import pytest
from fixtures_services import AGENCY, HKD_HAPPY, HO_KINH_DOANH, KHAI_SINH, OTHER_AGENCY, ready, vn

from isobpmn.services import Applicant, InvalidRequest, NotAllowed, UnknownCase

LOOKUP = "https://dvc.example.vn/tra-cuu"
ITEMS = [{"name": "Bản sao Căn cước của chủ hộ", "quantity": 1, "copy": "certified"}]
PERSON = Applicant("Trần Thị Bích", address="Thôn 2, xã Hòa An", phone="0912345678",
                   email="bich@example.vn")


def _receive(services, procedure=HO_KINH_DOANH, applicant=PERSON) -> str:
    return services.receive_dossier(procedure, AGENCY, applicant, actor="motcua").case_code


def _html(services, code, kind, **options) -> str:
    return services.form_document(code, kind, actor="motcua", **options).html


def test_receipt_prints_what_the_desk_received(services):
    code = _receive(services)
    doc = services.form_document(code, "receipt", actor="motcua", base_url=LOOKUP)
    assert (doc.kind, doc.number, doc.title) == (
        "receipt", "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    assert doc.filename == f"mau-01-giay-tiep-nhan-{code}.pdf"
    html = doc.html
    lookup_code = services.case_view(code).lookup_code
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "ỦY BAN NHÂN DÂN XÃ HÒA AN", "Mẫu số 01",
                 "Hòa An, ngày 03 tháng 3 năm 2026", code, lookup_code, "Trần Thị Bích",
                 "Thôn 2, xã Hòa An", "0912345678", "bich@example.vn",
                 "Giấy đề nghị đăng ký hộ kinh doanh", "03 ngày làm việc",
                 "09 giờ 00 phút, ngày 03/03/2026", "09 giờ 00 phút, ngày 06/03/2026",
                 "Bộ phận Một cửa, Trung tâm Phục vụ hành chính công xã Hòa An",
                 "Quyển số: 2026, Số thứ tự: 1", "Nguyễn Thị Mai", "100.000 đồng"):
        assert text in html, text
    assert f"{LOOKUP}?ma={code}" in html and "<svg" in html  # the QR code, inline
    assert lookup_code not in f"{LOOKUP}?ma={code}"
    assert doc.body in html and "@page" in doc.css
    second = _receive(services)
    assert "Số thứ tự: 2" in _html(services, second, "receipt")
    assert "<svg" not in _html(services, second, "receipt")  # no lookup page, no QR code


def test_forms_that_do_not_apply_are_refused(services):
    code = _receive(services)
    assert [k for k, _, _ in services.available_forms(code)] == ["receipt", "control-sheet"]
    for kind, message in (("supplement", "no supplement request"),
                          ("refusal", "was not refused"), ("apology", "no apology letter"),
                          ("stop", "stopped")):
        with pytest.raises(InvalidRequest, match=message):
            services.form_document(code, kind, actor="motcua")
    with pytest.raises(InvalidRequest, match="unknown form 'log-book'"):
        services.form_document(code, "log-book", actor="motcua")
    with pytest.raises(InvalidRequest, match="unknown form set 'tt99'"):
        services.form_document(code, "receipt", actor="motcua", form_set="tt99")
    with pytest.raises(UnknownCase):
        services.form_document("XA-HOA-AN-000000-0000", "receipt", actor="motcua")
    with pytest.raises(NotAllowed, match="holds no role"):
        services.form_document(code, "receipt", actor="motcua_bm")
    assert services.form_document(code, "receipt", actor="admin").number == "01"


def test_a_dossier_through_supplement_apology_and_return(services, clock):
    code = _receive(services)
    clock.set(vn(2026, 3, 4, 9, 30))
    services.complete_task(ready(services, code, "Task_TiepNhan").id, "motcua",
                           {"nguoi_nop": "Trần Thị Bích", "ho_so_day_du": "không"})
    clock.set(vn(2026, 3, 4, 10, 0))
    services.request_supplement(ready(services, code, "Task_HuongDanBoSung").id, "motcua",
                                reason="Thiếu bản sao Căn cước", items=ITEMS,
                                contact="Nguyễn Thị Mai, Bộ phận Một cửa")
    doc = services.form_document(code, "supplement", actor="hotich")
    assert doc.number == "02"
    for text in ("Mẫu số 02", "Hòa An, ngày 04 tháng 3 năm 2026", f"{code}/BS-1",
                 "Bản sao Căn cước của chủ hộ", "Bản sao có chứng thực", "Thiếu bản sao Căn cước",
                 "Nguyễn Thị Mai, Bộ phận Một cửa", "Trần Thị Bích"):
        assert text in doc.html, text

    clock.set(vn(2026, 3, 9, 14, 0))
    services.receive_supplement(code, "motcua")
    clock.set(vn(2026, 3, 10, 8, 0))
    services.issue_apology(code, "motcua", new_appointment=vn(2026, 3, 20, 16, 0),
                           reason="Cần xác minh thêm địa điểm kinh doanh", signer="chutich")
    for form_set, number, wording in (("tt03-2025", "04", "gia hạn"),
                                      ("tt01-2018", "04", "hẹn lại ngày trả kết quả")):
        doc = services.form_document(code, "apology", actor="motcua", form_set=form_set)
        assert doc.number == number
        for text in (wording.upper() if form_set == "tt01-2018" else wording,
                     "Kính gửi", "Trần Thị Bích", "Cần xác minh thêm địa điểm kinh doanh",
                     "16 giờ 00 phút, ngày 20/03/2026", "11/03/2026",  # the appointment missed
                     "Nguyễn Văn An", "Hòa An, ngày 10 tháng 3 năm 2026"):
            assert text in doc.html or text in doc.html.upper(), (form_set, text)

    for bpmn_id, actor, data in [("Task_TiepNhan", "motcua", {
            "nguoi_nop": "Trần Thị Bích", "ho_so_day_du": "có"}), *HKD_HAPPY[1:]]:
        clock.advance(minutes=30)
        task = ready(services, code, bpmn_id)
        services.claim(task.id, actor)
        services.complete_task(task.id, actor, data)
    services.return_result(code, "motcua", receiver="Trần Thị Bích")
    assert [k for k, _, _ in services.available_forms(code)] == [
        "receipt", "supplement", "apology", "control-sheet"]
    assert [n for _, n, _ in services.available_forms(code, form_set="tt01-2018")] == [
        "01", "02", "04", "05"]

    sheet = services.form_document(code, "control-sheet", actor="truongphong")
    assert sheet.number == "06"
    html = sheet.html
    for text in ("Mẫu số 06", code, "Bộ phận Một cửa", "Chuyên viên Phòng Kinh tế",
                 "Người giao: Nguyễn Thị Mai", "Người nhận: Trần Văn Bình",
                 "Người nhận: Đỗ Minh Tuấn", "Người giao: Hoàng Thị Lan",
                 "Yêu cầu bổ sung, hoàn thiện hồ sơ", "Trả kết quả", "Trước hạn"):
        assert text in html, text
    assert html.count("Giao: ") >= 2 * 8  # 8 hand-overs (body and time lines)
    assert services.form_document(code, "control-sheet", actor="motcua",
                                  form_set="tt01-2018").number == "05"


def test_refusal_by_the_desk_and_in_the_diagram(services, clock):
    code = _receive(services)
    services.refuse(code, "motcua", "Hồ sơ không thuộc thẩm quyền\nĐịa điểm ngoài địa bàn xã",
                    contact="Bộ phận Một cửa, 0203 3888 999")
    doc = services.form_document(code, "refusal", actor="motcua")
    assert doc.number == "03" and "refusal" in [k for k, _, _ in services.available_forms(code)]
    for text in ("Mẫu số 03", f"{code}/TC", "không tiếp nhận, giải quyết hồ sơ",
                 "<li>Hồ sơ không thuộc thẩm quyền</li>", "<li>Địa điểm ngoài địa bàn xã</li>",
                 "Bộ phận Một cửa, 0203 3888 999", "Trần Thị Bích"):
        assert text in doc.html, text

    birth = _receive(services, KHAI_SINH, Applicant("Lê Văn Dũng"))
    services.complete_task(ready(services, birth, "Task_TiepNhan").id, "motcua",
                           {"nguoi_yeu_cau": "Lê Văn Dũng", "ket_qua_kiem_tra": "tu_choi"})
    services.complete_task(ready(services, birth, "Task_TuChoiTiepNhan").id, "motcua",
                           {"ly_do_tu_choi": "Người đi đăng ký không có giấy tờ tùy thân"})
    assert services.case_view(birth).status == "resolved"
    html = _html(services, birth, "refusal")
    assert "Người đi đăng ký không có giấy tờ tùy thân" in html and "Lê Văn Dũng" in html


def test_stop_notice_exists_in_the_new_set_only(services):
    code = _receive(services)
    services.withdraw(code, "motcua", "Người nộp đề nghị rút hồ sơ để bổ sung giấy tờ")
    doc = services.form_document(code, "stop", actor="motcua")
    assert (doc.number, doc.title) == ("05", "Thông báo dừng giải quyết hồ sơ")
    assert "Người nộp đề nghị rút hồ sơ để bổ sung giấy tờ" in doc.html
    assert "stop" not in [k for k, _, _ in services.available_forms(code, form_set="tt01-2018")]
    with pytest.raises(InvalidRequest, match="tt01-2018 .* has no stop form; choose the form "
                                             "set tt03-2025"):
        services.form_document(code, "stop", actor="motcua", form_set="tt01-2018")


def test_log_book_of_a_period(services, clock):
    first = _receive(services)
    for bpmn_id, actor, data in HKD_HAPPY[:3]:
        clock.advance(minutes=30)
        services.complete_task(ready(services, first, bpmn_id).id, actor, data)
    clock.set(vn(2026, 3, 5, 10, 0))
    second = _receive(services, applicant=Applicant("Phạm Văn Em", phone="0987654321"))
    services.withdraw(second, "motcua", "Rút hồ sơ")
    clock.set(vn(2026, 3, 6, 10, 0))
    book = services.log_book(AGENCY, date(2026, 3, 1), date(2026, 3, 31), actor="chutich")
    assert (book.kind, book.number, book.title) == ("log-book", "07", "Sổ theo dõi hồ sơ")
    assert book.filename == "mau-07-so-theo-doi-XA-HOA-AN-20260301-20260331.pdf"
    html = book.html
    for text in ("Mẫu số 07", "Từ ngày 01/03/2026 đến ngày 31/03/2026", first, second,
                 "Đăng ký thành lập hộ kinh doanh", "Trần Thị Bích",
                 "Thôn 2, xã Hòa An; 0912345678", "0987654321", "Chuyên viên Phòng Kinh tế",
                 "09:00 03/03/2026", "09:00 06/03/2026", "09:30 03/03/2026",
                 "Rút hồ sơ, dừng giải quyết", "Hòa An, ngày 06 tháng 3 năm 2026"):
        assert text in html, text
    assert html.index(first) < html.index(second)
    only_second = services.log_book(AGENCY, date(2026, 3, 5), date(2026, 3, 5), actor="motcua")
    assert first not in only_second.html and '<td class="num">2</td>' in only_second.html
    empty = services.log_book(AGENCY, date(2026, 4, 1), date(2026, 4, 30), actor="motcua",
                              form_set="tt01-2018")
    assert empty.number == "06" and "Không có hồ sơ nào" in empty.html
    with pytest.raises(InvalidRequest, match="before it starts"):
        services.log_book(AGENCY, date(2026, 3, 31), date(2026, 3, 1), actor="motcua")
    with pytest.raises(InvalidRequest, match="at most 366 days"):
        services.log_book(AGENCY, date(2025, 1, 1), date(2026, 3, 1), actor="motcua")
    with pytest.raises(NotAllowed):
        services.log_book(AGENCY, date(2026, 3, 1), date(2026, 3, 31), actor="motcua_bm")
    assert "Không có hồ sơ nào" in services.log_book(
        OTHER_AGENCY, date(2026, 3, 1), date(2026, 3, 31), actor="motcua_bm").html


def test_pdf_of_a_receipt(services):
    from io import BytesIO

    from pypdf import PdfReader

    code = _receive(services)
    pdf = services.form_pdf(code, "receipt", actor="motcua", base_url=LOOKUP)
    assert pdf.startswith(b"%PDF-")
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert code in text and "Trần Thị Bích" in text and "06/03/2026" in text
