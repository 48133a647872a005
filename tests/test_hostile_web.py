"""Hostile input to the web app: paths and file names, markup in every field a user types, and
injection through filters, sort keys and ids.

- **Paths**: a file name or a code from the user never becomes a path or a header as it is:
  ``../../etc/passwd``, absolute paths, NUL bytes, backslashes and line breaks in uploads, in
  the codes download names are built from, in route parameters, in ``isobpmn document``.
- **Markup**: ``<script>``, an attribute breaking out of its quotes and a ``javascript:`` URL
  are stored in every field officials, applicants and diagrams fill in; then every page a
  crawler reaches from the menus, every print form and the procedure document are fetched
  as several users, and the raw payload must appear in none of them.
- **Injection**: SQL fragments, wildcards, huge and negative numbers, unknown choices and
  repeated parameters in the filters of the inbox, the dossier list, the reports, the
  nonconformities, the log book, the user list and the API: 400/404/422 or ignored, never 500,
  never more data than the filter-less page shows.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE
from fixtures_services import (
    AGENCY,
    FILES,
    HKD_HAPPY,
    HO_KINH_DOANH,
    LIBRARY,
    OTHER_AGENCY,
    ready,
    vn,
)
from fixtures_web import PASSWORD, Auth

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
SINGLE = "' onmouseover='alert(1)"
JS_URL = "javascript:alert(1)"
#: One payload for every free-text field: each part attacks another HTML context.
PAYLOAD = f"X{SCRIPT}{BREAKOUT}{SINGLE}"
#: What must never be in a page: each part of :data:`PAYLOAD` where it would act, unescaped.
RAW = (SCRIPT, "<img src=x onerror")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"}
CASE_CODE = re.compile(r"\b(?:XA|TINH|HUYEN)-[A-Z-]+-\d{6}-\d{4}\b")


def _xml_escaped(text: str) -> str:
    return html.escape(text, quote=True)


# --- paths and file names ------------------------------------------------------------------


TRAVERSALS = [
    "../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..\\..\\windows\\win.ini", "/etc/passwd", "%2fetc%2fpasswd", "%00", "a%00b",
    "....%2f%2f....%2f%2fetc%2fpasswd", "%252e%252e%252fetc%252fpasswd", "%c0%ae%c0%ae%2f",
    "..", ".", "~root", "%0d%0aSet-Cookie:%20x=1",
]
#: What a leaked file would show.
LEAKS = ("root:x:0:0", "[extensions]", "SECRET_KEY", "def create_app")


def _injected_cookies(response) -> list[str]:
    """Cookies the response sets other than the session's own: a header written from input."""
    return [c for c in response.headers.getlist("Set-Cookie")
            if not c.startswith("isobpmn_session=")]


def _rules_with_strings(app):
    """GET rules with a string (or path) argument: where a traversal can be put."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.startswith("api."):
            continue
        names = [n for n in rule.arguments
                 if "Integer" not in type(rule._converters[n]).__name__]
        if names:
            yield rule, names


def _build(rule, values: dict[str, str]) -> str:
    """The rule's path with ``values`` put in raw (already %-encoded where needed)."""
    path = rule.rule
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        value = values.get(name, "1" if "Integer" in converter else "X")
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", lambda _, v=value: v, path)
    return path


def test_route_parameters_never_reach_a_file(client, auth, app):
    auth.login("admin")
    tried = 0
    for rule, names in _rules_with_strings(app):
        for traversal in TRAVERSALS:
            url = _build(rule, dict.fromkeys(names, traversal))
            response = client.get(url)
            tried += 1
            assert response.status_code in (200, 302, 308, 400, 403, 404, 422), \
                (url, response.status_code)
            body = response.get_data(as_text=True)
            assert not any(leak in body for leak in LEAKS), url
            assert not _injected_cookies(response), url
    print(f"\ntraversal: {tried} requests over the routes with a text parameter")
    assert tried > 100


