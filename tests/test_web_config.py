"""The settings: every key described, the generated references current, the deployment
settings read from the environment and checked, ProxyFix in front of the rate limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures_web import make_app

from isobpmn.cli.worker import worker
from isobpmn.web import config
from isobpmn.web.config import DEFAULTS, DESCRIPTIONS, ConfigError, load_config

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_key_has_a_description():
    assert set(DESCRIPTIONS) == set(DEFAULTS)
    assert all(text.strip().endswith((".", ")")) for text in DESCRIPTIONS.values())
    assert set(config._ENV) <= set(DEFAULTS)


def test_configuration_reference_is_current():
    assert (DOCS / "configuration.md").read_text(encoding="utf-8") == config.reference(worker), (
        "docs/configuration.md is out of date: run `make docs`")


def test_web_guide_lists_every_key():
    text = (DOCS / "web.md").read_text(encoding="utf-8")
    assert text == config.with_settings_index(text), "the keys in docs/web.md are stale: run `make docs`"


def test_the_worker_section_names_every_variable_the_worker_reads():
    text = (DOCS / "configuration.md").read_text(encoding="utf-8").split("## The worker", 1)[1]
    for param in worker.params:
        if param.envvar:
            assert f"| `{param.envvar}` | `{param.opts[0]}` |" in text


@pytest.fixture
def production(monkeypatch):
    """The environment of a deployed process: a secret, no test flags."""
    for key in config._ENV:
        monkeypatch.delenv(f"ISOBPMN_{key}", raising=False)
    monkeypatch.delenv("ISOBPMN_CONFIG", raising=False)
    monkeypatch.setenv("ISOBPMN_SECRET_KEY", "s" * 64)
    return monkeypatch


def test_deployment_settings_from_the_environment(production):
    production.setenv("ISOBPMN_PROXY_FIX", "1")
    production.setenv("ISOBPMN_LOG_FORMAT", "JSON")
    production.setenv("ISOBPMN_LOG_LEVEL", "debug")
    production.setenv("ISOBPMN_LOG_REQUESTS", "true")
    production.setenv("ISOBPMN_MAX_CONTENT_LENGTH", "1048576")
    loaded = load_config({})
    assert (loaded["PROXY_FIX"], loaded["LOG_FORMAT"], loaded["LOG_LEVEL"],
            loaded["LOG_REQUESTS"], loaded["MAX_CONTENT_LENGTH"]) == (1, "json", "DEBUG", True,
                                                                      1048576)


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("ISOBPMN_PROXY_FIX", "yes", "whole number"),
    ("ISOBPMN_PROXY_FIX", "-1", "number of proxies"),
    ("ISOBPMN_LOG_FORMAT", "xml", "text or json"),
    ("ISOBPMN_LOG_LEVEL", "loud", "DEBUG, INFO"),
    ("ISOBPMN_LOG_REQUESTS", "maybe", "true or false"),
])
def test_a_wrong_deployment_setting_stops_the_start(production, variable, value, message):
    production.setenv(variable, value)
    with pytest.raises(ConfigError, match=message):
        load_config({})


def _sign_in_attempts(app, address: str, times: int) -> list[int]:
    client = app.test_client()
    return [client.post("/dang-nhap", data={"username": "motcua", "password": "wrong"},
                        headers={"X-Forwarded-For": address}).status_code
            for _ in range(times)]


def test_proxy_fix_gives_each_client_its_own_rate_limit(web_services):
    app = make_app(web_services, PROXY_FIX=1, RATELIMIT_ENABLED=True, LOGIN_LIMIT="2 per minute")
    assert _sign_in_attempts(app, "203.0.113.7", 3)[-1] == 429
    assert _sign_in_attempts(app, "203.0.113.8", 1) != [429]


def test_without_proxy_fix_the_forwarded_address_is_ignored(web_services):
    app = make_app(web_services, RATELIMIT_ENABLED=True, LOGIN_LIMIT="2 per minute")
    assert _sign_in_attempts(app, "203.0.113.7", 3)[-1] == 429
    assert _sign_in_attempts(app, "203.0.113.8", 1) == [429]


def _seen_by_the_app(app, headers: dict[str, str]) -> dict[str, str]:
    from flask import request

    app.add_url_rule("/_seen", "seen", lambda: {"url": request.host_url,
                                                "client": request.remote_addr})
    return app.test_client().get("/_seen", headers=headers).get_json()


FORWARDED = {"X-Forwarded-For": "198.51.100.4", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "dichvucong.example.gov.vn"}


def test_proxy_fix_takes_client_scheme_and_host_from_the_proxy(web_services):
    seen = _seen_by_the_app(make_app(web_services, PROXY_FIX=1), FORWARDED)
    assert seen == {"url": "https://dichvucong.example.gov.vn/", "client": "198.51.100.4"}


def test_without_proxy_fix_the_headers_change_nothing(web_services):
    seen = _seen_by_the_app(make_app(web_services), FORWARDED)
    assert seen == {"url": "http://localhost/", "client": "127.0.0.1"}
