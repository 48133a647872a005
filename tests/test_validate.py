"""``isobpmn validate``: paths, configuration, exit status, report formats, --explain, --list-rules.

Diagrams are built per test; a config with ``extends = []`` switches on only the rules a test is
about, so the tests hold while the rule set grows.
"""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, ROOT, bpmn_bytes, chain, line_of, task

from isobpmn.cli import cli
from isobpmn.lint import all_rules

START = "start-event-required"
CLEAN = bpmn_bytes('<bpmn:startEvent id="S"/>\n' + task("T", "Tiếp nhận") +
                   '\n<bpmn:endEvent id="E"/>\n' + chain("S", "T", "E"))
NO_START = bpmn_bytes(task("T", "Tiếp nhận") + '\n<bpmn:endEvent id="E"/>\n' + chain("T", "E"))
SUPPRESSED = bpmn_bytes(task("T", "Tiếp nhận") + '\n<bpmn:endEvent id="E"/>\n' + chain("T", "E"),
                        f'<iso:suppress rule="{START}" reason="started by the national portal"/>')


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def library(tmp_path, monkeypatch):
    """A folder with a config switching on only start-event-required; the working directory."""
    (tmp_path / ".isobpmnrc").write_text(f'extends = []\nrules = {{ "{START}" = "error" }}\n',
                                         encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def put(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def validate(runner, *args):
    return runner.invoke(cli, ["validate", *map(str, args)], catch_exceptions=False)


# --- exit status and the text report ------------------------------------------------------------


def test_clean_library_exits_0(runner, library):
    put(library, "a.bpmn", CLEAN)
    result = validate(runner, ".")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("0 errors, 0 warnings in 1 file")


def test_errors_exit_1_with_line_severity_message_element_and_rule(runner, library):
    put(library, "bpmn/a.bpmn", NO_START)
    put(library, "bpmn/b.bpmn", CLEAN)
    result = validate(runner, "bpmn")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "bpmn/a.bpmn"
    where, severity, *rest = lines[1].split()
    assert where == f"{line_of(NO_START, '<bpmn:process')}:1" and severity == "error"
    assert lines[1].endswith(f"(P)  {START}")
    assert 'process "Thử" has no start event' in lines[1]
    assert "bpmn/b.bpmn" not in result.stdout  # clean files are not listed
    assert lines[-1].endswith("1 error, 0 warnings in 2 files")


def test_warnings_pass_unless_more_than_max_warnings(runner, library):
    (library / ".isobpmnrc").write_text(f'extends = []\nrules = {{ "{START}" = "warn" }}\n',
                                        encoding="utf-8")
    put(library, "a.bpmn", NO_START)
    put(library, "b.bpmn", NO_START)
    assert validate(runner, ".").exit_code == 0
    assert validate(runner, ".", "--max-warnings", "2").exit_code == 0
    result = validate(runner, ".", "--max-warnings", "1")
    assert result.exit_code == 1
    assert "2 warnings, more than --max-warnings 1" in result.stderr
    assert "warning" in result.stdout and "0 errors, 2 warnings in 2 files" in result.stdout


def test_suppressed_findings_are_hidden_counted_and_do_not_fail(runner, library):
    put(library, "a.bpmn", SUPPRESSED)
    result = validate(runner, ".")
    assert result.exit_code == 0
    assert START not in result.stdout
    assert "0 errors, 0 warnings in 1 file (1 suppressed)" in result.stdout
    shown = validate(runner, ".", "--show-suppressed")
    assert "(suppressed: started by the national portal)" in shown.stdout
    assert shown.exit_code == 0


def test_an_unreadable_file_is_an_error_of_that_file_only(runner, library):
    put(library, "a.bpmn", NO_START)
    put(library, "broken.bpmn", b"<bpmn:definitions")
    result = validate(runner, ".")
    assert result.exit_code == 1
    assert "broken.bpmn\n  1:1  error  not well-formed XML" in result.stdout
    assert "readable-bpmn-file" in result.stdout and START in result.stdout
    assert "2 errors, 0 warnings in 2 files" in result.stdout


# --- which files --------------------------------------------------------------------------------


def test_folders_recursively_skipping_hidden_ones_and_globs(runner, library):
    for name in ("a.bpmn", "sub/b.bpmn", "sub/deeper/c.bpmn", ".git/d.bpmn", "node_modules/x/e.bpmn",
                 "notes.txt"):
        put(library, name, NO_START)
    listed = lambda result: [line for line in result.stdout.splitlines() if line.endswith(".bpmn")]  # noqa: E731
    assert listed(validate(runner, ".")) == ["a.bpmn", "sub/b.bpmn", "sub/deeper/c.bpmn"]
    assert listed(validate(runner, "sub/**/*.bpmn")) == ["sub/b.bpmn", "sub/deeper/c.bpmn"]
    assert listed(validate(runner, "*.bpmn")) == ["a.bpmn"]
    assert listed(validate(runner, "s*")) == ["sub/b.bpmn", "sub/deeper/c.bpmn"]  # a folder matched
    # each file once, in argument order; a file named explicitly is checked whatever its name
    result = validate(runner, "sub/b.bpmn", "a.bpmn", "sub", "notes.txt")
    assert listed(result) == ["sub/b.bpmn", "a.bpmn", "sub/deeper/c.bpmn"]
    assert "notes.txt" in result.stdout and "in 4 files" in result.stdout


def test_a_file_outside_the_working_directory_keeps_its_path(runner, library, tmp_path_factory):
    other = put(tmp_path_factory.mktemp("elsewhere"), "x.bpmn", NO_START)
    result = validate(runner, other)
    assert other.as_posix() in result.stdout


@pytest.mark.parametrize("argument, message", [
    ("missing.bpmn", "missing.bpmn: no such file or folder"),
    ("empty", "empty: no .bpmn files in this folder"),
    ("**/*.nope.bpmn", "no .bpmn file matches this pattern"),
])
def test_a_path_that_names_no_file_is_a_usage_error(runner, library, argument, message):
    (library / "empty").mkdir()
    result = validate(runner, argument)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1


# --- configuration ------------------------------------------------------------------------------


def test_config_error_is_one_line_exit_2(runner, library):
    (library / ".isobpmnrc").write_text('extends = ["recomended"]\n', encoding="utf-8")
    put(library, "a.bpmn", CLEAN)
    result = validate(runner, ".")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert ".isobpmnrc: extends: unknown preset 'recomended'" in result.stderr
    assert result.stdout == ""


def test_explicit_config_and_preset(runner, library, tmp_path_factory):
    put(library, "a.bpmn", NO_START)
    quiet = tmp_path_factory.mktemp("ci") / "quiet.toml"
    quiet.write_text("extends = []\n", encoding="utf-8")
    assert validate(runner, ".", "--config", quiet).exit_code == 0
    assert validate(runner, ".", "--config", quiet, "--preset", "correctness").exit_code == 1
    assert validate(runner, ".", "--config", library / "missing.toml").exit_code == 2
    assert validate(runner, ".", "--preset", "all").exit_code == 2


def test_library_rules_see_every_file_of_the_run(runner, library):
    if "document-code-unique" not in all_rules():
        pytest.skip("document-code-unique is not written yet")
    (library / ".isobpmnrc").write_text('extends = []\nrules = { "document-code-unique" = "error" }\n',
                                        encoding="utf-8")
    data = EXAMPLE.read_bytes()
    put(library, "a.bpmn", data)
    put(library, "b.bpmn", data)
    result = validate(runner, ".")
    assert result.exit_code == 1
    assert "also used by b.bpmn" in result.stdout and "also used by a.bpmn" in result.stdout
    assert validate(runner, "a.bpmn").exit_code == 0  # alone it has nothing to clash with


# --- other formats and --output -----------------------------------------------------------------


def test_json_lists_every_file_with_findings_and_suppressions(runner, library):
    put(library, "a.bpmn", NO_START)
    put(library, "b.bpmn", SUPPRESSED)
    put(library, "c.bpmn", CLEAN)
    result = validate(runner, ".", "--format", "json")
    assert result.exit_code == 1
    files = json.loads(result.stdout)
    assert [f["path"] for f in files] == ["a.bpmn", "b.bpmn", "c.bpmn"]
    a, b, c = files
    assert (a["errors"], a["warnings"], a["suppressed"]) == (1, 0, 0)
    [finding] = a["findings"]
    assert finding == {
        "rule": START, "severity": "error", "message": 'process "Thử" has no start event',
        "line": line_of(NO_START, "<bpmn:process"), "column": None,
        "element": {"id": "P", "name": "Thử"}, "suppressed": False, "suppression_reason": None,
        "help": f"docs/rules/{START}.md",
    }
    assert b["errors"] == 0 and b["suppressed"] == 1
    assert b["findings"][0]["suppressed"] is True
    assert b["findings"][0]["suppression_reason"] == "started by the national portal"
    assert c["findings"] == []
    assert "1 error, 0 warnings in 3 files" in result.stderr  # the summary stays off stdout


def test_junit_is_one_suite_per_file_and_one_case_per_rule(runner, library):
    put(library, "a.bpmn", NO_START)
    put(library, "b.bpmn", SUPPRESSED)
    put(library, "broken.bpmn", b"\x00\x01junk")
    result = validate(runner, ".", "--format", "junit")
    root = ET.fromstring(result.stdout.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["a.bpmn", "b.bpmn", "broken.bpmn"]
    a = suites["a.bpmn"]
    assert [c.get("name") for c in a.findall("testcase")] == ["readable-bpmn-file", START]
    assert (a.get("tests"), a.get("failures"), a.get("errors")) == ("2", "1", "0")
    failure = a.find(f"testcase[@name='{START}']/failure")
    assert failure.get("type") == "error" and failure.get("message") == "1 error"
    assert "a.bpmn:" in failure.text and "has no start event" in failure.text
    assert suites["b.bpmn"].get("failures") == "0"
    assert "suppressed" in suites["b.bpmn"].find(f"testcase[@name='{START}']/system-out").text
    broken = suites["broken.bpmn"]
    assert [c.get("name") for c in broken.findall("testcase")] == ["readable-bpmn-file"]
    assert broken.find("testcase/failure") is not None
    assert root.get("tests") == "5" and root.get("failures") == "2"
    for element in root.iter():  # numbers where CI tools expect numbers
        for attribute in ("tests", "failures", "errors", "skipped"):
            if attribute in element.attrib:
                int(element.get(attribute))
        if "time" in element.attrib:
            float(element.get("time"))


def test_output_writes_the_report_and_summarises_on_stderr(runner, library):
    put(library, "a.bpmn", NO_START)
    target = library / "reports" / "deep" / "out.txt"
    result = validate(runner, ".", "--output", target)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == "1 error, 0 warnings in 1 file"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("a.bpmn\n") and "\x1b[" not in text  # no colours in a file
    validate(runner, ".", "--format", "sarif", "-o", library / "r.sarif")
    assert json.loads((library / "r.sarif").read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_output_that_cannot_be_written_is_exit_2(runner, library):
    put(library, "a.bpmn", CLEAN)
    put(library, "blocker", b"a file, not a folder")
    result = validate(runner, ".", "--output", library / "blocker" / "out.json")
    assert result.exit_code == 2 and "cannot write the report" in result.stderr


# --- --explain and --list-rules -----------------------------------------------------------------


def test_explain_prints_the_rule_page(runner):
    result = validate(runner, "--explain", START)
    assert result.exit_code == 0
    page = (ROOT / "docs" / "rules" / f"{START}.md").read_text(encoding="utf-8")
    assert result.stdout == page
    readable = validate(runner, "--explain", "readable-bpmn-file")
    assert "## What it checks" in readable.stdout and "DOCTYPE" in readable.stdout


def test_explain_an_unknown_rule_suggests_the_nearest(runner):
    result = validate(runner, "--explain", "start-event-requird")
    assert result.exit_code == 2
    assert f"did you mean '{START}'?" in result.stderr and result.stderr.count("\n") == 1


def test_list_rules(runner):
    result = validate(runner, "--list-rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["rule", "category", "severity", "presets", "summary"]
    ids = [line.split()[0] for line in lines[1:]]
    assert ids == list(all_rules())
    row = next(line for line in lines if line.startswith(START + " "))
    assert "correctness" in row and "error" in row and "recommended" in row
    data = json.loads(validate(runner, "--list-rules", "--format", "json").stdout)
    assert [r["id"] for r in data] == ids
    assert {"id", "category", "severity", "presets", "summary", "options"} <= set(data[0])


# --- progress bar and weight --------------------------------------------------------------------


def test_progress_bar_only_on_a_terminal_and_for_many_files(tmp_path):
    for i in range(25):
        put(tmp_path, f"p{i:02}.bpmn", CLEAN)
    (tmp_path / ".isobpmnrc").write_text("extends = []\n", encoding="utf-8")
    exe = Path(sys.executable).parent / "isobpmn"
    leader, follower = pty.openpty()
    seen = b""
    try:
        process = subprocess.Popen([str(exe), "validate", "."], cwd=tmp_path,
                                   stdout=subprocess.PIPE, stderr=follower)
        os.close(follower)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # never block: the terminal is read with a timeout
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the command closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            elif process.poll() is not None:
                break
        stdout, _ = process.communicate(timeout=60)
    finally:
        os.close(leader)
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout)
    assert result.returncode == 0
    assert b"Validating" in seen
    assert b"Validating" not in result.stdout
    piped = subprocess.run([str(exe), "validate", "."], cwd=tmp_path, capture_output=True, timeout=60)
    assert b"Validating" not in piped.stderr


def test_validate_command_stays_light():
    code = ("from isobpmn.cli import main\n"
            "try:\n    main(['validate', 'examples', '--format', 'json'])\nexcept SystemExit:\n    pass\n"
            "import sys\nprint(' '.join(sorted(sys.modules)), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    loaded = set(result.stderr.split())
    assert not {m for m in loaded if m.split(".")[0] in ("flask", "sqlalchemy", "SpiffWorkflow", "jinja2")}


# --- worker processes ---------------------------------------------------------------------------


def test_workers_give_the_same_report_as_one_process(tmp_path):
    from isobpmn.cli.validate_run import MIN_FILES_PER_JOB

    (tmp_path / ".isobpmnrc").write_text(f'extends = []\nrules = {{ "{START}" = "error" }}\n',
                                         encoding="utf-8")
    for i in range(2 * MIN_FILES_PER_JOB + 5):
        put(tmp_path, f"lib/p{i:02}.bpmn", [CLEAN, NO_START, SUPPRESSED][i % 3])
    put(tmp_path, "lib/broken.bpmn", b"<bpmn:definitions")
    exe = str(Path(sys.executable).parent / "isobpmn")
    run = lambda jobs: subprocess.run([exe, "validate", "lib", "--format", "json", "--jobs", jobs],  # noqa: E731
                                      cwd=tmp_path, capture_output=True, text=True, timeout=120)
    one, two = run("1"), run("2")
    assert one.returncode == two.returncode == 1
    assert "Traceback" not in two.stderr
    assert json.loads(one.stdout) == json.loads(two.stdout)
    assert len(json.loads(two.stdout)) == 2 * MIN_FILES_PER_JOB + 6


def test_workers_share_the_library(tmp_path):
    if "document-code-unique" not in all_rules():
        pytest.skip("document-code-unique is not written yet")
    from isobpmn.cli.validate_run import MIN_FILES_PER_JOB

    (tmp_path / ".isobpmnrc").write_text('extends = []\nrules = { "document-code-unique" = "error" }\n',
                                         encoding="utf-8")
    data = EXAMPLE.read_bytes()
    for i in range(2 * MIN_FILES_PER_JOB):
        code = b"QT-HT-05" if i in (0, 2 * MIN_FILES_PER_JOB - 1) else b"QT-HT-%d" % (100 + i)
        put(tmp_path, f"p{i:02}.bpmn", data.replace(b"QT-HT-05", code))
    exe = str(Path(sys.executable).parent / "isobpmn")
    result = subprocess.run([exe, "validate", ".", "--jobs", "2"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    last = f"p{2 * MIN_FILES_PER_JOB - 1:02}.bpmn"
    assert f"also used by {last}" in result.stdout and "also used by p00.bpmn" in result.stdout


@pytest.mark.parametrize("requested, files, cpus, expected", [
    (0, 200, 2, 2), (0, 200, 16, 8), (0, 30, 4, 1), (0, 60, 4, 3), (1, 500, 8, 1), (4, 200, 2, 4),
    (3, 10, 8, 1),
])
def test_how_many_workers(requested, files, cpus, expected):
    from isobpmn.cli.validate_run import plan_jobs

    assert plan_jobs(requested, files, cpus) == expected


def test_pre_commit_hook_runs_this_command_on_bpmn_files():
    import re as regex

    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hook = dict(regex.findall(r"^\s+(\w+): (.+)$", text, regex.M))
    hook["id"] = regex.search(r"^- id: (\S+)$", text, regex.M).group(1)
    assert hook["id"] == "isobpmn-validate" and hook["language"] == "python"
    assert hook["entry"] == "isobpmn validate"
    assert regex.search(hook["files"], "bpmn/dang-ky-khai-sinh.bpmn")
    assert not regex.search(hook["files"], "docs/validate.md")
    assert hook["pass_filenames"] == "false"  # the library rules need every file
