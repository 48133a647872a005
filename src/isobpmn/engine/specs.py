"""Procedure specs: each procedure version's BPMN parsed once, cached by the hash of its XML.

The XML is read by isobpmn's own safe parser (:func:`isobpmn.model.xmlsafe.parse_xml`: no DTD,
no entities, no network, a size limit) and the resulting tree is handed to SpiffWorkflow's
parser, which never sees the bytes. The process to run is the one
:func:`isobpmn.model.reader.main_process` names. Timers are swapped for the case-clock ones
(:mod:`isobpmn.engine.timers`) through the parser's override map.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, StartEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.event_parsers import (
    SpiffBoundaryEventParser,
    SpiffIntermediateCatchEventParser,
    SpiffStartEventParser,
)
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from isobpmn.engine.errors import SpecError, SpecNotLoaded
from isobpmn.engine.timers import clocked
from isobpmn.model.errors import ModelError
from isobpmn.model.reader import document_from_tree, main_process
from isobpmn.model.types import Gateway, Procedure
from isobpmn.model.xmlsafe import parse_xml

__all__ = ["DEFAULT_CACHE_SIZE", "ProcedureSpec", "SpecCache", "cached_spec", "load_spec",
           "xml_hash"]

#: Procedure versions kept parsed at once (a few hundred kB each).
DEFAULT_CACHE_SIZE = 128
#: Names SpiffWorkflow gives its own task specs: an element with one of them is lost.
_RESERVED_IDS = frozenset({"Start", "End", "StartEventSplit", "StartEventJoin"})
_UNSUPPORTED = {"serviceTask": "service tasks", "businessRuleTask": "business rule tasks"}


def xml_hash(xml: bytes) -> str:
    """The key of a procedure version's spec: SHA-256 of its XML bytes, in hex."""
    return hashlib.sha256(xml).hexdigest()


class ProcedureSpec:
    """One parsed procedure version, ready to start or restore cases. Immutable and shared
    between threads; what SpiffWorkflow made of it stays inside the engine package."""

    __slots__ = ("_subprocess_specs", "_workflow_spec", "conditions", "lanes", "messages",
                 "procedure", "process_id", "xml_hash")

    def __init__(self, xml_hash: str, procedure: Procedure, workflow_spec: Any,
                 subprocess_specs: dict[str, Any], messages: Mapping[str, str]) -> None:
        self.xml_hash = xml_hash
        self.procedure = procedure
        self.process_id = procedure.bpmn_id
        #: flow node id -> id of the innermost lane drawn around it
        self.lanes: Mapping[str, str] = MappingProxyType(_lanes(procedure))
        #: message id -> message name (a message may be sent by either)
        self.messages: Mapping[str, str] = MappingProxyType(dict(messages))
        #: (gateway id, condition text) -> id of the sequence flow carrying the condition
        self.conditions: Mapping[tuple[str, str], str] = MappingProxyType({
            (flow.source, flow.condition.expression.strip()): flow.bpmn_id
            for flow in procedure.flows.values()
            if flow.condition is not None and isinstance(procedure.nodes.get(flow.source), Gateway)
        })
        self._workflow_spec = workflow_spec
        self._subprocess_specs = subprocess_specs

    def __repr__(self) -> str:
        return f"ProcedureSpec({self.process_id!r}, xml_hash={self.xml_hash[:12]}…)"


class _TimerStartParser(SpiffStartEventParser):
    def parse_timer_event(self, event):
        return clocked(super().parse_timer_event(event))


class _TimerBoundaryParser(SpiffBoundaryEventParser):
    def parse_timer_event(self, event):
        return clocked(super().parse_timer_event(event))


class _TimerCatchParser(SpiffIntermediateCatchEventParser):
    def parse_timer_event(self, event):
        return clocked(super().parse_timer_event(event))


