"""Over the whole URL map: every POST without a CSRF token is refused, every page that is not
declared public needs a signed-in user (or an API token), and responses carry no secrets.
Who else may reach what is the permission matrix's (tests/test_web_permissions.py)."""

from __future__ import annotations

import re

import pytest
from fixtures_web import PASSWORD, make_app

#: API endpoints authenticate with bearer tokens: no cookie, so no CSRF, but a 401 without.
API_PREFIX = "api."


def _url(rule) -> str:
    from werkzeug.routing.converters import NumberConverter

    values = {name: 1 if isinstance(rule._converters[name], NumberConverter) else "X"
              for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def _rules(app, method):
    return [r for r in app.url_map.iter_rules() if method in r.methods]


@pytest.fixture
def secured(web_services):
    app = make_app(web_services, WTF_CSRF_ENABLED=True)
    return app


def _signed_in_client(app, username="admin"):
    client = app.test_client()
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/dang-nhap", data={"username": username, "password": PASSWORD,
                                               "csrf_token": token})
    assert response.status_code == 302
    return client


def test_every_post_without_csrf_token_is_refused(secured):
    client = _signed_in_client(secured)
    checked = 0
    for rule in _rules(secured, "POST"):
        response = client.post(_url(rule), data={"reason": "x"})
        if rule.endpoint.startswith(API_PREFIX):
            assert response.status_code == 401, rule.rule  # no bearer token
        else:
            assert response.status_code == 400, (rule.rule, response.status_code)
            assert "CSRF" in response.get_data(as_text=True)
        checked += 1
    assert checked >= 10


def test_every_non_public_page_requires_sign_in(secured):
    from isobpmn.web.context import PUBLIC, declared_permission

    client = secured.test_client()
    checked = 0
    for rule in _rules(secured, "GET"):
        endpoint = rule.endpoint
        if declared_permission(secured, endpoint) == PUBLIC:
            continue
        response = client.get(_url(rule))
        if endpoint.startswith(API_PREFIX):
            assert response.status_code == 401, rule.rule
        else:
            assert response.status_code == 302, (rule.rule, response.status_code)
            assert "/dang-nhap" in response.headers["Location"], rule.rule
        checked += 1
    assert checked >= 8


def test_only_the_known_pages_are_public(app):
    """Making a page public is a decision: the list changes with it."""
    from isobpmn.web.context import PUBLIC, declared_permission

    public = {e for e in app.view_functions if declared_permission(app, e) == PUBLIC}
    assert public == {"static", "auth.login", "auth.logout", "i18n.switch", "home.health",
                      "home.index", "lookup.index", "lookup.rate", "api.openapi_document"}


def test_every_blueprint_is_registered(app):
    from isobpmn.web import BLUEPRINTS

    assert set(BLUEPRINTS) <= set(app.blueprints)


def test_session_cookie_is_http_only_and_samesite(web_services):
    app = make_app(web_services, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    response = client.post("/dang-nhap", data={"username": "motcua", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_sign_in_is_rate_limited(web_services):
    app = make_app(web_services, RATELIMIT_ENABLED=True, LOGIN_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/dang-nhap", data={"username": "motcua", "password": "sai"})
             .status_code for _ in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[-1] == 429


def test_production_config_needs_a_secret(monkeypatch):
    from isobpmn.web.config import ConfigError, load_config

    monkeypatch.delenv("ISOBPMN_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="ISOBPMN_SECRET_KEY"):
        load_config({})


def test_config_file_unknown_key(tmp_path, monkeypatch):
    from isobpmn.web.config import ConfigError, load_config

    path = tmp_path / "isobpmn.toml"
    path.write_text('[web]\nsecret_key = "x"\nlanguag = "en"\n', encoding="utf-8")
    monkeypatch.setenv("ISOBPMN_CONFIG", str(path))
    with pytest.raises(ConfigError, match="languag"):
        load_config({})


def test_every_setting_is_documented():
    from pathlib import Path

    from isobpmn.web.config import DEFAULTS

    text = (Path(__file__).resolve().parents[1] / "docs" / "web.md").read_text(encoding="utf-8")
    for key in DEFAULTS:
        assert f"| `{key}` |" in text, f"setting {key} is not in docs/web.md"
