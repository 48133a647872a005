"""Pages in a real browser: a household business dossier from the desk to the citizen's rating,
and the dossier's diagram drawn by the bpmn-js bundle.

The app runs as in production (CSRF on, cookies, the real templates and static files) on a
seeded SQLite copy (``fixtures_web``), served by werkzeug in a thread on a free port; Debian's
chromium (``/usr/bin/chromium``, never a downloaded browser) drives it headless through
Playwright (``fixtures_browser``). Screenshots of the key pages go to ``$ISOBPMN_ARTIFACTS``
(default: the test's temporary directory).
"""

from __future__ import annotations

import re

from fixtures_browser import VIEWER, needs_bundle, needs_chromium
from fixtures_services import AGENCY, HKD_HAPPY, HO_KINH_DOANH, ready

pytestmark = needs_chromium


def _fill(page, values: dict[str, object]) -> None:
    """Fill the step's form (#complete-form) field by field, by the kind of input."""
    for name, value in values.items():
        field = page.locator(f"#complete-form [name='{name}']")
        kind = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind.startswith("select"):
            field.select_option(str(value))
        elif kind == "input:checkbox":
            field.set_checked(bool(value))
        else:
            field.fill(str(value))


def _complete(visitor, code: str, values: dict[str, object], shot: str) -> None:
    """From the inbox, open the dossier's step, enter ``values`` and complete it."""
    from playwright.sync_api import expect

    page = visitor.page
    visitor.go("/cong-viec/?scope=all")
    row = page.locator("#tasks tbody tr", has_text=code)
    expect(row).to_have_count(1)
    row.locator("a[href^='/cong-viec/']").click()
    _fill(page, values)
    visitor.shot(shot)
    page.click("#complete-form button[type=submit]")
    expect(page.locator(".flash-success", has_text="Đã hoàn thành bước")).to_be_visible()
    expect(page.locator("#tasks tbody tr", has_text=code)).to_have_count(0)


def test_household_business_from_desk_to_rating(visit, web_clock, artifacts):
    from playwright.sync_api import expect

    steps = {bpmn_id: data for bpmn_id, _, data in HKD_HAPPY}

    # the desk receives the dossier and prints the receipt (Mẫu 01)
    desk = visit("motcua").sign_in()
    page = desk.page
    desk.go("/tiep-nhan/")
    page.click(f"a[href='/tiep-nhan/{AGENCY}/{HO_KINH_DOANH}']")
    page.fill("#receive-form input[name=name]", "Nguyễn Văn Khoa")
    page.fill("#receive-form input[name=id_number]", "001088012345")
    page.fill("#receive-form input[name=address]", "Thôn 3, xã Hòa An")
    page.fill("#receive-form input[name=phone]", "0912 000 111")
    desk.shot("01-desk-receive")
    page.click("#receive-form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/ho-so/{AGENCY}-\d{{6}}-\d{{4}}\?moi=1$"))
    code = page.locator("h1 code").inner_text()
    lookup = page.locator("dt:has-text('Mã tra cứu') + dd code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{6}", lookup)
    desk.shot("02-case-received")
    page.click("#print-receipt")
    receipt = page.locator("body")
    expect(receipt).to_contain_text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    expect(receipt).to_contain_text(code)
    expect(receipt).to_contain_text(lookup)
    expect(receipt).to_contain_text("Nguyễn Văn Khoa")
    page.emulate_media(media="print")
    desk.shot("03-receipt-print")
    page.pdf(path=str(artifacts / "03-receipt.pdf"), format="A4")
    page.emulate_media(media="screen")

    # the desk's own check, then the specialist claims the examination from the inbox
    web_clock.advance(minutes=30)
    _complete(desk, code, {"nguoi_nop": "Nguyễn Văn Khoa", "ho_so_day_du": True},
              "04-task-check")
    specialist = visit("chuyenvien").sign_in()
    page = specialist.page
    specialist.go("/cong-viec/?scope=unclaimed")
    row = page.locator("#tasks tbody tr", has_text=code)
    specialist.shot("05-inbox-unclaimed")
    row.locator("form[action$='/nhan'] button").click()
    expect(page.locator(".flash-success", has_text="Đã nhận xử lý")).to_be_visible()
    specialist.go("/cong-viec/?scope=mine")
    expect(page.locator("#tasks tbody tr", has_text=code)).to_contain_text("chuyenvien")
    web_clock.advance(hours=3)
    _complete(specialist, code, steps["Task_ThamDinh"], "06-task-examine")

    # the head of division approves, the leader signs, the clerk records
    for username, bpmn_id, shot in (("truongphong", "Task_XemXet", "07-task-review"),
                                    ("chutich", "Task_Ky", "08-task-sign"),
                                    ("vanthu", "Task_VaoSo", "09-task-record")):
        web_clock.advance(hours=1)
        official = visit(username).sign_in()
        values = dict(steps[bpmn_id])
        for key in ("ngay_ky", "ngay_cap"):
            if key in values:
                values[key] = f"{web_clock.now():%d/%m/%Y}"
        _complete(official, code, values, shot)
        official.check()

    # the desk hands the certificate over and records the return
    web_clock.advance(minutes=30)
    _complete(desk, code, {"bien_lai_le_phi": "BL-0042",
                           "ngay_tra": f"{web_clock.now():%d/%m/%Y}"}, "10-task-return")
    page = desk.page
    desk.go(f"/ho-so/{code}")
    page.fill("#return-form input[name=receiver]", "Nguyễn Văn Khoa")
    page.click("#return-form button[type=submit]")
    expect(page.locator(".flash-success", has_text="Đã trả kết quả")).to_be_visible()
    expect(page.locator("h1 .badge")).to_have_text("Đã trả kết quả")
    expect(page.locator("#return-form")).to_have_count(0)
    desk.shot("11-case-returned")

    # the citizen looks the dossier up with the receipt's two codes and rates it
    citizen = visit("citizen")
    page = citizen.page
    citizen.go("/tra-cuu")
    page.fill("input[name=ma]", code)
    page.fill("input[name='xac-thuc']", lookup)
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(code)
    expect(page.locator(".badge")).to_have_text("Đã trả kết quả")
    citizen.shot("12-lookup")
    page.check("input[name=score][value='5']")
    page.fill("textarea[name=comment]", "Cán bộ hướng dẫn tận tình.")
    page.click("form[action$='/tra-cuu/danh-gia'] button[type=submit]")
    expect(page.locator(".flash-success", has_text="Cảm ơn")).to_be_visible()
    citizen.shot("13-lookup-rated")

    for visitor in (desk, specialist, citizen):
        visitor.check()
    for name in ("01-desk-receive.png", "03-receipt-print.png", "03-receipt.pdf",
                 "13-lookup-rated.png"):
        assert (artifacts / name).stat().st_size > 0, name


