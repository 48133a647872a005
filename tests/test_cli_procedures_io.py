"""``isobpmn procedures import`` and ``export`` on a real database."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fixtures_services import AGENCY, LIBRARY, TUESDAY, seed

from isobpmn.cli import cli
from isobpmn.engine import ManualClock
from isobpmn.services import Services

KS_FILE = LIBRARY / "dang-ky-khai-sinh.bpmn"
HKD_FILE = LIBRARY / "dang-ky-ho-kinh-doanh.bpmn"


@pytest.fixture
def seeded(database):
    """The directory of fixtures_services with no procedure yet, and its URL."""
    services = Services(database, ManualClock(TUESDAY))
    seed(services, procedures=())
    return services, database.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def folder(tmp_path):
    """One good diagram, one broken file, in a folder with a subfolder."""
    (tmp_path / "ho-tich").mkdir()
    (tmp_path / "ho-tich" / "khai-sinh.bpmn").write_bytes(KS_FILE.read_bytes())
    (tmp_path / "hong.bpmn").write_text("<bpmn:definitions", encoding="utf-8")
    return tmp_path


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == code, result.output
    return result


def test_import_drafts_reports_each_file(seeded, folder):
    services, url = seeded
    result = run("procedures", "import", folder, "--agency", AGENCY, "--user", "truongphong",
                 "--database", url, code=1)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok       ho-tich/khai-sinh.bpmn: QT-HT-01 revision 03 draft "
                               "(version ")
    assert lines[1].startswith("error    hong.bpmn: hong.bpmn:1: not well-formed XML")
    assert "1 imported, 1 failed" in result.stderr
    [summary] = services.list_procedures("truongphong")
    assert (summary.code, summary.open_status, summary.published_revision) == \
        ("QT-HT-01", "draft", None)
    again = json.loads(run("procedures", "import", folder, "--agency", AGENCY, "--user",
                           "truongphong", "--database", url, "--format", "json",
                           code=1).stdout)
    assert again[0]["ok"] is False and "already has a version on its way" in again[0]["error"]


def test_import_needs_a_user_for_drafts(seeded, folder):
    _, url = seeded
    result = run("procedures", "import", folder, "--database", url, code=1)
    assert result.stderr.startswith("error: --user is required to import drafts")


def test_import_publish_and_export(seeded, folder, tmp_path):
    services, url = seeded
    (folder / "hong.bpmn").unlink()
    (folder / "hkd.bpmn").write_bytes(HKD_FILE.read_bytes())
    out = run("procedures", "import", folder, "--agency", AGENCY, "--publish",
              "--database", url).stdout
    assert "QT-DKKD-01 revision 02 published (version" in out
    assert "QT-HT-01 revision 03 published" in out
    out = run("procedures", "import", folder, "--agency", AGENCY, "--publish",
              "--database", url).stdout
    assert out.count("already (nothing changed)") == 2
    target = tmp_path / "out" / "ks.bpmn"
    out = run("procedures", "export", "QT-HT-01", "-o", target, "--database", url).stdout
    assert out == f"wrote QT-HT-01 of {AGENCY} revision 03 (published) to {target}\n"
    assert target.read_bytes() == KS_FILE.read_bytes()
    result = run("procedures", "export", "QT-HT-01", "--revision", "9", "-o", target,
                 "--database", url, code=1)
    assert result.stderr == "error: QT-HT-01 has no revision 9\n"
    result = run("procedures", "export", "QT-HT-01", "-o", target, "--user", "motcua_bm",
                 "--database", url, code=1)
    assert "motcua_bm holds no role" in result.stderr
