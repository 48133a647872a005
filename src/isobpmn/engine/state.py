"""Stored case state: what the store keeps per case, without the procedure spec.

SpiffWorkflow's serializer writes the whole process spec (and every sub-process spec) into
each workflow it saves; for a procedure that is most of the bytes, identical for every case
of the version. Here the workflow converter leaves the specs out and takes them back from the
cached :class:`~isobpmn.engine.specs.ProcedureSpec` on restore.

The stored document is compact UTF-8 JSON::

    {"format_version": 1,          # this module's format, see FORMAT_VERSION / MIGRATIONS
     "spiff_version": "1.5",       # SpiffWorkflow's serializer format of "workflow"
     "xml_hash": "…",              # the procedure version it runs (checked on restore)
     "process_id": "QT_…",
     "path": ["StartEvent", …],    # completed diagram elements, in order
     "workflow": {…}}              # SpiffWorkflow's task tree and data, no specs

**Versioning.** ``format_version`` starts at 1. A change to this layout, or a SpiffWorkflow
upgrade that changes its serializer version, bumps :data:`FORMAT_VERSION` and adds one
function to :data:`MIGRATIONS`: ``MIGRATIONS[n]`` takes a document of version ``n`` (a dict)
and returns it as version ``n + 1``. :func:`load_state` applies them in order, so a case
stored years ago restores on today's engine; each migration gets a round-trip test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.encoder import create_encoder
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_VERSION
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from isobpmn.engine.errors import StateError

__all__ = ["FORMAT_VERSION", "MIGRATIONS", "dump_state", "load_state", "migrate"]

#: The version of the stored document written by :func:`dump_state`.
FORMAT_VERSION = 1
#: ``MIGRATIONS[n]`` upgrades a stored document (a dict) from version ``n`` to ``n + 1``.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class _CaseWorkflowConverter(BpmnWorkflowConverter):
    """SpiffWorkflow's workflow converter without the specs: they come from the cache."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, *, spec=None, subprocess_specs=None, script_engine=None):
        if spec is None:
            raise StateError("the stored state has no spec to run on")
        workflow = self.target_class(spec, subprocess_specs, script_engine=script_engine,
                                     deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _registry():
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _CaseWorkflowConverter
    return BpmnWorkflowSerializer.configure(config)


_local = threading.local()


def _serializer():
    """One registry per thread: SpiffWorkflow's registry keeps a mode flag while encoding."""
    registry = getattr(_local, "registry", None)
    if registry is None:
        registry = _local.registry = _registry()
        _local.encoder = create_encoder(registry)
    return registry, _local.encoder


def dump_state(workflow: BpmnWorkflow, *, xml_hash: str, process_id: str,
               path: list[str]) -> bytes:
    """The bytes to store for a case (see the module for the layout)."""
    registry, encoder = _serializer()
    registry._encoder_mode = True  # what SpiffWorkflow's own serialize_json does
    try:
        document = {
            "format_version": FORMAT_VERSION,
            "spiff_version": SPIFF_VERSION,
            "xml_hash": xml_hash,
            "process_id": process_id,
            "path": path,
            "workflow": registry.convert(workflow),
        }
        text = json.dumps(document, cls=encoder, ensure_ascii=False, separators=(",", ":"))
    finally:
        registry._encoder_mode = False
    return text.encode("utf-8")


def migrate(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` brought up to :data:`FORMAT_VERSION` by :data:`MIGRATIONS`."""
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StateError("the stored case state has no valid format_version")
    if version > FORMAT_VERSION:
        raise StateError(f"the stored case state is format {version}, written by a newer "
                         f"isobpmn; this one reads up to format {FORMAT_VERSION}")
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise StateError(f"no migration from stored format {version} to {version + 1}")
        document = step(document)
        version += 1
        document["format_version"] = version
    return document


def load_state(state: bytes, *, xml_hash: str, workflow_spec: Any, subprocess_specs: dict,
               script_engine: Any) -> tuple[BpmnWorkflow, list[str]]:
    """The workflow and path stored in ``state``, on the given spec and script engine."""
    try:
        document = json.loads(state)
    except (ValueError, TypeError) as exc:
        raise StateError(f"the stored case state is not readable JSON: {exc}") from None
    if not isinstance(document, dict):
        raise StateError("the stored case state is not a JSON object")
    document = migrate(document)
    if document.get("xml_hash") != xml_hash:
        raise StateError("the stored case state belongs to another procedure version (its "
                         "xml_hash differs); restore it with the version it was started on")
    if document.get("spiff_version") != SPIFF_VERSION:
        raise StateError(f"the stored case state was written by SpiffWorkflow serializer "
                         f"{document.get('spiff_version')}, this engine runs {SPIFF_VERSION}; "
                         "a state migration is needed (docs/engine.md)")
    registry, _ = _serializer()
    try:
        workflow = registry.restore(document["workflow"], spec=workflow_spec,
                                    subprocess_specs=subprocess_specs, script_engine=script_engine)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StateError(f"the stored case state is damaged: {exc!r}") from None
    if not isinstance(workflow, BpmnWorkflow):
        raise StateError("the stored case state does not hold a workflow")
    return workflow, list(document.get("path", []))
