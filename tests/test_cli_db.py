"""``isobpmn db upgrade|current`` on a real SQLite file and, when configured, PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from isobpmn.cli import cli
from isobpmn.store import head


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_upgrade_then_current(database_url):
    assert "empty (no revision)" in run("db", "current", "--url", database_url).output
    result = run("db", "upgrade", "--url", database_url)
    assert result.exit_code == 0
    assert f"upgraded from an empty database to revision {head()}" in result.output
    result = run("db", "upgrade", "--url", database_url)
    assert f"already at revision {head()}" in result.output
    result = run("db", "current", "--url", database_url)
    assert result.exit_code == 0 and f"revision {head()} (newest)" in result.output


def test_json_output(database_url):
    data = json.loads(run("db", "upgrade", "--url", database_url, "--format", "json").output)
    assert (data["before"], data["after"]) == (None, head())
    data = json.loads(run("db", "current", "--url", database_url, "--format", "json").output)
    assert data["current"] == data["head"] == head() and data["up_to_date"] is True


def test_default_database_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("ISOBPMN_DATABASE_URL", raising=False)
    monkeypatch.setenv("ISOBPMN_DATA_DIR", str(tmp_path))
    assert run("db", "upgrade").exit_code == 0
    assert (tmp_path / "isobpmn.sqlite3").is_file()


@pytest.mark.parametrize("args, message", [
    (["db", "upgrade", "--url", "mysql://u@h/db"], "error: unsupported database 'mysql'"),
    (["db", "current", "--url", "postgresql://u:secret@127.0.0.1:9/x"],
     "error: postgresql+psycopg://u:***@127.0.0.1:9/x: connection failed"),
])
def test_errors_are_one_line_with_exit_status_1(args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.output.startswith(message) and result.output.count("\n") == 1
    assert "secret" not in result.output


def test_unknown_revision(tmp_path):
    result = CliRunner().invoke(cli, ["db", "upgrade", "--url", f"sqlite:///{tmp_path}/d.db",
                                      "--revision", "9999"])
    assert result.exit_code == 1
    assert result.output == ("error: cannot upgrade to '9999': Can't locate revision "
                             "identified by '9999'\n")
