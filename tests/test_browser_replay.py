"""The replay player in a real browser: an auditor opens the replay of a finished dossier,
steps through its events with the keyboard, the buttons, the slider and the event list, and
sees the diagram's markers and the side panel follow.

Runs as the other browser tests (``fixtures_browser``): the real app on a seeded SQLite copy,
Debian's chromium through Playwright, screenshots in ``$ISOBPMN_ARTIFACTS``.
"""

from __future__ import annotations

import re

import pytest
from fixtures_browser import STATIC, needs_bundle, needs_chromium
from fixtures_replay import household_case

REPLAY = STATIC / "editor" / "replay.js"

pytestmark = [needs_chromium, needs_bundle(REPLAY)]


class Replay:
    """Reading the player's page of a :class:`~fixtures_browser.Visitor`."""

    def __init__(self, visitor):
        self.visitor, self.page = visitor, visitor.page

    def ready(self) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator("#replay")).to_have_attribute("data-state", "ready")
        expect(self.page.locator("#replay .diagram")).to_have_attribute("data-state", "ready")

    def at(self, index: int) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator("#replay")).to_have_attribute("data-frame", str(index))

    def marked(self, marker: str) -> list[str]:
        shapes = self.page.locator(f"#replay .diagram .djs-shape.{marker}")
        return sorted(shapes.nth(i).get_attribute("data-element-id")
                      for i in range(shapes.count()))

    def panel(self, name: str) -> str:
        return self.page.locator(f"#replay .replay-{name}").inner_text()

    def stroke(self, element_id: str) -> str:
        return self.page.locator(f"#replay .diagram [data-element-id='{element_id}'] "
                                 ".djs-visual > :first-child").evaluate(
            "e => getComputedStyle(e).stroke")

    def button(self, action: str):
        return self.page.locator(f"#replay [data-action={action}]")

    def unfocus(self) -> None:
        self.page.evaluate("document.activeElement && document.activeElement.blur()")


@pytest.fixture
def finished(web_services, web_clock) -> str:
    return household_case(web_services, web_clock)


def test_an_auditor_steps_through_a_finished_dossier(visit, finished):
    from playwright.sync_api import expect

    auditor = visit("chutich").sign_in()
    page = auditor.page
    auditor.go(f"/ho-so/{finished}")
    page.click("#replay-link")
    expect(page).to_have_url(re.compile(rf"/ho-so/{finished}/phat-lai$"))
    replay = Replay(auditor)
    replay.ready()

    # the first frame: received, the check open, nothing done; the receipt exists
    replay.at(0)
    assert (replay.marked("current"), replay.marked("done")) == (["Task_TiepNhan"], [])
    assert "Tiếp nhận hồ sơ" in replay.panel("what")
    assert replay.panel("at") == "09:00 03/03/2026"
    assert replay.panel("who") == "Nguyễn Thị Mai"
    assert replay.panel("position") == "Sự kiện 1 / 18"
    expect(page.locator("#replay .replay-forms a[data-kind=receipt]")).to_have_attribute(
        "href", f"/ho-so/{finished}/bieu-mau/receipt")
    expect(replay.button("first")).to_be_disabled()
    expect(replay.button("previous")).to_be_disabled()
    auditor.shot("replay-01-received")

    # → : the check was done, the guidance is open
    replay.unfocus()
    page.keyboard.press("ArrowRight")
    replay.at(1)
    assert replay.marked("current") == ["Task_HuongDanBoSung"]
    assert replay.marked("done") == ["Task_TiepNhan"]
    assert replay.marked("replay-event") == ["Task_TiepNhan"]
    assert replay.panel("what") == "Hoàn thành bước · Tiếp nhận, kiểm tra hồ sơ"
    assert replay.stroke("Task_HuongDanBoSung") != replay.stroke("Task_ThamDinh")

    # two clicks on "next": the written request, the dossier paused, form 02 issued
    replay.button("next").click()
    replay.button("next").click()
    replay.at(3)
    assert "Yêu cầu bổ sung" in replay.panel("what")
    assert replay.panel("status") == "Tạm dừng"
    assert "Chờ bổ sung hồ sơ" in replay.panel("pauses")
    expect(page.locator("#replay .replay-forms a[data-kind=supplement]")).to_have_attribute(
        "href", f"/ho-so/{finished}/bieu-mau/supplement?so=1")
    assert replay.marked("current") == ["Evt_NhanBoSung"]  # waiting for the papers
    auditor.shot("replay-02-supplement")

    # the event list: the return from the review, the examination open again
    page.locator(".replay-events li[data-index='10'] button").click()
    replay.at(10)
    assert "Trả về bước trước" in replay.panel("what")
    assert replay.marked("current") == ["Task_ThamDinh"]
    assert "Task_XemXet" in replay.marked("done")
    assert page.locator("#replay .replay-steps tr[data-bpmn-id=Task_ThamDinh]").count() == 2
    expect(page.locator(".replay-events li.current")).to_have_attribute("data-index", "10")
    auditor.shot("replay-03-return")

    # End: the last frame, everything done, nothing open; Home: back to the start
    replay.unfocus()
    page.keyboard.press("End")
    replay.at(17)
    assert replay.marked("current") == []
    assert {"Task_TraKetQua", "End_TraKetQua", "Task_Ky"} <= set(replay.marked("done"))
    assert replay.panel("status") == "Đã trả kết quả"
    expect(replay.button("next")).to_be_disabled()
    expect(page.locator(".replay-events li.current")).to_be_in_viewport()
    auditor.shot("replay-04-returned")
    page.keyboard.press("Home")
    replay.at(0)
    page.keyboard.press("ArrowLeft")  # nothing before the first
    replay.at(0)

    # the slider
    page.locator("#replay .replay-slider").evaluate(
        "e => { e.value = '8'; e.dispatchEvent(new Event('input', { bubbles: true })); }")
    replay.at(8)
    assert "Đã nộp phí" in replay.panel("what")

    # space plays and pauses
    replay.unfocus()
    page.keyboard.press(" ")
    expect(replay.button("play")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("() => Number(document.getElementById('replay').dataset.frame) >= 9")
    replay.unfocus()
    page.keyboard.press(" ")
    expect(replay.button("play")).to_have_attribute("aria-pressed", "false")
    stopped = page.locator("#replay").get_attribute("data-frame")
    page.wait_for_timeout(1500)
    assert page.locator("#replay").get_attribute("data-frame") == stopped

    # the buttons: last and first
    replay.button("last").click()
    replay.at(17)
    replay.button("first").click()
    replay.at(0)
    auditor.check()


def test_the_player_says_when_the_events_cannot_be_loaded(visit, finished):
    from playwright.sync_api import expect

    auditor = visit("chutich").sign_in()
    auditor.page.route("**/phat-lai.json", lambda route: route.fulfill(status=503, body="down"))
    auditor.go(f"/ho-so/{finished}/phat-lai")
    expect(auditor.page.locator("#replay")).to_have_attribute("data-state", "error")
    expect(auditor.page.locator("#replay .replay-message")).to_contain_text(
        "Không tải được các sự kiện của hồ sơ")
    auditor.shot("replay-error")
    auditor.check()