STATIC = ["/static/../../etc/passwd", "/static/..%2f..%2fetc%2fpasswd",
          "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/static/editor/..%2f..%2f..%2fconfig.py",
          "/static/..\\..\\config.py", "/static/%00", "/static/editor%00.js", "//etc/passwd",
          "/static//etc/passwd", "/static/editor/../../__init__.py"]


def test_static_files_stay_in_their_folder(client):
    for path in STATIC:
        response = client.get(path)
        assert response.status_code in (308, 400, 404), (path, response.status_code)
        body = response.get_data(as_text=True)
        assert not any(leak in body for leak in LEAKS), path


UPLOAD_NAMES = ["../../etc/passwd", "/etc/passwd", "..\\..\\boot.ini", "a\x00b.bpmn",
                "C:\\Windows\\x.bpmn", f"{SCRIPT}.bpmn", "x\r\nSet-Cookie: y=1.bpmn",
                "ảnh hồ sơ.bpmn", "." * 300]


def _upload(client, data: bytes, filename: str, *, follow: bool = False):
    return client.post("/quy-trinh/tai-len", data={
        "file": (io.BytesIO(data), filename), "agency": AGENCY},
        content_type="multipart/form-data", follow_redirects=follow)


def _diagram(code: str, **replace: str) -> bytes:
    text = EXAMPLE.read_text(encoding="utf-8").replace('code="QT-HT-05"', f'code="{code}"')
    for old, new in replace.items():
        text = text.replace(old, new)
    return text.encode("utf-8")


def test_upload_file_names_are_labels_not_paths(client, auth, tmp_path, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    auth.login("truongphong")
    canary = work / "canary.bpmn"
    for number, name in enumerate([*UPLOAD_NAMES, str(canary)]):
        response = _upload(client, _diagram(f"QT-TEN-{number:02d}"), name)
        if "\x00" in name:  # refused before any view reads it
            assert response.status_code == 400 and _clean(response.get_data(as_text=True))
            continue
        assert response.status_code == 302, (name, response.status_code)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert _clean(page)
        # a broken diagram under the same name: its name is shown, escaped, in the refusal
        refused = _upload(client, b"<broken", name, follow=True).get_data(as_text=True)
        assert _clean(refused)
    assert sorted(p.name for p in work.iterdir()) == [], "an upload wrote a file"
    assert not canary.exists()


CODES = ["../../etc/passwd", "..\\..\\x", "/etc/passwd", "QT&#13;&#10;Set-Cookie: x=1",
         "QT&quot;; filename=evil.exe", "QT&#0;", "QT-01/UBND", _xml_escaped(PAYLOAD)]


def test_download_names_built_from_a_code_are_neutralised(client, auth):
    auth.login("truongphong")
    for number, code in enumerate(CODES):
        response = _upload(client, _diagram(code), "x.bpmn")
        if "/phien-ban/" not in response.headers["Location"]:  # refused as unreadable: fine
            assert _clean(client.get(response.headers["Location"]).get_data(as_text=True))
            continue
        version = response.headers["Location"]
        served = [f"{version}.bpmn?tai=1", f"{version}/tai-lieu.html"]
        if number == 0:  # the Word file is named the same way, and takes longest to make
            served.append(f"{version}/tai-lieu.docx")
        for url in served:
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.status_code)
            disposition = answer.headers["Content-Disposition"]
            name = disposition.partition("filename=")[2].strip('"')
            assert name and "/" not in name and "\\" not in name and ".." not in name, disposition
            assert not re.search(r"[\x00-\x1f\"]", name), disposition
            assert not _injected_cookies(answer), answer.headers
        for url in (version, "/quy-trinh/", f"{version}/tai-lieu.html"):
            assert _clean(client.get(url).get_data(as_text=True)), url
        client.post(f"{version}/huy")  # discard, so that the next code is a new procedure


