"""The forms package on its own: each form from its dataclass, the numbering of both form
sets, escaping, the dates of Nghị định 30/2020, and the PDF's text (docs/forms.md)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest

from isobpmn import forms
from isobpmn.forms import (
    AgencyHeader,
    ApologyData,
    Applicant,
    ComponentRow,
    ControlSheetData,
    ControlSheetRow,
    FormError,
    FormNotInSet,
    LogBookData,
    LogBookRow,
    ReceiptData,
    RefusalData,
    StopNoticeData,
    SupplementData,
    SupplementItem,
    UnknownFormSet,
    place_of,
    render_html,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "XA-HOA-AN-260303-0001"
AGENCY = AgencyHeader("Ủy ban nhân dân xã Hòa An", "Ủy ban nhân dân tỉnh Quảng Ninh", "Hòa An",
                      "Thôn 1, xã Hòa An")
PERSON = Applicant("Trần Thị Bích", "Thôn 2, xã Hòa An", "0912345678", "bich@example.vn")
COMMON = {"agency": AGENCY, "case_code": CODE, "applicant": PERSON,
          "request": "Đăng ký thành lập hộ kinh doanh"}


def at(day: int, hour: int = 9, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


SAMPLES = {
    "receipt": ReceiptData(
        AGENCY, CODE, "K7M2QX", PERSON, "Đăng ký thành lập hộ kinh doanh",
        (ComponentRow(1, "Giấy đề nghị đăng ký hộ kinh doanh", "Bản chính", 1),
         ComponentRow(2, "Bản sao biên bản họp thành viên hộ gia đình", "Bản sao có chứng thực",
                      1)),
        1, "03 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.", at(3), at(6),
        "Bộ phận Một cửa xã Hòa An", "Nguyễn Thị Mai",
        lookup_url=f"https://dvc.example.vn/tra-cuu?ma={CODE}", log_volume="2026",
        log_number=17, fee="100.000 đồng"),
    "supplement": SupplementData(
        **COMMON, number=f"{CODE}/BS-1", received_at=at(3), issued_at=at(4, 10),
        items=(SupplementItem("Bản sao Căn cước của chủ hộ", 1, "Bản sao có chứng thực"),),
        reason="Thiếu giấy tờ pháp lý của chủ hộ", contact="Nguyễn Thị Mai",
        contact_phone="0203 3888 999", signer="Nguyễn Thị Mai"),
    "refusal": RefusalData(
        **COMMON, number=f"{CODE}/TC", received_at=at(3), issued_at=at(3, 10),
        reasons=("Địa điểm kinh doanh ngoài địa bàn xã", "Ngành nghề cấm kinh doanh"),
        contact="Bộ phận Một cửa", signer="Nguyễn Thị Mai"),
    "apology": ApologyData(
        **COMMON, number=f"{CODE}/XL-1", received_at=at(3), receipt_number=CODE,
        original_appointment=at(6), reason="Cần xác minh địa điểm kinh doanh",
        new_appointment=at(12, 16), signer_name="Nguyễn Văn An", issued_at=at(5, 15)),
    "stop": StopNoticeData(
        **COMMON, number=f"{CODE}/DG", received_at=at(3), issued_at=at(4, 8),
        reason="Người nộp đề nghị rút hồ sơ", signer="Nguyễn Văn An"),
    "control-sheet": ControlSheetData(
        AGENCY, CODE, at(3), at(6), "Ủy ban nhân dân xã Hòa An",
        (ControlSheetRow("1. Tiếp nhận, kiểm tra hồ sơ", "Bộ phận Một cửa", "Nguyễn Thị Mai",
                         "Phòng Kinh tế", "Trần Văn Bình", at(3, 9, 20), at(3, 9, 40), "early"),
         ControlSheetRow("2. Thẩm định hồ sơ", "Phòng Kinh tế", "Trần Văn Bình",
                         "Lãnh đạo Phòng Kinh tế", "", at(9, 15), None, "late",
                         "Trả lại bước trước")),
        at(10, 8)),
    "log-book": LogBookData(
        AGENCY, date(2026, 3, 1), date(2026, 3, 31),
        (LogBookRow(17, CODE, "Đăng ký thành lập hộ kinh doanh", 1, "Trần Thị Bích",
                    "Thôn 2, xã Hòa An", "0912345678", "Phòng Kinh tế", at(3), at(6),
                    at(3, 9, 20), at(5, 16), at(6, 8), "Trước hạn"),),
        at(31, 17), volume="2026"),
}

#: What each form must print (beyond the national header and its number).
REQUIRED = {
    "receipt": [CODE, "K7M2QX", "Trần Thị Bích", "Thôn 2, xã Hòa An", "0912345678",
                "bich@example.vn", "Đăng ký thành lập hộ kinh doanh",
                "Giấy đề nghị đăng ký hộ kinh doanh", "Bản sao có chứng thực",
                "03 ngày làm việc", "09 giờ 00 phút, ngày 03/03/2026",
                "09 giờ 00 phút, ngày 06/03/2026", "Bộ phận Một cửa xã Hòa An",
                "Quyển số: 2026", "Số thứ tự: 17", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ",
                "Nguyễn Thị Mai", "100.000 đồng", "Hòa An, ngày 03 tháng 3 năm 2026"],
    "supplement": [f"{CODE}/BS-1", "Trần Thị Bích", "Bản sao Căn cước của chủ hộ",
                   "Thiếu giấy tờ pháp lý của chủ hộ", "Nguyễn Thị Mai", "0203 3888 999",
                   "Hòa An, ngày 04 tháng 3 năm 2026"],
    "refusal": [f"{CODE}/TC", "Trần Thị Bích", "Địa điểm kinh doanh ngoài địa bàn xã",
                "Ngành nghề cấm kinh doanh", "không tiếp nhận, giải quyết hồ sơ"],
    "apology": ["Kính gửi", "Trần Thị Bích", "03/03/2026", CODE, "09 giờ 00 phút, ngày 06/03/2026",
                "Cần xác minh địa điểm kinh doanh", "16 giờ 00 phút, ngày 12/03/2026",
                "Nguyễn Văn An", "THỦ TRƯỞNG CƠ QUAN", "xin lỗi"],
    "stop": [CODE, "Trần Thị Bích", "Người nộp đề nghị rút hồ sơ", "dừng giải quyết hồ sơ",
             "Nguyễn Văn An"],
    "control-sheet": [CODE, "09 giờ 00 phút, ngày 03/03/2026", "Bộ phận Một cửa",
                      "Phòng Kinh tế", "Nguyễn Thị Mai", "Trần Văn Bình", "09:20 03/03/2026",
                      "09:40 03/03/2026", "Trước hạn", "Quá hạn", "Trả lại bước trước"],
    "log-book": [CODE, "Đăng ký thành lập hộ kinh doanh", "Trần Thị Bích", "0912345678",
                 "Phòng Kinh tế", "09:00 03/03/2026", "09:00 06/03/2026", "16:00 05/03/2026",
                 "08:00 06/03/2026", "Từ ngày 01/03/2026 đến ngày 31/03/2026"],
}

TT03 = {"receipt": "01", "supplement": "02", "refusal": "03", "apology": "04", "stop": "05",
        "control-sheet": "06", "log-book": "07"}
TT01 = {"receipt": "01", "supplement": "02", "refusal": "03", "apology": "04",
        "control-sheet": "05", "log-book": "06"}


@pytest.mark.parametrize("kind", forms.KINDS)
def test_each_form_prints_its_fields(kind):
    html = render_html(kind, SAMPLES[kind])
    assert html.startswith("<!doctype html>") and "<style>" in html and "@page" in html
    for text in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "ỦY BAN NHÂN DÂN XÃ HÒA AN", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH",
                 f"Mẫu số {TT03[kind]}", forms.form_set().form(kind).title, *REQUIRED[kind]]:
        assert text in html or text.upper() in html, text
    assert "<link" not in html and "src=" not in html  # nothing to fetch


def test_receipt_carries_its_lookup_url_as_a_qr_code():
    html = render_html("receipt", SAMPLES["receipt"])
    assert '<svg viewBox=' in html and 'class="qr-code"' in html
    assert f"https://dvc.example.vn/tra-cuu?ma={CODE}" in html
    plain = render_html("receipt", _replace(SAMPLES["receipt"], lookup_url=None))
    assert "<svg" not in plain and "K7M2QX" in plain


def test_missing_values_print_as_lines_to_fill_in():
    data = _replace(SAMPLES["receipt"], applicant=Applicant("Lê Văn Dũng"), appointment_at=None,
                    fee=None)
    html = render_html("receipt", data)
    assert "Số điện thoại: …" in html and "Thời gian trả kết quả giải quyết hồ sơ: …" in html
    assert "Phí, lệ phí" not in html


def test_input_is_escaped():
    evil = '<script>alert("x")</script>'
    data = _replace(SAMPLES["refusal"], applicant=Applicant(evil), reasons=(evil,),
                    agency=AgencyHeader(f"Xã {evil}", place=evil))
    for kind, sample in (("refusal", data),
                         ("receipt", _replace(SAMPLES["receipt"], request=evil,
                                              lookup_url=f"https://x.vn/?ma={evil}"))):
        html = render_html(kind, sample)
        assert "<script>" not in html and "&lt;script&gt;" in html


def test_tt01_2018_numbers_the_forms_and_has_no_stop_notice():
    for kind, number in TT01.items():
        html = render_html(kind, SAMPLES[kind], form_set="tt01-2018")
        assert f"Mẫu số {number}" in html, kind
    assert "hẹn lại ngày trả kết quả".upper() in render_html(
        "apology", SAMPLES["apology"], form_set="tt01-2018").upper()
    assert "gia hạn" in render_html("apology", SAMPLES["apology"])
    assert forms.form_set("tt01-2018").kinds == tuple(TT01)
    assert forms.form_set().kinds == forms.KINDS == tuple(TT03)
    with pytest.raises(FormNotInSet, match="tt01-2018 .* has no stop form; choose the form set "
                                           "tt03-2025"):
        render_html("stop", SAMPLES["stop"], form_set="tt01-2018")


def test_wrong_requests_are_clear_errors():
    with pytest.raises(UnknownFormSet, match="unknown form set 'tt02'; use one of tt03-2025, "
                                             "tt01-2018"):
        render_html("receipt", SAMPLES["receipt"], form_set="tt02")
    with pytest.raises(FormNotInSet, match="unknown form 'letter'"):
        render_html("letter", SAMPLES["receipt"])
    with pytest.raises(FormError, match="the receipt form takes ReceiptData, not RefusalData"):
        render_html("receipt", SAMPLES["refusal"])
    with pytest.raises(FormError, match="unknown language"):
        render_html("receipt", SAMPLES["receipt"], lang="fr")
    assert "Mẫu số 01" in render_html("receipt", SAMPLES["receipt"], lang="en")


@pytest.mark.parametrize(("moment", "text"), [
    (date(2026, 3, 3), "Hòa An, ngày 03 tháng 3 năm 2026"),
    (date(2026, 2, 13), "Hòa An, ngày 13 tháng 02 năm 2026"),
    (date(2026, 1, 5), "Hòa An, ngày 05 tháng 01 năm 2026"),
    (date(2026, 12, 31), "Hòa An, ngày 31 tháng 12 năm 2026"),
])
def test_dates_follow_decree_30_2020(moment, text):
    from isobpmn.forms.render import place_date

    assert place_date("Hòa An", moment) == text


@pytest.mark.parametrize(("name", "place"), [
    ("Ủy ban nhân dân xã Hòa An", "Hòa An"),
    ("Ủy ban nhân dân tỉnh Quảng Ninh", "Quảng Ninh"),
    ("Sở Xây dựng tỉnh Quảng Ninh", "Quảng Ninh"),
    ("Ủy ban nhân dân phường Hồng Gai", "Hồng Gai"),
    ("Ủy ban nhân dân thành phố Hà Nội", "Hà Nội"),
    ("Ủy ban nhân dân đặc khu Vân Đồn", "Vân Đồn"),
    ("Văn phòng Chính phủ", "Văn phòng Chính phủ"),
])
def test_place_of_an_agency(name, place):
    assert place_of(name) == place


def test_forms_stay_out_of_the_web_and_the_database():
    import subprocess
    import sys

    code = ("import sys, isobpmn.forms as f\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'sqlalchemy', 'SpiffWorkflow', 'weasyprint')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"  # WeasyPrint loads only when a PDF is asked for


@pytest.mark.slow
@pytest.mark.parametrize("kind", forms.KINDS)
def test_pdf_text_has_the_forms_fields(kind):
    from pypdf import PdfReader

    pdf = forms.render_pdf(render_html(kind, SAMPLES[kind]))
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(pdf))
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))
    flat = " ".join(text.split())
    for needle in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f"Mẫu số {TT03[kind]}",
                   *REQUIRED[kind][:6]]:
        assert " ".join(needle.split()) in flat, (kind, needle)


def test_pdf_fetches_nothing_from_outside(caplog):
    from pypdf import PdfReader

    pixel = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
    outside = ("http://127.0.0.1:9/x.png", "file:///etc/passwd")
    images = "".join(f'<img src="{url}">' for url in (*outside, pixel))
    html = render_html("stop", SAMPLES["stop"]).replace("</article>", images + "</article>")
    assert PdfReader(BytesIO(forms.render_pdf(html))).pages
    failed = {url for url in (*outside, pixel) for r in caplog.records
              if "Failed to load" in r.getMessage() and f"'{url}'" in r.getMessage()}
    assert failed == set(outside), caplog.text


def _replace(data, **changes):
    from dataclasses import replace

    return replace(data, **changes)
