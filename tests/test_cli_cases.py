"""The command line on the services: publish, receive, show, tasks, worker, audit verify."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fixtures_services import LIBRARY, seed
from sqlalchemy import text

from isobpmn.cli import cli
from isobpmn.engine import ManualClock
from isobpmn.services import Services

HKD_FILE = str(LIBRARY / "dang-ky-ho-kinh-doanh.bpmn")
KS_FILE = str(LIBRARY / "dang-ky-khai-sinh.bpmn")


@pytest.fixture
def url(database):
    """A migrated database with the directory of fixtures_services and no procedure yet."""
    from fixtures_services import TUESDAY

    seed(Services(database, ManualClock(TUESDAY)), procedures=())
    return database.engine.url.render_as_string(hide_password=False)


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result


def test_publish_receive_show(url):
    out = run("procedures", "publish", KS_FILE, "--agency", "XA-HOA-AN", "--database", url).output
    assert out.startswith("published QT-HT-01 revision 03 for XA-HOA-AN")
    out = run("procedures", "publish", KS_FILE, "--agency", "XA-HOA-AN", "--database", url).output
    assert "already published" in out and "nothing changed" in out
    out = run("cases", "receive", "--procedure", "QT-HT-01", "--agency", "XA-HOA-AN",
              "--applicant", "Nguyễn Văn Nam", "--address", "Thôn 1", "--user", "motcua",
              "--received-at", "13/02/2026 15:30", "--database", url).output
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in out
    assert "Mã hồ sơ: XA-HOA-AN-260213-0001" in out
    assert "4. Thời gian nhận hồ sơ: 15 giờ 30 phút, ngày 13/02/2026 (nhập sau)" in out
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 23/02/2026" in out
    data = json.loads(run("cases", "show", "XA-HOA-AN-260213-0001", "--database", url,
                          "--format", "json").output)
    assert data["appointment_at"] == "2026-02-23T17:00:00+07:00"
    assert data["status"] == "open" and data["events"][0]["kind"] == "case_received"
    out = run("cases", "show", "XA-HOA-AN-260213-0001", "--database", url).output
    assert "Hẹn trả: 23/02/2026 17:00" in out and "case_received" in out
    # the appointment is long past (the command runs on today's clock): no step moves on
    task_id = str(data["tasks"][0]["id"])
    result = run("tasks", "complete", task_id, "--user", "motcua", "--field",
                 "nguoi_yeu_cau=Nguyễn Văn Nam", "--field", "ket_qua_kiem_tra=tiep_nhan",
                 "--database", url, code=1)
    assert result.output.startswith("error: cannot complete task") and \
        "apology letter (Mẫu 04)" in result.output and result.output.count("\n") == 1


def test_tasks_list_claim_complete_worker_audit(url):
    run("procedures", "publish", HKD_FILE, "--agency", "XA-HOA-AN", "--database", url)
    receipt = json.loads(run("cases", "receive", "--procedure", "QT-DKKD-01", "--agency",
                             "XA-HOA-AN", "--applicant", "Trần Thị B", "--user", "motcua",
                             "--component", "1", "--database", url, "--format", "json").output)
    assert [c["no"] for c in receipt["components"]] == [1]
    [task] = json.loads(run("tasks", "list", "--user", "motcua", "--unclaimed", "--database",
                            url, "--format", "json").output)
    assert task["case_code"] == receipt["case_code"] and task["bpmn_id"] == "Task_TiepNhan"
    assert "no open tasks" in run("tasks", "list", "--user", "motcua", "--mine",
                                  "--database", url).output
    result = run("tasks", "claim", str(task["id"]), "--user", "chuyenvien", "--database", url,
                 code=1)
    assert "needs the role mot-cua" in result.output
    assert "claimed by motcua" in run("tasks", "claim", str(task["id"]), "--user", "motcua",
                                      "--database", url).output
    assert receipt["case_code"] in run("tasks", "list", "--user", "motcua", "--mine",
                                       "--database", url).output
    result = run("tasks", "complete", str(task["id"]), "--user", "motcua", "--field",
                 "ho_so_day_du=maybe", "--database", url, code=1)
    assert "ho_so_day_du (Hồ sơ đầy đủ, hợp lệ)" in result.output
    assert "nguoi_nop" in result.output and "required" in result.output
    out = run("tasks", "complete", str(task["id"]), "--user", "motcua", "--field",
              "nguoi_nop=Trần Thị B", "--field", "ho_so_day_du=có", "--database", url).output
    assert "completed by motcua" in out and "now ready:" in out and "Thẩm định" in out
    out = run("worker", "--once", "--database", url).output
    assert out.startswith("fired 0 timer(s)")
    assert run("audit", "verify", "--database", url).output.startswith("ok: ")
    report = json.loads(run("audit", "verify", "--case", receipt["case_code"], "--database",
                            url, "--format", "json").output)
    assert report["ok"] and report["chains"] == 1 and report["events"] == 3


def test_audit_verify_exits_1_on_a_hand_edited_event(url, database):
    if database.dialect != "sqlite":
        pytest.skip("PostgreSQL refuses the edit itself (test_audit)")
    run("procedures", "publish", HKD_FILE, "--agency", "XA-HOA-AN", "--database", url)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE events SET actor_name = 'someone else' WHERE seq = 2 "
                                "AND chain_key = 'system'"))
    result = run("audit", "verify", "--database", url, code=1)
    assert result.output.startswith("break: system #2 (event ")
    assert "1 break(s)" in result.output


@pytest.mark.parametrize("args, code, message", [
    (["cases", "show", "XA-0"], 1, "error: no dossier with the code 'XA-0'\n"),
    (["cases", "receive", "--procedure", "QT-DKKD-01", "--agency", "XA-HOA-AN", "--applicant",
      "A", "--user", "motcua", "--received-at", "31/02/2026"], 2, "--received-at"),
    (["tasks", "claim", "999", "--user", "motcua"], 1, "error: no task with id 999\n"),
    (["tasks", "complete", "1", "--user", "motcua", "--field", "novalue"], 2, "name=value"),
    (["tasks", "list", "--user", "nobody"], 1, "error: no user 'nobody'\n"),
    (["audit", "verify", "--case", "XA-0"], 1, "error: no dossier with the code 'XA-0'\n"),
])
def test_errors_are_one_line(url, args, code, message):
    result = CliRunner().invoke(cli, [*args, "--database", url])
    assert result.exit_code == code and message in result.output
    assert "Traceback" not in result.output


def test_an_unmigrated_database_says_what_to_do(tmp_path):
    result = CliRunner().invoke(cli, ["cases", "show", "X", "--database",
                                      f"sqlite:///{tmp_path / 'empty.sqlite3'}"])
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and "isobpmn db upgrade" in result.output
