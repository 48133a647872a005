"""Graph questions several rules ask: which nodes need no flows, which paths run together.

Kept here, below the rules, so rules never import each other.
"""

from __future__ import annotations

from isobpmn.model import Activity, Event, Gateway
from isobpmn.model.types import EventPosition, GatewayType

_SYNCHRONISING = (GatewayType.PARALLEL, GatewayType.INCLUSIVE, GatewayType.COMPLEX)


def concurrent_joins(process) -> dict[str, str]:
    """Activities and events with incoming flows that can carry tokens at the same time,
    each with the element where those paths part. Linear in the diagram per such element."""
    result: dict[str, str] = {}
    for node in process.nodes.values():
        if isinstance(node, Gateway) or len(node.incoming) < 2:
            continue
        walks = [_walk_back(process, flow_id, node.bpmn_id) for flow_id in node.incoming]
        split = _shared_split(process, walks)
        if split is not None:
            result[node.bpmn_id] = split
    return result


def _walk_back(process, flow_id: str, stop: str) -> dict[str, set[str]]:
    """Every element upstream of ``flow_id`` up to a synchronising join, with the branches
    (outgoing flow ids, or boundary event ids) by which the paths left it."""
    left_by: dict[str, set[str]] = {}
    seen = {stop}
    stack = [(process.flows[flow_id].source, flow_id)]
    while stack:
        node_id, branch = stack.pop()
        node = process.nodes.get(node_id)
        if node is None:
            continue
        left_by.setdefault(node_id, set()).add(branch)
        if node_id in seen:
            continue
        seen.add(node_id)
        if (isinstance(node, Gateway) and node.gateway_type in _SYNCHRONISING
                and len(node.incoming) > 1):
            continue  # a joining gateway: one token goes on from here
        if is_boundary(node) and node.attached_to:
            stack.append((node.attached_to, node_id))
        stack.extend((process.flows[f].source, f) for f in node.incoming)
    return left_by


def _shared_split(process, walks: list[dict[str, set[str]]]) -> str | None:
    """The first element where two of the walks left by branches that run together. Branches
    both walks share are left out: paths doubled further up (after another fake join) are
    reported there, not again at every element downstream."""
    for i, first in enumerate(walks):
        for other in walks[i + 1:]:
            for node_id, branches in first.items():
                theirs = other.get(node_id)
                if theirs and any(_together(process, node_id, a, b)
                                  for a in branches - theirs for b in theirs - branches):
                    return node_id
    return None


def _together(process, node_id: str, a: str, b: str) -> bool:
    """Whether the branches ``a`` and ``b`` leaving ``node_id`` can both carry a token."""
    node = process.nodes[node_id]
    if isinstance(node, Gateway):
        if node.gateway_type is GatewayType.PARALLEL:
            return True
        return node.gateway_type in _SYNCHRONISING and node.default_flow not in (a, b)
    events = [process.nodes[x] for x in (a, b) if x in process.nodes]
    if any(not event.cancel_activity for event in events):
        return True  # a non-interrupting boundary event runs beside the activity
    if events or getattr(node, "default_flow", None) in (a, b):
        return False  # an interrupting boundary event or the default replaces the other path
    return process.flows[a].condition is None or process.flows[b].condition is None


def event_sub_processes(ctx) -> frozenset[str]:
    """Ids of the event sub-processes (``triggeredByEvent="true"``) of the file."""
    return frozenset(node.bpmn_id for _, node in ctx.nodes()
                     if isinstance(node, Activity) and node.triggered_by_event)


def needs_no_flows(node, process, event_subs: frozenset[str]) -> bool:
    """Whether BPMN lets ``node`` stand without sequence flows: an event sub-process, a
    compensation activity, or a step inside an ad-hoc sub-process."""
    if node.bpmn_id in event_subs:
        return True
    if isinstance(node, Activity) and node.is_for_compensation:
        return True
    scope = process.nodes.get(node.scope_id)
    return scope is not None and scope.kind == "adHocSubProcess"


def is_link(node) -> bool:
    """A link event: half of a "go to" between two parts of one process."""
    return bool(node.definitions) and all(d.kind == "link" for d in node.definitions)


def is_boundary(node) -> bool:
    return isinstance(node, Event) and node.position is EventPosition.BOUNDARY


def one_sided(ctx, missing: str, allowed: tuple[EventPosition, ...], link: EventPosition):
    """Flow nodes with sequence flows on one side only, none on the ``missing`` side
    ("incoming" or "outgoing"), except events at the ``allowed`` positions, link events at the
    ``link`` position, and the elements that need no flows. Nodes without any flow are this
    rule's."""
    present = "outgoing" if missing == "incoming" else "incoming"
    event_subs = event_sub_processes(ctx)
    for process in ctx.processes:
        for node in process.nodes.values():
            if getattr(node, missing) or not getattr(node, present):
                continue
            if isinstance(node, Event) and (node.position in allowed or (
                    node.position is link and is_link(node))):
                continue
            if not needs_no_flows(node, process, event_subs):
                yield node


def gateways(ctx, gateway_type: GatewayType):
    """Every gateway of ``gateway_type`` in the file."""
    for _, node in ctx.nodes():
        if isinstance(node, Gateway) and node.gateway_type is gateway_type:
            yield node
