"""The replay page of a dossier and its frames as JSON: who may see them, what they carry."""

from __future__ import annotations

import json
import re

import pytest
from fixtures_replay import household_case


@pytest.fixture
def code(web_services, web_clock):
    return household_case(web_services, web_clock)


def test_replay_needs_signing_in(client, code):
    for url in (f"/ho-so/{code}/phat-lai", f"/ho-so/{code}/phat-lai.json"):
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_the_case_page_links_to_the_replay(client, auth, code):
    auth.login("motcua")
    page = client.get(f"/ho-so/{code}").get_data(as_text=True)
    assert f'href="/ho-so/{code}/phat-lai" id="replay-link"' in page


def test_replay_page(client, auth, code):
    auth.login("chuyenvien")
    response = client.get(f"/ho-so/{code}/phat-lai")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in (f'data-frames-url="/ho-so/{code}/phat-lai.json"',
                 f'data-bpmn-url="/ho-so/{code}/so-do.bpmn"', 'data-frames="18"',
                 "editor/replay.js", "editor/replay.css", "đăng ký thành lập hộ kinh doanh",
                 'data-action="first"', 'data-action="previous"', 'data-action="play"',
                 'data-action="next"', 'data-action="last"', 'class="replay-slider"',
                 'max="17"', "Trả về bước trước", "Yêu cầu bổ sung", "Chờ nộp phí"):
        assert text in page, text
    assert len(re.findall(r'<li data-index="\d+" data-seq="\d+">', page)) == 18
    texts = json.loads(re.search(r'<script type="application/json" id="replay-texts">(.*?)'
                                 r'</script>', page, re.S).group(1))
    assert texts["labels"]["task_returned"] == "Trả về bước trước"
    assert texts["labels"]["claimed"] == "Đang xử lý" and texts["play"] == "Phát"


def test_replay_page_in_english(client, auth, code):
    client.get("/ngon-ngu/en")
    auth.login("chuyenvien")
    page = client.get(f"/ho-so/{code}/phat-lai").get_data(as_text=True)
    assert "Replay of dossier" in page and "Back to the dossier" in page
    texts = json.loads(re.search(r'id="replay-texts">(.*?)</script>', page, re.S).group(1))
    assert texts["labels"]["supplement_requested"] != "Yêu cầu bổ sung"
    assert texts["play"] == "Play" and texts["position"] == "Event %(n)s of %(total)s"
    frames = client.get(f"/ho-so/{code}/phat-lai.json").get_json()["frames"]
    assert frames[0]["steps"][0]["allotment"] == "0.5 working days"


def test_frames_as_json(client, auth, code):
    auth.login("motcua")
    response = client.get(f"/ho-so/{code}/phat-lai.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["case"] == code and body["bpmn_url"] == f"/ho-so/{code}/so-do.bpmn"
    frames = body["frames"]
    assert [f["seq"] for f in frames] == list(range(1, 19))
    first = frames[0]
    assert (first["kind"], first["at_text"], first["actor"], first["status"],
            first["appointment"]) == ("case_received", "09:00 03/03/2026", "Nguyễn Thị Mai",
                                      "open", "09:00 06/03/2026")
    assert (first["done"], first["current"]) == ([], ["Task_TiepNhan"])
    assert [(f["kind"], f["url"]) for f in first["forms"]] == [
        ("receipt", f"/ho-so/{code}/bieu-mau/receipt"),
        ("control-sheet", f"/ho-so/{code}/bieu-mau/control-sheet")]

    asked = next(f for f in frames if f["kind"] == "supplement_requested")
    assert asked["status"] == "paused" and asked["bpmn_id"] == "Task_HuongDanBoSung"
    assert asked["pauses"] == [{"reason": "supplement", "started_at": "10:00 03/03/2026",
                                "requested_by": "Nguyễn Thị Mai",
                                "note": "Thiếu bản sao Căn cước"}]
    assert asked["forms"][-1]["url"] == f"/ho-so/{code}/bieu-mau/supplement?so=1"

    returned = next(f for f in frames if f["kind"] == "task_returned")
    assert returned["current"] == ["Task_ThamDinh"] and "Task_XemXet" in returned["done"]
    review = next(s for s in returned["steps"] if s["bpmn_id"] == "Task_XemXet")
    assert (review["state"], review["used"], review["allotment"], review["holder"]) == \
        ("completed", "2 giờ làm việc", "0,5 ngày làm việc", "Đỗ Minh Tuấn")  # Wed 16:00 →
    assert (review["used_seconds"], review["allotted_seconds"]) == (7200, 4 * 3600)  # Thu 08:00

    last = frames[-1]
    assert (last["kind"], last["status"], last["current"]) == ("result_returned", "returned", [])
    assert last["done"][-1] == "End_TraKetQua"


def test_another_agency_may_not_replay(client, auth, code):
    auth.login("motcua_bm")
    for url in (f"/ho-so/{code}/phat-lai", f"/ho-so/{code}/phat-lai.json"):
        assert client.get(url).status_code == 403
    body = client.get(f"/ho-so/{code}/phat-lai.json",
                      headers={"Accept": "application/json"}).get_json()
    assert body["error"]["code"] == "NotAllowed"


def test_unknown_dossier(client, auth):
    auth.login("admin")
    assert client.get("/ho-so/XA-HOA-AN-000000-0000/phat-lai").status_code == 404
    assert client.get("/ho-so/XA-HOA-AN-000000-0000/phat-lai.json").status_code == 404
