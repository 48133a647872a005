"""The procedure modeler bundle in a real browser, against its server contract.

A small Flask app defined here serves one page with ``<div id="modeler" …>`` and the four
calls the bundle makes (editor/README.md, "The modeler's contract"): the diagram, save with a
lock (409 when it is stale), validation by the real validator (``isobpmn.lint.lint_bytes``)
and the roles. Debian's chromium (``/usr/bin/chromium``) drives it headless through Playwright,
as in ``test_browser.py``. Screenshots go to ``$ISOBPMN_ARTIFACTS`` (default: the test's
temporary directory).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fixtures_browser import (
    MODELER,
    ROOT,
    STATIC,
    ModelerDriver,
    Tab,
    needs_bundle,
    needs_chromium,
    serve,
)

LIBRARY = sorted((ROOT / "bpmn").glob("*.bpmn")) + sorted((ROOT / "examples").glob("*.bpmn"))
BIRTH = ROOT / "bpmn" / "dang-ky-khai-sinh.bpmn"
TOKEN = "csrf-token-of-the-test-page"
ROLES = ["mot-cua", "chuyen-vien", "lanh-dao-phong", "lanh-dao", "van-thu"]
CONFLICT = "Phiên bản này vừa được người khác lưu (lần lưu 2). Tải lại để xem bản mới."

pytestmark = [needs_chromium, needs_bundle(MODELER)]

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="csrf-token" content="{token}">
<title>Soạn thảo quy trình</title>
<link rel="stylesheet" href="/static/editor/modeler.css">
<script src="/static/editor/modeler.js" defer></script>
</head>
<body>
<h1>Soạn thảo quy trình</h1>
<div id="modeler" data-xml-url="/diagram/{name}" data-save-url="/save/{name}"
     data-validate-url="/validate" data-roles-url="/roles" data-lock="{lock}"
     data-lang="{lang}" data-readonly="{readonly}"></div>
</body>
</html>
"""


@dataclass
class Backend:
    """What the server holds: each diagram's saved XML and lock, and every save it accepted."""

    diagrams: dict[str, bytes] = field(default_factory=lambda: {p.name: p.read_bytes()
                                                                for p in LIBRARY})
    locks: dict[str, int] = field(default_factory=dict)
    saves: list[dict] = field(default_factory=list)

    def lock(self, name: str) -> int:
        return self.locks.setdefault(name, 1)

    def app(self):
        from flask import Flask, Response, abort, jsonify, request

        from isobpmn.lint import lint_bytes

        app = Flask(__name__, static_folder=str(STATIC), static_url_path="/static")

        def error(status: int, code: str, message: str):
            return jsonify({"error": {"code": code, "status": status, "message": message}}), status

        def body() -> dict:
            if request.headers.get("X-CSRFToken") != TOKEN:
                abort(error(400, "CSRF", "Thiếu mã CSRF."))
            data = request.get_json(silent=True)
            if not isinstance(data, dict) or not isinstance(data.get("xml"), str):
                abort(error(400, "InvalidRequest", "Thân yêu cầu phải là JSON có trường xml."))
            return data

        @app.get("/edit/<name>")
        def edit(name: str):
            if name not in self.diagrams:
                abort(404)
            return PAGE.format(token=TOKEN, name=name, lock=self.lock(name),
                               lang=request.args.get("lang", "vi"),
                               readonly=request.args.get("readonly", "false"))

        @app.get("/diagram/<name>")
        def diagram(name: str):
            if name not in self.diagrams:
                abort(404)
            return Response(self.diagrams[name], mimetype="application/xml")

        @app.post("/save/<name>")
        def save(name: str):
            data = body()
            if data.get("lock") != self.lock(name):
                return error(409, "Conflict", CONFLICT)
            if "<bpmn:process" not in data["xml"]:
                return error(422, "InvalidDiagram", "Sơ đồ không có quy trình nào.")
            self.diagrams[name] = data["xml"].encode("utf-8")
            self.locks[name] = self.lock(name) + 1
            self.saves.append({"name": name, "lock": self.locks[name], "xml": data["xml"]})
            return jsonify({"lock": self.locks[name],
                            "saved_at": datetime.now(timezone.utc).isoformat()})

        @app.post("/validate")
        def validate():
            findings = lint_bytes(body()["xml"].encode("utf-8"), "diagram.bpmn")
            return jsonify({"findings": [
                {"rule": f.rule, "severity": f.severity.word, "message": f.message,
                 "bpmn_id": f.bpmn_id, "element_name": f.element_name, "line": f.line,
                 "suppressed": f.suppressed} for f in findings], "elapsed_ms": 1})

        @app.get("/roles")
        def roles():
            return jsonify({"roles": ROLES})

        return app


