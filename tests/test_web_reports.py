"""The leaders' report pages: the dashboard with its tiles, charts and heatmap, the downloads
of Biểu II.06a, and who may see which agency."""

from __future__ import annotations

import csv
import io

import pytest
from fixtures_services import AGENCY, HKD_HAPPY, HO_KINH_DOANH, OTHER_AGENCY, ready, vn

MARCH = {"agency": AGENCY, "tu": "01/03/2026", "den": "31/03/2026"}


@pytest.fixture
def dossiers(web_services, web_clock):
    """Two household businesses received on Tuesday 03/03: one resolved at once (early), one
    waiting at the examination."""
    s = web_services
    codes = [s.receive_dossier(HO_KINH_DOANH, AGENCY, name, actor="motcua").case_code
             for name in ("Nguyễn Văn An", "Trần Thị Bích")]
    web_clock.set(vn(2026, 3, 3, 10, 0))
    for bpmn_id, actor, data in HKD_HAPPY:
        s.complete_task(ready(s, codes[0], bpmn_id).id, actor, data)
    s.complete_task(ready(s, codes[1], "Task_TiepNhan").id, "motcua", HKD_HAPPY[0][2])
    return codes


def test_a_leader_sees_the_dashboard(client, auth, dossiers):
    auth.login("chutich")
    page = client.get("/bao-cao/").get_data(as_text=True)
    assert 'href="/bao-cao/"' in page  # the menu link
    assert "Báo cáo giải quyết thủ tục hành chính" in page
    assert 'value="01/03/2026"' in page and 'value="31/03/2026"' in page  # this month
    assert '<svg class="chart"' in page and "<script src=" in page
    assert 'id="ii06a"' in page and 'id="steps"' in page and 'id="officials"' in page
    assert "100 %" in page  # resolved early or on time
    assert 'data-heat-1="' in page and "Task_TiepNhan" in page
    assert f'href="/bao-cao/bieu-ii06a.xlsx?agency={AGENCY}' in page


def test_heatmap_diagram_and_procedure_choice(client, auth, dossiers):
    auth.login("chutich")
    page = client.get("/bao-cao/", query_string={**MARCH, "thu_tuc": HO_KINH_DOANH})
    assert page.status_code == 200
    diagram = client.get(f"/bao-cao/so-do/{HO_KINH_DOANH}.bpmn", query_string=MARCH)
    assert diagram.status_code == 200 and diagram.mimetype == "application/xml"
    assert b"Task_ThamDinh" in diagram.data
    assert client.get("/bao-cao/so-do/QT-KHONG-CO.bpmn", query_string=MARCH).status_code == 404


def test_downloads_of_the_form(client, auth, dossiers):
    from openpyxl import load_workbook

    auth.login("chutich")
    xlsx = client.get("/bao-cao/bieu-ii06a.xlsx", query_string=MARCH)
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    assert "bieu-II06a-XA-HOA-AN-20260301-20260331.xlsx" in xlsx.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet["A1"].value == "Biểu số II.06a/VPCP/KSTT" and sheet["C10"].value == 2
    table = client.get("/bao-cao/bieu-ii06a.csv", query_string=MARCH)
    assert table.mimetype == "text/csv" and "attachment" in table.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(table.data.decode("utf-8-sig"))))
    assert [(r["agency_code"], r["received_total"], r["resolved_early"]) for r in rows] == [
        (AGENCY, "2", "1"), ("", "2", "1")]
    assert client.get("/bao-cao/bieu-ii06a.pdf", query_string=MARCH).status_code == 404


@pytest.mark.parametrize("user,agency", [("chutich", "TINH-QN"), ("motcua_bm", AGENCY)])
def test_an_agency_outside_ones_own_is_forbidden(client, auth, user, agency):
    auth.login(user)
    query = {**MARCH, "agency": agency}
    assert client.get("/bao-cao/", query_string=query).status_code == 403
    assert client.get("/bao-cao/bieu-ii06a.xlsx", query_string=query).status_code == 403


def test_the_province_sees_its_communes(client, auth, dossiers):
    auth.login("admin")
    page = client.get("/bao-cao/", query_string={**MARCH, "agency": "TINH-QN"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "và 2 cơ quan trực thuộc" in text
    assert f'<option value="{OTHER_AGENCY}">' in text
    assert text.count("Ủy ban nhân dân xã Bình Minh") >= 2  # the picker and the form's line


def test_bad_dates_and_the_menu(client, auth, dossiers):
    auth.login("chutich")
    bad = client.get("/bao-cao/", query_string={**MARCH, "tu": "31/02/2026"})
    assert bad.status_code == 422 and "dd/mm/yyyy" in bad.get_data(as_text=True)
    swapped = client.get("/bao-cao/", query_string={**MARCH, "tu": "31/03/2026",
                                                    "den": "01/03/2026"})
    assert swapped.status_code == 422
    auth.logout()
    auth.login("motcua")
    assert 'href="/bao-cao/"' not in client.get("/cong-viec/").get_data(as_text=True)


def test_in_english(client, auth, dossiers):
    client.get("/ngon-ngu/en")
    auth.login("chutich")
    page = client.get("/bao-cao/", query_string=MARCH).get_data(as_text=True)
    assert "Resolved early or on time" in page and "Download form II.06a (XLSX)" in page
    assert "3 working days" in page
