"""``isobpmn demo seed``: the demo province on a fresh SQLite file, its dossiers at every stage
whatever the day, the logins printed, and a second run that changes nothing."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from isobpmn.cli import cli

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "bpmn"
STATUSES = {"open": 10, "paused": 1, "returned": 7, "resolved": 1, "refused": 1}
OUTCOMES = {"early": 3, "on_time": 3, "late": 2}


@pytest.fixture
def db_url(tmp_path) -> str:
    from isobpmn.store import upgrade

    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    upgrade(url)
    return url


def seed(url: str, *args: str):
    return CliRunner().invoke(cli, ["demo", "seed", "--database", url,
                                    "--library", str(LIBRARY), *args])


def test_seed_prints_the_dossiers_and_logins_then_changes_nothing(db_url, tmp_path):
    from isobpmn.services.demo import DEMO_PASSWORD
    from isobpmn.services.demo_data import STAFF

    result = seed(db_url)
    assert result.exit_code == 0, result.output
    assert "5 procedure(s) published, 20 dossier(s)" in result.output
    assert f"Logins (password: {DEMO_PASSWORD})" in result.output
    for username, full_name, _, _ in STAFF:
        assert username in result.output and full_name in result.output
    codes = re.findall(r"XA-(?:HOA-AN|BINH-MINH)-\d{6}-\d{4}", result.output)
    assert len(set(codes)) == 20

    with sqlite3.connect(tmp_path / "demo.sqlite3") as con:
        statuses = dict(con.execute("SELECT status, count(*) FROM cases GROUP BY status"))
        outcomes = dict(con.execute("SELECT outcome, count(*) FROM cases "
                                    "WHERE outcome IS NOT NULL GROUP BY outcome"))
        overdue = con.execute("SELECT count(*) FROM tasks WHERE state IN ('ready', 'claimed') "
                              "AND sla_state = 'overdue'").fetchone()[0]
        ratings = con.execute("SELECT count(*) FROM ratings").fetchone()[0]
        apologies = con.execute("SELECT count(*) FROM events "
                                "WHERE kind = 'apology_issued'").fetchone()[0]
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert statuses == STATUSES
    assert outcomes == OUTCOMES
    assert overdue >= 4  # two overdue dossiers at Hòa An, one at Bình Minh, one step behind
    assert (ratings, apologies) == (6, 1)

    again = seed(db_url)
    assert again.exit_code == 0, again.output
    assert "already there; nothing changed" in again.output
    assert "motcua" in again.output and "admin" in again.output
    with sqlite3.connect(tmp_path / "demo.sqlite3") as con:
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == events


def test_every_demo_user_signs_in_with_the_printed_password(db_url):
    from isobpmn.services import Services
    from isobpmn.services.demo_data import STAFF
    from isobpmn.store import Database

    result = seed(db_url, "--password", "mat-khau-demo", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["password"] == "mat-khau-demo" and data["created"] is True
    assert {login["username"] for login in data["logins"]} == {s[0] for s in STAFF}
    db = Database.from_url(db_url)
    try:
        services = Services(db)
        for username, *_ in STAFF:
            assert services.authenticate(username, "mat-khau-demo").username == username
        for case in data["dossiers"]:
            view = services.case_view(case["code"])
            assert view.lookup_code == case["lookup_code"] and view.status == case["status"]
    finally:
        db.dispose()


def test_demo_staff_hold_every_lane_of_the_library(db_url):
    """Each lane's role (and unit) of the library's dossier procedures has a demo official in
    both communes, so every demo dossier can be worked on to its end."""
    from isobpmn.model import read_procedure
    from isobpmn.services.demo import NEEDED
    from isobpmn.services.demo_data import BINH_MINH, HOA_AN, STAFF

    held = {(agency, role, unit) for _, _, memberships, _ in STAFF
            for agency, role, unit in memberships}
    for path in sorted(LIBRARY.glob("*.bpmn")):
        procedure = read_procedure(path)
        if procedure.code not in NEEDED:
            continue
        for lane in procedure.lanes.values():
            role, unit = lane.role.code, lane.role.unit or None
            for agency in (HOA_AN, BINH_MINH):
                assert (agency, role, unit) in held, (
                    f"{path.name}: lane {lane.name!r} ({role}, {unit}) has no demo official "
                    f"in {agency}")


@pytest.mark.parametrize("now", ["2027-02-11T07:05:00+07:00", "2026-03-08T20:00:00+07:00"],
                         ids=["first-morning-after-tet", "sunday-evening"])
def test_stages_do_not_depend_on_the_day(db_url, now):
    from datetime import datetime

    from isobpmn.engine import FixedClock
    from isobpmn.services import Services
    from isobpmn.services.demo import seed_demo
    from isobpmn.store import Database

    moment = datetime.fromisoformat(now)
    db = Database.from_url(db_url)
    try:
        services = Services(db, FixedClock(moment))
        diagrams = [(p.name, p.read_bytes()) for p in sorted(LIBRARY.glob("*.bpmn"))]
        result = seed_demo(services.context, diagrams)
        assert Counter(c.status for c in result.dossiers) == STATUSES
        assert Counter(c.outcome for c in result.dossiers if c.outcome) == OUTCOMES
        latest = max(services.case_view(c.code).received_at for c in result.dossiers)
        assert latest <= moment
    finally:
        db.dispose()


def test_seed_refuses_a_library_without_the_dossiers_procedures(db_url, tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    (library / "khai-sinh.bpmn").write_bytes((LIBRARY / "dang-ky-khai-sinh.bpmn").read_bytes())
    result = CliRunner().invoke(cli, ["demo", "seed", "--database", db_url,
                                      "--library", str(library)])
    assert result.exit_code == 1
    assert "QT-DKKD-01, QT-XD-01" in result.stderr and "Traceback" not in result.output
    empty = CliRunner().invoke(cli, ["demo", "seed", "--database", db_url,
                                     "--library", str(tmp_path / "nowhere")])
    assert empty.exit_code == 1 and "no *.bpmn diagrams" in empty.stderr


def test_seed_on_a_database_not_migrated_says_what_to_do(tmp_path):
    result = CliRunner().invoke(cli, ["demo", "seed", "--library", str(LIBRARY), "--database",
                                      f"sqlite:///{tmp_path / 'empty.sqlite3'}"])
    assert result.exit_code == 1
    assert "isobpmn db upgrade" in result.stderr


def test_serve_answers_on_the_port_and_stops_on_ctrl_c(db_url):
    """``isobpmn serve`` (the last step of ``make demo``): the app with its worker thread, on
    the port asked for; Ctrl-C stops both."""
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "isobpmn", "serve", "--database", db_url,
               "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "ISOBPMN_SECRET_KEY": ""},
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert json.loads(r.read()) == {"status": "ok"}
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, \
                    server.stderr.read() if server.poll() is not None else "no answer in 30 s"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap", timeout=5) as page:
            assert "Đăng nhập" in page.read().decode("utf-8")
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=20)
    assert server.returncode == 0, err
    assert f"serving http://127.0.0.1:{port}/" in out and "worker every 30 s" in out


def test_serve_refuses_a_database_not_migrated(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--database",
                                      f"sqlite:///{tmp_path / 'empty.sqlite3'}"])
    assert result.exit_code == 1
    assert "run `isobpmn db upgrade` first" in result.stderr
