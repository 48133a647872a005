"""
## What it checks

A diverging exclusive gateway (more than one outgoing flow) can always choose:

- at least one of its flows has a condition or is the default flow (a gateway with plain flows
  only cannot choose);
- when every flow has a condition, one of them should be the default flow (reported as a
  warning: a case that matches none of the conditions gets stuck);
- its default flow has no condition (the engine ignores it).

A mix of conditional and plain flows is reported by `conditional-flows`.

## Why it matters

An exclusive gateway is a question the official answers ("Hồ sơ đầy đủ?"). Without
conditions the engine cannot pick a path; without a default, a dossier whose data matches
none of the answers (a field left empty, an unexpected value) stops at the gateway and misses
its deadline. A condition on the default flow suggests a check that never happens.

## Example

Incorrect: the gateway "Hồ sơ đầy đủ?" has two flows, "Đủ" and "Chưa đủ", neither with a
condition.

Correct: "Chưa đủ" has the condition `ho_so_day_du == False` and "Đủ" is the default flow.

## How to fix

Give every flow but one a condition on the data the official enters at the step before
(iso:field), and mark the remaining flow, usually the normal outcome, as the default flow.
Remove the condition from a default flow, or remove its default mark.
"""

from isobpmn.lint.finding import Severity
from isobpmn.lint.rule import rule
from isobpmn.model import Gateway
from isobpmn.model.types import GatewayType

ID = "exclusive-gateway-conditions-complete"


@rule(id=ID, category="correctness", severity="error",
      summary="A diverging exclusive gateway has conditions and a default flow",
      presets=("recommended",))
def check(ctx):
    suggestion = min(ctx.config.setting(ID).severity, Severity.WARN)
    for process in ctx.processes:
        for node in process.nodes.values():
            if not (isinstance(node, Gateway) and node.gateway_type is GatewayType.EXCLUSIVE
                    and len(node.outgoing) > 1):
                continue
            gateway = ctx.label(node.bpmn_id)
            default = node.default_flow if node.default_flow in node.outgoing else None
            if default and process.flows[default].condition is not None:
                yield ctx.report(default, (
                    f"default flow {ctx.label(default)} of gateway {gateway} has a condition, "
                    "which the engine ignores; remove the condition, or remove the default mark"))
            conditional = [f for f in node.outgoing
                           if f != default and process.flows[f].condition is not None]
            if not conditional and not default:
                yield ctx.report(node.bpmn_id, (
                    f"gateway {gateway} has {len(node.outgoing)} outgoing flows and none has a "
                    "condition, so it cannot choose a path; give each flow a condition and make "
                    "one of them the default flow"))
            elif not default and len(conditional) == len(node.outgoing):
                yield ctx.report(node.bpmn_id, (
                    f"gateway {gateway} has no default flow, so a case that matches none of its "
                    "conditions gets stuck; make the usual outcome the default flow"),
                    severity=suggestion)
