"""The procedure library (bpmn/) and the examples are valid BPMN 2.0 that the engine can load."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from lxml import etree

from isobpmn.model import Activity, Event, Gateway, read_document, read_procedure
from isobpmn.model.serialize import main_path_allotment

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted((ROOT / "bpmn").glob("*.bpmn"))
ALL = LIBRARY + sorted((ROOT / "examples").glob("*.bpmn"))


def _xsd() -> etree.XMLSchema:
    spec = importlib.util.find_spec("SpiffWorkflow")  # locates the package without importing it
    schema = Path(spec.submodule_search_locations[0]) / "bpmn" / "parser" / "schema" / "BPMN20.xsd"
    return etree.XMLSchema(etree.parse(str(schema)))


XSD = _xsd()


def test_library_has_the_five_procedures():
    names = {p.name for p in LIBRARY}
    assert {
        "dang-ky-khai-sinh.bpmn", "dang-ky-ho-kinh-doanh.bpmn",
        "cap-giay-phep-xay-dung-nha-o-rieng-le.bpmn", "kiem-soat-tai-lieu.bpmn",
        "kiem-soat-su-khong-phu-hop.bpmn",
    } <= names


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_valid_against_bpmn_xsd(path):
    document = etree.parse(str(path))
    assert XSD.validate(document), f"{path.name}: {XSD.error_log}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_engine_parses_it(path):
    from SpiffWorkflow.bpmn.parser import BpmnParser

    parser = BpmnParser()
    parser.add_bpmn_file(str(path))
    procedure = read_procedure(path)
    spec = parser.get_spec(procedure.bpmn_id)
    assert spec.name == procedure.bpmn_id


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_everything_is_drawn_and_complete(path):
    document = read_document(path)
    procedure = document.procedure
    drawn = document.diagram.shapes
    for node in procedure.nodes.values():
        assert node.bpmn_id in drawn, f"{node.bpmn_id} has no shape"
        assert node.name, f"{node.kind} {node.bpmn_id} has no name"
        if isinstance(node, Activity):
            assert node.lane_id, f"{node.bpmn_id} is in no lane"
    for flow in procedure.flows.values():
        assert len(document.diagram.edges[flow.bpmn_id].waypoints) >= 2
    assert procedure.info is not None and procedure.info.document.title
    assert {s.role.value for s in procedure.info.document.sign_offs} == {
        "drafted", "reviewed", "approved"}
    assert all(lane.role for lane in procedure.lanes.values())
    assert any(isinstance(n, Gateway) for n in procedure.nodes.values()) or "examples" in str(path)
    assert all(s.allotment is not None for s in procedure.steps), "every step has an allotment"
    assert any(isinstance(n, Event) for n in procedure.nodes.values())


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_main_path_adds_up_to_the_statutory_limit(path):
    procedure = read_procedure(path)
    total = main_path_allotment(procedure)
    limit = procedure.time_limit
    assert limit is not None
    if limit.unit.value == "same-day":
        assert total.unit.value == "working-hours" and 0 < total.value <= 8
    else:
        assert total == limit, f"{path.name}: main path {total} vs limit {limit}"


def test_library_validates_clean_under_strict():
    from isobpmn.lint import Library, build_config, lint_document
    from isobpmn.model.reader import document_from_tree, load_bytes
    from isobpmn.model.xmlsafe import parse_xml

    config = build_config({"extends": ["strict"]}, "strict")
    parsed = []
    for path in ALL:
        data, label = load_bytes(path)
        tree = parse_xml(data, label)
        parsed.append((document_from_tree(tree, label), tree))
    library = Library.of(document for document, _ in parsed)
    findings = [f for document, tree in parsed for f in lint_document(document, tree, config, library)
                if f.severity >= 2 and not f.suppressed]
    assert findings == [], [f"{f.source}:{f.line} {f.rule} {f.message}" for f in findings]
