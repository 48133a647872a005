"""
## What it checks

Everything of the procedure is drawn (BPMN DI): every flow node, lane and participant (pool)
has a shape with bounds, and every sequence flow and message flow an edge with at least two
waypoints. A file without any `bpmndi:BPMNDiagram` gets one finding.

## Why it matters

The drawing is the flowchart of the ISO procedure document and what the modeler opens. An
element without a shape exists for the engine but is invisible to everyone who reads or edits
the procedure: a step nobody sees in the printed flowchart, a flow nobody can reconnect.

## Example

Incorrect: a `bpmn:userTask id="Task_ThamDinh"` with no `bpmndi:BPMNShape
bpmnElement="Task_ThamDinh"` in the diagram.

Correct: each element has its shape (`dc:Bounds`) or edge (`di:waypoint`s), as the modeler
writes them.

## How to fix

A modeler does not show an element that has no shape, so draw the element (or the flow) again
in the modeler, move its settings over and delete the old one in the XML; or add the
`BPMNShape` / `BPMNEdge` by hand. A file produced by a program must write the diagram too.
"""

from __future__ import annotations

from isobpmn.lint.rule import rule
from isobpmn.model.reader import NS_BPMNDI


@rule(id="diagram-data-required", category="correctness", severity="error",
      summary="Every element is drawn: shapes for nodes, lanes and pools, edges for flows",
      presets=("recommended",))
def check(ctx):
    if ctx.tree.find(f"{{{NS_BPMNDI}}}BPMNDiagram") is None:
        target = ctx.tree.get("id") or (ctx.procedure.bpmn_id if ctx.procedure else None)
        yield ctx.report(target, "the file has no diagram (bpmndi:BPMNDiagram), so the procedure "
                                 "cannot be shown or printed; draw it in a BPMN modeler or "
                                 "generate the diagram with the process",
                         line=ctx.tree.sourceline if target is None else None)
        return
    diagram = ctx.document.diagram
    shaped = [(pid, "pool") for pid in ctx.document.participants]
    edged = [(flow.bpmn_id, "message flow") for flow in ctx.document.message_flows]
    for process in ctx.processes:
        shaped += [(lane_id, "lane") for lane_id in process.lanes]
        shaped += [(node_id, node.kind) for node_id, node in process.nodes.items()]
        edged += [(flow_id, "sequence flow") for flow_id in process.flows]
    for bpmn_id, kind in shaped:
        if bpmn_id and bpmn_id not in diagram.shapes:
            yield ctx.report(bpmn_id, f"{kind} {ctx.label(bpmn_id)} is not drawn (no BPMNShape "
                                      "with dc:Bounds); draw it in the modeler")
    for bpmn_id, kind in edged:
        edge = diagram.edges.get(bpmn_id)
        if not bpmn_id:
            continue
        if edge is None:
            yield ctx.report(bpmn_id, f"{kind} {ctx.label(bpmn_id)} is not drawn (no BPMNEdge); "
                                      "reconnect it in the modeler")
        elif len(edge.waypoints) < 2:
            yield ctx.report(bpmn_id, f"{kind} {ctx.label(bpmn_id)} is drawn with fewer than two "
                                      "waypoints; reconnect it in the modeler")