def test_the_document_command_names_its_file_from_the_code_safely(tmp_path, monkeypatch):
    from isobpmn.cli import cli

    monkeypatch.chdir(tmp_path)
    source = tmp_path / "in" / "diagram.bpmn"
    source.parent.mkdir()
    for code in ("../../evil", "/tmp/evil", "..\\..\\evil", "a&#10;b", _xml_escaped(SCRIPT)):
        source.write_bytes(_diagram(code))
        before = set(tmp_path.rglob("*"))
        result = CliRunner().invoke(cli, ["document", str(source), "--format", "html"])
        assert result.exit_code == 0, result.output
        [written] = set(tmp_path.rglob("*")) - before
        assert written.parent == tmp_path and written.name.endswith(".html"), written
        assert re.fullmatch(r"[A-Za-z0-9_-]+\.html", written.name), written.name
        assert SCRIPT not in written.read_text(encoding="utf-8")
        written.unlink()
    assert not (tmp_path.parent / "evil").exists() and not Path("/tmp/evil.html").exists()


# --- markup in every field -------------------------------------------------------------------


def _plant(services, clock, client) -> dict:
    """Store :data:`PAYLOAD` in every kind of field; what was made, for the crawl."""
    made: dict = {"cases": [], "versions": []}
    admin = "admin"
    services.update_agency(AGENCY, name=f"UBND {PAYLOAD}", address=PAYLOAD, calendar=None,
                           public_names=True, actor=admin)
    services.create_unit(AGENCY, "xss-unit", PAYLOAD, actor=admin)
    services.create_user("xss_user", PAYLOAD, email="x@example.com", actor=admin)
    services.add_membership("xss_user", AGENCY, "chuyen-vien", unit="xss-unit", actor=admin)
    services.create_api_token("motcua", PAYLOAD)
    applicant = {"name": PAYLOAD, "id_number": PAYLOAD, "address": PAYLOAD, "phone": PAYLOAD,
                 "email": JS_URL}

    def receive() -> str:
        code = services.receive_dossier(HO_KINH_DOANH, AGENCY, applicant, actor="motcua",
                                        request=PAYLOAD).case_code
        made["cases"].append(code)
        return code

    # supplement requested and received, with the payload in every text of it
    code = receive()
    services.complete_task(ready(services, code, "Task_TiepNhan").id, "motcua",
                           {"nguoi_nop": PAYLOAD, "ho_so_day_du": "không"})
    services.request_supplement(ready(services, code, "Task_HuongDanBoSung").id, "motcua",
                                reason=PAYLOAD, contact=PAYLOAD,
                                items=[{"name": PAYLOAD, "quantity": 1, "copy": "certified"}])
    clock.advance(hours=1)
    services.receive_supplement(code, "motcua", note=PAYLOAD)
    # a fee pause, a return to the previous step, an apology, and on to the return of the result
    code = receive()
    clock.advance(hours=1)
    services.await_payment(code, "motcua", note=PAYLOAD, amount="100000")
    clock.advance(hours=1)
    services.record_payment(code, "motcua", receipt_no=PAYLOAD)
    for bpmn_id, actor, data in HKD_HAPPY[:2]:
        clock.advance(minutes=30)
        data = {key: PAYLOAD if key in ("ten_ho_kinh_doanh", "nganh_nghe", "nguoi_nop")
                else value for key, value in data.items()}
        services.complete_task(ready(services, code, bpmn_id).id, actor, data)
    services.return_to_previous(ready(services, code, "Task_XemXet").id, "truongphong", PAYLOAD)
    services.issue_apology(code, "motcua", new_appointment=vn(2026, 3, 20, 16, 0),
                           reason=PAYLOAD, signer="chutich")
    for bpmn_id, actor, data in HKD_HAPPY[1:]:
        clock.advance(minutes=30)
        services.complete_task(ready(services, code, bpmn_id).id, actor, data)
    services.return_result(code, "motcua", receiver=PAYLOAD)
    receipt_code = code
    # refused, withdrawn
    services.refuse(receive(), "motcua", PAYLOAD, contact=PAYLOAD)
    services.withdraw(receive(), "motcua", PAYLOAD)
    # the applicant's rating, through the public page
    lookup = services.case_view(receipt_code)
    made["lookup"] = (receipt_code, lookup.lookup_code)
    rated = client.post("/tra-cuu/danh-gia", data={"ma": receipt_code,
                                                   "xac-thuc": lookup.lookup_code,
                                                   "score": "1", "comment": PAYLOAD})
    assert rated.status_code == 200, rated.get_data(as_text=True)[:500]
    # quality: an objective, a nonconformity with its cause, action and verification
    services.set_quality_objective(AGENCY, 2026, "on_time_rate", 98, actor="chutich",
                                   title=PAYLOAD)
    opened = services.open_nonconformity(AGENCY, PAYLOAD, actor="chutich",
                                         case_code=receipt_code, step="Task_ThamDinh")
    services.record_nonconformity_cause(opened.id, PAYLOAD, actor="chutich")
    services.plan_corrective_action(opened.id, PAYLOAD, owner="motcua",
                                    due_on=date(2026, 3, 20), actor="chutich")
    made["nonconformity"] = opened.id
    # a diagram whose title, lanes, steps, flows and documentation carry the payload
    escaped = _xml_escaped(PAYLOAD)
    diagram = _diagram("QT-XSS-01", **{
        "<iso:title>": f"<iso:title>{escaped} ",
        'name="Bộ phận Một cửa"': f'name="{escaped}"',
        'name="Tiếp nhận, kiểm tra hồ sơ"': f'name="{escaped}"',
        'name="Trả kết quả"': f'name="{escaped}"',
        'labelEn="Dossier complete"': f'labelEn="{escaped}"',
        'label="Hồ sơ đầy đủ"': f'label="{escaped}"',
        'isExecutable="true">': f'isExecutable="true"><bpmn:documentation>{escaped}'
                                "</bpmn:documentation>"})
    assert escaped in diagram.decode()
    version = services.create_draft(diagram, "truongphong", agency=AGENCY,
                                    name=f"{PAYLOAD}.bpmn")
    made["versions"].append(version.id)
    services.submit_version(version.id, "truongphong")
    services.review_version(version.id, "chutich", comment=PAYLOAD, verdict="changes")
    return made


