"""
## What it checks

These elements have a name:

- every task, sub-process and event;
- every diverging gateway (more than one outgoing flow), except parallel and event-based
  gateways, whose meaning the symbol already says;
- every sequence flow with a condition;
- every lane and every participant (pool).

Merging gateways and plain sequence flows need no name.

## Why it matters

The names are the procedure. The ISO step table prints each step's name under "Nội dung
công việc" and each lane's name under "Trách nhiệm"; a gateway is read as the question the
official answers, and its conditional flows as the answers. An unnamed element prints as an
empty row or a bare id such as `Activity_0x7fa`.

## Example

Incorrect: a user task with no name after "Tiếp nhận hồ sơ", and a gateway after it whose
flows are unlabelled.

Correct: the task "Thẩm định hồ sơ", the gateway "Hồ sơ đầy đủ?", and its conditional flow
"Chưa đủ".

## How to fix

Name the element in the modeler (double-click it): a task for what the official does
("Thẩm định hồ sơ"), a gateway as a question ("Hồ sơ đầy đủ?"), a conditional flow as the
answer ("Chưa đủ"), an event for what happens ("Nhận hồ sơ", "Đã trả kết quả"), a lane for
the unit or role ("Bộ phận Một cửa"), a pool for the agency ("UBND phường Tân An").
"""

import re

from isobpmn.lint.rule import rule
from isobpmn.model import Event, Gateway
from isobpmn.model.types import GatewayType

_SILENT = (GatewayType.PARALLEL, GatewayType.EVENT_BASED)
_WORD = re.compile(r"(?<!^)(?=[A-Z])")


def _hint(node) -> str:
    if isinstance(node, Gateway):
        return 'as the question it decides, e.g. "Hồ sơ đầy đủ?"'
    if isinstance(node, Event):
        return 'for what happens, e.g. "Nhận hồ sơ" or "Đã trả kết quả"'
    return 'for what the official does, e.g. "Thẩm định hồ sơ"'


@rule(id="label-required", category="correctness", severity="error",
      summary="Steps, events, deciding gateways, conditional flows, lanes and pools have names",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        for node in process.nodes.values():
            if node.name or isinstance(node, Gateway) and (
                    node.gateway_type in _SILENT or len(node.outgoing) < 2):
                continue
            kind = _WORD.sub(" ", node.kind).lower().replace("sub process", "sub-process")
            yield ctx.report(node.bpmn_id, f"{kind} {node.bpmn_id} has no name; "
                                           f"name it {_hint(node)}")
        for flow in process.flows.values():
            if flow.condition is not None and not flow.name:
                yield ctx.report(flow.bpmn_id, (
                    f"conditional sequence flow {flow.bpmn_id} out of {ctx.label(flow.source)} "
                    'has no name; name it for the answer it stands for, e.g. "Chưa đủ"'))
        for lane in process.lanes.values():
            if not lane.name:
                yield ctx.report(lane.bpmn_id, (
                    f"lane {lane.bpmn_id} has no name; name it for the unit or role doing its "
                    'steps, e.g. "Bộ phận Một cửa"'))
    for participant_id in ctx.document.participants:
        if participant_id and not ctx.name(participant_id):
            yield ctx.report(participant_id, (
                f"pool {participant_id} has no name; name it for the agency, e.g. "
                '"UBND phường Tân An"'))