@pytest.fixture
def backend() -> Backend:
    return Backend()


@pytest.fixture
def server(backend):
    with serve(backend.app()) as base:
        yield base


class Editor(ModelerDriver, Tab):
    """One browser tab on the modeler page (``fixtures_browser.ModelerDriver``'s helpers)."""

    viewport = {"width": 1400, "height": 1000}

    def open(self, name: str = BIRTH.name, **query: str) -> Editor:
        suffix = "&".join(f"{k}={v}" for k, v in query.items())
        self.go(f"/edit/{name}" + (f"?{suffix}" if suffix else ""))
        self.ready()
        return self


@pytest.fixture
def editor(browser, server, artifacts, tabs):
    count = iter(range(100))
    return lambda: tabs(Editor(browser, server, artifacts, f"editor-{next(count)}"))


def test_the_modeler_opens_a_library_diagram_with_its_iso_data(editor):
    from playwright.sync_api import expect

    one = editor().open()
    page = one.page
    expect(page.locator("#modeler .iso-modeler-canvas svg").first).to_be_visible()
    expect(page.locator("#modeler .djs-palette")).to_be_visible()
    expect(page.locator("#modeler").get_by_role("button", name="Lưu")).to_be_visible()
    expect(page.locator("#modeler")).to_have_attribute("data-dirty", "false")
    expect(page.locator(".iso-problems")).to_have_attribute("data-state", "ok")
    expect(page.locator(".iso-problems-summary")).to_have_text("Không có lỗi hay cảnh báo.")
    # nothing selected: the panel shows the procedure (the diagram's only process)
    one.group("iso-document")
    expect(page.locator("#bio-properties-panel-iso-document-code")).to_have_value("QT-HT-01")
    expect(page.locator("#bio-properties-panel-iso-document-revision")).to_be_disabled()
    one.shot("modeler-opened")
    one.check()


def _iso(xml: str, bpmn_id: str, path: str) -> list[dict[str, str]]:
    """The attributes of the iso elements at ``path`` (e.g. "iso:step/iso:allotment") under
    the extension elements of the BPMN element ``bpmn_id``."""
    from lxml import etree

    tree = etree.fromstring(xml.encode("utf-8"))
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "iso": "urn:isobpmn:iso:1"}
    return [dict(e.attrib) for e in tree.xpath(
        f"//*[@id='{bpmn_id}']/bpmn:extensionElements/{path}", namespaces=ns)]