@pytest.fixture
def planted(web_services, web_clock, client):
    return _plant(web_services, web_clock, client)


SKIP = re.compile(r"/dang-xuat|/ngon-ngu/|\.(pdf|docx|xlsx|csv|bpmn)(\?|$)|^/static/|/phat-lai\.json")


def _crawl(client, starts: list[str], limit: int) -> dict[str, object]:
    """GET every same-site link reachable from ``starts`` (up to ``limit`` pages)."""
    seen: dict[str, object] = {}
    queue = list(starts)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        response = client.get(url)
        seen[url] = response
        if response.mimetype != "text/html":
            continue
        for link in re.findall(r'href="([^"#]+)', response.get_data(as_text=True)):
            target = urljoin(url, html.unescape(link))
            parts = urlsplit(target)
            if parts.netloc in ("", "localhost") and parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


class Acting(HTMLParser):
    """What in a page would run the payload, as a browser parses it: an event attribute or a
    ``javascript:`` URL carrying it, a script element holding it, the injected image."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and "alert(1)" in value:
                self.found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and value.startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "img" and ("src", "x") in attrs:
            self.found.append("<img src=x>")
        kind = dict(attrs).get("type") or "text/javascript"
        self.script = tag == "script" and "json" not in kind

    def handle_endtag(self, tag: str) -> None:
        self.script = False

    def handle_data(self, data: str) -> None:
        if self.script and "alert(1)" in data:
            self.found.append("<script>alert(1)")


def acting(body: str) -> list[str]:
    """Where ``body`` would run the payload (empty: nowhere)."""
    parser = Acting()
    parser.feed(body)
    parser.close()
    return parser.found + [raw for raw in RAW if raw in body]


def _clean(body: str) -> bool:
    return not acting(body)


def _assert_clean(url: str, response) -> None:
    assert response.status_code < 500, (url, response.status_code)
    found = acting(response.get_data(as_text=True))
    assert not found, f"{url}: the payload would run: {found}"


def test_markup_is_escaped_on_every_page(planted, app, client):
    starts = ["/", "/cong-viec/?scope=all", "/ho-so/", "/quy-trinh/", "/bao-cao/",
              "/chat-luong/khong-phu-hop", "/chat-luong/muc-tieu", "/chat-luong/xem-xet-lanh-dao",
              "/so-theo-doi", "/tai-khoan", "/tiep-nhan/"]
    for code in planted["cases"]:
        starts += [f"/ho-so/{code}", f"/ho-so/{code}/phat-lai"]
        starts += [f"/ho-so/{code}/bieu-mau/{kind}" for kind in
                   ("receipt", "supplement", "refusal", "apology", "control-sheet", "stop")]
    for version in planted["versions"]:
        starts += [f"/quy-trinh/phien-ban/{version}", f"/quy-trinh/phien-ban/{version}/soan-thao",
                   f"/quy-trinh/phien-ban/{version}/tai-lieu.html"]
    starts.append(f"/chat-luong/khong-phu-hop/{planted['nonconformity']}")
    pages, showing = 0, 0
    for user in ("admin", "chutich", "motcua"):
        Auth(client).logout()
        Auth(client).login(user, PASSWORD)
        admin_pages = ["/quan-tri/", "/quan-tri/nguoi-dung", "/quan-tri/nguoi-dung/xss_user",
                       f"/quan-tri/co-quan/{AGENCY}", "/quan-tri/co-quan"] \
            if user == "admin" else []
        seen = _crawl(client, starts + admin_pages, limit=130)
        for url, response in seen.items():
            _assert_clean(url, response)
            showing += "&lt;script&gt;alert(1)" in response.get_data(as_text=True)
        pages += len(seen)
    Auth(client).logout()
    code, verification = planted["lookup"]
    public = client.post("/tra-cuu", data={"ma": code, "xac-thuc": verification})
    assert public.status_code == 200
    _assert_clean("/tra-cuu", public)
    print(f"\nmarkup: {pages + 1} pages fetched as 3 users and the public, {showing} of them "
          "showing the payload, escaped in all")
    assert pages > 100 and showing > 50


def test_the_payload_is_shown_escaped_not_dropped(planted, client, auth):
    """The check above is only worth something if the payload is on the pages at all."""
    auth.login("chutich")
    code = planted["cases"][1]
    page = client.get(f"/ho-so/{code}").get_data(as_text=True)
    assert html.escape(SCRIPT, quote=False) in page or "&lt;script&gt;" in page
    form = client.get(f"/ho-so/{code}/bieu-mau/apology").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in form


# --- injection through filters, sort keys and ids --------------------------------------------


HOSTILE = ["' OR 1=1--", "1; DROP TABLE cases;--", "%", "_", "\\", "\x00", "9" * 40, "-1",
           "-99999999999999999999", "1e309", "[]", SCRIPT, "a" * 5000, "../../etc/passwd",
           OTHER_AGENCY, "31/12/9999", "29/02/2025", "\u202e"]
#: A parameter sent twice, or PHP-style as a list, with these values.
REPEATED = HOSTILE[:2]

#: page → the parameters it reads (and ``sort``/``page`` where none is read: ignored).
FILTERS = {
    "/cong-viec/": ("scope", "sla", "procedure", "unit", "sort"),
    "/ho-so/": ("status", "q", "agency", "page", "limit"),
    "/bao-cao/": ("agency", "thu_tuc", "tu", "den"),
    "/chat-luong/khong-phu-hop": ("agency", "status", "qua_han", "cua_toi"),
    "/chat-luong/muc-tieu": ("agency", "nam"),
    "/chat-luong/xem-xet-lanh-dao": ("agency", "tu", "den"),
    "/so-theo-doi": ("agency", "tu", "den"),
    "/quan-tri/nguoi-dung": ("q", "sort"),
    "/quy-trinh/so-sanh": ("tu", "den"),
}
USERS = {"/quan-tri/nguoi-dung": "admin"}


def _codes(response) -> set[str]:
    return set(CASE_CODE.findall(response.get_data(as_text=True)))


@pytest.fixture
def dossiers(web_services, web_clock):
    """Dossiers in two agencies, so that a filter that leaks would show the other's."""
    codes = [web_services.receive_dossier(HO_KINH_DOANH, AGENCY, f"Người nộp {n}",
                                          actor="motcua").case_code for n in range(3)]
    web_services.publish_procedure((LIBRARY / FILES[HO_KINH_DOANH]).read_bytes(), OTHER_AGENCY,
                                   name=FILES[HO_KINH_DOANH])
    other = web_services.receive_dossier(HO_KINH_DOANH, OTHER_AGENCY, "Bên kia",
                                         actor="motcua_bm").case_code
    return codes, other


