"""Vietnamese first, English available: every text of the pages has an English entry, and
every page renders in both languages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from fixtures_services import AGENCY, HO_KINH_DOANH, ready

WEB = Path(__file__).resolve().parents[1] / "src" / "isobpmn" / "web"
#: ``_("…")`` or ``_('…')`` in templates and views (also ``_(title)`` of LABELS, via the
#: formatting module's table).
CALL = re.compile(r"""_\(\s*(["'])((?:(?!\1).)+)\1""")


def _python_texts(path: Path) -> set[str]:
    """First arguments of ``_()`` calls that are string literals (concatenations included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "_" and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            found.add(node.args[0].value)
    return found


def texts() -> set[str]:
    found = set()
    for path in WEB.rglob("*.html"):
        for match in CALL.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(2))
    for path in WEB.rglob("*.py"):
        found |= _python_texts(path)
    from isobpmn.web.formatting import LABELS
    from isobpmn.web.errors import TITLES
    from isobpmn.web.inbox import SCOPES

    return found | set(LABELS.values()) | set(TITLES.values()) | set(SCOPES.values())


def test_every_text_has_an_english_entry():
    from isobpmn.web.i18n import catalog

    english = catalog("en")
    missing = sorted(t for t in texts() if t not in english)
    assert not missing, "no English for:\n" + "\n".join(missing)


def test_english_placeholders_match():
    from isobpmn.web.i18n import catalog

    placeholder = re.compile(r"%\((\w+)\)s")
    for vi, en in catalog("en").items():
        assert sorted(placeholder.findall(vi)) == sorted(placeholder.findall(en)), vi


#: GET endpoints that are not HTML pages.
NOT_PAGES = {"static", "i18n.switch", "home.index", "home.health", "cases.diagram",
             "documents.form_pdf", "documents.log_book_pdf", "procedures.download",
             "procedures.roles", "procedures.document", "cases.replay_json",
             "reports.ii06a", "reports.diagram"}


@pytest.mark.parametrize("lang,word", [("vi", "Công việc"), ("en", "Tasks")])
def test_every_page_renders_in_both_languages(app, client, auth, web_services, lang, word):
    code = web_services.receive_dossier(HO_KINH_DOANH, AGENCY, "Nguyễn Văn An",
                                        actor="motcua").case_code
    task = ready(web_services, code, "Task_TiepNhan")
    version = web_services.procedure_detail(HO_KINH_DOANH, "admin", agency=AGENCY).versions[0]
    nonconformity = web_services.open_nonconformity(AGENCY, "Biểu mẫu cũ", actor="admin")
    values = {"code": code, "task_id": task.id, "agency": AGENCY, "procedure": HO_KINH_DOANH,
              "kind": "receipt", "username": "motcua", "version_id": version.id, "fmt": "html",
              "nonconformity_id": nonconformity.id}
    overrides = {"admin.agency": {"code": AGENCY}, "procedures.show": {"code": HO_KINH_DOANH}}
    queries = {"documents.log_book": {"agency": AGENCY}, "procedures.show": {"agency": AGENCY},
               "procedures.diff": {"tu": version.id, "den": version.id}}
    client.get(f"/ngon-ngu/{lang}")
    auth.login("admin")
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES \
                or rule.endpoint.startswith("api."):
            continue
        given = {**values, **overrides.get(rule.endpoint, {})}
        url = rule.build({name: given[name] for name in rule.arguments},
                         append_unknown=False)[1]
        response = client.get(url, query_string=queries.get(rule.endpoint))
        assert response.status_code == 200, (url, response.status_code)
        page = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in page and word in page, url
        checked += 1
    assert checked >= 15
