"""The REST API: a dossier's whole life through it, bearer tokens, every kind of refusal as
JSON with a stable code, and an OpenAPI document that matches the routes and the answers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fixtures_services import AGENCY, HO_KINH_DOANH
from fixtures_services import HKD_HAPPY as HAPPY
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec

ROOT = Path(__file__).resolve().parents[1]

INCOMPLETE = {"nguoi_nop": "Nguyễn Văn An", "ho_so_day_du": "không"}
APPLICANT = {"name": "Nguyễn Văn An", "id_number": "001090012345", "phone": "0912345678"}
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+07:00$")


class Api:
    """Calls to ``/api/v1`` as a user, with a token issued for them on first use."""

    def __init__(self, client, services):
        self.client, self.services, self.tokens = client, services, {}

    def token(self, user: str) -> str:
        if user not in self.tokens:
            self.tokens[user] = self.services.create_api_token(user, "test").token
        return self.tokens[user]

    def call(self, method: str, path: str, user: str | None = "motcua", body=None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if user is not None:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        if body is not None:
            kwargs["json"] = body
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path: str, user: str | None = "motcua", **kwargs):
        return self.call("GET", path, user, **kwargs)

    def post(self, path: str, body=None, user: str | None = "motcua", **kwargs):
        return self.call("POST", path, user, body, **kwargs)

    def receive(self, **extra) -> dict:
        response = self.post("/cases", {"procedure": HO_KINH_DOANH, "agency": AGENCY,
                                        "applicant": APPLICANT, **extra})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def task(self, code: str, bpmn_id: str) -> dict:
        case = self.get(f"/cases/{code}").get_json()
        [found] = [t for t in case["tasks"]
                   if t["bpmn_id"] == bpmn_id and t["state"] in ("ready", "claimed")]
        return found

    def version(self, code: str) -> int:
        return self.get(f"/cases/{code}").get_json()["state_version"]


@pytest.fixture
def api(client, web_services):
    return Api(client, web_services)


def refusal(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert (error["status"], error["code"]) == (status, code)
    assert error["message"]
    return error


def test_a_household_business_dossier_from_receipt_to_return(api, web_clock):
    receipt = api.receive(channel="online", request="Đăng ký thành lập hộ kinh doanh")
    code = receipt["case_code"]
    assert re.fullmatch(r"XA-HOA-AN-260303-\d{4}", code) and len(receipt["lookup_code"]) == 6
    assert receipt["appointment_at"] == "2026-03-06T09:00:00+07:00"  # 3 working days
    assert receipt["applicant"] == {**APPLICANT, "address": None, "email": None}
    assert [c["no"] for c in receipt["components"]] and receipt["components"][0]["name"]
    assert [t["bpmn_id"] for t in receipt["first_tasks"]] == ["Task_TiepNhan"]

    for bpmn_id, user, data in HAPPY:
        web_clock.advance(hours=2)
        inbox = api.get("/tasks?scope=unclaimed", user).get_json()["tasks"]
        [task] = [t for t in inbox if t["case_code"] == code and t["bpmn_id"] == bpmn_id]
        assert OFFSET.match(task["due_at"]) and isinstance(task["working_left"], int)
        form = api.get(f"/tasks/{task['id']}", user).get_json()
        assert {f["name"] for f in form["fields"]} >= set(data)
        claimed = api.post(f"/tasks/{task['id']}/claim", user=user)
        assert claimed.status_code == 200 and claimed.get_json()["claimed_by"] == user
        mine = api.get("/tasks?scope=mine", user).get_json()["tasks"]
        assert task["id"] in [t["id"] for t in mine]
        done = api.post(f"/tasks/{task['id']}/complete",
                        {"data": data, "expected_version": form["state_version"]}, user)
        assert done.status_code == 200, done.get_json()
    result = done.get_json()
    assert (result["case_status"], result["case_outcome"], result["ready"]) == \
        ("resolved", "early", [])

    returned = api.post(f"/cases/{code}/return-result", {"receiver": "Nguyễn Văn An"})
    assert returned.status_code == 200
    assert (returned.get_json()["status"], returned.get_json()["details"]["receiver"]) == \
        ("returned", "Nguyễn Văn An")
    case = api.get(f"/cases/{code}").get_json()
    assert (case["status"], case["channel"], case["outcome"]) == ("returned", "online", "early")
    assert [e["kind"] for e in case["events"]] == \
        ["case_received"] + ["task_claimed", "task_completed"] * 6 + ["case_resolved",
                                                                      "result_returned"]
    assert all(OFFSET.match(t["completed_at"]) for t in case["tasks"])


def test_receive_reads_local_times_and_says_where_the_dossier_is(api):
    response = api.post("/cases", {"procedure": HO_KINH_DOANH, "agency": AGENCY,
                                   "applicant": "Trần Thị Bích", "components": [1],
                                   "received_at": "03/03/2026 08:15"})
    receipt = response.get_json()
    assert response.headers["Location"] == f"/api/v1/cases/{receipt['case_code']}"
    assert (receipt["received_at"], receipt["entered_after_the_fact"]) == \
        ("2026-03-03T08:15:00+07:00", True)
    assert [c["no"] for c in receipt["components"]] == [1]
    iso = api.receive(received_at="2026-03-03T01:00:00+00:00")
    assert iso["received_at"] == "2026-03-03T08:00:00+07:00"


def test_supplement_requested_then_received(api):
    code = api.receive()["case_code"]
    check = api.task(code, "Task_TiepNhan")
    api.post(f"/tasks/{check['id']}/complete", {"data": INCOMPLETE})
    guide = api.task(code, "Task_HuongDanBoSung")
    items = ["Bản sao Căn cước của chủ hộ", {"name": "Hợp đồng thuê", "quantity": 2,
                                              "copy": "certified"}]
    asked = api.post(f"/tasks/{guide['id']}/supplement",
                     {"reason": "Thiếu giấy tờ", "items": items, "contact": "Nguyễn Thị Mai"})
    assert asked.status_code == 200 and asked.get_json()["case_status"] == "paused"
    paused = api.get(f"/cases/{code}").get_json()
    assert (paused["status"], paused["supplement_count"]) == ("paused", 1)
    refusal(api.post(f"/cases/{code}/refuse", {"reason": "x"}, "chuyenvien"), 403,
            "NotAllowed")
    back = api.post(f"/cases/{code}/supplement-received", {"note": "Đủ giấy tờ"})
    assert back.status_code == 200
    assert [t["bpmn_id"] for t in back.get_json()["ready"]] == ["Task_TiepNhan"]
    refusal(api.post(f"/cases/{code}/supplement-received", {}), 409, "CaseNotOpen")


def test_return_to_the_previous_step(api):
    code = api.receive()["case_code"]
    for bpmn_id, user, data in HAPPY[:2]:
        api.post(f"/tasks/{api.task(code, bpmn_id)['id']}/complete", {"data": data}, user)
    review = api.task(code, "Task_XemXet")
    back = api.post(f"/tasks/{review['id']}/return", {"reason": "Thiếu mã số thuế"},
                    "truongphong")
    assert [t["bpmn_id"] for t in back.get_json()["ready"]] == ["Task_ThamDinh"]
    exam = api.task(code, "Task_ThamDinh")
    error = refusal(api.post(f"/tasks/{exam['id']}/return", {"reason": "?"}, "chuyenvien"),
                    422, "InvalidRequest")
    assert "no return path" in error["message"]


def test_apology_refusal_and_withdrawal(api):
    late = api.receive()["case_code"]
    letter = api.post(f"/cases/{late}/apology", {
        "new_appointment": "10/03/2026 17:00", "reason": "Chờ ý kiến cơ quan thuế",
        "signer": "chutich"})
    assert letter.status_code == 200
    assert letter.get_json()["appointment_at"] == "2026-03-10T17:00:00+07:00"
    refusal(api.post(f"/cases/{late}/apology", {
        "new_appointment": "2026-03-11T17:00:00+07:00", "reason": "x", "signer": "vanthu"}),
        403, "NotAllowed")
    refused = api.post(f"/cases/{late}/refuse", {"reason": "Ngành nghề cấm kinh doanh"},
                       "chutich")
    assert refused.get_json()["status"] == "refused"
    refusal(api.post(f"/cases/{late}/withdraw", {"reason": "x"}), 409, "CaseNotOpen")
    gone = api.receive()["case_code"]
    withdrawn = api.post(f"/cases/{gone}/withdraw", {"reason": "Người nộp rút hồ sơ"})
    assert withdrawn.get_json()["status"] == "withdrawn"


def test_no_token_a_bad_one_or_a_revoked_one_is_401(api, web_services):
    bare = api.get("/tasks", user=None)
    refusal(bare, 401, "NotSignedIn")
    assert bare.headers["WWW-Authenticate"] == 'Bearer realm="isobpmn"'
    for header in ("Bearer isb_khong-co-that", "Basic bW90Y3VhOng=", "Bearer "):
        response = api.get("/tasks", user=None, headers={"Authorization": header})
        refusal(response, 401, "NotSignedIn")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert 'error="invalid_token"' in api.get(
        "/tasks", user=None, headers={"Authorization": "Bearer isb_x"}).headers[
        "WWW-Authenticate"]
    issued = web_services.create_api_token("motcua", "revoked")
    mine = {"Authorization": f"Bearer {issued.token}"}
    assert api.get("/tasks", user=None, headers=mine).status_code == 200
    web_services.revoke_api_token(issued.id)
    refusal(api.get("/tasks", user=None, headers=mine), 401, "NotSignedIn")
    refusal(api.post("/cases", {"procedure": HO_KINH_DOANH}, user=None), 401, "NotSignedIn")


def test_a_user_without_the_role_or_the_agency_is_403(api):
    refusal(api.post("/cases", {"procedure": HO_KINH_DOANH, "agency": AGENCY,
                                "applicant": "A"}, "chuyenvien"), 403, "NotAllowed")
    code = api.receive()["case_code"]
    check = api.task(code, "Task_TiepNhan")
    error = refusal(api.post(f"/tasks/{check['id']}/claim", user="chuyenvien"), 403,
                    "NotAllowed")
    assert "mot-cua" in error["message"]
    refusal(api.get(f"/cases/{code}", "motcua_bm"), 403, "NotAllowed")
    refusal(api.get(f"/tasks/{check['id']}", "motcua_bm"), 403, "NotAllowed")
    assert api.get(f"/cases/{code}", "admin").status_code == 200


def test_unknown_dossiers_tasks_procedures_and_paths_are_404(api):
    refusal(api.get("/cases/XA-HOA-AN-260303-9999"), 404, "UnknownCase")
    refusal(api.get("/tasks/999999"), 404, "UnknownTask")
    refusal(api.post("/tasks/999999/claim"), 404, "UnknownTask")
    refusal(api.post("/cases/XA-HOA-AN-260303-9999/refuse", {"reason": "x"}), 404,
            "UnknownCase")
    refusal(api.post("/cases", {"procedure": "QT-KHONG-CO", "agency": AGENCY,
                                "applicant": "A"}), 404, "UnknownProcedure")
    refusal(api.get("/khong-co"), 404, "NotFound")
    refusal(api.get("/tasks/1/claim"), 405, "MethodNotAllowed")


def test_a_task_held_by_another_or_a_stale_form_is_409(api):
    code = api.receive()["case_code"]
    version = api.version(code)
    check = api.task(code, "Task_TiepNhan")
    api.post(f"/tasks/{check['id']}/complete", {"data": HAPPY[0][2],
                                                 "expected_version": version})
    exam = api.task(code, "Task_ThamDinh")
    assert api.post(f"/tasks/{exam['id']}/claim", user="chuyenvien").status_code == 200
    error = refusal(api.post(f"/tasks/{exam['id']}/claim", user="chuyenvien2"), 409,
                    "Conflict")
    assert "Trần Văn Bình" in error["message"]
    stale = api.post(f"/tasks/{exam['id']}/complete",
                     {"data": HAPPY[1][2], "expected_version": version}, "chuyenvien")
    assert "changed since it was loaded" in refusal(stale, 409, "Conflict")["message"]
    refusal(api.post(f"/tasks/{check['id']}/complete", {"data": HAPPY[0][2]}), 409,
            "Conflict")


def test_wrong_field_values_are_422_with_one_message_each(api):
    code = api.receive()["case_code"]
    api.post(f"/tasks/{api.task(code, 'Task_TiepNhan')['id']}/complete", {"data": HAPPY[0][2]})
    exam = api.task(code, "Task_ThamDinh")
    error = refusal(api.post(f"/tasks/{exam['id']}/complete", {"data": {
        "ten_ho_kinh_doanh": " ", "nganh_nghe": "Bán lẻ", "von_kinh_doanh": "ba trăm",
        "ket_qua_tham_dinh": "tot"}}, "chuyenvien"), 422, "InvalidField")
    assert set(error["fields"]) == {"ten_ho_kinh_doanh (Tên hộ kinh doanh)",
                                    "von_kinh_doanh (Vốn kinh doanh (đồng))",
                                    "ket_qua_tham_dinh (Kết quả thẩm định)"}
    assert error["fields"]["ten_ho_kinh_doanh (Tên hộ kinh doanh)"] == "required"
    refusal(api.post("/cases", {"procedure": HO_KINH_DOANH, "agency": AGENCY,
                                "applicant": "A", "channel": "fax"}), 422, "InvalidRequest")
    refusal(api.post("/cases", {"procedure": HO_KINH_DOANH, "agency": AGENCY,
                                "applicant": "A", "received_at": "04/03/2026 09:00"}), 422,
            "InvalidRequest")
    refusal(api.get("/tasks?scope=everything"), 422, "InvalidRequest")
    refusal(api.get("/tasks?sla_state=red"), 422, "InvalidRequest")


@pytest.mark.parametrize(("body", "code", "field"), [
    (b"{not json", "MalformedJson", None),
    (b"[1, 2]", "MalformedJson", None),
    (b'"text"', "MalformedJson", None),
    (json.dumps({"procedure": 7, "agency": AGENCY, "applicant": "A"}).encode(), "InvalidBody",
     "procedure"),
    (json.dumps({"procedure": HO_KINH_DOANH, "agency": AGENCY}).encode(), "InvalidBody",
     "applicant"),
    (json.dumps({"procedure": HO_KINH_DOANH, "agency": AGENCY,
                 "applicant": {"name": 5}}).encode(), "InvalidBody", "applicant.name"),
    (json.dumps({"procedure": HO_KINH_DOANH, "agency": AGENCY,
                 "applicant": {"name": "A", "tuoi": 30}}).encode(), "InvalidBody",
     "applicant.tuoi"),
    (json.dumps({"procedure": HO_KINH_DOANH, "agency": AGENCY, "applicant": "A",
                 "components": [1, True]}).encode(), "InvalidBody", "components[1]"),
    (json.dumps({"procedure": HO_KINH_DOANH, "agency": AGENCY, "applicant": "A",
                 "received_at": "hôm qua"}).encode(), "InvalidBody", "received_at"),
    (json.dumps({"procedure": HO_KINH_DOANH, "agency": AGENCY, "applicant": "A",
                 "so_bo": 3}).encode(), "InvalidBody", "so_bo"),
])
def test_unreadable_bodies_are_400_naming_the_field(api, body, code, field):
    response = api.post("/cases", data=body, headers={"Content-Type": "application/json"})
    error = refusal(response, 400, code)
    assert error.get("field") == field


def test_wrong_types_on_task_moves_are_400(api):
    code = api.receive()["case_code"]
    check = api.task(code, "Task_TiepNhan")
    error = refusal(api.post(f"/tasks/{check['id']}/complete",
                             {"data": HAPPY[0][2], "expected_version": "3"}), 400, "InvalidBody")
    assert (error["field"], error["message"]) == \
        ("expected_version", "expected_version: expected integer, got string")
    refusal(api.post(f"/tasks/{check['id']}/complete", {"data": ["x"]}), 400, "InvalidBody")
    refusal(api.post(f"/tasks/{check['id']}/supplement",
                     {"reason": "x", "items": [{"name": "A", "quantity": "hai"}]}), 400,
            "InvalidBody")
    refusal(api.get("/tasks?limit=nhieu"), 400, "InvalidParameter")


def test_a_body_over_one_megabyte_is_413(api):
    response = api.post("/cases", {"procedure": HO_KINH_DOANH, "agency": AGENCY,
                                   "applicant": "A", "request": "x" * (1024 * 1024)})
    refusal(response, 413, "RequestEntityTooLarge")


def test_the_api_needs_no_csrf_token(csrf_app, web_services):
    api = Api(csrf_app.test_client(), web_services)
    assert api.post("/cases", {"procedure": HO_KINH_DOANH, "agency": AGENCY,
                               "applicant": "A"}).status_code == 201


def api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        routes |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_the_openapi_document_describes_exactly_the_routes(app, client):
    response = client.get("/api/v1/openapi.json")  # public: no token
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]
    base = document["servers"][0]["url"]
    assert base == "/api/v1"
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    described = {(base + path, method.upper()) for path, item in document["paths"].items()
                 for method in item}
    assert described == api_routes(app)
    ids = []
    for item in document["paths"].values():
        for op in item.values():
            assert op["operationId"] and op["responses"] and op["summary"]
            ids.append(op["operationId"])
            if op.get("security") != []:
                assert "401" in op["responses"]
    assert len(ids) == len(set(ids))
    validate_spec(document)


def _validator(document: dict, path: str, method: str, status: int) -> OAS31Validator:
    schema = document["paths"][path][method]["responses"][str(status)]["content"][
        "application/json"]["schema"]
    return OAS31Validator({**schema, "components": document["components"]})


def test_answers_match_their_documented_schemas(api, client):
    document = client.get("/api/v1/openapi.json").get_json()
    receipt = api.receive()
    _validator(document, "/cases", "post", 201).validate(receipt)
    code = receipt["case_code"]
    _validator(document, "/cases/{code}", "get", 200).validate(
        api.get(f"/cases/{code}").get_json())
    check = api.task(code, "Task_TiepNhan")
    _validator(document, "/tasks/{task_id}", "get", 200).validate(
        api.get(f"/tasks/{check['id']}").get_json())
    _validator(document, "/tasks", "get", 200).validate(api.get("/tasks").get_json())
    done = api.post(f"/tasks/{check['id']}/complete", {"data": HAPPY[0][2]})
    _validator(document, "/tasks/{task_id}/complete", "post", 200).validate(done.get_json())
    error = api.get("/cases/XA-HOA-AN-260303-9999").get_json()
    OAS31Validator({"$ref": "#/components/schemas/Error",
                    "components": document["components"]}).validate(error)


def test_every_endpoint_and_error_code_is_documented():
    from isobpmn.web.api.document import ERROR_CODES, openapi_path
    from isobpmn.web.api.operations import OPERATIONS

    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for op in OPERATIONS:
        row = f"| `{op.method} {openapi_path(op.rule)}` |"
        assert row in text, f"{op.method} {op.rule} is not in the table of docs/api.md"
    for codes in ERROR_CODES.values():
        for code in codes:
            assert f"`{code}`" in text, f"error code {code} is not explained in docs/api.md"
