"""Procedures read from BPMN 2.0 files with the ``iso`` extension.

The bottom layer: stdlib and lxml only. It reads a diagram safely (no entities, no DTD, no
network, a size limit) into immutable, typed objects with source line numbers. Everything else
in isobpmn (validator, engine, web, reports) sees procedures through these types.
"""

from isobpmn.model.duration import Duration, DurationError, TimeUnit
from isobpmn.model.errors import ModelError, ModelProblem
from isobpmn.model.reader import DEFAULT_MAX_BYTES, read_document, read_procedure
from isobpmn.model.types import (
    Activity,
    BpmnDocument,
    Choice,
    CopyKind,
    DocumentControl,
    DocumentRef,
    DossierComponent,
    ElementInfo,
    Event,
    EventDefinition,
    Fee,
    Field,
    FieldType,
    FlowNode,
    Gateway,
    Lane,
    Procedure,
    ProcedureInfo,
    ProcedureKind,
    RecordToKeep,
    RevisionEntry,
    RoleInfo,
    SequenceFlow,
    SignOff,
    Step,
    StepInfo,
    Suppression,
    Timer,
)

__all__ = [
    "DEFAULT_MAX_BYTES", "Activity", "BpmnDocument", "Choice", "CopyKind", "DocumentControl",
    "DocumentRef", "DossierComponent", "Duration", "DurationError", "ElementInfo", "Event",
    "EventDefinition", "Fee", "Field", "FieldType", "FlowNode", "Gateway", "Lane", "ModelError",
    "ModelProblem", "Procedure", "ProcedureInfo", "ProcedureKind", "RecordToKeep",
    "RevisionEntry", "RoleInfo", "SequenceFlow", "SignOff", "Step", "StepInfo", "Suppression",
    "TimeUnit", "Timer", "read_document", "read_procedure",
]