def test_a_task_placed_in_a_lane_gets_its_allotment_in_the_panel_and_the_lint_follows(editor):
    from playwright.sync_api import expect

    one = editor().open()
    page = one.page
    # the palette's task, dropped into the specialist's lane, named in place
    lane = page.locator(".djs-element[data-element-id='Lane_HoTich']").bounding_box()
    x, y = lane["x"] + lane["width"] * 0.6, lane["y"] + lane["height"] / 2
    page.click(".djs-palette [data-action='create.task']")
    page.mouse.move(x - 40, y - 20)
    page.mouse.move(x, y, steps=5)
    page.mouse.click(x, y)
    page.keyboard.type("Xác minh thông tin khai sinh")
    page.mouse.click(lane["x"] + lane["width"] * 0.3, lane["y"] + 10)
    task = one.js("return m.get('elementRegistry').filter(e => e.type === 'bpmn:Task')"
                  ".map(e => e.id)")
    assert len(task) == 1
    task = task[0]
    assert one.js("return m.get('elementRegistry').get('Lane_HoTich').businessObject"
                  ".flowNodeRef.some(n => n.id === arg)", task)
    expect(page.locator("#modeler")).to_have_attribute("data-dirty", "true")
    expect(page.locator(".iso-modeler-status")).to_have_text("Có thay đổi chưa lưu")

    # the validator wants an allotment: a problem in the list, a badge on the task
    problem = page.locator(
        f".iso-problem[data-rule='step-allotment-required'][data-bpmn-id='{task}']")
    expect(problem).to_have_count(1)
    expect(problem).to_have_attribute("data-severity", "warning")
    badge = page.locator(f".iso-lint-badge[data-bpmn-id='{task}']")
    expect(badge).to_be_visible()
    assert "Cảnh báo" in badge.get_attribute("title")
    assert page.locator(f".djs-shape.iso-lint-error[data-element-id='{task}']").count() == 1
    one.shot("modeler-new-task-linted")

    # clicking the problem selects the task; its allotment is set in the panel
    problem.locator("button.iso-problem-target").click()
    assert one.js("return m.get('selection').get().map(e => e.id)") == [task]
    group = one.group("iso-allotment")
    group.locator("#bio-properties-panel-iso-allotment-value").fill("0,5")
    group.locator("#bio-properties-panel-iso-allotment-value").press("Tab")
    group.locator("#bio-properties-panel-iso-allotment-unit").select_option("working-days")
    expect(problem).to_have_count(0)
    one.settled()
    assert _iso(one.xml(), task, "iso:step/iso:allotment") == [
        {"value": "0.5", "unit": "working-days"}]
    one.shot("modeler-new-task-allotted")

    # every edit is one command: undo and redo walk through them
    one.js("m.get('commandStack').undo()")
    expect(group.locator("#bio-properties-panel-iso-allotment-unit")).to_have_value("")
    assert _iso(one.xml(), task, "iso:step/iso:allotment") == [{"value": "0.5"}]
    one.js("m.get('commandStack').redo()")
    expect(group.locator("#bio-properties-panel-iso-allotment-unit")).to_have_value("working-days")
    one.check()


def _add(page, group_id: str) -> None:
    page.locator(f"[data-group-id='group-{group_id}'] .bio-properties-panel-add-entry").click()


def _type(page, entry_id: str, text: str) -> None:
    field = page.locator(f"#bio-properties-panel-{entry_id}")
    field.fill(text)
    field.press("Tab")


def test_the_panel_edits_the_lists_of_a_step_and_of_the_procedure(editor):
    from playwright.sync_api import expect

    one = editor().open()
    page = one.page
    # the step: a form, and a choice field with its choices
    one.select("Task_Ky")
    _add(page, "iso-form")
    _type(page, "iso-form-0-code", "Mẫu 05")
    _type(page, "iso-form-0-text", "Phiếu kiểm soát quá trình giải quyết hồ sơ")
    _add(page, "iso-fields")
    expect(page.locator("#bio-properties-panel-iso-field-1-name")).to_have_value("truong_2")
    _type(page, "iso-field-1-name", "hinh_thuc_ky")
    page.locator("#bio-properties-panel-iso-field-1-type").select_option("choice")
    _type(page, "iso-field-1-label", "Hình thức ký")
    page.locator("[data-entry-id='iso-field-1-required'] input").check()
    _type(page, "iso-field-1-choices", "so | Ký số | Digital\ntay | Ký tay")
    xml = one.xml()
    assert _iso(xml, "Task_Ky", "iso:step/iso:form") == [{"code": "Mẫu 05"}]
    assert _iso(xml, "Task_Ky", "iso:step/iso:field[2]") == [
        {"name": "hinh_thuc_ky", "type": "choice", "label": "Hình thức ký", "required": "true"}]
    assert _iso(xml, "Task_Ky", "iso:step/iso:field[2]/iso:choice") == [
        {"value": "so", "label": "Ký số", "labelEn": "Digital"}, {"value": "tay", "label": "Ký tay"}]
    expect(page.locator("#bio-properties-panel-iso-field-1-choices")).to_have_value(
        "so | Ký số | Digital\ntay | Ký tay")
    one.shot("modeler-step-lists")

    # the procedure: time limit, a dossier component, a legal text
    one.js("m.get('selection').select([])")
    one.group("iso-statutory")
    page.locator("#bio-properties-panel-iso-time-limit-unit").select_option("working-days")
    _type(page, "iso-time-limit-value", "1")
    _add(page, "iso-dossier")
    _type(page, "iso-component-6-name", "Giấy ủy quyền")
    page.locator("[data-entry-id='iso-component-6-copy-certified'] input").check()
    page.locator("[data-entry-id='iso-component-6-required'] input").uncheck()
    _add(page, "iso-legal-basis")
    _type(page, "iso-legal-basis-5-text", "Luật Cư trú số 68/2020/QH14")
    xml = one.xml()
    assert _iso(xml, "QT_DangKyKhaiSinh", "iso:procedure/iso:timeLimit") == [
        {"value": "1", "unit": "working-days"}]
    assert _iso(xml, "QT_DangKyKhaiSinh", "iso:procedure/iso:dossier/iso:component[7]") == [
        {"copy": "original certified", "required": "false"}]
    assert "<iso:legalBasis>Luật Cư trú số 68/2020/QH14</iso:legalBasis>" in xml
    one.shot("modeler-procedure-lists")
    # removing the last legal text takes it out again
    page.locator("[data-group-id='group-iso-legal-basis'] .bio-properties-panel-list-item"
                 ).last.locator(".bio-properties-panel-remove-entry").click()
    assert "Luật Cư trú" not in one.xml()
    one.check()