@pytest.mark.parametrize("page", FILTERS)
def test_hostile_filters_are_refused_or_ignored(page, dossiers, client, auth):
    own, other = dossiers
    auth.login(USERS.get(page, "chutich"))
    baseline = client.get(page)
    unfiltered = _codes(baseline) if baseline.status_code == 200 else set()
    assert other not in unfiltered
    tried = 0
    for name in FILTERS[page]:
        queries = [{name: value} for value in HOSTILE] + \
            [[(name, value), (name, "x")] for value in REPEATED] + \
            [{f"{name}[]": value} for value in REPEATED]
        for query in queries:
            response = client.get(page, query_string=query)
            tried += 1
            assert response.status_code in (200, 400, 403, 404, 422), \
                (page, query, response.status_code)
            assert _codes(response) <= unfiltered | set(own), (page, query)
            assert other not in _codes(response), (page, query)
            assert _clean(response.get_data(as_text=True)), (page, query)
    assert tried == len(FILTERS[page]) * (len(HOSTILE) + 2 * len(REPEATED))


def test_a_text_search_finds_its_text_not_a_pattern(dossiers, client, auth):
    auth.login("chutich")
    everything = _codes(client.get("/ho-so/"))
    assert len(everything) >= 3
    for pattern in ("%", "_", "%%", "' OR 1=1--", "\\"):
        assert _codes(client.get("/ho-so/", query_string={"q": pattern})) == set(), pattern
    auth.logout()
    auth.login("admin")
    users = client.get("/quan-tri/nguoi-dung", query_string={"q": "_"}).get_data(as_text=True)
    assert "motcua_bm" in users and "chuyenvien2" not in users  # "_" is an underscore
    every = client.get("/quan-tri/nguoi-dung", query_string={"q": "%"}).get_data(as_text=True)
    assert "truongphong" not in every


