"""
## What it checks

An event-based gateway:

- has at least two outgoing sequence flows;
- leads only to elements that wait for something: an intermediate catch event with a
  message, timer, signal or conditional trigger, or a receive task;
- is the only way into each of them (they have one incoming flow);
- has no conditions on its flows.

## Why it matters

An event-based gateway means "wait until the first of these happens": the citizen sends the
missing documents, or thirty days pass. That only works when each path begins with an event to
wait for. A task behind the gateway, a condition on a flow, or a single path leave the engine
nothing to race and the reader a wrong picture of the waiting period, which under Vietnamese
rules (hồ sơ bổ sung) is not counted in the deadline.

## Example

Incorrect: after "Thông báo bổ sung hồ sơ", an event-based gateway leads to the user task
"Tiếp nhận hồ sơ bổ sung" and to a timer event "Quá 30 ngày".

Correct: the gateway leads to a message catch event "Nhận hồ sơ bổ sung" (then "Tiếp nhận hồ
sơ bổ sung") and to a timer catch event "Quá 30 ngày" (then "Trả lại hồ sơ").

## How to fix

Put an intermediate catch event (message, timer, signal or conditional) or a receive task
directly after the gateway on every path, with no other flow into it, and remove conditions
from the gateway's flows. A gateway with one path is not needed: keep the event alone.
"""

from isobpmn.lint.rule import rule
from isobpmn.model import Event, Gateway
from isobpmn.model.types import EventPosition, GatewayType

_TRIGGERS = frozenset({"message", "timer", "signal", "conditional"})


def _waits(node) -> bool:
    if node.kind == "receiveTask":
        return True
    return (isinstance(node, Event) and node.position is EventPosition.INTERMEDIATE_CATCH
            and bool(node.definitions) and all(d.kind in _TRIGGERS for d in node.definitions))


@rule(id="event-based-gateway", category="correctness", severity="error",
      summary="An event-based gateway waits for two or more events and nothing else",
      presets=("recommended",))
def check(ctx):
    for process in ctx.processes:
        for node in process.nodes.values():
            if not (isinstance(node, Gateway) and node.gateway_type is GatewayType.EVENT_BASED):
                continue
            gateway = ctx.label(node.bpmn_id)
            if len(node.outgoing) < 2:
                yield ctx.report(node.bpmn_id, (
                    f"event-based gateway {gateway} has {len(node.outgoing)} outgoing flow(s) but "
                    "waits for the first of several events; give it a path to each event, or "
                    "remove it and keep the one event"))
            checked: set[str] = set()
            for flow_id in node.outgoing:
                flow = process.flows[flow_id]
                if flow.condition is not None:
                    yield ctx.report(flow_id, (
                        f"sequence flow {ctx.label(flow_id)} out of event-based gateway {gateway} "
                        "has a condition; the event that happens first decides, so remove it"))
                target = process.nodes.get(flow.target)
                if target is None or target.bpmn_id in checked:
                    continue
                checked.add(target.bpmn_id)
                follows = f"{ctx.label(target.bpmn_id)} follows event-based gateway {gateway}"
                if not _waits(target):
                    yield ctx.report(target.bpmn_id, (
                        f"{follows} but does not wait for anything; put an intermediate catch "
                        "event (message, timer, signal, conditional) or a receive task there"))
                elif len(target.incoming) > 1:
                    yield ctx.report(target.bpmn_id, (
                        f"{follows} but has {len(target.incoming)} incoming flows; let only the "
                        "gateway lead to it and merge the other flows before the gateway"))
