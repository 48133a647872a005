"""The health check: public and cheap, 200 only when the database answers at this release's
schema revision, 503 with a JSON body otherwise (docs/deploy.md, *Health checks*)."""

from __future__ import annotations

import logging

import pytest
from fixtures_web import make_app

from isobpmn.services import Services
from isobpmn.store import Database, head, migrate


def _health(services):
    return make_app(services).test_client().get("/healthz")


def test_healthy_answers_ok_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", [
    "sqlite:////nonexistent-isobpmn-dir/isobpmn.sqlite3",
    "postgresql://nobody@127.0.0.1:1/isobpmn?connect_timeout=2",
], ids=["sqlite", "postgresql"])
def test_a_database_that_does_not_answer_is_503(url, caplog):
    db = Database.from_url(url)
    try:
        with caplog.at_level(logging.ERROR, logger="isobpmn.web.home"):
            response = _health(Services(db))
    finally:
        db.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert "127.0.0.1:1" not in response.get_data(as_text=True)  # the reason is logged only
    assert any("does not answer" in r.getMessage() for r in caplog.records)


def test_pending_migrations_are_503_with_both_revisions(database):
    previous = migrate.downgrade(database, "-1").after
    response = _health(Services(database))
    assert response.status_code == 503
    body = response.get_json()
    assert (body["status"], body["database"]) == ("unavailable", "ok")
    assert body["schema"] == {"revision": previous, "head": head()}
    assert "isobpmn db upgrade" in body["reason"]


def test_an_empty_database_is_503(empty_database):
    response = _health(Services(empty_database))
    assert response.status_code == 503
    assert response.get_json()["schema"] == {"revision": None, "head": head()}