ID_PATHS = ["/cong-viec/{n}", "/quy-trinh/phien-ban/{n}", "/quy-trinh/phien-ban/{n}.bpmn",
            "/chat-luong/khong-phu-hop/{n}", "/quy-trinh/so-sanh?tu={n}&den={n}",
            "/quy-trinh/phien-ban/{n}/tai-lieu.html", "/ho-so/X/bieu-mau/receipt?so={n}"]
NUMBERS = ["0", "-1", "99999999999999999999", "9" * 5000, "9223372036854775808", "1e3", "0x10",
           "١٢"]


def test_ids_out_of_range_are_no_page_not_an_error(client, auth):
    auth.login("admin")
    for path in ID_PATHS:
        for number in NUMBERS:
            response = client.get(path.format(n=number))
            assert response.status_code in (400, 404, 422), (path, number, response.status_code)


API_FILTERS = {
    "/tasks": ("scope", "sla_state", "case", "limit", "sort", "page"),
}


def test_api_list_filters_are_refused_or_ignored(dossiers, client, web_services):
    token = web_services.create_api_token("chutich", "hostile").token
    headers = {"Authorization": f"Bearer {token}"}
    baseline = client.get("/api/v1/tasks?limit=500", headers=headers).get_json()["tasks"]
    visible = {task["id"] for task in baseline}
    tried = 0
    for name in API_FILTERS["/tasks"]:
        for value in HOSTILE:
            for query in ({name: value}, [(name, value), (name, "all")]):
                response = client.get("/api/v1/tasks", query_string=query, headers=headers)
                tried += 1
                assert response.status_code in (200, 400, 422), (query, response.status_code)
                body = response.get_json()
                if response.status_code == 200:
                    assert {task["id"] for task in body["tasks"]} <= visible, query
                else:
                    assert body["error"]["code"] and body["error"]["message"], body
    for path in ("/tasks/99999999999999999999", "/tasks/-1", "/tasks/9223372036854775808",
                 "/cases/%27%20OR%201=1--", "/cases/..%2f..%2fetc%2fpasswd", "/cases/%00"):
        response = client.get(f"/api/v1{path}", headers=headers)
        tried += 1
        assert response.status_code in (400, 404), (path, response.status_code)
        assert response.get_json()["error"]["code"]
    assert tried > 200


