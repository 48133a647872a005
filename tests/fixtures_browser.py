"""Browser fixtures, shared as a pytest plugin: Debian's chromium driven by Playwright.

``browser`` launches ``/usr/bin/chromium`` headless (never a downloaded browser), once per
module; ``app_server`` serves the real app (CSRF on, cookies, the real templates and static
files) on the seeded SQLite copy of ``fixtures_web`` with werkzeug in a thread on a free port;
``visit(name)`` opens a :class:`Visitor` (own cookies) at it. Screenshots go to
``$ISOBPMN_ARTIFACTS`` (default: the test's temporary directory); whatever a test's outcome,
the page each tab was last on is saved as ``last-<test>-<name>.png`` and its browser closed.

Playwright is imported only inside the fixtures, so the other tests collect without it; the
browser test modules skip themselves with :data:`needs_chromium` and :func:`needs_bundle`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from fixtures_web import PASSWORD, make_app

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
STATIC = ROOT / "src" / "isobpmn" / "web" / "static"
VIEWER = STATIC / "editor" / "viewer.js"
MODELER = STATIC / "editor" / "modeler.js"

#: Module mark of every browser test.
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does) to run the "
           "browser tests")


def needs_bundle(bundle: Path):
    """Skip unless the editor bundle ``bundle`` (viewer.js, modeler.js) has been built."""
    return pytest.mark.skipif(not bundle.exists(),
                              reason=f"{bundle.relative_to(ROOT)} is not built: run `make "
                                     "editor` (npm ci and npm run build in editor/)")


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve the WSGI ``app`` on a free local port in a thread; its base URL."""
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def app_server(web_services):
    """The real app with CSRF on, as in production; its base URL."""
    with serve(make_app(web_services, WTF_CSRF_ENABLED=True)) as base:
        yield base


@pytest.fixture
def artifacts(tmp_path) -> Path:
    folder = Path(os.environ.get("ISOBPMN_ARTIFACTS") or tmp_path / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Tab:
    """One browser context with one page (own cookies); ``shot(name)`` saves a full-page
    screenshot, ``check()`` fails on any script error the page raised."""

    viewport = {"width": 1280, "height": 900}

    def __init__(self, browser, base: str, artifacts: Path, name: str):
        self.context = browser.new_context(locale="vi-VN", viewport=self.viewport)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.base, self.artifacts, self.name = base, artifacts, name

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        return response

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.artifacts / f"{name}.png"), full_page=True)

    def check(self) -> None:
        assert not self.errors, f"script errors on {self.name}'s pages: {self.errors}"


class Visitor(Tab):
    """A person at the app; ``sign_in()`` with the seed's password."""

    def sign_in(self, password: str = PASSWORD) -> Visitor:
        from playwright.sync_api import expect

        self.go("/dang-nhap")
        self.page.fill("input[name=username]", self.name)
        self.page.fill("input[name=password]", password)
        self.page.click("form button[type=submit]")
        expect(self.page.locator("header .who")).to_be_visible()
        return self


class ModelerDriver:
    """Helpers for a page showing the modeler bundle on ``#modeler`` (mixed into a :class:`Tab`):
    ``js(code)`` runs code with ``c`` bound to the modeler's controller and ``m`` to the bpmn-js
    Modeler."""

    page: Any  # the Tab's

    def ready(self) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator("#modeler")).to_have_attribute("data-state", "ready")

    def js(self, code: str, arg=None):
        return self.page.evaluate(
            "([code, arg]) => { const c = isobpmnModeler.controllerOf("
            "document.getElementById('modeler')); const m = c.modeler; "
            "return new Function('c', 'm', 'arg', code)(c, m, arg); }", [code, arg])

    def settled(self) -> None:
        """Wait until the latest change has been validated and the answer shown."""
        self.page.wait_for_function(
            "() => ['ok', 'findings', 'failed'].includes("
            "document.querySelector('.iso-problems')?.dataset.state)")

    def select(self, bpmn_id: str) -> None:
        self.js("m.get('selection').select(m.get('elementRegistry').get(arg))", bpmn_id)

    def group(self, group_id: str):
        """The panel's group ``group_id``, opened."""
        group = self.page.locator(f"[data-group-id='group-{group_id}']")
        header = group.locator(".bio-properties-panel-group-header").first
        if "open" not in (header.get_attribute("class") or ""):
            header.click()
        return group

    def xml(self) -> str:
        return self.page.evaluate(
            "async () => (await isobpmnModeler.controllerOf(document.getElementById('modeler'))"
            ".modeler.saveXML({ format: true })).xml")


@pytest.fixture
def tabs(request):
    """``tabs(tab)`` keeps ``tab`` to be photographed (``last-<test>-<name>.png``) and closed
    when the test ends; returns it."""
    kept: list[Tab] = []

    def keep(tab: Tab) -> Tab:
        kept.append(tab)
        return tab

    yield keep
    with ExitStack() as closing:
        for tab in kept:
            closing.callback(tab.context.close)
        for tab in kept:
            tab.shot(f"last-{request.node.name}-{tab.name}")


@pytest.fixture
def visit(browser, app_server, artifacts, tabs):
    """``visit(name)``: a :class:`Visitor` ``name`` at the real app."""
    return lambda name: tabs(Visitor(browser, app_server, artifacts, name))
