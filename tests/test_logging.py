"""Logs: the JSON and text formats, the handler configure() installs, the web app's request
lines and request ids, the worker's rounds (docs/deploy.md, *Logs*)."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import threading
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from fixtures_web import make_app

from isobpmn import logsetup
from isobpmn.cli import cli
from isobpmn.cli.worker import LOGGER, run_rounds

TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@pytest.fixture
def root_logging():
    """Leave the root logger (and alembic's level) as the test found them."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    chatty = {name: logging.getLogger(name).level for name in logsetup.CHATTY}
    yield root
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in chatty.items():
        logging.getLogger(name).setLevel(old)


def _record(message="Đã tiếp nhận %s", args=("XA-HOA-AN-260303-0001",), exc_info=None, **extra):
    record = logging.LogRecord("isobpmn.test", logging.WARNING, __file__, 1, message, args,
                               exc_info)
    record.created = datetime(2026, 3, 3, 2, 0, 0, 123456, tzinfo=timezone.utc).timestamp()
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_line_has_time_level_logger_message_and_extras():
    line = logsetup.JsonFormatter().format(_record(status=200, duration_ms=12.5, user="motcua"))
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "2026-03-03T02:00:00.123Z", "level": "WARNING", "logger": "isobpmn.test",
        "message": "Đã tiếp nhận XA-HOA-AN-260303-0001", "status": 200, "duration_ms": 12.5,
        "user": "motcua"}
    assert "Đã tiếp nhận" in line  # Vietnamese as it is, not \\u escapes


def test_json_line_carries_the_exception_and_the_request_id():
    try:
        raise ValueError("sai")
    except ValueError:
        exc_info = sys.exc_info()
    token = logsetup.request_id.set("req-1")
    try:
        entry = json.loads(logsetup.JsonFormatter().format(_record("hỏng", (), exc_info)))
    finally:
        logsetup.request_id.reset(token)
    assert entry["request_id"] == "req-1"
    assert entry["exception"].startswith("Traceback") and "ValueError: sai" in entry["exception"]


def test_json_line_writes_any_value():
    entry = json.loads(logsetup.JsonFormatter().format(_record(at=datetime(2026, 3, 3))))
    assert entry["at"] == "2026-03-03 00:00:00"


def test_text_line():
    line = logsetup.TextFormatter().format(_record())
    assert line == ("2026-03-03T02:00:00.123Z WARNING isobpmn.test: "
                    "Đã tiếp nhận XA-HOA-AN-260303-0001")


def test_configure_replaces_its_own_handler_only(root_logging):
    other = logging.NullHandler()
    root_logging.addHandler(other)
    first, second = io.StringIO(), io.StringIO()
    logsetup.configure("text", "INFO", first)
    logsetup.configure("json", "info", second)
    logging.getLogger("isobpmn.test").info("một", extra={"case": "X-1"})
    logging.getLogger("isobpmn.test").debug("not at INFO")
    assert first.getvalue() == ""
    [line] = second.getvalue().splitlines()
    assert json.loads(line)["case"] == "X-1"
    assert other in root_logging.handlers
    assert all(logging.getLogger(name).getEffectiveLevel() == logging.WARNING
               for name in logsetup.CHATTY)


@pytest.mark.parametrize(("log_format", "level"), [("xml", "INFO"), ("json", "LOUD")])
def test_configure_refuses_unknown_values(log_format, level):
    with pytest.raises(ValueError, match="write one of"):
        logsetup.configure(log_format, level, io.StringIO())


def test_the_default_handler_follows_stderr(root_logging, capsys):
    logsetup.configure("json", "INFO")
    logging.getLogger("isobpmn.test").warning("ở stderr")
    assert json.loads(capsys.readouterr().err)["message"] == "ở stderr"


# --- the web app -------------------------------------------------------------------------------


def _requests(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "isobpmn.web.request"]


