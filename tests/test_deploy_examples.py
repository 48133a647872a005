"""The deployment examples agree with the code: gunicorn accepts its configuration and loads
the app, the environment file sets only what the processes read, the systemd units and the
Procfile run real commands with real options, nginx matches the app's limits, and
docs/deploy.md links every file (docs/deploy.md)."""

from __future__ import annotations

import logging
import os
import re
import runpy
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from isobpmn.cli import cli
from isobpmn.cli.worker import worker
from isobpmn.logsetup import JsonFormatter
from isobpmn.store.db import DATA_DIR_ENV, URL_ENV
from isobpmn.web import config

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "examples" / "deploy"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
ENV_FILE = DEPLOY / "isobpmn.env.example"
UNITS = sorted(DEPLOY.glob("*.service"))
APP = "isobpmn.web.wsgi:app"
GUIDE = ROOT / "docs" / "deploy.md"


def _gunicorn_config(monkeypatch, **environment: str):
    """gunicorn's Config with the example file loaded the way gunicorn loads it (every name
    that is a setting goes through its validator)."""
    from gunicorn.config import Config

    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_TIMEOUT",
                 "GUNICORN_ACCESSLOG", "ISOBPMN_LOG_FORMAT", "ISOBPMN_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    cfg = Config()
    for key, value in runpy.run_path(str(GUNICORN_CONF)).items():
        if key in cfg.settings:
            cfg.set(key.lower(), value)
    return cfg


def test_gunicorn_settings_come_from_the_file_and_the_environment(monkeypatch):
    cfg = _gunicorn_config(monkeypatch)
    assert cfg.bind == ["127.0.0.1:8000"] and cfg.preload_app and cfg.accesslog is None
    assert cfg.workers >= 3 and cfg.timeout == 60 and cfg.errorlog == "-"
    cfg = _gunicorn_config(monkeypatch, GUNICORN_WORKERS="7", GUNICORN_THREADS="4",
                           GUNICORN_BIND="127.0.0.1:8001", GUNICORN_ACCESSLOG="-",
                           ISOBPMN_LOG_LEVEL="WARNING")
    assert (cfg.workers, cfg.threads, cfg.bind, cfg.accesslog, cfg.loglevel) == \
        (7, 4, ["127.0.0.1:8001"], "-", "warning")
    assert cfg.worker_class_str == "gthread"


def test_gunicorn_logs_json_with_the_apps_formatter(monkeypatch, capsys):
    cfg = _gunicorn_config(monkeypatch, ISOBPMN_LOG_FORMAT="json", GUNICORN_ACCESSLOG="-")
    log = cfg.logger_class(cfg)
    try:
        handlers = log.error_log.handlers + log.access_log.handlers
        assert handlers and all(isinstance(h.formatter, JsonFormatter) for h in handlers)
        log.info("Booting worker with pid: %s", 42)
    finally:
        for logger in (log.error_log, log.access_log):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
    assert '"message": "Booting worker with pid: 42"' in capsys.readouterr().err
    assert _gunicorn_config(monkeypatch).logger_class.__module__ == "gunicorn.glogging"


