"""Validator configuration: finding the file, presets, rules, options, overrides, catalogues,
and an error naming the file and the key for every bad value."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from isobpmn.lint import ConfigError, ConfigFinder, Severity, all_rules, build_config, default_config
from isobpmn.lint.config import DEFAULT_CODE_PATTERN, PRESETS, preset_severities, read_config_file
from isobpmn.lint.globs import glob_regex

RULES = all_rules()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def on(config) -> dict[str, Severity]:
    return {rid: s.severity for rid, s in config.rules.items() if s.severity is not Severity.OFF}


def rule_with_option(kind: type) -> tuple[str, str, object]:
    """Some registered rule with an option whose default is of type ``kind``."""
    for rule in RULES.values():
        for key, value in rule.options.items():
            if type(value) is kind:
                return rule.id, key, value
    pytest.skip(f"no rule has a {kind.__name__} option yet")


def correctness_rule() -> str:
    return next(r.id for r in RULES.values() if r.category == "correctness")


# --- presets ------------------------------------------------------------------------------------


def test_default_is_recommended():
    assert on(default_config()) == preset_severities("recommended")
    assert default_config().code_pattern == DEFAULT_CODE_PATTERN


def test_strict_switches_every_rule_on_at_its_default_severity():
    assert on(build_config({"extends": "strict"}, "x")) == {
        r.id: r.severity for r in RULES.values() if r.severity is not Severity.OFF}


def test_correctness_is_the_category():
    assert set(on(build_config({"extends": ["correctness"]}, "x"))) == {
        r.id for r in RULES.values() if r.category == "correctness"}


def test_presets_are_applied_in_order_and_empty_extends_is_all_off():
    assert on(build_config({"extends": []}, "x")) == {}
    both = on(build_config({"extends": ["recommended", "tthc"]}, "x"))
    assert both == {**preset_severities("recommended"), **preset_severities("tthc")}


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_resolves(name):
    assert isinstance(preset_severities(name), dict)


# --- rules: severity and options ----------------------------------------------------------------


@pytest.mark.parametrize("word, expected", [
    ("off", Severity.OFF), ("info", Severity.INFO), ("warn", Severity.WARN),
    ("warning", Severity.WARN), ("error", Severity.ERROR), ("ERROR", Severity.ERROR),
    (0, Severity.OFF), (1, Severity.WARN), (2, Severity.ERROR),
])
def test_rule_severity_words(word, expected):
    rule_id = correctness_rule()
    config = build_config({"extends": [], "rules": {rule_id: word}}, "x")
    assert config.setting(rule_id).severity is expected


def test_rule_table_with_severity_and_option():
    rule_id, key, default = rule_with_option(str)
    config = build_config({"rules": {rule_id: {"severity": "info", key: "khac"}}}, "x")
    assert config.setting(rule_id).severity is Severity.INFO
    assert config.setting(rule_id).options[key] == "khac"
    assert default_config().setting(rule_id).options[key] == default  # defaults untouched


def test_rule_table_without_severity_turns_an_off_rule_on_at_its_default():
    rule_id, key, _ = rule_with_option(str)
    config = build_config({"extends": [], "rules": {rule_id: {key: "x"}}}, "x")
    assert config.setting(rule_id).severity is RULES[rule_id].severity


def test_float_option_accepts_a_whole_number():
    rule_id, key, _ = rule_with_option(float)
    config = build_config({"rules": {rule_id: {key: 1}}}, "x")
    assert config.setting(rule_id).options[key] == 1.0
    assert isinstance(config.setting(rule_id).options[key], float)


def test_enabled_lists_the_rules_that_run():
    rule_id = correctness_rule()
    assert build_config({"extends": [], "rules": {rule_id: "warn"}}, "x").enabled() == (rule_id,)


# --- catalogues, document code, docs_url --------------------------------------------------------


def test_catalogue_and_code_pattern():
    config = build_config({"catalogue": {"roles": ["mot-cua", "lanh-dao"], "forms": ["Mẫu 01"]},
                           "document": {"code_pattern": r"^QT\.\d+$"}}, "x")
    assert config.catalogue.roles == frozenset({"mot-cua", "lanh-dao"})
    assert config.catalogue.forms == frozenset({"Mẫu 01"})
    assert config.code_pattern == r"^QT\.\d+$"
    assert default_config().catalogue.roles == frozenset()


def test_docs_url():
    config = build_config({"docs_url": "https://example.org/r/{id}.html"}, "x")
    assert config.docs_url == "https://example.org/r/{id}.html"
    assert default_config().docs_url == ""


# --- overrides ----------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern, path, matches", [
    ("drafts/*.bpmn", "drafts/a.bpmn", True),
    ("drafts/*.bpmn", "drafts/sub/a.bpmn", False),  # * stays within one folder
    ("drafts/**/*.bpmn", "drafts/sub/a.bpmn", True),
    ("drafts/**/*.bpmn", "drafts/a.bpmn", True),  # ** may be no folder at all
    ("**/x.bpmn", "x.bpmn", True),
    ("*.nhap.bpmn", "a/b/c.nhap.bpmn", True),  # no slash: any depth
    ("drafts/", "drafts/a/b.bpmn", True),  # a folder: everything below
    ("drafts", "other/drafts/b.bpmn", True),
    ("/top.bpmn", "sub/top.bpmn", False),  # a leading slash anchors
    ("ho-tich-?.bpmn", "ho-tich-1.bpmn", True),
    ("[a-c]*.bpmn", "b.bpmn", True),
    ("[!a-c]*.bpmn", "b.bpmn", False),
    ("a.bpmn", "xa.bpmn", False),
])
def test_override_globs(pattern, path, matches):
    assert bool(glob_regex(pattern).fullmatch(path)) is matches


def test_overrides_apply_to_matching_files_in_order(tmp_path):
    rule_id = correctness_rule()
    data = {"rules": {rule_id: "error"}, "overrides": [
        {"files": ["drafts/**"], "rules": {rule_id: "warn"}},
        {"files": ["drafts/final/*.bpmn"], "rules": {rule_id: "info"}},
    ]}
    sev = lambda rel: build_config(data, "x", tmp_path / rel, tmp_path).setting(rule_id).severity  # noqa: E731
    assert sev("a.bpmn") is Severity.ERROR
    assert sev("drafts/a.bpmn") is Severity.WARN
    assert sev("drafts/final/a.bpmn") is Severity.INFO


def test_override_extends_switches_a_preset_on(tmp_path):
    data = {"extends": [], "overrides": [{"files": "strict/*.bpmn", "extends": "strict"}]}
    assert on(build_config(data, "x", tmp_path / "a.bpmn", tmp_path)) == {}
    assert len(on(build_config(data, "x", tmp_path / "strict" / "a.bpmn", tmp_path))) == len(
        preset_severities("strict"))


def test_an_override_that_matches_nothing_is_still_checked(tmp_path):
    data = {"overrides": [{"files": ["nowhere/*.bpmn"], "rules": {"no-such-rule": "off"}}]}
    with pytest.raises(ConfigError, match=r"overrides\[0\]: rules: unknown rule 'no-such-rule'"):
        build_config(data, "cfg", tmp_path / "a.bpmn", tmp_path)
    with pytest.raises(ConfigError):  # and without a file at all
        build_config(data, "cfg")


# --- finding the file ---------------------------------------------------------------------------


def test_search_goes_upward_and_the_nearest_config_wins_alone(tmp_path):
    rule_id = correctness_rule()
    outer = write(tmp_path / ".isobpmnrc", 'extends = ["strict"]\n[catalogue]\nroles = ["a"]\n')
    inner = write(tmp_path / "lib" / "sub" / ".isobpmnrc", f'extends = []\nrules = {{ "{rule_id}" = "info" }}\n')
    finder = ConfigFinder()
    deep = finder.for_file(tmp_path / "lib" / "sub" / "x" / "y" / "a.bpmn")
    assert deep.source == str(inner)
    assert on(deep) == {rule_id: Severity.INFO}
    assert deep.catalogue.roles == frozenset()  # not merged with the outer one
    top = finder.for_file(tmp_path / "lib" / "b.bpmn")
    assert top.source == str(outer) and top.catalogue.roles == frozenset({"a"})


def test_pyproject_table(tmp_path):
    path = write(tmp_path / "pyproject.toml", """\
        [project]
        name = "thu-tuc"

        [tool.isobpmn.validate]
        extends = []

        [tool.isobpmn.validate.catalogue]
        forms = ["Mẫu 01"]
    """)
    config = ConfigFinder().for_file(tmp_path / "bpmn" / "a.bpmn")
    assert config.source == f"{path} [tool.isobpmn.validate]"
    assert on(config) == {} and config.catalogue.forms == frozenset({"Mẫu 01"})


def test_pyproject_without_the_table_is_skipped(tmp_path):
    rc = write(tmp_path / ".isobpmnrc", "extends = []\n")
    write(tmp_path / "app" / "pyproject.toml", '[project]\nname = "x"\n')
    assert ConfigFinder().for_file(tmp_path / "app" / "a.bpmn").source == str(rc)


def test_an_empty_pyproject_table_stops_the_search_with_defaults(tmp_path):
    write(tmp_path / ".isobpmnrc", "extends = []\n")
    path = write(tmp_path / "app" / "pyproject.toml", "[tool.isobpmn.validate]\n")
    config = ConfigFinder().for_file(tmp_path / "app" / "a.bpmn")
    assert config.source.startswith(str(path))
    assert on(config) == preset_severities("recommended")


def test_isobpmnrc_wins_over_pyproject_in_the_same_folder(tmp_path):
    rc = write(tmp_path / ".isobpmnrc", "extends = []\n")
    write(tmp_path / "pyproject.toml", "[tool.isobpmn.validate]\nextends = ['strict']\n")
    assert ConfigFinder().for_file(tmp_path / "a.bpmn").source == str(rc)


def test_no_config_anywhere_gives_the_defaults(tmp_path):
    config = ConfigFinder().for_file(tmp_path / "a.bpmn")
    assert config.source == "(defaults)"
    assert on(config) == preset_severities("recommended")


def test_explicit_config_applies_everywhere_with_globs_relative_to_it(tmp_path):
    rule_id = correctness_rule()
    write(tmp_path / "lib" / ".isobpmnrc", "extends = ['strict']\n")  # ignored
    explicit = write(tmp_path / "ci" / "validate.toml", f"""\
        extends = []
        [[overrides]]
        files = ["drafts/*.bpmn"]
        rules = {{ "{rule_id}" = "warn" }}
    """)
    finder = ConfigFinder(explicit)
    assert on(finder.for_file(tmp_path / "lib" / "a.bpmn")) == {}
    assert on(finder.for_file(tmp_path / "ci" / "drafts" / "a.bpmn")) == {rule_id: Severity.WARN}


def test_preset_replaces_extends_but_keeps_rules(tmp_path):
    rule_id = correctness_rule()
    write(tmp_path / ".isobpmnrc", f'extends = []\nrules = {{ "{rule_id}" = "off" }}\n')
    config = ConfigFinder(preset="strict").for_file(tmp_path / "a.bpmn")
    assert rule_id not in on(config)
    assert set(on(config)) == set(preset_severities("strict")) - {rule_id}


def test_configs_are_built_once_per_folder_and_override_set(tmp_path):
    write(tmp_path / ".isobpmnrc", '[[overrides]]\nfiles = ["d/*"]\nextends = ["strict"]\n')
    finder = ConfigFinder()
    assert finder.for_file(tmp_path / "a.bpmn") is finder.for_file(tmp_path / "b.bpmn")
    assert finder.for_file(tmp_path / "d" / "a.bpmn") is finder.for_file(tmp_path / "d" / "b.bpmn")
    assert finder.for_file(tmp_path / "a.bpmn") is not finder.for_file(tmp_path / "d" / "a.bpmn")


def test_plugins_register_rules_like_the_built_ins(tmp_path):
    write(tmp_path / "agency_rules.py", '''\
        """
        ## What it checks
        Nothing.
        """
        from isobpmn.lint.rule import rule

        @rule(id="agency-test-rule", category="iso", severity="warn", summary="A plugin rule")
        def check(ctx):
            yield ctx.report(None, "from the plugin")
    ''')
    code = (
        "from isobpmn.lint import build_config, lint_file\n"
        "c = build_config({'extends': [], 'plugins': ['agency_rules'],"
        " 'rules': {'agency-test-rule': 'error'}}, 'x')\n"
        "print([(f.rule, f.severity.word) for f in lint_file('examples/xac-nhan-tinh-trang-hon-nhan.bpmn', c)])\n"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                            env={"PYTHONPATH": str(tmp_path), "PATH": ""}, check=True)
    assert result.stdout.strip() == "[('agency-test-rule', 'error')]"


# --- every bad value: one error naming the file and the key -------------------------------------


BAD = [
    ("extends = ['recomended']", "extends: unknown preset 'recomended'"),
    ("extends = 3", "extends must be a list of strings"),
    ("rule = {{}}", "unknown key 'rule' (did you mean 'rules'?)"),
    ("root = true", "unknown key 'root'"),
    ("rules = 'all'", "rules must be a table"),
    ("[rules]\nno-such-rule = 'warn'", "rules: unknown rule 'no-such-rule'"),
    ("[rules]\n{rule} = 'warning!'", "rules.{rule}: unknown severity 'warning!'"),
    ("[rules]\n{rule} = true", "rules.{rule}: expected off, info, warn or error, got True"),
    ("[rules]\n{rule} = {{ severity = 'loud' }}", "rules.{rule}.severity: unknown severity 'loud'"),
    ("[rules]\n{rule} = {{ colour = 'red' }}", "rules.{rule}: unknown option 'colour'"),
    ("[[overrides]]\nrules = {{}}", "overrides[0] needs files"),
    ("[[overrides]]\nfiles = [1]", "overrides[0].files must be a list of strings"),
    ("[[overrides]]\nfiles = ['*']\nseverity = 'off'", "unknown key 'overrides[0].severity'"),
    ("[[overrides]]\nfiles = ['*']\nextends = ['nope']", "overrides[0]: extends: unknown preset 'nope'"),
    ("[[overrides]]\nfiles = ['*']\nrules = {{ {rule} = 'x' }}", "overrides[0]: rules.{rule}: unknown severity"),
    ("overrides = {{ files = ['*'] }}", "overrides must be a list of tables"),
    ("catalogue = ['a']", "catalogue must be a table"),
    ("[catalogue]\nroles = 'mot-cua'\nforms = [1, 2]", "catalogue.forms must be a list of strings"),
    ("[catalogue]\nrole = ['a']", "unknown key 'catalogue.role' (did you mean 'catalogue.roles'?)"),
    ("[document]\ncode_pattern = '(QT'", "document.code_pattern '(QT' is not a regular expression"),
    ("[document]\ncode_pattern = 5", "document.code_pattern 5 is not a regular expression"),
    ("[document]\ncode = 'QT'", "unknown key 'document.code'"),
    ("plugins = ['no_such_module_xyz']", "plugins: cannot import 'no_such_module_xyz'"),
    ("plugins = 'a b'", "plugins: cannot import 'a b'"),
    ("docs_url = 'https://example.org/rules'", "docs_url must be a string containing {{id}}"),
    ("docs_url = 'https://example.org/{{lang}}/{{id}}'", "docs_url 'https://example.org/{{lang}}/{{id}}': only {{id}}"),
    ("extends = [", "not valid TOML"),
]


@pytest.mark.parametrize("text, message", BAD, ids=[b[1][:40] for b in BAD])
def test_every_bad_value_names_the_file_and_the_key(tmp_path, text, message):
    rule_id = correctness_rule()
    path = write(tmp_path / ".isobpmnrc", text.format(rule=f'"{rule_id}"') + "\n")
    with pytest.raises(ConfigError) as caught:
        ConfigFinder().for_file(tmp_path / "a.bpmn")
    text = str(caught.value)
    assert text.startswith(f"{path}: "), text
    assert message.format(rule=rule_id) in text, text
    assert "\n" not in text


@pytest.mark.parametrize("value", ["true", "'1'", "1.5"])
def test_int_and_bool_options_are_not_confused(tmp_path, value):
    rule_id, key, _ = rule_with_option(float)
    path = write(tmp_path / ".isobpmnrc", f'[rules]\n"{rule_id}" = {{ {key} = {value} }}\n')
    if value == "1.5":
        assert ConfigFinder().for_file(tmp_path / "a.bpmn").setting(rule_id).options[key] == 1.5
        return
    with pytest.raises(ConfigError, match=rf"^{path}: rules\.{rule_id}\.{key} must be a float"):
        ConfigFinder().for_file(tmp_path / "a.bpmn")


def test_pyproject_errors_name_the_table(tmp_path):
    path = write(tmp_path / "pyproject.toml", "[tool.isobpmn.validate]\nextends = 'nope'\n")
    with pytest.raises(ConfigError, match=r"\[tool\.isobpmn\.validate\]: extends: unknown preset"):
        ConfigFinder().for_file(tmp_path / "a.bpmn")
    path.write_text("[tool]\nisobpmn = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"must be a table"):
        ConfigFinder().for_file(tmp_path / "b.bpmn")


def test_unreadable_and_missing_config_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        ConfigFinder(tmp_path / "missing.toml").for_file(tmp_path / "a.bpmn")
    bad = tmp_path / ".isobpmnrc"
    bad.write_bytes(b"extends = ['\xff']\n")
    with pytest.raises(ConfigError, match=f"^{bad}: not valid TOML"):
        read_config_file(bad)


def test_unknown_preset_on_the_command_line():
    with pytest.raises(ConfigError, match="--preset: unknown preset 'all'"):
        ConfigFinder(preset="all")
