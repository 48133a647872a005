"""Diagrams open unchanged in bpmn-js: a bpmn-moddle read-and-save keeps every iso value.

bpmn-moddle is the model layer of bpmn-js and Camunda Modeler. Each diagram is saved back
(1) as a stock modeler does, with the iso elements as unknown extensions, and (2) with the iso
moddle descriptor of editor/resources/iso.json, as isobpmn's modeler does. Both copies must read
into exactly the same procedure and drawing as the original.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from isobpmn.model import read_document
from isobpmn.model.serialize import procedure_data

ROOT = Path(__file__).resolve().parents[1]
EDITOR = ROOT / "editor"
FILES = sorted((ROOT / "bpmn").glob("*.bpmn")) + sorted((ROOT / "examples").glob("*.bpmn"))

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (EDITOR / "node_modules" / "bpmn-moddle").is_dir(),
    reason="node or editor/node_modules missing: run `make test` (it runs npm ci in editor/)",
)


def _comparable(path: Path) -> tuple:
    document = read_document(path)
    procedures = []
    for procedure in document.processes:
        data = procedure_data(procedure)
        data.pop("source")
        for step in data["steps"]:
            step.pop("line")
        procedures.append(data)
    shapes = {k: v.bounds for k, v in document.diagram.shapes.items()}
    edges = {k: v.waypoints for k, v in document.diagram.edges.items()}
    return procedures, shapes, edges, sorted(document.index)


@pytest.mark.parametrize("with_descriptor", [False, True], ids=["stock-modeler", "iso-descriptor"])
def test_roundtrip_keeps_every_value(tmp_path, with_descriptor):
    assert FILES
    command = ["node", str(EDITOR / "scripts" / "roundtrip.mjs")]
    if with_descriptor:
        command.append("--descriptor")
    result = subprocess.run([*command, str(tmp_path), *map(str, FILES)], capture_output=True,
                            text=True, cwd=EDITOR)
    assert result.returncode == 0, result.stderr
    for original in FILES:
        saved = tmp_path / original.name
        assert _comparable(saved) == _comparable(original), original.name