def test_one_line_per_request_with_user_status_and_duration(web_services, caplog):
    from fixtures_web import Auth

    app = make_app(web_services, LOG_REQUESTS=True)
    client = app.test_client()
    Auth(client).login("motcua")
    with caplog.at_level(logging.DEBUG, logger="isobpmn.web.request"):
        caplog.clear()  # the sign-in's own line, when an earlier test left logging on
        response = client.get("/tra-cuu?ma=K7Q2M9")
        client.get("/healthz")
    lookup, health = _requests(caplog)
    assert (lookup.method, lookup.path, lookup.status, lookup.user, lookup.levelno) == \
        ("GET", "/tra-cuu", response.status_code, "motcua", logging.INFO)
    assert lookup.duration_ms >= 0 and lookup.remote_addr == "127.0.0.1"
    assert "K7Q2M9" not in lookup.getMessage()  # the query string is never logged
    assert lookup.request_id == response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", lookup.request_id)
    assert health.levelno == logging.DEBUG
    entry = json.loads(logsetup.JsonFormatter().format(lookup))
    assert {"method", "path", "status", "duration_ms", "user", "request_id"} <= set(entry)


def test_requests_are_not_logged_unless_asked(client, caplog):
    with caplog.at_level(logging.DEBUG, logger="isobpmn.web.request"):
        response = client.get("/dang-nhap")
    assert _requests(caplog) == []
    assert response.headers["X-Request-Id"]


@pytest.mark.parametrize(("given", "kept"), [("9f1c2e4b-0001", True), ("x" * 65, False),
                                             ("a b<script>", False)])
def test_the_proxy_request_id_is_kept_when_sane(client, given, kept):
    answered = client.get("/healthz", headers={"X-Request-Id": given}).headers["X-Request-Id"]
    assert (answered == given) is kept


def test_an_app_outside_tests_sets_up_logging_from_its_settings(web_services, root_logging,
                                                                 capsys):
    app = make_app(web_services, TESTING=False, LOG_FORMAT="json", LOG_REQUESTS=True)
    app.test_client().get("/dang-nhap")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    [line] = [entry for entry in lines if entry["logger"] == "isobpmn.web.request"]
    assert TIME.fullmatch(line["time"]) and line["path"] == "/dang-nhap"
    assert line["status"] == 200 and line["request_id"]


# --- the worker --------------------------------------------------------------------------------


def _rounds(services, seconds: float = 0.3) -> None:
    stop = threading.Event()
    threading.Timer(seconds, stop.set).start()
    run_rounds(services, stop, 0.05, worker_id="w-test")


def test_worker_rounds_are_logged(services, caplog):
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        _rounds(services, 1.5)  # room for two rounds on a busy machine
    rounds = [r for r in caplog.records if r.getMessage().startswith("round:")]
    assert len(rounds) >= 2
    assert all(r.levelno == logging.DEBUG and r.worker == "w-test" for r in rounds)
    assert (rounds[0].fired, rounds[0].failed, rounds[0].sla_changed) == (0, 0, 0)


def test_a_failed_round_is_logged_and_the_next_comes(caplog, tmp_path):
    from isobpmn.services import Services
    from isobpmn.store import Database

    db = Database.from_url(f"sqlite:///{tmp_path / 'nothing-here' / 'x.sqlite3'}")
    try:
        with caplog.at_level(logging.ERROR, logger=LOGGER):
            _rounds(Services(db), 0.2)
    finally:
        db.dispose()
    failures = [r for r in caplog.records if r.getMessage().startswith("worker round failed")]
    assert len(failures) >= 2


def test_worker_reads_the_log_format_from_the_environment(root_logging, database_url, tmp_path):
    from isobpmn.store import upgrade

    upgrade(database_url)
    result = CliRunner().invoke(cli, ["worker", "--once", "--database", database_url],
                                env={"ISOBPMN_LOG_FORMAT": "json", "ISOBPMN_LOG_LEVEL": "WARNING"})
    assert result.exit_code == 0, result.output
    [handler] = [h for h in root_logging.handlers if getattr(h, "_isobpmn_handler", False)]
    assert isinstance(handler.formatter, logsetup.JsonFormatter)
    assert root_logging.level == logging.WARNING


def test_worker_loop_refuses_a_database_not_migrated(root_logging, tmp_path):
    result = CliRunner().invoke(cli, ["worker", "--database",
                                      f"sqlite:///{tmp_path / 'empty.sqlite3'}"])
    assert result.exit_code == 1
    assert "run `isobpmn db upgrade` first" in result.stderr


def test_worker_refuses_an_unknown_log_format():
    result = CliRunner().invoke(cli, ["worker", "--once", "--log-format", "xml"])
    assert result.exit_code == 2 and "xml" in result.stderr
