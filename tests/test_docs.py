"""Docs are tested: the CLI reference is current, every dependency and iso element is explained."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from isobpmn.cli.reference import generate

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_cli_reference_is_current():
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == generate(), (
        "docs/cli.md is out of date: run `make docs`"
    )


def test_every_dependency_is_explained():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = list(config["project"]["dependencies"])
    for extra in config["project"]["optional-dependencies"].values():
        specs += extra
    text = (DOCS / "dependencies.md").read_text(encoding="utf-8")
    for spec in specs:
        name = re.match(r"[A-Za-z0-9_.-]+", spec).group(0)
        assert f"`{name}`" in text, f"{name} is a dependency but docs/dependencies.md does not say why"


def test_every_iso_element_and_attribute_is_documented():
    source = (ROOT / "src" / "isobpmn" / "model" / "iso.py").read_text(encoding="utf-8")
    schema = (DOCS / "schema.md").read_text(encoding="utf-8")
    elements = set(re.findall(r'"(\w+)": (?:True|False)', source))
    elements |= {"procedure", "role", "step", "suppress", "choice", "component", "signOff",
                 "title"}
    for name in elements:
        assert f"iso:{name}" in schema, f"iso:{name} is read by the model but not in docs/schema.md"
    attributes = set()
    for group in re.findall(r"_check_attrs\(\w+, \{([^}]*)\}", source):
        attributes |= set(re.findall(r'"(\w+)"', group))
    for name in attributes:
        assert f"`{name}`" in schema, f"attribute {name} is read but not documented in docs/schema.md"


def test_schema_example_is_the_example_file():
    schema = (DOCS / "schema.md").read_text(encoding="utf-8")
    block = re.search(r"## Complete example\n\n```xml\n(.*?)```", schema, re.S).group(1)
    example = (ROOT / "examples" / "xac-nhan-tinh-trang-hon-nhan.bpmn").read_text(encoding="utf-8")
    assert block.strip() == example.strip()


def test_every_validator_config_key_is_documented():
    from isobpmn.lint.config import KEYS

    text = (DOCS / "validate.md").read_text(encoding="utf-8")
    reference = text.split("### Keys", 1)[1].split("\n## ", 1)[0]
    for key in KEYS:
        assert f"| `{key}` |" in reference, f"config key {key} is not in the table of docs/validate.md"


def test_validator_example_config_is_complete_valid_and_quoted():
    from isobpmn.lint.config import CATALOGUE_KEYS, DOCUMENT_KEYS, OVERRIDE_KEYS, TOP_KEYS, build_config

    example = ROOT / "examples" / "isobpmnrc.toml"
    data = tomllib.loads(example.read_text(encoding="utf-8"))
    build_config(data, str(example))
    assert set(data) == set(TOP_KEYS)
    assert set(data["catalogue"]) == set(CATALOGUE_KEYS)
    assert set(data["document"]) == set(DOCUMENT_KEYS)
    assert set().union(*data["overrides"]) == set(OVERRIDE_KEYS)
    assert any(isinstance(v, dict) and "severity" in v for v in data["rules"].values())
    text = (DOCS / "validate.md").read_text(encoding="utf-8")
    block = re.search(r"### Complete example\n\n.*?```toml\n(.*?)```", text, re.S).group(1)
    assert block.strip() == example.read_text(encoding="utf-8").strip()


def test_validator_presets_table_is_current():
    from isobpmn.cli.reference import with_presets_table

    text = (DOCS / "validate.md").read_text(encoding="utf-8")
    assert text == with_presets_table(text), "the presets table of docs/validate.md is stale: run `make docs`"


def test_validator_formats_and_options_are_documented():
    from isobpmn.cli.formats import FORMATS
    from isobpmn.cli.validate import validate

    text = (DOCS / "validate.md").read_text(encoding="utf-8")
    for name in FORMATS:
        assert f"### `{name}`" in text, f"format {name} has no section in docs/validate.md"
    for param in validate.params:
        for option in getattr(param, "opts", []):
            if option.startswith("--"):
                assert f"`{option}" in text, f"{option} is not explained in docs/validate.md"
