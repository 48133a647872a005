"""The immutable, typed picture of a procedure diagram.

Static definitions only: nothing here runs a case. Collections are tuples and read-only
mappings so a parsed procedure can be cached and shared between threads.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from isobpmn.model.duration import Duration
from isobpmn.model.errors import ModelProblem

_EMPTY: Mapping = MappingProxyType({})


# --- the iso extension ------------------------------------------------------------------------


class ProcedureKind(enum.Enum):
    TTHC = "tthc"  # thủ tục hành chính: an administrative procedure for citizens
    INTERNAL = "internal"  # an internal QMS procedure

    def label(self, lang: str = "vi") -> str:
        if self is ProcedureKind.TTHC:
            return "Thủ tục hành chính" if lang == "vi" else "Administrative procedure"
        return "Quy trình nội bộ" if lang == "vi" else "Internal procedure"


class CopyKind(enum.Enum):
    ORIGINAL = "original"
    CERTIFIED = "certified"
    PHOTOCOPY = "photocopy"
    ELECTRONIC = "electronic"

    def label(self, lang: str = "vi") -> str:
        return _COPY_LABELS[self][0 if lang == "vi" else 1]


_COPY_LABELS = {
    CopyKind.ORIGINAL: ("Bản chính", "Original"),
    CopyKind.CERTIFIED: ("Bản sao có chứng thực", "Certified copy"),
    CopyKind.PHOTOCOPY: ("Bản sao", "Photocopy"),
    CopyKind.ELECTRONIC: ("Bản điện tử", "Electronic copy"),
}


class FieldType(enum.Enum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    BOOL = "bool"
    DOCUMENT = "document"


class SignOffRole(enum.Enum):
    DRAFTED = "drafted"
    REVIEWED = "reviewed"
    APPROVED = "approved"

    def label(self, lang: str = "vi") -> str:
        vi = {"drafted": "Soạn thảo", "reviewed": "Xem xét", "approved": "Phê duyệt"}
        return vi[self.value] if lang == "vi" else self.value.capitalize()


@dataclass(frozen=True, slots=True)
class SignOff:
    role: SignOffRole
    name: str
    position: str = ""
    date: date | None = None


@dataclass(frozen=True, slots=True)
class DocumentControl:
    code: str
    revision: int
    title: str
    issued: date | None = None
    sign_offs: tuple[SignOff, ...] = ()

    def sign_off(self, role: SignOffRole) -> SignOff | None:
        return next((s for s in self.sign_offs if s.role is role), None)


@dataclass(frozen=True, slots=True)
class RevisionEntry:
    number: int
    date: date
    description: str
    section: str = ""
    request: str = ""


@dataclass(frozen=True, slots=True)
class Definition:
    term: str
    meaning: str


@dataclass(frozen=True, slots=True)
class DossierComponent:
    name: str
    copies: tuple[CopyKind, ...]
    quantity: int = 1
    required: bool = True
    note: str = ""

    def copies_label(self, lang: str = "vi") -> str:
        joiner = " hoặc " if lang == "vi" else " or "
        text = joiner.join(c.label(lang) for c in self.copies)
        return text[:1].upper() + text[1:].lower() if len(self.copies) > 1 else text


@dataclass(frozen=True, slots=True)
class Fee:
    text: str
    amount: Decimal | None = None
    currency: str = "VND"


@dataclass(frozen=True, slots=True)
class RecordToKeep:
    name: str
    keeper: str
    retention: str


@dataclass(frozen=True, slots=True)
class ProcedureInfo:
    """What ``iso:procedure`` carries: document control and the statutory data (DOMAIN §3)."""

    kind: ProcedureKind
    document: DocumentControl
    agency: str = ""
    field: str = ""
    revisions: tuple[RevisionEntry, ...] = ()
    purpose: str = ""
    scope: str = ""
    references: tuple[str, ...] = ()
    definitions: tuple[Definition, ...] = ()
    legal_basis: tuple[str, ...] = ()
    dossier: tuple[DossierComponent, ...] = ()
    dossier_sets: int = 1
    time_limit: Duration | None = None
    time_limit_note: str = ""
    place: str = ""
    fee: Fee | None = None
    records: tuple[RecordToKeep, ...] = ()


@dataclass(frozen=True, slots=True)
class RoleInfo:
    code: str
    unit: str = ""


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A form or result named by a step: ``code`` ("Mẫu 01") and ``title``."""

    code: str
    title: str

    def __str__(self) -> str:
        if self.code and self.title:
            return f"{self.code}: {self.title}"
        return self.code or self.title


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    label_en: str = ""