def test_a_lane_role_is_picked_from_the_roles_or_typed(editor):
    from playwright.sync_api import expect

    one = editor().open()
    page = one.page
    one.select("Lane_HoTich")
    one.group("iso-role")
    code = page.locator("#bio-properties-panel-iso-role-code")
    expect(code).to_have_value("chuyen-vien")
    expect(page.locator("#bio-properties-panel-iso-role-unit")).to_have_value("van-phong")
    suggestions = page.locator(f"#{code.get_attribute('list')} option")
    assert [suggestions.nth(i).get_attribute("value") for i in range(suggestions.count())] == ROLES
    code.fill("lanh-dao-phong")
    code.press("Tab")
    assert _iso(one.xml(), "Lane_HoTich", "iso:role") == [
        {"code": "lanh-dao-phong", "unit": "van-phong"}]
    # a code the system does not know is kept, with a note
    code.fill("thu-ky-iso")
    code.press("Tab")
    expect(page.locator("[data-entry-id='iso-role-code']")
           ).to_contain_text("chưa có trong danh sách")
    assert _iso(one.xml(), "Lane_HoTich", "iso:role")[0]["code"] == "thu-ky-iso"
    # emptying both fields removes the role
    code.fill("")
    code.press("Tab")
    page.locator("#bio-properties-panel-iso-role-unit").fill("")
    page.locator("#bio-properties-panel-iso-role-unit").press("Tab")
    assert _iso(one.xml(), "Lane_HoTich", "iso:role") == []
    one.check()


def test_save_sends_the_lock_and_takes_the_next_one(editor, backend):
    from playwright.sync_api import expect

    one = editor().open()
    page = one.page
    modeler = page.locator("#modeler")
    one.group("iso-document")
    agency = page.locator("#bio-properties-panel-iso-procedure-agency")
    agency.fill("Ủy ban nhân dân xã Hòa Bình")
    agency.press("Tab")
    expect(modeler).to_have_attribute("data-dirty", "true")
    page.get_by_role("button", name="Lưu").click()
    expect(modeler).to_have_attribute("data-lock", "2")
    expect(modeler).to_have_attribute("data-dirty", "false")
    expect(page.locator(".iso-modeler-status")).to_contain_text("Đã lưu lúc")
    assert [s["lock"] for s in backend.saves] == [2]
    assert 'agency="Ủy ban nhân dân xã Hòa Bình"' in backend.saves[0]["xml"]
    assert backend.saves[0]["xml"] == one.xml()

    # Ctrl+S from inside the panel saves what was just typed
    agency.fill("Ủy ban nhân dân xã Hòa Phú")
    agency.press("Control+s")
    expect(modeler).to_have_attribute("data-lock", "3")
    assert 'agency="Ủy ban nhân dân xã Hòa Phú"' in backend.saves[-1]["xml"]
    expect(modeler).to_have_attribute("data-dirty", "false")

    # undoing back to the saved diagram is not a change; undoing past it is
    one.js("m.get('commandStack').undo()")
    expect(modeler).to_have_attribute("data-dirty", "true")
    one.js("m.get('commandStack').redo()")
    expect(modeler).to_have_attribute("data-dirty", "false")
    one.check()