def _case_with_one_step_done(services) -> str:
    code = services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An",
                                    actor="motcua").case_code
    bpmn_id, actor, data = HKD_HAPPY[0]
    services.complete_task(ready(services, code, bpmn_id).id, actor, data)
    return code


@needs_bundle(VIEWER)
def test_case_page_draws_the_diagram_with_done_and_current_steps(visit, web_services):
    from playwright.sync_api import expect

    code = _case_with_one_step_done(web_services)
    desk = visit("motcua").sign_in()
    page = desk.page
    desk.go(f"/ho-so/{code}")
    expect(page.locator(".diagram[data-state=ready]")).to_have_count(1)
    expect(page.locator(".diagram svg").first).to_be_visible()
    current = page.locator(".diagram .djs-element.current")
    expect(current).to_have_count(1)
    assert current.get_attribute("data-element-id") == "Task_ThamDinh"
    done = page.locator(".diagram .djs-shape.done")
    assert "Task_TiepNhan" in [done.nth(i).get_attribute("data-element-id")
                               for i in range(done.count())]
    # the markers are styled: the open step is not drawn as a plain step
    def stroke(element_id: str) -> str:
        return page.locator(f".diagram [data-element-id='{element_id}'] .djs-visual > :first-child"
                            ).evaluate("e => getComputedStyle(e).stroke")

    assert stroke("Task_ThamDinh") != stroke("Task_XemXet")
    assert stroke("Task_TiepNhan") not in (stroke("Task_ThamDinh"), stroke("Task_XemXet"))
    desk.shot("diagram")
    desk.check()


@needs_bundle(VIEWER)
def test_a_diagram_that_cannot_be_loaded_says_so(visit, web_services):
    from playwright.sync_api import expect

    code = _case_with_one_step_done(web_services)
    desk = visit("motcua").sign_in()
    desk.page.route("**/so-do.bpmn", lambda route: route.fulfill(status=503, body="down"))
    desk.go(f"/ho-so/{code}")
    message = desk.page.locator(".diagram[data-state=error] .diagram-error")
    expect(message).to_contain_text("Không tải được sơ đồ quy trình")
    expect(message).to_contain_text("503")
    desk.shot("diagram-error")
    desk.check()
