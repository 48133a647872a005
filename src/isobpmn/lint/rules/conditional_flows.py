"""
## What it checks

At an exclusive, inclusive or complex gateway, or an activity, that decides between its
outgoing flows (some flow has a condition, or one is marked as the default), every outgoing
flow has a condition or is the default flow. And no flow out of a parallel gateway has a
condition.

A diverging exclusive gateway whose flows have no condition at all, or no default flow, is
reported by `exclusive-gateway-conditions-complete`; conditions after an event-based gateway
by `event-based-gateway`.

## Why it matters

A plain flow next to conditional ones is always taken: the gateway then sends the case down
two paths instead of choosing one, or the engine refuses the diagram. A condition on a flow
out of a parallel gateway is ignored (every path of a parallel gateway runs), so the diagram
promises a choice the procedure does not make.

## Example

Incorrect: after "Thẩm định hồ sơ", the gateway "Hồ sơ đầy đủ?" has a flow "Chưa đủ" with
the condition `ho_so_day_du == False` and a flow "Đủ" with neither a condition nor the
default mark.

Correct: "Đủ" is the gateway's default flow (or has the condition `ho_so_day_du == True`).

## How to fix

Give the flow a condition, or mark it as the default flow (in the modeler: select the flow,
wrench icon, "Default flow"). For a parallel gateway, remove the conditions, or use an
exclusive gateway if only some paths should run.
"""

from isobpmn.lint.rule import rule
from isobpmn.model import Activity, Gateway
from isobpmn.model.types import GatewayType

_DECIDING = (GatewayType.EXCLUSIVE, GatewayType.INCLUSIVE, GatewayType.COMPLEX)


@rule(id="conditional-flows", category="correctness", severity="error",
      summary="Flows out of a deciding gateway or activity are all conditional or the default",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        for node in process.nodes.values():
            outgoing = [process.flows[f] for f in node.outgoing]
            if isinstance(node, Gateway) and node.gateway_type is GatewayType.PARALLEL:
                for flow in outgoing:
                    if flow.condition is not None:
                        yield ctx.report(flow.bpmn_id, (
                            f"sequence flow {ctx.label(flow.bpmn_id)} out of parallel gateway "
                            f"{ctx.label(node.bpmn_id)} has a condition, which is ignored because "
                            "every path of a parallel gateway runs; remove it, or use an "
                            "exclusive gateway if only some paths should run"))
                continue
            if not (isinstance(node, Activity) or (isinstance(node, Gateway)
                                                   and node.gateway_type in _DECIDING)):
                continue
            default = node.default_flow if node.default_flow in node.outgoing else None
            if not default and all(flow.condition is None for flow in outgoing):
                continue
            for flow in outgoing:
                if flow.condition is None and flow.bpmn_id != default:
                    yield ctx.report(flow.bpmn_id, (
                        f"sequence flow {ctx.label(flow.bpmn_id)} out of {ctx.label(node.bpmn_id)} "
                        "has no condition although the others decide by condition or default, so "
                        "it is always taken; give it a condition or make it the default flow"))
