"""A procedure's lifecycle in a real browser, on the real app: a revision of hộ kinh doanh
(QT-DKKD-01) drafted in the modeler, reviewed, approved and published, then the dossiers.

The drafter (``truongphong``) opens the procedure, starts a revision and, in the bpmn-js
modeler, drops a new step from the palette onto the refusal branch's flow in the head of
division's lane (bpmn-js splits the flow around it), names it and makes it a user task; the
live check flags the step without an allotment, which is set in the properties panel, and the
flag goes. Saved with the button, submitted from the version page; the ISO secretary
(``isosec``) reviews it, the leader (``chutich``) approves and publishes it. A dossier
received at the desk afterwards runs on the new revision (its diagram has the new step); one
received before still runs on the old revision and goes on.

The app, the browser and the screenshots are ``fixtures_browser``'s (``$ISOBPMN_ARTIFACTS``,
default the test's temporary directory).
"""

from __future__ import annotations

import re

from fixtures_browser import MODELER, VIEWER, ModelerDriver, Visitor, needs_bundle, needs_chromium
from fixtures_lifecycle import AUTHOR, LEADER, REVIEWER, add_iso_secretary
from fixtures_services import AGENCY, HKD_HAPPY, HO_KINH_DOANH, ready
from fixtures_web import PASSWORD

pytestmark = [needs_chromium, needs_bundle(MODELER), needs_bundle(VIEWER)]

#: Where the new step goes: on the refusal branch's flow from the specialist's draft refusal
#: to the leader's signature, in the head of division's lane (off the main path, so the
#: statutory 3 working days still hold).
FLOW, LANE = "F12", "Lane_LanhDaoPhong"
BEFORE, AFTER = "Task_DuThaoTuChoi", "Task_KyTuChoi"
STEP_NAME = "Xem xét dự thảo văn bản từ chối"
#: Warnings every draft has until approval, when the system writes the issue date and the
#: revision row (docs/lifecycle.md, "What the system writes at approval").
SYSTEM_FILLED = {"issue-date-required", "revision-history-current"}
RESULT = "Dự thảo văn bản từ chối đã được xem xét"
COMMENT = "Bổ sung bước Lãnh đạo phòng xem xét văn bản từ chối trước khi trình ký"


class Drafter(ModelerDriver, Visitor):
    """The drafter, on a screen wide enough for the modeler and its panel."""

    viewport = {"width": 1400, "height": 1000}


def _published(services) -> tuple[int, int]:
    """(version id, revision) of hộ kinh doanh in force."""
    detail = services.procedure_detail(HO_KINH_DOANH, None, agency=AGENCY)
    (version,) = [v for v in detail.versions if v.status == "published"]
    return version.id, version.revision


def _problems(page) -> list[tuple[str, str]]:
    """(rule, element id) of each problem in the modeler's list."""
    items = page.locator(".iso-problem")
    return sorted((items.nth(i).get_attribute("data-rule"),
                   items.nth(i).get_attribute("data-bpmn-id") or "")
                  for i in range(items.count()))


def _drop_step_on_flow(drafter: Drafter) -> str:
    """The palette's task dropped where ``FLOW`` crosses ``LANE``, named in place; its id."""
    page = drafter.page
    lane = page.locator(f".djs-element[data-element-id='{LANE}']").bounding_box()
    flow = page.locator(f".djs-element[data-element-id='{FLOW}']").bounding_box()
    x, y = flow["x"] + flow["width"] / 2, lane["y"] + lane["height"] / 2
    page.click(".djs-palette [data-action='create.task']")
    page.mouse.move(x - 40, y - 20)
    page.mouse.move(x, y, steps=8)
    page.mouse.click(x, y)
    page.keyboard.type(STEP_NAME)
    page.mouse.click(lane["x"] + lane["width"] * 0.9, lane["y"] + 10)  # ends the naming
    (task,) = drafter.js("return m.get('elementRegistry').filter(e => e.type === 'bpmn:Task')"
                         ".map(e => e.id)")
    return task