def test_nul_characters_are_refused_everywhere(client, auth, web_services, dossiers):
    """PostgreSQL cannot store a NUL character: it never reaches the database."""
    auth.login("motcua")
    own, _ = dossiers
    for response in (client.get("/ho-so/%00"), client.get("/ho-so/", query_string={"q": "a\x00"}),
                     client.get("/cong-viec/", query_string={"procedure\x00": "x"}),
                     client.post(f"/ho-so/{own[0]}/rut", data={"reason": "rút\x00"})):
        assert response.status_code == 400, response.status_code
    assert web_services.case_view(own[0]).status == "open"


def _api(client, web_services, user="motcua"):
    token = web_services.create_api_token(user, "hostile").token
    return lambda method, path, **kw: client.open(
        f"/api/v1{path}", method=method, headers={"Authorization": f"Bearer {token}"}, **kw)


def test_api_bodies_a_database_cannot_hold_are_unreadable(client, web_services, dossiers):
    call = _api(client, web_services)
    own, _ = dossiers
    task = web_services.case_view(own[0]).tasks[0].id
    before = web_services.case_view(own[0]).state_version
    new = {"procedure": HO_KINH_DOANH, "agency": AGENCY, "applicant": "Nguyễn Văn An"}
    deep = '{"applicant": ' + "[" * 100_000 + "]" * 100_000 + "}"
    bodies = [
        ("/cases", {**new, "revision": 10**30}, "revision"),
        ("/cases", {**new, "components": [1, -(10**30)]}, "components[1]"),
        ("/cases", {**new, "applicant": "An\x00"}, "applicant"),
        ("/cases", {**new, "applicant": {"name": "An", "address": "\ud800"}}, "applicant.address"),
        ("/cases", {**new, "received_at": "0001-01-01T00:00:00-12:00"}, "received_at"),
        ("/cases", {**new, "received_at": "31/12/9999 23:59"}, "received_at"),
        (f"/tasks/{task}/complete", {"data": {"nguoi_nop": ["ok", {"k\x00": 1}]}},
         "data.nguoi_nop[1].k\x00"),
        (f"/tasks/{task}/complete", {"expected_version": 2**63}, "expected_version"),
        (f"/cases/{own[1]}/apology", {"new_appointment": "9999-12-31T23:59:59+14:00",
                                      "reason": "r", "signer": "chutich"}, "new_appointment"),
    ]
    for path, body, field in bodies:
        response = call("POST", path, json=body)
        error = response.get_json()["error"]
        assert response.status_code == 400 and error["code"] == "InvalidBody", (path, error)
        assert error["field"] == field, (path, error)
    for raw in (deep, '{"applicant": NaN}', '{"revision": Infinity}', "[" * 50):
        response = call("POST", "/cases", data=raw, content_type="application/json")
        assert response.status_code == 400, (raw[:20], response.status_code)
        assert response.get_json()["error"]["code"] == "MalformedJson"
    for path in ("/tasks?case=%00", "/tasks?limit=99999999999999999999", "/cases/%00"):
        response = call("GET", path)
        assert response.status_code == 400, (path, response.status_code)
        assert response.get_json()["error"]["code"] == "InvalidParameter"
    assert web_services.case_view(own[0]).state_version == before
