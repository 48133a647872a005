"""Shared fixtures: where the diagrams live and a helper that builds small BPMN documents."""

from __future__ import annotations

from pathlib import Path

#: Database fixtures (``database``, ``database_url``…), the seeded services (``services``,
#: ``clock``), the web app (``app``, ``client``…), the browser (``browser``, ``visit``…) and
#: the web and worker processes (``cluster``) live in their own plugin modules.
pytest_plugins = ["fixtures_store", "fixtures_services", "fixtures_web", "fixtures_browser",
                  "fixtures_processes"]

ROOT = Path(__file__).resolve().parents[1]
BPMN_DIR = ROOT / "bpmn"
EXAMPLES_DIR = ROOT / "examples"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
#: The worked example of docs/schema.md.
EXAMPLE = EXAMPLES_DIR / "xac-nhan-tinh-trang-hon-nhan.bpmn"

NAMESPACES = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
    'xmlns:iso="urn:isobpmn:iso:1"'
)

#: The smallest valid ``iso:procedure``: kind and document control with a title.
MINIMAL_PROCEDURE = (
    '<iso:procedure kind="tthc"><iso:document code="QT-TEST-01" revision="1">'
    "<iso:title>Quy trình thử</iso:title></iso:document></iso:procedure>"
)


def bpmn_bytes(body_xml: str, iso_process_ext: str = "", *, process_id: str = "P",
               before: str = "", after: str = "") -> bytes:
    """A minimal ``bpmn:definitions`` around one process whose contents are ``body_xml``.

    ``iso_process_ext`` goes into the process's ``extensionElements``; ``before`` and ``after``
    are placed around the process (a collaboration, other processes, a ``bpmndi:BPMNDiagram``).
    Each part starts on its own line so tests can find lines with :func:`line_of`.
    """
    ext = f"\n<bpmn:extensionElements>\n{iso_process_ext}\n</bpmn:extensionElements>" \
        if iso_process_ext else ""
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<bpmn:definitions {NAMESPACES} id="Defs" targetNamespace="urn:isobpmn:test">\n'
        f"{before}\n"
        f'<bpmn:process id="{process_id}" name="Thử" isExecutable="true">{ext}\n'
        f"{body_xml}\n"
        "</bpmn:process>\n"
        f"{after}\n"
        "</bpmn:definitions>\n"
    )
    return text.encode("utf-8")


def line_of(data: bytes | str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th ``needle`` in ``data``."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return text.count("\n", 0, start) + 1


def task(bpmn_id: str, name: str = "", *, kind: str = "userTask", step: str | None = None,
         allotment: str | None = None) -> str:
    """A task; ``allotment`` ("2 working-days") adds an ``iso:step`` with that allotment."""
    if allotment is not None:
        value, unit = allotment.split()
        step = f'<iso:allotment value="{value}" unit="{unit}"/>'
    ext = f"<bpmn:extensionElements><iso:step>{step}</iso:step></bpmn:extensionElements>" \
        if step is not None else ""
    return f'<bpmn:{kind} id="{bpmn_id}" name="{name or bpmn_id}">{ext}</bpmn:{kind}>'


def flow(bpmn_id: str, source: str, target: str, extra: str = "") -> str:
    return f'<bpmn:sequenceFlow id="{bpmn_id}" sourceRef="{source}" targetRef="{target}"{extra}/>'


def chain(*node_ids: str) -> str:
    """Sequence flows ``F_a_b`` linking the given node ids one after the other."""
    return "\n".join(flow(f"F_{a}_{b}", a, b) for a, b in zip(node_ids, node_ids[1:]))
