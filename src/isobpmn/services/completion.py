"""Completing a step, and sending a dossier back to an earlier step.

``complete_task`` is the ordinary move: the official enters the step's fields and the engine
runs on (:mod:`.progress`). ``return_to_previous`` is a completion too, chosen by the diagram:
BPMN has no "go back", so a return path is drawn as a decision — a ``choice`` field of the
step whose value leads, through gateways only, to a step the dossier has already passed (in
hộ kinh doanh, *Xem xét, trình ký* with ``y_kien_xem_xet = "tra_lai"`` goes back to
*Thẩm định hồ sơ*). The service finds that field and value, completes the step with them and
the reason (``ly_do_tra_lai``), and checks only the decision field (the other required fields
belong to a forward decision). A step without such a choice has no return path:
:class:`InvalidRequest` says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from isobpmn.model import FieldType, Gateway, Procedure, Step
from isobpmn.store import Task

from .casework import CaseWork
from .context import ServiceContext
from .errors import InvalidRequest
from .fields import validate_fields
from .kinds import EventKind
from .progress import StepDone, finish_step

__all__ = ["RETURN_REASON_FIELD", "complete_task", "return_choice", "return_to_previous"]

#: The case data key that carries the reason of a return.
RETURN_REASON_FIELD = "ly_do_tra_lai"
_EQUALS = re.compile(r"""^\s*(?P<name>[A-Za-z_]\w*)\s*==\s*(?P<q>["'])(?P<value>[^"']*)(?P=q)\s*$""")


def complete_task(ctx: ServiceContext, task_id: int, actor: str,
                  data: Mapping[str, Any] | None = None, *,
                  expected_version: int | None = None) -> StepDone:
    """Complete a task with the data entered for its step's fields.

    The actor must hold the task's role in the dossier's agency (docs/services.md) and either
    hold the claim or find the task unclaimed (completing claims it). ``expected_version`` is
    the state version the form was made from: a dossier changed since raises
    :class:`Conflict`.
    """
    def prepare(work: CaseWork, task: Task) -> tuple[dict[str, Any], dict[str, Any]]:
        return validate_fields(work.step(task.bpmn_id), data), {}

    return finish_step(ctx, task_id, actor, prepare, expected_version=expected_version)


def return_to_previous(ctx: ServiceContext, task_id: int, actor: str, reason: str, *,
                       expected_version: int | None = None) -> StepDone:
    """Send the dossier back from this step to the earlier one its diagram allows (module)."""
    if not reason or not reason.strip():
        raise InvalidRequest("a return needs its reason")

    def prepare(work: CaseWork, task: Task) -> tuple[dict[str, Any], dict[str, Any]]:
        step = work.step(task.bpmn_id)
        choice = return_choice(work.spec.procedure, step, work.run.path_taken()) \
            if step is not None else None
        if choice is None:
            raise InvalidRequest(f"step {task.name!r} has no return path in its diagram: none "
                                 "of its choices leads back to an earlier step")
        name, value, targets = choice
        values = validate_fields(step, {name: value}, only={name})
        values[RETURN_REASON_FIELD] = reason.strip()
        return values, {"reason": reason.strip(), "returned_to": targets}

    return finish_step(ctx, task_id, actor, prepare, kind=EventKind.TASK_RETURNED,
                       expected_version=expected_version)


def return_choice(procedure: Procedure, step: Step,
                  done: list[str]) -> tuple[str, str, list[str]] | None:
    """(field, value, earlier steps) of the step's choice that leads back, or ``None``."""
    choices = {f.name: {c.value for c in f.choices} for f in step.info.fields
               if f.type is FieldType.CHOICE}
    if not choices:
        return None
    node = procedure.nodes[step.bpmn_id]
    gateways = _gateways_after(procedure, node.outgoing)
    for gateway in gateways:
        for flow_id in procedure.nodes[gateway].outgoing:
            flow = procedure.flows[flow_id]
            match = _EQUALS.match(flow.condition.expression) if flow.condition else None
            if match is None or match["value"] not in choices.get(match["name"], ()):
                continue
            targets = [t for t in _first_steps(procedure, flow.target) if t in done]
            if targets:
                return match["name"], match["value"], targets
    return None


def _gateways_after(procedure: Procedure, flows: tuple[str, ...]) -> list[str]:
    out, seen, todo = [], set(), [procedure.flows[f].target for f in flows]
    while todo:
        node_id = todo.pop()
        if node_id in seen or not isinstance(procedure.nodes.get(node_id), Gateway):
            continue
        seen.add(node_id)
        out.append(node_id)
        todo.extend(procedure.flows[f].target for f in procedure.nodes[node_id].outgoing)
    return out


def _first_steps(procedure: Procedure, node_id: str) -> list[str]:
    """The first non-gateway nodes reached from ``node_id`` through gateways."""
    found, seen, todo = [], set(), [node_id]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        node = procedure.nodes.get(current)
        if isinstance(node, Gateway):
            todo.extend(procedure.flows[f].target for f in node.outgoing)
        elif node is not None:
            found.append(current)
    return found
