"""Web fixtures, shared as a pytest plugin, after flaskr: ``app``, ``client``, ``login``.

The web tests run on SQLite: a seeded province (``fixtures_services.seed``) with a password
for every user is built once per session and copied into each test's ``tmp_path``, so a test
starts from a fresh file in milliseconds. The clock is a :class:`ManualClock` at
``TUESDAY`` 09:00; CSRF is off except where a test turns it on (``csrf_app``).
"""

from __future__ import annotations

import shutil

import pytest

from fixtures_services import TUESDAY, seed

PASSWORD = "matkhau-2026"
USERS = ("motcua", "hotich", "chuyenvien", "chuyenvien2", "truongphong", "chutich", "vanthu",
         "motcua_bm", "admin")


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory):
    """A migrated, seeded SQLite file, made once per session."""
    from isobpmn.engine import ManualClock
    from isobpmn.services import Services
    from isobpmn.store import Database, upgrade

    path = tmp_path_factory.mktemp("web-seed") / "isobpmn.sqlite3"
    db = Database.from_url(f"sqlite:///{path}")
    upgrade(db)
    services = Services(db, ManualClock(TUESDAY))
    seed(services)
    for username in USERS:
        services.set_password(username, PASSWORD)
    db.dispose()
    return path


@pytest.fixture
def web_clock():
    from isobpmn.engine import ManualClock

    return ManualClock(TUESDAY)


@pytest.fixture
def web_services(seeded_file, tmp_path, web_clock):
    from isobpmn.services import Services
    from isobpmn.store import Database

    path = tmp_path / "isobpmn.sqlite3"
    shutil.copyfile(seeded_file, path)
    db = Database.from_url(f"sqlite:///{path}")
    yield Services(db, web_clock)
    db.dispose()


def make_app(services, **config):
    from isobpmn.web import create_app

    settings = {"TESTING": True, "SERVICES": services, "SESSION_COOKIE_SECURE": False,
                "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test-secret",
                "RATELIMIT_ENABLED": False, **config}
    return create_app(settings)


@pytest.fixture
def app(web_services):
    return make_app(web_services)


@pytest.fixture
def csrf_app(web_services):
    """The app with CSRF protection on, as in production."""
    return make_app(web_services, WTF_CSRF_ENABLED=True)


@pytest.fixture
def client(app):
    return app.test_client()


class Auth:
    """``login(username)`` / ``logout()`` on a test client."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str = "motcua", password: str = PASSWORD):
        response = self.client.post("/dang-nhap", data={"username": username,
                                                        "password": password})
        assert response.status_code == 302, f"sign-in of {username} failed"
        return response

    def logout(self):
        return self.client.post("/dang-xuat")


@pytest.fixture
def auth(client):
    return Auth(client)