def test_a_stale_save_shows_the_conflict_and_keeps_the_diagram(editor, backend):
    from playwright.sync_api import expect

    one = editor().open()
    page = one.page
    modeler = page.locator("#modeler")
    backend.locks[BIRTH.name] = 2  # someone else saved meanwhile
    one.group("iso-document")
    code = page.locator("#bio-properties-panel-iso-document-code")
    code.fill("QT-HT-09")
    code.press("Tab")
    page.get_by_role("button", name="Lưu").click()
    message = page.locator(".iso-modeler-message")
    expect(message).to_contain_text(CONFLICT)
    expect(message.get_by_role("button", name="Tải lại bản trên máy chủ")).to_be_visible()
    expect(message.get_by_role("button", name="Tải xuống bản của tôi")).to_be_visible()
    expect(modeler).to_have_attribute("data-lock", "1")
    expect(modeler).to_have_attribute("data-dirty", "true")
    expect(code).to_have_value("QT-HT-09")
    assert 'code="QT-HT-09"' in one.xml()
    assert backend.saves == []
    one.shot("modeler-conflict")

    # the user's version can be downloaded as it is on the page
    with page.expect_download() as download:
        message.get_by_role("button", name="Tải xuống bản của tôi").click()
    assert 'code="QT-HT-09"' in Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename == "QT-HT-09.bpmn"
    # leaving with unsaved changes asks first
    page.once("dialog", lambda dialog: dialog.dismiss())
    message.get_by_role("button", name="Tải lại bản trên máy chủ").click()
    expect(code).to_have_value("QT-HT-09")
    with page.expect_event("dialog") as dialog:
        page.close(run_before_unload=True)
    assert dialog.value.type == "beforeunload"
    dialog.value.dismiss()
    expect(code).to_have_value("QT-HT-09")
    one.check()


def test_a_rejected_save_says_why(editor):
    from playwright.sync_api import expect

    one = editor().open()
    page = one.page
    page.route("**/save/*", lambda route: route.fulfill(
        status=422, content_type="application/json",
        body=json.dumps({"error": {"code": "InvalidDiagram", "message": "Sơ đồ không đọc được."}})))
    one.js("m.get('modeling').updateLabel(m.get('elementRegistry').get('Task_Ky'), 'Ký giấy')")
    page.keyboard.press("Control+s")
    expect(page.locator(".iso-modeler-message")).to_have_text("Sơ đồ không đọc được.")
    expect(page.locator("#modeler")).to_have_attribute("data-dirty", "true")
    one.check()


def test_problems_without_an_element_are_listed_only(editor):
    from playwright.sync_api import expect

    one = editor().open()
    page = one.page
    findings = [
        {"rule": "xsd-valid", "severity": "error", "message": "Không hợp lệ theo XSD.",
         "bpmn_id": None, "element_name": "", "line": 3},
        {"rule": "document-code-required", "severity": "error", "message": "Thiếu mã hiệu.",
         "bpmn_id": "QT_DangKyKhaiSinh", "element_name": "Đăng ký khai sinh", "line": 12},
        {"rule": "label-required", "severity": "warn", "message": "Đặt tên cho bước.",
         "bpmn_id": "Task_Ky", "element_name": "Ký Giấy khai sinh", "line": 90},
    ]
    page.route("**/validate", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body=json.dumps({"findings": findings, "elapsed_ms": 3})))
    one.js("m.get('modeling').updateLabel(m.get('elementRegistry').get('Task_Ky'), 'Ký')")
    items = page.locator(".iso-problem")
    expect(items).to_have_count(3)
    expect(page.locator(".iso-problems-summary")).to_have_text("2 lỗi, 1 cảnh báo")
    assert items.nth(0).locator("span.iso-problem-target").inner_text() == "cả quy trình"
    # the process's finding goes on its pool
    pool = one.js("return m.get('elementRegistry').filter(e => e.type === 'bpmn:Participant')"
                  "[0].id")
    expect(page.locator(f".iso-lint-badge--error[data-bpmn-id='{pool}']")).to_be_visible()
    expect(page.locator(".iso-lint-badge--warning[data-bpmn-id='Task_Ky']")).to_have_text("1")
    items.nth(2).locator("button").click()
    assert one.js("return m.get('selection').get().map(e => e.id)") == ["Task_Ky"]
    one.check()


