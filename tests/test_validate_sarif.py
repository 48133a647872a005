"""The SARIF report carries what code scanning needs, in the shape SARIF 2.1.0 allows.

No network: a subset of the OASIS sarif-schema-2.1.0.json is embedded below — for each object
the report uses, its required properties, the property names it allows (the schema forbids
others: ``additionalProperties: false``), enums, and the ``format: uri`` constraints — and
checked by a small hand-written walker.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from conftest import bpmn_bytes, chain, line_of, task

from isobpmn import __version__
from isobpmn.cli import cli

START = "start-event-required"
NO_START = bpmn_bytes(task("T", "Tiếp nhận") + '\n<bpmn:endEvent id="E"/>\n' + chain("T", "E"))
SUPPRESSED = bpmn_bytes(task("T", "Tiếp nhận") + '\n<bpmn:endEvent id="E"/>\n' + chain("T", "E"),
                        f'<iso:suppress rule="{START}" reason="started by the national portal"/>')

# object name -> (required, allowed properties, {property: kind of value})
# kinds: "object:NAME", "array:NAME", "map:NAME", "string", "integer>=N", "uri", "uri-reference",
# "enum:a|b", "boolean", "any"
SCHEMA: dict[str, tuple[set[str], set[str], dict[str, str]]] = {
    "sarifLog": ({"version", "runs"}, {"$schema", "version", "runs", "inlineExternalProperties",
                                       "properties"},
                 {"$schema": "uri", "version": "enum:2.1.0", "runs": "array:run"}),
    "run": ({"tool"}, {"tool", "invocations", "conversion", "language", "versionControlProvenance",
                       "originalUriBaseIds", "artifacts", "logicalLocations", "graphs", "results",
                       "automationDetails", "runAggregates", "baselineGuid", "redactionTokens",
                       "defaultEncoding", "defaultSourceLanguage", "newlineSequences", "columnKind",
                       "externalPropertyFileReferences", "threadFlowLocations", "taxonomies",
                       "addresses", "translations", "policies", "webRequests", "webResponses",
                       "specialLocations", "properties"},
            {"tool": "object:tool", "results": "array:result", "invocations": "array:invocation",
             "originalUriBaseIds": "map:artifactLocation"}),
    "tool": ({"driver"}, {"driver", "extensions", "properties"}, {"driver": "object:toolComponent"}),
    "toolComponent": ({"name"}, {"guid", "name", "organization", "product", "productSuite",
                                 "shortDescription", "fullDescription", "fullName", "version",
                                 "semanticVersion", "dottedQuadFileVersion", "releaseDateUtc",
                                 "downloadUri", "informationUri", "globalMessageStrings",
                                 "notifications", "rules", "taxa", "locations", "language",
                                 "contents", "isComprehensive", "localizedDataSemanticVersion",
                                 "minimumRequiredLocalizedDataSemanticVersion",
                                 "associatedComponent", "translationMetadata",
                                 "supportedTaxonomies", "properties"},
                      {"name": "string", "version": "string", "semanticVersion": "string",
                       "informationUri": "uri", "rules": "array:reportingDescriptor"}),
    "reportingDescriptor": ({"id"}, {"id", "deprecatedIds", "guid", "deprecatedGuids", "name",
                                     "deprecatedNames", "shortDescription", "fullDescription",
                                     "messageStrings", "defaultConfiguration", "helpUri", "help",
                                     "relationships", "properties"},
                            {"id": "string", "name": "string", "helpUri": "uri",
                             "shortDescription": "object:multiformatMessageString",
                             "fullDescription": "object:multiformatMessageString",
                             "help": "object:multiformatMessageString",
                             "defaultConfiguration": "object:reportingConfiguration",
                             "properties": "object:propertyBag"}),
    "reportingConfiguration": (set(), {"enabled", "level", "rank", "parameters", "properties"},
                               {"level": "enum:none|note|warning|error", "enabled": "boolean"}),
    "multiformatMessageString": ({"text"}, {"text", "markdown", "properties"},
                                 {"text": "string", "markdown": "string"}),
    "message": (set(), {"text", "markdown", "id", "arguments", "properties"}, {"text": "string"}),
    "propertyBag": (set(), None, {"tags": "array:string"}),
    "invocation": ({"executionSuccessful"}, None, {"executionSuccessful": "boolean"}),
    "result": ({"message"}, {"ruleId", "ruleIndex", "rule", "kind", "level", "message",
                             "analysisTarget", "locations", "guid", "correlationGuid",
                             "occurrenceCount", "partialFingerprints", "fingerprints", "stacks",
                             "codeFlows", "graphs", "graphTraversals", "relatedLocations",
                             "suppressions", "baselineState", "rank", "attachments",
                             "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa",
                             "webRequest", "webResponse", "properties"},
               {"ruleId": "string", "ruleIndex": "integer>=-1", "message": "object:message",
                "level": "enum:none|note|warning|error", "locations": "array:location",
                "suppressions": "array:suppression", "partialFingerprints": "map:string"}),
    "location": (set(), {"id", "physicalLocation", "logicalLocations", "message", "annotations",
                         "relationships", "properties"},
                 {"physicalLocation": "object:physicalLocation",
                  "logicalLocations": "array:logicalLocation"}),
    "physicalLocation": (set(), {"address", "artifactLocation", "region", "contextRegion",
                                 "properties"},
                         {"artifactLocation": "object:artifactLocation", "region": "object:region"}),
    "artifactLocation": (set(), {"uri", "uriBaseId", "index", "description", "properties"},
                         {"uri": "uri-reference", "uriBaseId": "string"}),
    "region": (set(), {"startLine", "startColumn", "endLine", "endColumn", "charOffset",
                       "charLength", "byteOffset", "byteLength", "snippet", "message",
                       "sourceLanguage", "properties"},
               {"startLine": "integer>=1", "startColumn": "integer>=1"}),
    "logicalLocation": (set(), {"name", "index", "fullyQualifiedName", "decoratedName",
                                "parentIndex", "kind", "properties"},
                        {"name": "string", "kind": "string", "properties": "object:propertyBag"}),
    "suppression": ({"kind"}, {"guid", "kind", "status", "justification", "location", "properties"},
                    {"kind": "enum:inSource|external", "justification": "string"}),
}


def check(value, kind: str, where: str, errors: list[str]) -> None:
    """Append to ``errors`` every way ``value`` breaks ``kind`` (see SCHEMA)."""
    head, _, arg = kind.partition(":")
    if head == "object":
        if not isinstance(value, dict):
            errors.append(f"{where}: not an object")
            return
        required, allowed, kinds = SCHEMA[arg]
        errors += [f"{where}: missing {name}" for name in sorted(required - set(value))]
        if allowed is not None:
            errors += [f"{where}: {name} not allowed in {arg}" for name in sorted(set(value) - allowed)]
        for name, item in value.items():
            if name in kinds:
                check(item, kinds[name], f"{where}.{name}", errors)
    elif head == "array":
        if not isinstance(value, list):
            errors.append(f"{where}: not an array")
            return
        for i, item in enumerate(value):
            check(item, arg if arg == "string" else f"object:{arg}", f"{where}[{i}]", errors)
    elif head == "map":
        if not isinstance(value, dict):
            errors.append(f"{where}: not an object")
            return
        for key, item in value.items():
            check(item, arg if arg == "string" else f"object:{arg}", f"{where}.{key}", errors)
    elif head == "string":
        if not isinstance(value, str):
            errors.append(f"{where}: not a string")
    elif head == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{where}: not a boolean")
    elif head.startswith("integer"):
        minimum = int(head.split(">=")[1])
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            errors.append(f"{where}: not an integer >= {minimum}")
    elif head == "enum":
        if value not in arg.split("|"):
            errors.append(f"{where}: {value!r} not one of {arg}")
    elif head == "uri":
        if not isinstance(value, str) or not urlsplit(value).scheme:
            errors.append(f"{where}: {value!r} is not an absolute URI")
    elif head == "uri-reference":
        if not isinstance(value, str) or " " in value or "\\" in value:
            errors.append(f"{where}: {value!r} is not a URI reference")


def sarif_of(runner, folder: Path, *args, env=None) -> dict:
    result = runner.invoke(cli, ["validate", ".", "--format", "sarif", *args], env=env,
                           catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.fixture
def library(tmp_path, monkeypatch):
    (tmp_path / ".isobpmnrc").write_text(f'extends = []\nrules = {{ "{START}" = "error" }}\n',
                                         encoding="utf-8")
    (tmp_path / "thủ tục").mkdir()
    (tmp_path / "thủ tục" / "khai sinh.bpmn").write_bytes(NO_START)
    (tmp_path / "b.bpmn").write_bytes(SUPPRESSED)
    (tmp_path / "broken.bpmn").write_bytes(b"<bpmn:definitions")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ISOBPMN_DOCS_URL", raising=False)
    return tmp_path


@pytest.fixture
def runner():
    return CliRunner()


def test_the_document_fits_the_schema_subset(runner, library):
    errors: list[str] = []
    check(sarif_of(runner, library), "object:sarifLog", "$", errors)
    assert errors == []


def test_version_tool_and_rules(runner, library):
    log = sarif_of(runner, library)
    assert log["version"] == "2.1.0" and "sarif-schema-2.1.0.json" in log["$schema"]
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "isobpmn" and driver["version"] == __version__
    assert "informationUri" not in driver  # no absolute docs URL configured: no made-up link
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(ids) and {START, "readable-bpmn-file"} <= set(ids)
    rule = next(r for r in driver["rules"] if r["id"] == START)
    assert rule["name"] == "StartEventRequired"
    assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
    assert "## How to fix" in rule["help"]["markdown"] and rule["help"]["text"]
    assert rule["defaultConfiguration"]["level"] == "error"
    assert "helpUri" not in rule  # the default template is relative; SARIF wants absolute


def test_results_carry_rule_level_message_and_physical_location(runner, library):
    run = sarif_of(runner, library)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == 3
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        [location] = result["locations"]
        physical = location["physicalLocation"]
        artifact = physical["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert (library / unquote(artifact["uri"])).is_file()  # relative to the checkout
        assert physical["region"]["startLine"] >= 1
    by_file = {unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r
               for r in results}
    error = by_file["thủ tục/khai sinh.bpmn"]
    assert error["ruleId"] == START and error["level"] == "error"
    assert error["locations"][0]["physicalLocation"]["region"]["startLine"] == \
        line_of(NO_START, "<bpmn:process")
    assert error["locations"][0]["logicalLocations"] == [
        {"name": "P", "kind": "element", "properties": {"elementName": "Thử"}}]
    assert by_file["broken.bpmn"]["ruleId"] == "readable-bpmn-file"
    assert "suppressions" not in error
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == library.resolve().as_uri() + "/"


def test_suppressed_findings_stay_with_an_in_source_suppression(runner, library):
    results = sarif_of(runner, library)["runs"][0]["results"]
    [suppressed] = [r for r in results if "suppressions" in r]
    assert suppressed["suppressions"] == [{"kind": "inSource",
                                           "justification": "started by the national portal"}]


def test_fingerprints_follow_the_element_not_the_line(runner, library):
    before = sarif_of(runner, library)["runs"][0]["results"]
    moved = b"\n\n\n".join([NO_START.split(b"\n", 1)[0], NO_START.split(b"\n", 1)[1]])
    (library / "thủ tục" / "khai sinh.bpmn").write_bytes(moved)
    after = sarif_of(runner, library)["runs"][0]["results"]
    key = lambda r: r["partialFingerprints"]["isobpmnElement/v1"]  # noqa: E731
    assert sorted(map(key, before)) == sorted(map(key, after))
    assert len(set(map(key, after))) == len(after)


def test_help_uri_with_an_absolute_template(runner, library):
    template = "https://isobpmn.example.gov.vn/docs/rules/{id}.md"
    driver = sarif_of(runner, library, env={"ISOBPMN_DOCS_URL": template})["runs"][0]["tool"]["driver"]
    rule = next(r for r in driver["rules"] if r["id"] == START)
    assert rule["helpUri"] == template.format(id=START)
    assert driver["informationUri"] == "https://isobpmn.example.gov.vn/docs/rules/"
    errors: list[str] = []
    check(driver, "object:toolComponent", "driver", errors)
    assert errors == []
    (library / ".isobpmnrc").write_text(
        f'extends = []\ndocs_url = "https://docs.example/{{id}}"\nrules = {{ "{START}" = "error" }}\n',
        encoding="utf-8")
    driver = sarif_of(runner, library)["runs"][0]["tool"]["driver"]
    assert next(r for r in driver["rules"] if r["id"] == START)["helpUri"] == f"https://docs.example/{START}"


def test_a_bad_docs_url_in_the_environment_is_a_usage_error(runner, library):
    result = runner.invoke(cli, ["validate", ".", "--format", "sarif"],
                           env={"ISOBPMN_DOCS_URL": "https://x/{lang}/{id}"})
    assert result.exit_code == 2 and "ISOBPMN_DOCS_URL" in result.stderr


def test_the_checker_catches_what_it_should():
    errors: list[str] = []
    check({"version": "2.0.0", "runs": [{"tool": {"driver": {"name": "x", "rules": [
        {"id": "a", "helpUri": "docs/rules/a.md", "colour": 1}]}},
        "results": [{"message": {"text": "m"}, "level": "fatal", "locations": [
            {"physicalLocation": {"region": {"startLine": 0}}}]}]}]}, "object:sarifLog", "$", errors)
    assert any("2.0.0" in e for e in errors)
    assert any("not an absolute URI" in e for e in errors)
    assert any("colour not allowed" in e for e in errors)
    assert any("'fatal'" in e for e in errors)
    assert any("startLine: not an integer >= 1" in e for e in errors)