class CaseParser(SpiffBpmnParser):
    """SpiffWorkflow's parser (with ``spiffworkflow:preScript``/``postScript``), with timers on
    the case's clock."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (_TimerStartParser, StartEvent),
        full_tag("boundaryEvent"): (_TimerBoundaryParser, BoundaryEvent),
        full_tag("intermediateCatchEvent"): (_TimerCatchParser, IntermediateCatchEvent),
    }


def parse_spec(xml: bytes, *, name: str | None = None, digest: str | None = None) -> ProcedureSpec:
    """Parse one procedure version (no cache): :class:`SpecError` says what is wrong."""
    label = name or "<procedure>"
    try:
        root = parse_xml(xml, label)
        procedure = main_process(document_from_tree(root, label))
    except ModelError as exc:
        raise SpecError(f"the procedure cannot be read: {exc}") from None
    for bpmn_id, node in procedure.nodes.items():
        if bpmn_id in _RESERVED_IDS or bpmn_id.endswith(".EndJoin"):
            raise SpecError(f"the id {bpmn_id!r} is one SpiffWorkflow gives its own steps; "
                            "rename the element (e.g. StartEvent, EndEvent)", element_id=bpmn_id)
        if node.kind in _UNSUPPORTED:
            raise SpecError(f"{_UNSUPPORTED[node.kind]} are not supported: a step cannot call "
                            "out of the server; draw it as a user task or a script task",
                            element_id=bpmn_id)
    parser = CaseParser()
    try:
        parser.add_bpmn_xml(root, filename=label)
        workflow_spec = parser.get_spec(procedure.bpmn_id)
        subprocess_specs = parser.get_subprocess_specs(procedure.bpmn_id)
    except SpiffWorkflowException as exc:
        raise SpecError(f"the engine cannot run {label}: {exc}") from None
    return ProcedureSpec(digest or xml_hash(xml), procedure, workflow_spec, subprocess_specs,
                         parser.messages)


class SpecCache:
    """A bounded, thread-safe LRU of :class:`ProcedureSpec` by :func:`xml_hash`."""

    def __init__(self, maxsize: int = DEFAULT_CACHE_SIZE) -> None:
        if maxsize < 1:
            raise ValueError("the spec cache needs room for at least one procedure")
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._specs: OrderedDict[str, ProcedureSpec] = OrderedDict()
        self._lock = threading.Lock()

    def load(self, xml: bytes, *, name: str | None = None) -> ProcedureSpec:
        """The spec of this XML: from the cache, or parsed now and cached."""
        digest = xml_hash(xml)
        with self._lock:
            spec = self._specs.get(digest)
            if spec is not None:
                self.hits += 1
                self._specs.move_to_end(digest)
                return spec
            self.misses += 1
        spec = parse_spec(xml, name=name, digest=digest)  # outside the lock: parsing is slow
        with self._lock:
            self._specs[digest] = spec
            self._specs.move_to_end(digest)
            while len(self._specs) > self.maxsize:
                self._specs.popitem(last=False)
        return spec

    def get(self, digest: str) -> ProcedureSpec:
        """The cached spec of a hash; :class:`SpecNotLoaded` if its XML was not loaded yet."""
        with self._lock:
            spec = self._specs.get(digest)
            if spec is None:
                raise SpecNotLoaded(f"no procedure spec with hash {digest[:12]}… is loaded; "
                                    "load the procedure version's XML with load_spec() first")
            self.hits += 1
            self._specs.move_to_end(digest)
            return spec

    def __contains__(self, digest: object) -> bool:
        with self._lock:
            return digest in self._specs

    def __len__(self) -> int:
        with self._lock:
            return len(self._specs)

    def clear(self) -> None:
        with self._lock:
            self._specs.clear()
            self.hits = self.misses = 0


def _lanes(procedure: Procedure) -> dict[str, str]:
    def depth(lane_id: str | None) -> int:
        steps = 0
        while lane_id is not None and lane_id in procedure.lanes:
            lane_id, steps = procedure.lanes[lane_id].parent_id, steps + 1
        return steps

    found: dict[str, tuple[int, str]] = {}
    for lane in procedure.lanes.values():
        level = depth(lane.bpmn_id)
        for node_id in lane.flow_node_ids:
            if node_id not in found or found[node_id][0] < level:
                found[node_id] = (level, lane.bpmn_id)
    return {node_id: lane_id for node_id, (_, lane_id) in found.items()}


#: The process-wide cache used by :func:`load_spec` and :func:`cached_spec`.
SPECS = SpecCache()


def load_spec(xml: bytes, *, name: str | None = None) -> ProcedureSpec:
    """The spec of a procedure version's XML, parsed once per process (see :class:`SpecCache`)."""
    return SPECS.load(xml, name=name)


def cached_spec(digest: str) -> ProcedureSpec:
    """A spec already loaded, by its :func:`xml_hash`; :class:`SpecNotLoaded` otherwise."""
    return SPECS.get(digest)
