"""Opening and saving a diagram in the modeler is byte-stable and keeps every iso value.

editor/scripts/stable.mjs reads each diagram into bpmn-moddle with the iso descriptor (the
model of the isobpmn modeler), saves it, reads the save and saves again: the two saves must be
equal byte for byte, and the first must hold the original's iso elements, attributes and texts
(it compares them through a reading without the descriptor). This test runs it over the library
and the examples, then compares the iso content once more with lxml, a parser that shares
nothing with bpmn-moddle. bpmn-js itself is checked the same way in a browser by
test_browser_modeler.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
EDITOR = ROOT / "editor"
SCRIPT = EDITOR / "scripts" / "stable.mjs"
FILES = sorted((ROOT / "bpmn").glob("*.bpmn")) + sorted((ROOT / "examples").glob("*.bpmn"))
ISO = "urn:isobpmn:iso:1"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (EDITOR / "node_modules" / "bpmn-moddle").is_dir(),
    reason="node or editor/node_modules missing: run `make test` (it runs npm ci in editor/)",
)


def _stable(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["node", str(SCRIPT), *args, str(out), *map(str, FILES)],
                          capture_output=True, text=True, cwd=EDITOR)


def _tree(element) -> tuple:
    """An iso element as (name, attributes, text, children); children in document order per
    name, as the schema lets names come in any order."""
    children = sorted((_tree(child) for child in element if isinstance(child.tag, str)),
                      key=lambda child: child[0])
    return (etree.QName(element).localname, sorted(element.attrib.items()),
            (element.text or "").strip(), children)


def _iso_content(path: Path) -> dict[str, list[tuple]]:
    """{bpmn id: its iso extension elements}, read with lxml."""
    content = {}
    for extensions in etree.parse(str(path)).iter(f"{{{BPMN}}}extensionElements"):
        own = [_tree(e) for e in extensions
               if isinstance(e.tag, str) and etree.QName(e).namespace == ISO]
        if own:
            content[extensions.getparent().get("id")] = own
    return content


def test_every_diagram_saves_byte_stable_with_all_its_iso_content(tmp_path):
    assert FILES
    result = _stable(tmp_path)
    assert result.returncode == 0, result.stderr
    for original in FILES:
        saved = tmp_path / original.name
        assert _iso_content(saved) == _iso_content(original), original.name


def test_a_descriptor_that_would_lose_iso_content_is_caught(tmp_path):
    """A descriptor where iso:form's code is no longer an attribute: the code moves into a
    child element, which the comparison reports by place."""
    descriptor = json.loads((EDITOR / "resources" / "iso.json").read_text(encoding="utf-8"))
    form = next(t for t in descriptor["types"] if t["name"] == "Form")
    next(p for p in form["properties"] if p["name"] == "code").pop("isAttr")
    broken = tmp_path / "iso-broken.json"
    broken.write_text(json.dumps(descriptor), encoding="utf-8")
    result = _stable(tmp_path / "out", "--descriptor", str(broken))
    assert result.returncode == 1
    assert ("dang-ky-khai-sinh.bpmn: iso content changed at Task_TiepNhan/step[0]/form"
            in result.stderr)
    assert '@code: "Mẫu 01" became undefined' in result.stderr