def test_gunicorn_checks_the_config_and_loads_the_app(tmp_path):
    """``gunicorn --check-config`` loads the file and imports the app, as at start."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {**os.environ, "ISOBPMN_SECRET_KEY": "s" * 64, "ISOBPMN_LOG_FORMAT": "json",
           "ISOBPMN_PROXY_FIX": "1", "ISOBPMN_LOG_REQUESTS": "true",
           URL_ENV: f"sqlite:///{tmp_path / 'isobpmn.sqlite3'}"}
    env.pop("ISOBPMN_CONFIG", None)
    result = subprocess.run([str(gunicorn), "--check-config", "--config", str(GUNICORN_CONF),
                             APP], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_creating_the_app_opens_no_connection_so_preloading_is_safe(tmp_path):
    """gunicorn forks after loading the app: no connection may be open then."""
    from isobpmn.web import create_app
    from isobpmn.web.context import services

    app = create_app({"TESTING": True, "SECRET_KEY": "s" * 64,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'isobpmn.sqlite3'}"})
    with app.app_context():
        db = services().db
    try:
        assert db.engine.pool.checkedout() == 0 and db.engine.pool.checkedin() == 0
    finally:
        db.dispose()


# --- the environment file ---------------------------------------------------------------------


def _env_file() -> dict[str, str]:
    """NAME=value lines, commented-out ones included (``#NAME=value``), as systemd reads them."""
    found = {}
    for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"#?([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            found[match.group(1)] = match.group(2).strip().strip('"')
    return found


def _variables_read() -> set[str]:
    read = {config.environment_variable(key) for key in config.DEFAULTS}
    read |= {config.CONFIG_ENV, URL_ENV, DATA_DIR_ENV}
    read |= {param.envvar for param in worker.params if param.envvar}
    return read - {None}


def test_every_isobpmn_variable_of_the_env_file_is_read():
    names = {name for name in _env_file() if name.startswith("ISOBPMN_")}
    assert names - _variables_read() == set()
    assert {"ISOBPMN_DATABASE_URL", "ISOBPMN_SECRET_KEY", "ISOBPMN_PROXY_FIX",
            "ISOBPMN_RATELIMIT_STORAGE_URI", "ISOBPMN_LOG_FORMAT"} <= names


def test_every_gunicorn_variable_of_the_env_file_is_read_by_the_config():
    source = GUNICORN_CONF.read_text(encoding="utf-8")
    names = [name for name in _env_file() if not name.startswith("ISOBPMN_")]
    assert names and all(f'"{name}"' in source and name.startswith("GUNICORN_")
                         for name in names)


def test_the_env_file_is_valid_for_the_app(monkeypatch):
    for name, value in _env_file().items():
        if name != config.CONFIG_ENV:
            monkeypatch.setenv(name, value)
    monkeypatch.delenv(config.CONFIG_ENV, raising=False)
    loaded = config.load_config({})
    assert loaded["PROXY_FIX"] == 1 and loaded["LOG_FORMAT"] == "json"
    assert loaded["MAX_CONTENT_LENGTH"] == config.DEFAULTS["MAX_CONTENT_LENGTH"]


def test_a_shell_reads_the_env_file_as_systemd_does(tmp_path):
    """Operators source it (``set -a; . file``) to run commands with the service's settings."""
    script = f'set -a; . "{ENV_FILE}"; set +a; env'
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True,
                            env={"PATH": os.environ.get("PATH", "")}, check=True)
    shell = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    expected = {k: v for k, v in _env_file().items() if k != config.CONFIG_ENV}
    assert {k: shell.get(k) for k in expected} == expected


# --- the commands ---------------------------------------------------------------------------


def _check_isobpmn(argv: list[str]) -> None:
    """``isobpmn …`` parses: the subcommands exist, and so do the options and their values."""
    command: click.Command = cli
    ctx = cli.make_context("isobpmn", [], resilient_parsing=True)
    args = list(argv)
    while isinstance(command, click.Group) and args and not args[0].startswith("-"):
        sub = command.get_command(ctx, args[0])
        assert sub is not None, f"isobpmn has no command {args[0]!r} ({shlex.join(argv)})"
        command, args = sub, args[1:]
        ctx = command.make_context(command.name, [], parent=ctx, resilient_parsing=True)
    command.make_context(command.name, args, parent=ctx.parent)


def _check_gunicorn(argv: list[str], config_dir: Path) -> None:
    from gunicorn.config import Config

    parsed = Config().parser().parse_args(argv)
    assert parsed.args == [APP], shlex.join(argv)
    assert Path(parsed.config).name == GUNICORN_CONF.name
    assert (config_dir / Path(parsed.config).name).is_file()


def _exec_start(unit: Path) -> list[str]:
    text = unit.read_text(encoding="utf-8")
    [line] = re.findall(r"^ExecStart=(.+)$", text, re.M)
    line = line.replace("%i", "1").replace("%H", "web1").replace("%%", "%")
    return shlex.split(line)