@dataclass(frozen=True, slots=True)
class Field:
    """An input the official fills in at a step."""

    name: str
    type: FieldType
    label: str
    label_en: str = ""
    required: bool = False
    choices: tuple[Choice, ...] = ()
    line: int | None = None

    def label_for(self, lang: str = "vi") -> str:
        return self.label_en if lang != "vi" and self.label_en else self.label


@dataclass(frozen=True, slots=True)
class StepInfo:
    """What ``iso:step`` carries."""

    allotment: Duration | None = None
    description: str = ""
    forms: tuple[DocumentRef, ...] = ()
    results: tuple[DocumentRef, ...] = ()
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True, slots=True)
class Suppression:
    """``iso:suppress``: one validator rule turned off on one element, with the reason."""

    rule: str
    reason: str
    bpmn_id: str
    line: int | None = None


# --- BPMN elements ----------------------------------------------------------------------------


class ElementInfo(NamedTuple):
    """An entry of the element index: any element with an ``id`` in the file.

    A named tuple rather than a dataclass: a file has hundreds of these, built on every
    keystroke of the modeler's live lint, and a frozen dataclass is several times slower to
    create.
    """

    bpmn_id: str
    kind: str  # local tag name: "userTask", "sequenceFlow", "BPMNShape", "lane", ...
    name: str
    line: int | None
    namespace: str = ""
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class FlowNode:
    bpmn_id: str
    kind: str  # local tag name, e.g. "userTask", "exclusiveGateway", "endEvent"
    name: str
    line: int | None
    incoming: tuple[str, ...] = ()
    outgoing: tuple[str, ...] = ()
    lane_id: str | None = None
    scope_id: str = ""  # id of the process or expanded sub-process that contains it


@dataclass(frozen=True, slots=True)
class Activity(FlowNode):
    step_info: StepInfo | None = None
    is_for_compensation: bool = False
    triggered_by_event: bool = False  # an event sub-process
    default_flow: str | None = None


class GatewayType(enum.Enum):
    EXCLUSIVE = "exclusiveGateway"
    PARALLEL = "parallelGateway"
    INCLUSIVE = "inclusiveGateway"
    EVENT_BASED = "eventBasedGateway"
    COMPLEX = "complexGateway"


@dataclass(frozen=True, slots=True)
class Gateway(FlowNode):
    gateway_type: GatewayType = GatewayType.EXCLUSIVE
    default_flow: str | None = None
    direction: str = "Unspecified"


class TimerKind(enum.Enum):
    DURATION = "timeDuration"
    DATE = "timeDate"
    CYCLE = "timeCycle"


@dataclass(frozen=True, slots=True)
class Timer:
    kind: TimerKind | None  # None: a timer definition with no expression
    expression: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class EventDefinition:
    """``kind`` is the definition's name without "EventDefinition": timer, message, error, …"""

    kind: str
    line: int | None = None
    timer: Timer | None = None
    ref: str | None = None  # messageRef / signalRef / errorRef / escalationRef


class EventPosition(enum.Enum):
    START = "startEvent"
    END = "endEvent"
    INTERMEDIATE_CATCH = "intermediateCatchEvent"
    INTERMEDIATE_THROW = "intermediateThrowEvent"
    BOUNDARY = "boundaryEvent"


@dataclass(frozen=True, slots=True)
class Event(FlowNode):
    position: EventPosition = EventPosition.START
    definitions: tuple[EventDefinition, ...] = ()
    attached_to: str | None = None
    cancel_activity: bool = True

    @property
    def is_blank(self) -> bool:
        return not self.definitions

    @property
    def timers(self) -> tuple[Timer, ...]:
        return tuple(d.timer for d in self.definitions if d.timer is not None)


