"""Procedure pages: library, upload, modeler endpoints (diagram, save, validation, roles),
review, approval, publication, the diff and the document downloads."""

from __future__ import annotations

import io

from fixtures_lifecycle import GPXD_CODE, GPXD_XML, renamed, with_stray_task
from fixtures_services import AGENCY
from fixtures_web import PASSWORD


def _as(client, username):
    client.post("/dang-xuat")
    response = client.post("/dang-nhap", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302


def _new_draft(client):
    response = client.post(f"/quy-trinh/ma/{GPXD_CODE}/du-thao", data={"agency": AGENCY})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].split("/phien-ban/")[1].split("/")[0])


def test_library_lists_the_published_procedures(client, auth):
    auth.login("truongphong")
    page = client.get("/quy-trinh/").get_data(as_text=True)
    assert GPXD_CODE in page and "Tải lên sơ đồ BPMN" in page


def test_whole_lifecycle_through_the_pages(client, web_services):
    web_services.create_user("isosec", "Phan Thu Trang")
    web_services.add_membership("isosec", AGENCY, "thu-ky-iso")
    web_services.set_password("isosec", PASSWORD)
    _as(client, "truongphong")
    version_id = _new_draft(client)
    editor = client.get(f"/quy-trinh/phien-ban/{version_id}/soan-thao").get_data(as_text=True)
    assert 'id="modeler"' in editor and "data-lock=" in editor
    view = web_services.version_view(version_id, "truongphong")
    xml = client.get(f"/quy-trinh/phien-ban/{version_id}.bpmn").get_data(as_text=True)
    saved = client.post(f"/quy-trinh/phien-ban/{version_id}/luu",
                        json={"xml": renamed(xml).decode(), "lock": view.lock_version})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert saved.get_json()["lock"] > view.lock_version
    stale = client.post(f"/quy-trinh/phien-ban/{version_id}/luu",
                        json={"xml": xml, "lock": view.lock_version})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "Conflict"
    client.post(f"/quy-trinh/phien-ban/{version_id}/nop")
    assert web_services.version_view(version_id, None).status == "submitted"
    _as(client, "isosec")
    client.post(f"/quy-trinh/phien-ban/{version_id}/xem-xet",
                data={"comment": "Sửa tên bước thẩm định", "verdict": "ok"})
    _as(client, "chutich")
    client.post(f"/quy-trinh/phien-ban/{version_id}/phe-duyet")
    client.post(f"/quy-trinh/phien-ban/{version_id}/ban-hanh")
    assert web_services.version_view(version_id, None).status == "published"
    detail = web_services.procedure_detail(GPXD_CODE, None, agency=AGENCY)
    old = [v for v in detail.versions if v.id != version_id][0]
    diff = client.get(f"/quy-trinh/so-sanh?tu={old.id}&den={version_id}").get_data(as_text=True)
    assert "Thẩm định hồ sơ và kiểm tra thực địa" in diff and 'data-changed="' in diff
    docx = client.get(f"/quy-trinh/phien-ban/{version_id}/tai-lieu.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"


def test_validation_endpoint_reports_findings(client, auth):
    auth.login("truongphong")
    response = client.post("/quy-trinh/kiem-tra", json={"xml": with_stray_task(GPXD_XML).decode()})
    body = response.get_json()
    assert response.status_code == 200 and "elapsed_ms" in body
    assert any(f["bpmn_id"] == "Task_Lac" and f["severity"] == "error" for f in body["findings"])


def test_validation_needs_json_with_xml(client, auth):
    auth.login("truongphong")
    response = client.post("/quy-trinh/kiem-tra", json={"nothing": 1})
    assert response.status_code == 422 and "xml" in response.get_json()["error"]["message"]


def test_roles_for_the_lane_picker(client, auth):
    auth.login("truongphong")
    roles = client.get("/quy-trinh/vai-tro").get_json()["roles"]
    assert "mot-cua" in roles and "chuyen-vien" in roles


def test_upload_of_an_unreadable_file_says_why(client, auth):
    auth.login("truongphong")
    response = client.post("/quy-trinh/tai-len", data={
        "file": (io.BytesIO(b"<not-bpmn"), "hong.bpmn"), "agency": AGENCY},
        content_type="multipart/form-data", follow_redirects=True)
    assert "hong.bpmn" in response.get_data(as_text=True)


def test_submit_with_lint_errors_is_refused_on_the_page(client, web_services):
    _as(client, "truongphong")
    version_id = _new_draft(client)
    view = web_services.version_view(version_id, "truongphong")
    client.post(f"/quy-trinh/phien-ban/{version_id}/luu",
                json={"xml": with_stray_task(view.xml).decode(), "lock": view.lock_version})
    page = client.post(f"/quy-trinh/phien-ban/{version_id}/nop",
                       follow_redirects=True).get_data(as_text=True)
    assert "flash-error" in page and "Task_Lac" in page
    assert web_services.version_view(version_id, None).status == "draft"