def _iso(xml: str, bpmn_id: str) -> dict:
    """The allotment (attributes) and result (text) of ``bpmn_id``'s iso:step in ``xml``."""
    from lxml import etree

    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "iso": "urn:isobpmn:iso:1"}
    (step,) = etree.fromstring(xml.encode("utf-8")).xpath(
        f"//bpmn:userTask[@id='{bpmn_id}']/bpmn:extensionElements/iso:step", namespaces=ns)
    allotment = step.find("iso:allotment", ns)
    return {"allotment": dict(allotment.attrib) if allotment is not None else None,
            "result": step.findtext("iso:result", namespaces=ns)}


def _flows(drafter: Drafter, bpmn_id: str) -> tuple[list[str], list[str]]:
    """The sources of ``bpmn_id``'s incoming flows and the targets of its outgoing ones."""
    incoming, outgoing = drafter.js(
        "const bo = m.get('elementRegistry').get(arg).businessObject; return ["
        "(bo.incoming || []).map(f => f.sourceRef.id), "
        "(bo.outgoing || []).map(f => f.targetRef.id)]", bpmn_id)
    return incoming, outgoing


def test_a_revision_drafted_in_the_modeler_goes_through_review_and_runs_new_dossiers(
        browser, app_server, artifacts, tabs, visit, web_services, web_clock):
    from playwright.sync_api import expect

    services = web_services
    old_version, old_revision = _published(services)
    old_case = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An",
                                        actor="motcua").case_code
    add_iso_secretary(services)
    services.set_password(REVIEWER, PASSWORD)

    # the drafter starts a revision from the procedure's page and lands in the modeler
    web_clock.advance(minutes=30)
    drafter = tabs(Drafter(browser, app_server, artifacts, AUTHOR)).sign_in()
    page = drafter.page
    drafter.go("/quy-trinh/")
    page.locator(f"#procedures a[href^='/quy-trinh/ma/{HO_KINH_DOANH}']").click()
    expect(page.locator("#versions tbody tr")).to_have_count(1)
    expect(page.locator("#versions tbody tr").first).to_contain_text("Đang ban hành")
    page.get_by_role("button", name="Soạn bản sửa đổi").click()
    expect(page).to_have_url(re.compile(r"/quy-trinh/phien-ban/\d+/soan-thao$"))
    version_id = int(re.search(r"/phien-ban/(\d+)/", page.url).group(1))
    modeler = page.locator("#modeler")
    drafter.ready()
    drafter.settled()
    # a copy of the published revision: only what the system fills in at approval is missing
    baseline = _problems(page)
    assert {rule for rule, _ in baseline} <= SYSTEM_FILLED, baseline
    lock = int(modeler.get_attribute("data-lock"))

    # a new step on the refusal branch, in the head of division's lane, made a user task
    task = _drop_step_on_flow(drafter)
    drafter.select(task)
    page.locator(".djs-context-pad [data-action='replace']").click()
    page.locator(".djs-popup [data-id='replace-with-user-task']").click()
    (task,) = drafter.js("return m.get('elementRegistry').filter(e => e.type === 'bpmn:UserTask'"
                         " && e.businessObject.name === arg).map(e => e.id)", STEP_NAME)
    assert drafter.js("const bo = m.get('elementRegistry').get(arg).businessObject; return m"
                      ".get('elementRegistry').filter(e => e.type === 'bpmn:Lane' && (e."
                      "businessObject.flowNodeRef || []).includes(bo)).map(e => e.id)",
                      task) == [LANE]
    assert _flows(drafter, task) == ([BEFORE], [AFTER])
    expect(modeler).to_have_attribute("data-dirty", "true")

    # the live check flags the new step, and only it: no allotment, no form or result
    allotment = page.locator(
        f".iso-problem[data-rule='step-allotment-required'][data-bpmn-id='{task}']")
    expect(allotment).to_have_count(1)
    expect(allotment).to_have_attribute("data-severity", "warning")
    drafter.settled()
    assert _problems(page) == sorted(baseline + [("step-allotment-required", task),
                                                 ("step-form-required", task)])
    badge = page.locator(f".iso-lint-badge[data-bpmn-id='{task}']")
    expect(badge).to_be_visible()
    expect(badge).to_have_text("2")
    assert "Cảnh báo: " in badge.get_attribute("title")
    assert "no time allotment" in badge.get_attribute("title")
    outlined = page.locator(f".djs-shape.iso-lint-warning[data-element-id='{task}']")
    expect(outlined).to_have_count(1)
    allotment.scroll_into_view_if_needed()
    drafter.shot("lifecycle-01-modeler-step-flagged")

    # the allotment, from the problem to the panel; its flag goes
    allotment.locator("button.iso-problem-target").click()
    assert drafter.js("return m.get('selection').get().map(e => e.id)") == [task]
    group = drafter.group("iso-allotment")
    group.locator("#bio-properties-panel-iso-allotment-value").fill("0,25")
    group.locator("#bio-properties-panel-iso-allotment-value").press("Tab")
    group.locator("#bio-properties-panel-iso-allotment-unit").select_option("working-days")
    expect(allotment).to_have_count(0)
    expect(badge).to_have_text("1")

    # and what the step produces: the last flag and the outline go
    drafter.group("iso-result")
    page.locator("[data-group-id='group-iso-result'] .bio-properties-panel-add-entry").click()
    result = page.locator("#bio-properties-panel-iso-result-0-text")
    result.fill(RESULT)
    result.press("Tab")
    expect(page.locator(f".iso-problem[data-bpmn-id='{task}']")).to_have_count(0)
    expect(badge).to_have_count(0)
    expect(outlined).to_have_count(0)
    drafter.settled()
    assert _problems(page) == baseline
    step = _iso(drafter.xml(), task)
    assert step == {"allotment": {"value": "0.25", "unit": "working-days"}, "result": RESULT}
    drafter.shot("lifecycle-02-modeler-step-allotted")

    # saved with the button: the lock moves on and the server has the step
    page.locator(".iso-modeler-save").click()
    expect(modeler).to_have_attribute("data-dirty", "false")
    expect(page.locator(".iso-modeler-status")).to_contain_text("Đã lưu lúc")
    assert int(modeler.get_attribute("data-lock")) > lock
    saved = services.version_view(version_id, AUTHOR)
    assert saved.lock_version == int(modeler.get_attribute("data-lock"))
    assert f'id="{task}"' in saved.xml and STEP_NAME in saved.xml
    assert sorted((f.rule, f.bpmn_id) for f in saved.findings if not f.suppressed) == baseline

    # submitted from the version page
    page.locator(f"h1 a[href='/quy-trinh/phien-ban/{version_id}']").click()
    expect(page.locator("#version-status")).to_have_text("Dự thảo")
    page.click("#submit-version")
    expect(page.locator(".flash-success", has_text="Đã trình xem xét.")).to_be_visible()
    expect(page.locator("#version-status")).to_have_text("Đã trình")
    expect(page.locator("#review-form")).to_have_count(0)  # not by its author
    drafter.check()

    # the ISO secretary reviews it
    web_clock.advance(hours=2)
    reviewer = visit(REVIEWER).sign_in()
    page = reviewer.page
    reviewer.go(f"/quy-trinh/phien-ban/{version_id}")
    page.fill("#review-form textarea[name=comment]", COMMENT)
    page.check("#review-form input[name=verdict][value=ok]")
    page.click("#review-form button[type=submit]")
    expect(page.locator(".flash-success", has_text="Đã ghi ý kiến xem xét.")).to_be_visible()
    expect(page.locator("#version-status")).to_have_text("Đã xem xét")
    expect(page.locator("#approve-version")).to_have_count(0)  # a leader approves
    reviewer.check()

    # the leader approves and publishes it
    web_clock.advance(hours=2)
    leader = visit(LEADER).sign_in()
    page = leader.page
    leader.go(f"/quy-trinh/phien-ban/{version_id}")
    expect(page.locator("section.card", has_text="Xem xét và phê duyệt")).to_contain_text(COMMENT)
    page.click("#approve-version")
    expect(page.locator(".flash-success", has_text="Đã phê duyệt")).to_be_visible()
    expect(page.locator("#version-status")).to_have_text("Đã phê duyệt")
    page.click("#publish-version")
    expect(page.locator(".flash-success", has_text="Đã ban hành")).to_be_visible()
    expect(page.locator("#version-status")).to_have_text("Đang ban hành")
    expect(page.locator(".diagram[data-state=ready]")).to_have_count(1)
    expect(page.locator(f".diagram [data-element-id='{task}']").first).to_be_attached()
    leader.shot("lifecycle-03-version-published")
    leader.check()

    # the system wrote the document control: sign-offs and the revision row with the comment
    published = services.version_view(version_id, None)
    revision = published.revision
    assert revision == old_revision + 1 and published.status == "published"
    assert f'revision="{revision}"' in published.xml
    assert re.search(r'<iso:signOff role="reviewed" name="Phan Thu Trang"[^>]*/>', published.xml)
    assert re.search(r'<iso:signOff role="approved" name="Nguyễn Văn An"[^>]*/>', published.xml)
    assert re.search(rf'<iso:revision number="{revision}"[^>]*>[^<]*{COMMENT}', published.xml)
    assert [(r.verdict, r.comment) for r in published.reviews] == [("ok", COMMENT)]
    assert services.version_view(old_version, None).status == "retired"

    # a dossier received now runs on the new revision, with the new step in its diagram
    web_clock.advance(minutes=10)
    desk = visit("motcua").sign_in()
    page = desk.page
    desk.go(f"/tiep-nhan/{AGENCY}/{HO_KINH_DOANH}")
    page.fill("#receive-form input[name=name]", "Trần Thị Bích")
    page.fill("#receive-form input[name=id_number]", "001190054321")
    page.click("#receive-form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/ho-so/{AGENCY}-\d{{6}}-\d{{4}}\?moi=1$"))
    new_case = page.locator("h1 code").inner_text()
    expect(page.locator("dt:has-text('Quy trình') + dd")).to_contain_text(
        f"lần ban hành {revision}")
    expect(page.locator("#case-diagram[data-state=ready]")).to_have_count(1)
    expect(page.locator(f"#case-diagram [data-element-id='{task}']").first).to_be_attached()
    assert services.case_view(new_case).revision == revision
    new_diagram = desk.go(f"/ho-so/{new_case}/so-do.bpmn").text()
    assert f'id="{task}"' in new_diagram

    # the dossier received before stays on the old revision, and goes on
    assert f'id="{task}"' not in desk.go(f"/ho-so/{old_case}/so-do.bpmn").text()
    first, second = HKD_HAPPY[0], HKD_HAPPY[1]
    services.complete_task(ready(services, old_case, first[0]).id, first[1], first[2])
    assert services.case_view(old_case).revision == old_revision
    assert ready(services, old_case, second[0]).state == "ready"
    desk.go(f"/ho-so/{old_case}")
    expect(page.locator("dt:has-text('Quy trình') + dd")).to_contain_text(
        f"lần ban hành {old_revision}")
    expect(page.locator("#case-diagram[data-state=ready]")).to_have_count(1)
    expect(page.locator(f"#case-diagram [data-element-id='{task}']")).to_have_count(0)
    expect(page.locator("#case-diagram .djs-element.current")).to_have_attribute(
        "data-element-id", second[0])
    desk.check()

    for name in ("lifecycle-01-modeler-step-flagged", "lifecycle-02-modeler-step-allotted",
                 "lifecycle-03-version-published"):
        assert (artifacts / f"{name}.png").stat().st_size > 0, name
