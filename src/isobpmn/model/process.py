"""Reading one ``bpmn:process`` (and its expanded sub-processes) into a :class:`Procedure`."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from lxml import etree

from isobpmn.model import iso
from isobpmn.model.order import FlowPlan, hours_of, plan
from isobpmn.model.types import (
    Activity,
    Condition,
    ElementInfo,
    Event,
    EventDefinition,
    EventPosition,
    FlowNode,
    Gateway,
    GatewayType,
    Lane,
    Procedure,
    ProcedureInfo,
    RoleInfo,
    SequenceFlow,
    Step,
    StepInfo,
    Suppression,
    Timer,
    TimerKind,
)

NS_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_B = "{%s}" % NS_BPMN
_B_LEN = len(_B)

TASKS = frozenset({
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity",
})
SUB_PROCESSES = frozenset({"subProcess", "transaction", "adHocSubProcess"})
ACTIVITIES = TASKS | SUB_PROCESSES
#: Activities that are steps of the step table even without ``iso:step``: people do them.
HUMAN_TASKS = frozenset({"task", "userTask", "manualTask"})
EVENTS = frozenset(p.value for p in EventPosition)
GATEWAYS = frozenset(g.value for g in GatewayType)
FLOW_NODES = ACTIVITIES | EVENTS | GATEWAYS

#: Deepest nesting of expanded sub-processes read. Real procedures use one or two levels; the
#: limit keeps the recursive walks below far from Python's recursion limit.
MAX_NESTING = 32

#: Which ``iso`` extension may sit on which BPMN element (docs/schema.md).
PLACEMENT = {
    "procedure": ("process",),
    "role": ("lane",),
    "step": tuple(sorted(ACTIVITIES)),
    "suppress": None,  # anywhere
}

Extensions = Mapping[str, Mapping[str, etree._Element]]


def collect_extensions(root: etree._Element, problems: iso.Problems
                       ) -> tuple[dict[str, dict[str, etree._Element]], tuple[Suppression, ...]]:
    """Find every ``iso`` element, check where it sits, and group them by owner id."""
    found: dict[str, dict[str, etree._Element]] = {}
    suppressions: list[Suppression] = []
    _misplaced(root, problems)
    for holder in root.iter(f"{_B}extensionElements"):
        owner = holder.getparent()
        owner_kind = etree.QName(owner).localname
        owner_id = owner.get("id", "")
        for el in holder:
            if not isinstance(el.tag, str) or etree.QName(el).namespace != iso.ISO_NS:
                continue
            name = etree.QName(el).localname
            if name not in PLACEMENT:
                known = ", ".join(f"iso:{n}" for n in PLACEMENT)
                problems.add("iso", f"iso:{name} is not an element of the iso extension "
                                    f"(known here: {known})", el, owner_id or None)
                continue
            places = PLACEMENT[name]
            if places is not None and owner_kind not in places:
                where = "an activity" if name == "step" else f"a {places[0]}"
                here = f'{owner_kind} "{owner_id}"' if owner_id else owner_kind
                problems.add("iso", f"iso:{name} belongs on {where}, not on {here}",
                             el, owner_id or None)
                continue
            if name == "suppress":
                if not owner_id:
                    problems.add("iso", "iso:suppress must sit on an element with an id", el)
                    continue
                with problems.about(owner_id):
                    item = iso.read_suppression(el, owner_id, problems)
                if item is not None:
                    suppressions.append(item)
                continue
            slot = found.setdefault(owner_id, {})
            if name in slot:
                problems.add("iso", f"iso:{name} appears twice on {owner_kind} \"{owner_id}\"",
                             el, owner_id)
                continue
            slot[name] = el
    return found, tuple(suppressions)


def _misplaced(root: etree._Element, problems: iso.Problems) -> None:
    """Report ``iso`` elements outside ``extensionElements`` and ``iso`` attributes: BPMN tools
    would keep them, but the reader would otherwise drop their data without a word."""
    holder = f"{_B}extensionElements"
    iso_prefix = iso.iso_tag("")
    for el in root.iter(iso.iso_tag("*")):
        parent = el.getparent()
        if parent is None or parent.tag == holder or str(parent.tag).startswith(iso_prefix):
            continue
        problems.add("iso", f"iso:{etree.QName(el).localname} must sit inside the "
                            f"bpmn:extensionElements of the element it belongs to, not directly "
                            f"in {etree.QName(parent).localname}", el, parent.get("id"))
    for attribute in _ISO_ATTRIBUTES(root, ns=iso.ISO_NS):
        el = attribute.getparent()
        problems.add("iso", f"iso:{etree.QName(attribute.attrname).localname} is an attribute; the "
                            "iso extension has elements only, inside bpmn:extensionElements",
                     el, el.get("id"))


_ISO_ATTRIBUTES = etree.XPath("//@*[namespace-uri() = $ns]")


class ProcessReader:
    """Reads one process. Problems go to the shared collector."""

    def __init__(self, element: etree._Element, source: str, index: Mapping[str, ElementInfo],
                 extensions: Extensions, problems: iso.Problems, participant_name: str = ""):
        self.element = element
        self.source = source
        self.index = index
        self.extensions = extensions
        self.problems = problems
        self.participant_name = participant_name
        self.nodes: dict[str, FlowNode] = {}
        self.flows: dict[str, SequenceFlow] = {}
        self.node_elements: dict[str, etree._Element] = {}
        self.lane_of: dict[str, str] = {}
        self.lanes: dict[str, Lane] = {}
        self.scopes: dict[str, list[str]] = {}  # scope id -> node ids in document order
        self.plans: dict[str, FlowPlan] = {}  # scope id -> its flow plan

    def read(self) -> Procedure:
        el = self.element
        pid = el.get("id", "")
        info = self._procedure_info(pid)
        self._lanes(el, None, None)
        self._scope(el, pid)
        self._resolve()
        nodes = self._finish_nodes()
        steps, main_path = self._steps(pid, nodes)
        return Procedure(
            bpmn_id=pid,
            name=(el.get("name") or "").strip(),
            source=self.source,
            line=el.sourceline,
            is_executable=el.get("isExecutable") == "true",
            info=info,
            lanes=MappingProxyType(self.lanes),
            nodes=MappingProxyType(nodes),
            flows=MappingProxyType(self.flows),
            steps=steps,
            main_path=main_path,
            participant_name=self.participant_name,
        )

    # --- iso data -------------------------------------------------------------------------

    def _procedure_info(self, pid: str) -> ProcedureInfo | None:
        el = self.extensions.get(pid, {}).get("procedure")
        if el is None:
            return None
        with self.problems.about(pid):
            return iso.read_procedure_info(el, self.problems)

    # --- lanes ----------------------------------------------------------------------------

    def _lanes(self, container: etree._Element, parent: str | None, inherited: RoleInfo | None):
        for lane_set in container.iterchildren(f"{_B}laneSet", f"{_B}childLaneSet"):
            for lane in lane_set.iterchildren(f"{_B}lane"):
                lid = lane.get("id", "")
                role_el = self.extensions.get(lid, {}).get("role")
                with self.problems.about(lid):
                    own = iso.read_role(role_el, self.problems) if role_el is not None else None
                role = own or inherited
                refs = tuple((r.text or "").strip() for r in lane.iterchildren(f"{_B}flowNodeRef"))
                for ref, ref_el in zip(refs, lane.iterchildren(f"{_B}flowNodeRef"), strict=True):
                    if ref not in self.index:
                        self.problems.add("unresolved-reference",
                                          f'lane "{lid}" lists flow node "{ref}", which is not in '
                                          "the file", ref_el, lid)
                        continue
                    self.lane_of[ref] = lid  # deeper lanes are read later and win
                self.lanes[lid] = Lane(lid, (lane.get("name") or "").strip(), lane.sourceline,
                                       role, refs, parent, own is not None)
                self._lanes(lane, lid, role)

    # --- flow elements --------------------------------------------------------------------

    def _scope(self, container: etree._Element, scope_id: str, depth: int = 0) -> None:
        order = self.scopes.setdefault(scope_id, [])
        for child in container.iterchildren(f"{_B}*"):
            kind = child.tag[_B_LEN:]
            cid = child.get("id", "")
            if kind == "sequenceFlow":
                self._flow(child, scope_id)
            elif kind in FLOW_NODES:
                if not cid:
                    self.problems.add("structure", f"a {kind} has no id; every flow node needs one",
                                      child)
                    continue
                if cid in self.node_elements:
                    continue  # duplicate id, already reported by the index
                self.node_elements[cid] = child
                self.nodes[cid] = self._node(child, kind, cid, scope_id)
                order.append(cid)
                if kind in SUB_PROCESSES:
                    if depth >= MAX_NESTING:
                        self.problems.add("structure", f'sub-process "{cid}" is nested more than '
                                          f"{MAX_NESTING} sub-processes deep; flatten the diagram",
                                          child, cid)
                        continue
                    self._lanes(child, None, None)
                    self._scope(child, cid, depth + 1)

    def _flow(self, el: etree._Element, scope_id: str) -> None:
        fid = el.get("id", "")
        condition = None
        cond_el = el.find(f"{_B}conditionExpression")
        if cond_el is not None:
            condition = Condition(iso.text_of(cond_el), cond_el.get("language", ""),
                                  cond_el.sourceline)
        self.flows[fid] = SequenceFlow(fid, (el.get("name") or "").strip(), el.get("sourceRef", ""),
                                       el.get("targetRef", ""), el.sourceline, condition,
                                       scope_id=scope_id)

    def _node(self, el: etree._Element, kind: str, nid: str, scope_id: str) -> FlowNode:
        common = dict(bpmn_id=nid, kind=kind, name=(el.get("name") or "").strip(),
                      line=el.sourceline, scope_id=scope_id)
        if kind in ACTIVITIES:
            step_el = self.extensions.get(nid, {}).get("step")
            with self.problems.about(nid):
                info = iso.read_step(step_el, self.problems) if step_el is not None else None
            return Activity(**common, step_info=info,
                            is_for_compensation=el.get("isForCompensation") == "true",
                            triggered_by_event=el.get("triggeredByEvent") == "true",
                            default_flow=el.get("default"))
        if kind in GATEWAYS:
            return Gateway(**common, gateway_type=GatewayType(kind), default_flow=el.get("default"),
                           direction=el.get("gatewayDirection", "Unspecified"))
        return Event(**common, position=EventPosition(kind), definitions=self._definitions(el),
                     attached_to=el.get("attachedToRef"),
                     cancel_activity=el.get("cancelActivity", "true") != "false")

    def _definitions(self, el: etree._Element) -> tuple[EventDefinition, ...]:
        result = []
        for child in el.iterchildren(f"{_B}*"):
            name = child.tag[_B_LEN:]
            if not name.endswith("EventDefinition"):
                continue
            kind = name[: -len("EventDefinition")]
            timer = None
            if kind == "timer":
                timer = Timer(None, "", child.sourceline)
                for tk in TimerKind:
                    expr = child.find(f"{_B}{tk.value}")
                    if expr is not None:
                        timer = Timer(tk, iso.text_of(expr), expr.sourceline)
                        break
            ref = next((child.get(a) for a in ("messageRef", "signalRef", "errorRef",
                                               "escalationRef") if child.get(a)), None)
            result.append(EventDefinition(kind, child.sourceline, timer, ref))
        return tuple(result)

    # --- references -----------------------------------------------------------------------

    def _resolve(self) -> None:
        for flow in self.flows.values():
            for attr, ref in (("sourceRef", flow.source), ("targetRef", flow.target)):
                if ref not in self.nodes:
                    where = ("is not in the file" if ref not in self.index
                             else f"is a {self.index[ref].kind}, not a flow node of this process")
                    self.problems.add("unresolved-reference",
                                      f'sequence flow "{flow.bpmn_id}" {attr}="{ref}" {where}',
                                      bpmn_id=flow.bpmn_id, line=flow.line)
        for nid, node in self.nodes.items():
            default = getattr(node, "default_flow", None)
            if default and (default not in self.flows or self.flows[default].source != nid):
                self.problems.add("unresolved-reference",
                                  f'{node.kind} "{nid}" default="{default}" is not one of its '
                                  "outgoing sequence flows", self.node_elements[nid], nid)
            if isinstance(node, Event) and node.position is EventPosition.BOUNDARY:
                target = node.attached_to
                if not target or not isinstance(self.nodes.get(target), Activity):
                    self.problems.add("unresolved-reference",
                                      f'boundary event "{nid}" attachedToRef="{target or ""}" is '
                                      "not an activity of this process", self.node_elements[nid], nid)

    def _lane(self, nid: str) -> str | None:
        """The node's lane; a node inside a sub-process without its own lane is in the
        sub-process's lane (that is where it is drawn and who does it)."""
        seen = 0
        while nid not in self.lane_of and nid in self.nodes and seen < 64:
            scope = self.nodes[nid].scope_id
            if scope not in self.nodes:
                return None
            nid, seen = scope, seen + 1
        return self.lane_of.get(nid)

    def _finish_nodes(self) -> dict[str, FlowNode]:
        """Fill in what is only known once every element is read: flows in and out, lanes,
        default flags. The objects are still private to this reader, so they are completed in
        place (``dataclasses.replace`` would build each one twice on a hot path)."""
        incoming: dict[str, list[str]] = {n: [] for n in self.nodes}
        outgoing: dict[str, list[str]] = {n: [] for n in self.nodes}
        defaults = {getattr(n, "default_flow", None) for n in self.nodes.values()}
        for fid, flow in self.flows.items():
            if flow.source in outgoing:
                outgoing[flow.source].append(fid)
            if flow.target in incoming:
                incoming[flow.target].append(fid)
            if fid in defaults and flow.source in self.nodes:
                object.__setattr__(flow, "is_default", True)
        for nid, node in self.nodes.items():
            object.__setattr__(node, "incoming", tuple(incoming[nid]))
            object.__setattr__(node, "outgoing", tuple(outgoing[nid]))
            object.__setattr__(node, "lane_id", self._lane(nid))
        return self.nodes

    # --- step table -----------------------------------------------------------------------

    def _steps(self, pid: str, nodes: Mapping[str, FlowNode]) -> tuple[tuple[Step, ...], tuple[str, ...]]:
        steps: list[Step] = []
        main_path = self._number_scope(pid, nodes, "", steps)
        return tuple(steps), main_path

    def _is_step(self, node: FlowNode) -> bool:
        return isinstance(node, Activity) and (node.kind in HUMAN_TASKS or node.step_info is not None
                                               or bool(self._inner_steps(node.bpmn_id)))

    def _inner_steps(self, scope_id: str) -> bool:
        nodes = self.scopes.get(scope_id, ())
        return any(isinstance(self.nodes[n], Activity) and self._is_step(self.nodes[n]) for n in nodes)

    def _plan(self, scope_id: str) -> FlowPlan:
        """The flow plan of one scope (the process or an expanded sub-process), computed once."""
        if scope_id not in self.plans:
            order = self.scopes.get(scope_id, [])
            nodes = self.nodes
            edges = [(f.source, f.target) for f in self.flows.values() if f.scope_id == scope_id]
            for nid in order:  # a boundary event follows the activity it is attached to
                node = nodes[nid]
                if isinstance(node, Event) and node.attached_to:
                    edges.append((node.attached_to, nid))
            starts = sorted((n for n in order if isinstance(nodes[n], Event)
                             and nodes[n].position is EventPosition.START),
                            key=lambda n: (0 if nodes[n].is_blank else 1, order.index(n)))
            weight = {nid: self._weight(nodes[nid]) for nid in order}
            is_step = [nid for nid in order if self._is_step(nodes[nid])]
            self.plans[scope_id] = plan(order, edges, starts, weight, is_step)
        return self.plans[scope_id]

    def _number_scope(self, scope_id: str, nodes: Mapping[str, FlowNode], prefix: str,
                      out: list[Step], on_outer_main: bool = True) -> tuple[str, ...]:
        result = self._plan(scope_id)
        for number, (nid, on_main) in enumerate(result.steps, start=1):
            node = nodes[nid]
            lane = self.lanes.get(node.lane_id or "")
            label = f"{prefix}{number}"
            out.append(Step(
                number=label, bpmn_id=nid, name=node.name, lane_id=node.lane_id,
                responsible=lane.name if lane else "", role=lane.role if lane else None,
                info=node.step_info or StepInfo(), on_main_path=on_main and on_outer_main,
                line=node.line,
            ))
            if node.kind in SUB_PROCESSES:
                # a step inside a sub-process is on the main path only if the sub-process is
                self._number_scope(nid, nodes, label + ".", out, on_main and on_outer_main)
        return result.main_path

    def _weight(self, node: FlowNode) -> Decimal:
        if not isinstance(node, Activity):
            return Decimal(0)
        if node.step_info is not None and node.step_info.allotment is not None:
            return hours_of(node.step_info.allotment)
        if node.kind in SUB_PROCESSES:  # what its own main path takes, branches left out
            inner = self._plan(node.bpmn_id).main_path
            return sum((self._weight(self.nodes[n]) for n in inner), Decimal(0))
        return Decimal(0)