@dataclass(frozen=True, slots=True)
class Condition:
    expression: str
    language: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class SequenceFlow:
    bpmn_id: str
    name: str
    source: str
    target: str
    line: int | None
    condition: Condition | None = None
    is_default: bool = False
    scope_id: str = ""


@dataclass(frozen=True, slots=True)
class Lane:
    bpmn_id: str
    name: str
    line: int | None
    role: RoleInfo | None  # own or inherited from the parent lane
    flow_node_ids: tuple[str, ...] = ()
    parent_id: str | None = None
    own_role: bool = False


class Bounds(NamedTuple):
    x: float
    y: float
    width: float
    height: float

    def overlaps(self, other: Bounds) -> bool:
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )

    def contains(self, other: Bounds) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.x + other.width <= self.x + self.width
            and other.y + other.height <= self.y + self.height
        )


class Shape(NamedTuple):
    """A DI shape (named tuples for DI: a diagram has as many of them as it has elements)."""

    bpmn_id: str  # the DI element's own id
    element_id: str  # bpmnElement
    bounds: Bounds
    line: int | None
    is_expanded: bool | None = None


class Edge(NamedTuple):
    bpmn_id: str
    element_id: str
    waypoints: tuple[tuple[float, float], ...]
    line: int | None


@dataclass(frozen=True, slots=True)
class Diagram:
    """BPMN DI: where each element is drawn. Keyed by the *semantic* element id."""

    shapes: Mapping[str, Shape] = field(default_factory=lambda: _EMPTY)
    edges: Mapping[str, Edge] = field(default_factory=lambda: _EMPTY)
    plane_elements: tuple[str, ...] = ()


# --- the procedure ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One row of the step table (5.7 Quy trình xử lý công việc)."""

    number: str  # "1", "2", … or "3.1" inside a sub-process
    bpmn_id: str
    name: str
    lane_id: str | None
    responsible: str  # the lane's name, printed under "Trách nhiệm"
    role: RoleInfo | None
    info: StepInfo
    on_main_path: bool
    line: int | None

    @property
    def allotment(self) -> Duration | None:
        return self.info.allotment


@dataclass(frozen=True, slots=True)
class Procedure:
    """One BPMN process with its ``iso`` data, in a form every layer above can read."""

    bpmn_id: str
    name: str
    source: str
    line: int | None
    is_executable: bool
    info: ProcedureInfo | None
    lanes: Mapping[str, Lane]
    nodes: Mapping[str, FlowNode]
    flows: Mapping[str, SequenceFlow]
    steps: tuple[Step, ...]
    main_path: tuple[str, ...]  # flow node ids from a start event to an end event
    participant_name: str = ""

    @property
    def code(self) -> str:
        return self.info.document.code if self.info else ""

    @property
    def title(self) -> str:
        if self.info and self.info.document.title:
            return self.info.document.title
        return self.name or self.participant_name or self.bpmn_id

    @property
    def time_limit(self) -> Duration | None:
        return self.info.time_limit if self.info else None

    def step(self, bpmn_id: str) -> Step:
        for step in self.steps:
            if step.bpmn_id == bpmn_id:
                return step
        raise KeyError(bpmn_id)

    def of_kind(self, cls: type) -> tuple:
        return tuple(n for n in self.nodes.values() if isinstance(n, cls))


@dataclass(frozen=True, slots=True)
class BpmnDocument:
    """A whole ``bpmn:definitions`` file: processes, collaboration, diagram, index."""

    source: str
    target_namespace: str
    processes: tuple[Procedure, ...]
    index: Mapping[str, ElementInfo]
    diagram: Diagram
    participants: Mapping[str, str]  # participant id -> processRef ("" for a black-box pool)
    message_flows: tuple[SequenceFlow, ...] = ()
    problems: tuple[ModelProblem, ...] = ()
    suppressions: tuple[Suppression, ...] = ()

    @property
    def procedure(self) -> Procedure:
        """The process this file is about (see :func:`isobpmn.model.reader.main_process`)."""
        from isobpmn.model.reader import main_process

        return main_process(self)