def test_the_units_start_real_commands():
    seen = set()
    for unit in UNITS:
        program, *argv = _exec_start(unit)
        name = Path(program).name
        assert program.startswith("/srv/isobpmn/venv/bin/"), unit.name
        if name == "gunicorn":
            _check_gunicorn(argv, DEPLOY)
        else:
            assert name == "isobpmn", unit.name
            _check_isobpmn(argv)
        seen.add(name)
        assert f"EnvironmentFile=/etc/isobpmn/{ENV_FILE.stem}" in unit.read_text(encoding="utf-8")
    assert seen == {"gunicorn", "isobpmn"}


def test_the_procfile_runs_real_commands():
    kinds = {}
    for line in (DEPLOY / "Procfile").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, command = line.split(":", 1)
            kinds[kind] = shlex.split(command)
    assert set(kinds) == {"web", "worker"}
    assert kinds["web"][0] == "gunicorn" and kinds["worker"][0] == "isobpmn"
    _check_gunicorn(kinds["web"][1:], DEPLOY)
    _check_isobpmn(kinds["worker"][1:])


@pytest.mark.parametrize("argv", [["worker", "--interval", "0"], ["worker", "--colour"],
                                  ["wroker"]])
def test_the_command_check_sees_mistakes(argv):
    with pytest.raises((click.UsageError, AssertionError)):
        _check_isobpmn(argv)


#: The guide's paths on a server, and what stands for them here.
SERVER_PATHS = {"/srv/isobpmn/library": str(ROOT / "bpmn")}


def test_the_guides_commands_exist():
    """Each ``isobpmn …`` line of the guide's shell blocks parses."""
    text = GUIDE.read_text(encoding="utf-8")
    lines = [line.strip() for block in re.findall(r"```sh\n(.*?)```", text, re.S)
             for line in block.splitlines()]
    commands = [shlex.split(line.split(" #")[0])[1:] for line in lines
                if line.startswith("isobpmn ")]
    assert len(commands) >= 5
    for argv in commands:
        _check_isobpmn([SERVER_PATHS.get(arg, arg) for arg in argv])


# --- nginx and the guide ----------------------------------------------------------------------


def _nginx() -> str:
    return (DEPLOY / "nginx-isobpmn.conf").read_text(encoding="utf-8")


def test_nginx_matches_the_app_and_gunicorn(monkeypatch):
    text = _nginx()
    [size] = re.findall(r"client_max_body_size (\d+)m;", text)
    assert int(size) * 1024 * 1024 == config.DEFAULTS["MAX_CONTENT_LENGTH"]
    cfg = _gunicorn_config(monkeypatch)
    [upstream] = re.findall(r"upstream isobpmn \{\s*server (\S+)", text)
    assert [upstream] == cfg.bind
    for timeout in re.findall(r"proxy_read_timeout (\d+)s;", text):
        assert int(timeout) > cfg.timeout
    for header in ("X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme",
                   "X-Forwarded-Host $host", "X-Request-Id $request_id"):
        assert f"proxy_set_header {header};" in text
    assert re.search(r"alias /srv/isobpmn/static/;", text)


def test_the_guide_links_every_example_file():
    text = GUIDE.read_text(encoding="utf-8")
    for path in sorted(DEPLOY.iterdir()):
        assert f"](../examples/deploy/{path.name})" in text, f"docs/deploy.md does not link {path.name}"


def test_every_example_file_is_commented():
    for path in sorted(DEPLOY.iterdir()):
        text = path.read_text(encoding="utf-8")
        comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
        assert text.startswith(("#", '"""')) and len(comments) >= 5, path.name


def test_log_records_in_the_guide_are_json():
    import json

    text = GUIDE.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    assert blocks
    for block in blocks:
        entry = json.loads(block)
        assert {"time", "level", "logger", "message"} <= set(entry)
        assert logging.getLevelName(entry["level"]) != f"Level {entry['level']}"
