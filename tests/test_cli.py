"""The ``isobpmn`` command line, run through click's runner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from isobpmn import __version__
from isobpmn.cli import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "xac-nhan-tinh-trang-hon-nhan.bpmn"
HKD = ROOT / "bpmn" / "dang-ky-ho-kinh-doanh.bpmn"


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(cli, list(map(str, args)), catch_exceptions=False)


def test_version(runner):
    result = run(runner, "--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"isobpmn {__version__}"


def test_version_as_a_process():
    exe = Path(sys.executable).parent / "isobpmn"
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"isobpmn {__version__}"


def test_show_prints_document_control_and_step_table(runner):
    result = run(runner, "procedures", "show", EXAMPLE)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "QT-HT-05" in out and "05/01/2026" in out
    for heading in ("TT", "Trình tự", "Trách nhiệm", "Thời gian", "Biểu mẫu/Kết quả"):
        assert heading in out
    assert "Tiếp nhận, kiểm tra" in out and "0,5 ngày làm việc" in out
    assert "Mẫu 01" in out
    assert "Soạn thảo" in out and "Phê duyệt" in out


def test_show_in_english(runner):
    result = run(runner, "procedures", "show", EXAMPLE, "--lang", "en")
    assert result.exit_code == 0
    assert "Responsible" in result.output and "0.5 working days" in result.output


def test_show_json(runner):
    result = run(runner, "procedures", "show", EXAMPLE, "--format", "json")
    data = json.loads(result.output)
    assert data["code"] == "QT-HT-05"
    assert data["issued"] == "2026-01-05"
    assert [s["number"] for s in data["steps"]] == ["1", "2"]
    assert data["steps"][0]["allotment"] == {"value": 0.5, "unit": "working-days",
                                             "text": "0,5 ngày làm việc"}
    assert data["main_path_allotment"]["value"] == 3
    assert data["dossier"]["components"][1]["copies"] == ["original", "certified"]


def test_list_json(runner, tmp_path):
    (tmp_path / "a.bpmn").write_bytes(EXAMPLE.read_bytes())
    result = run(runner, "procedures", "list", tmp_path, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    [entry] = data["procedures"]
    assert entry["code"] == "QT-HT-05" and entry["steps"] == 2
    assert entry["time_limit"]["unit"] == "working-days"
    assert data["errors"] == []


def test_list_reports_a_broken_file_and_keeps_going(runner, tmp_path):
    (tmp_path / "good.bpmn").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "bad.bpmn").write_text("<bpmn:definitions", encoding="utf-8")
    result = runner.invoke(cli, ["procedures", "list", str(tmp_path)])
    assert result.exit_code == 1
    assert "QT-HT-05" in result.stdout
    assert "bad.bpmn:1" in result.stderr and "not well-formed" in result.stderr


def test_list_empty_directory(runner, tmp_path):
    result = runner.invoke(cli, ["procedures", "list", str(tmp_path)])
    assert result.exit_code == 1
    assert "no .bpmn files" in result.stderr


@pytest.mark.parametrize("content, expected", [
    (b"", "file is empty"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a BPMN 2.0 file"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>', "DOCTYPE"),
    (b"\xff\xfe<\x00x\x00", "UTF-16"),
])
def test_show_bad_file_is_one_line_no_traceback(runner, tmp_path, content, expected):
    path = tmp_path / "x.bpmn"
    path.write_bytes(content)
    result = runner.invoke(cli, ["procedures", "show", str(path)])
    assert result.exit_code == 1
    assert expected in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert str(path) in result.stderr


def test_show_missing_file(runner, tmp_path):
    result = runner.invoke(cli, ["procedures", "show", str(tmp_path / "nope.bpmn")])
    assert result.exit_code == 1
    assert "no such file" in result.stderr


@pytest.mark.skipif(not HKD.exists(), reason="the procedure library is not in bpmn/ yet")
def test_show_ho_kinh_doanh_step_table(runner):
    result = run(runner, "procedures", "show", HKD)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Tổng thời gian các bước trên đường xử lý chính: 3 ngày làm việc / 3 ngày làm việc" in out
    assert "Bộ phận Một cửa" in out


def test_calendar_deadline_text(runner):
    result = run(runner, "calendar", "deadline", "--from", "12/02/2026 14:00",
                 "--duration", "3 working days")
    assert result.exit_code == 0
    assert "Hẹn trả kết quả:  24/02/2026 14:00 (Thứ Ba)" in result.output
    assert "17/02/2026 (Tết Nguyên Đán)" in result.output


def test_calendar_deadline_json_cutoff_same_day(runner):
    result = run(runner, "calendar", "deadline", "--from", "12/02/2026 15:30",
                 "--duration", "trong ngày", "--format", "json")
    data = json.loads(result.output)
    assert data["clock_starts_at"] == "2026-02-13T07:00:00+07:00"
    assert data["deadline"] == "2026-02-13T17:00:00+07:00"


def test_calendar_deadline_with_agency_config(runner, tmp_path):
    config = tmp_path / "agency.toml"
    config.write_text('[calendar]\nextra_days_off = ["2026-02-13"]\n', encoding="utf-8")
    result = run(runner, "calendar", "deadline", "--from", "12/02/2026 14:00",
                 "--duration", "3 working days", "--agency-config", config, "--format", "json")
    assert json.loads(result.output)["deadline"] == "2026-02-25T14:00:00+07:00"


@pytest.mark.parametrize("args, message", [
    (["--from", "32/02/2026", "--duration", "3 working days"], "--from"),
    (["--from", "12/02/2026", "--duration", "three days"], "--duration"),
    (["--from", "12/02/2026", "--duration", "3 fortnights"], "unknown time unit"),
])
def test_calendar_deadline_bad_input(runner, args, message):
    result = runner.invoke(cli, ["calendar", "deadline", *args])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_calendar_deadline_bad_config(runner, tmp_path):
    config = tmp_path / "agency.toml"
    config.write_text('[calendar]\noffice_hours = ["17:00-07:00"]\n', encoding="utf-8")
    result = runner.invoke(cli, ["calendar", "deadline", "--from", "12/02/2026 14:00",
                                 "--duration", "1 working day", "--agency-config", str(config)])
    assert result.exit_code == 1
    assert "office_hours" in result.stderr and str(config) in result.stderr


def test_calendar_days_lists_makeup_saturday(runner):
    result = run(runner, "calendar", "days", "--year", "2026", "--format", "json")
    days = {d["date"]: d for d in json.loads(result.output)}
    assert days["2026-08-22"]["working"] is True
    assert days["2026-08-31"]["working"] is False
    assert "2026-08-29" not in days  # an ordinary Saturday is not notable


def test_help_lists_commands_without_importing_them():
    from isobpmn.cli import COMMANDS, SUMMARIES

    for name in COMMANDS:
        command = cli.get_command(None, name)
        assert SUMMARIES.get(name) == command.get_short_help_str(100), (
            f"SUMMARIES[{name!r}] in isobpmn/cli/__init__.py must repeat the command's short help")
    code = ("import sys\nfrom isobpmn.cli import main\ntry:\n    main(['--help'])\n"
            "except SystemExit:\n    pass\nprint(sorted(m for m in sys.modules if m.startswith('isobpmn.cli.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