def test_a_diagram_that_cannot_be_loaded_says_so(editor):
    from playwright.sync_api import expect

    one = editor()
    page = one.page
    page.route("**/diagram/*", lambda route: route.fulfill(status=503, body="down"))
    page.goto(f"{one.base}/edit/{BIRTH.name}")
    expect(page.locator("#modeler")).to_have_attribute("data-state", "error")
    expect(page.locator("#modeler .iso-modeler-error")).to_have_text(
        "Không tải được sơ đồ quy trình (mã lỗi HTTP 503).")
    one.check()


def test_without_the_roles_the_code_can_still_be_typed(editor):
    from playwright.sync_api import expect

    one = editor()
    one.page.route("**/roles", lambda route: route.fulfill(status=500, body="oops"))
    one.open()
    expect(one.page.locator(".iso-modeler-message")).to_contain_text(
        "Không tải được danh sách vai trò")
    one.select("Lane_VanThu")
    one.group("iso-role")
    _type(one.page, "iso-role-code", "van-thu-2")
    assert _iso(one.xml(), "Lane_VanThu", "iso:role") == [{"code": "van-thu-2", "unit": "van-phong"}]
    one.check()

def test_read_only_mode_shows_everything_and_changes_nothing(editor):
    from playwright.sync_api import expect

    one = editor().open(readonly="true")
    page = one.page
    expect(page.locator(".iso-modeler-save")).to_have_count(0)
    expect(page.locator(".iso-modeler-status")).to_contain_text("Chỉ xem")
    expect(page.locator(".djs-palette")).to_be_hidden()
    one.group("iso-document")
    expect(page.locator("#bio-properties-panel-iso-document-code")).to_be_disabled()
    one.select("Task_Ky")
    expect(page.locator("#bio-properties-panel-name")).to_be_disabled()
    before = one.xml()
    box = page.locator(".djs-element[data-element-id='Task_Ky']").bounding_box()
    page.mouse.move(box["x"] + 50, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 150, box["y"] + 140, steps=5)
    page.mouse.up()
    page.mouse.dblclick(box["x"] + 50, box["y"] + 40)
    page.keyboard.type("x")
    expect(page.locator(".djs-direct-editing-parent")).to_be_hidden()
    assert one.xml() == before
    expect(page.locator("#modeler")).to_have_attribute("data-dirty", "false")
    one.check()


def test_english_labels(editor):
    from playwright.sync_api import expect

    one = editor().open(lang="en")
    page = one.page
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    expect(page.locator("[data-group-id='group-iso-document'] .bio-properties-panel-group-header"
                        )).to_contain_text("Document control")
    one.select("Task_Ky")
    expect(page.locator("[data-group-id='group-iso-allotment']")).to_contain_text("Time allotment")
    one.check()


@pytest.mark.parametrize("diagram", LIBRARY, ids=[p.name for p in LIBRARY])
def test_the_modeler_saves_what_it_opened_byte_for_byte(editor, diagram):
    """bpmn-js itself (not only its moddle, see test_editor_stable.py): the second save of a
    diagram equals the first, and every iso element is still there."""
    one = editor().open(diagram.name)
    first = one.xml()
    second = one.page.evaluate(
        "async (xml) => { const m = isobpmnModeler.controllerOf(document.getElementById("
        "'modeler')).modeler; await m.importXML(xml); return (await m.saveXML({ format: true }))"
        ".xml; }", first)
    assert second == first
    original = diagram.read_text(encoding="utf-8")
    assert first.count("<iso:") == original.count("<iso:")
    one.check()
