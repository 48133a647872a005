"""What changed between two revisions of a procedure, as the ISO secretary says it.

A structural diff over two read :class:`~isobpmn.model.types.Procedure` objects, element by
element (matched by ``bpmn_id``): steps added, removed, renamed or moved to another lane;
allotments, descriptions, forms and fields of a step; lanes and their roles; other flow nodes
(gateways, events); sequence flows; and the document control and statutory data of
``iso:procedure``. Each :class:`Change` carries a kind, the element's ``bpmn_id``, the values
before and after as short text, and a Vietnamese description for the revision table and the
review page. The id sets ``added`` / ``removed`` / ``changed`` let a viewer colour the diagram.
Pure: stdlib only, on the model's types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from isobpmn.model.duration import Duration
from isobpmn.model.types import (
    Activity,
    Event,
    Field,
    FlowNode,
    Gateway,
    Lane,
    Procedure,
    ProcedureInfo,
    SequenceFlow,
    Step,
)

__all__ = ["CHANGE_KINDS", "Change", "ProcedureDiff", "diff_procedures"]

#: Every kind of change, in the order a diff lists them (docs/lifecycle.md explains each).
CHANGE_KINDS = (
    "document", "revision-entry", "section", "dossier", "time-limit", "fee",
    "lane-added", "lane-removed", "lane-renamed", "role-changed",
    "step-added", "step-removed", "step-renamed", "step-moved", "allotment-changed",
    "description-changed", "forms-changed", "field-added", "field-removed", "field-changed",
    "element-added", "element-removed", "element-renamed",
    "flow-added", "flow-removed", "flow-changed",
)

NONE = "chưa có"


@dataclass(frozen=True)
class Change:
    """One difference: ``before`` / ``after`` are short display text (``None``: absent)."""

    kind: str
    bpmn_id: str
    before: str | None
    after: str | None
    description: str


@dataclass(frozen=True)
class ProcedureDiff:
    """The changes in list order, and the element ids to colour in a visual diff."""

    changes: tuple[Change, ...]
    added: frozenset[str]
    removed: frozenset[str]
    changed: frozenset[str]

    @property
    def empty(self) -> bool:
        return not self.changes


def diff_procedures(before: Procedure, after: Procedure) -> ProcedureDiff:
    """The structural difference from ``before`` to ``after`` (module docstring)."""
    out = _Collector()
    _info(out, before.info, after.info, after.bpmn_id)
    _lanes(out, before.lanes, after.lanes)
    _steps(out, before, after)
    _nodes(out, before, after)
    _flows(out, before, after)
    order = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
    changes = sorted(out.changes, key=lambda c: order[c.kind])
    return ProcedureDiff(tuple(changes), frozenset(out.added), frozenset(out.removed),
                         frozenset(out.changed - out.added - out.removed))


class _Collector:
    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.added: set[str] = set()
        self.removed: set[str] = set()
        self.changed: set[str] = set()

    def add(self, kind: str, bpmn_id: str, before: Any, after: Any, description: str, *,
            mark: str | None = "changed") -> None:
        self.changes.append(Change(kind, bpmn_id, _text(before), _text(after), description))
        if mark is not None:
            getattr(self, mark).add(bpmn_id)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Duration):
        return value.describe("vi")
    return str(value)


def _q(name: str) -> str:
    return f"«{name}»"


# --- iso:procedure ----------------------------------------------------------------------------

_SECTIONS = (
    ("purpose", "1. Mục đích"), ("scope", "2. Phạm vi"), ("references", "3. Tài liệu viện dẫn"),
    ("definitions", "4. Định nghĩa / Viết tắt"), ("legal_basis", "5.1 Cơ sở pháp lý"),
    ("place", "5.5 Nơi tiếp nhận và trả kết quả"), ("records", "7. Hồ sơ cần lưu"),
    ("kind", "Loại quy trình"), ("agency", "Cơ quan ban hành"), ("field", "Lĩnh vực"),
)


def _info(out: _Collector, before: ProcedureInfo | None, after: ProcedureInfo | None,
          process_id: str) -> None:
    if before is None or after is None:
        if before != after:
            out.add("document", process_id, "iso:procedure" if before else None,
                    "iso:procedure" if after else None,
                    "Thêm phần kiểm soát tài liệu (iso:procedure)" if after else
                    "Bỏ phần kiểm soát tài liệu (iso:procedure)", mark=None)
        return
    a, b = before.document, after.document
    for label, old, new in (("Mã hiệu", a.code, b.code), ("Tên quy trình", a.title, b.title),
                            ("Lần ban hành", a.revision, b.revision),
                            ("Ngày ban hành", _date(a.issued), _date(b.issued))):
        if old != new:
            out.add("document", process_id, old, new, f"{label}: {old or NONE} → {new or NONE}",
                    mark=None)
    old_grid, new_grid = _sign_offs(a.sign_offs), _sign_offs(b.sign_offs)
    if old_grid != new_grid:
        out.add("document", process_id, old_grid or None, new_grid or None,
                f"Ký duyệt: {old_grid or NONE} → {new_grid or NONE}", mark=None)
    known = {r.number for r in before.revisions}
    for row in after.revisions:
        if row.number not in known:
            out.add("revision-entry", process_id, None, f"{row.number}: {row.description}",
                    f"Thêm dòng sửa đổi lần {row.number} ({_date(row.date)}): "
                    f"{row.description or NONE}", mark=None)
    for attr, label in _SECTIONS:
        old, new = _section(getattr(before, attr)), _section(getattr(after, attr))
        if old != new:
            out.add("section", process_id, old or None, new or None, f"Sửa mục {label}",
                    mark=None)
    _dossier(out, before, after, process_id)
    if before.time_limit != after.time_limit:
        out.add("time-limit", process_id, before.time_limit, after.time_limit,
                f"5.4 Thời gian xử lý: {_duration(before.time_limit)} → "
                f"{_duration(after.time_limit)}", mark=None)
    old_fee, new_fee = _fee(before), _fee(after)
    if old_fee != new_fee:
        out.add("fee", process_id, old_fee or None, new_fee or None,
                f"5.6 Lệ phí: {old_fee or NONE} → {new_fee or NONE}", mark=None)


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _sign_offs(rows) -> str:
    return "; ".join(f"{s.role.label('vi')}: {s.name}" + (f" ({_date(s.date)})" if s.date else "")
                     for s in rows)


def _section(value: Any) -> str:
    if isinstance(value, tuple):
        return "\n".join(_section(item) for item in value)
    if hasattr(value, "term"):
        return f"{value.term}: {value.meaning}"
    if hasattr(value, "keeper"):
        return f"{value.name} ({value.keeper}, {value.retention})"
    if hasattr(value, "value") and not isinstance(value, str):
        return str(value.value)
    return value or ""


def _dossier(out: _Collector, before: ProcedureInfo, after: ProcedureInfo,
             process_id: str) -> None:
    old = {c.name: c for c in before.dossier}
    new = {c.name: c for c in after.dossier}
    for name in new.keys() - old.keys():
        out.add("dossier", process_id, None, name, f"5.2 Thành phần hồ sơ: thêm {_q(name)}",
                mark=None)
    for name in old.keys() - new.keys():
        out.add("dossier", process_id, name, None, f"5.2 Thành phần hồ sơ: bỏ {_q(name)}",
                mark=None)
    for name in old.keys() & new.keys():
        a, b = _component(old[name]), _component(new[name])
        if a != b:
            out.add("dossier", process_id, a, b, f"5.2 Thành phần hồ sơ: sửa {_q(name)} "
                                                 f"({a} → {b})", mark=None)
    if before.dossier_sets != after.dossier_sets:
        out.add("dossier", process_id, before.dossier_sets, after.dossier_sets,
                f"5.3 Số lượng hồ sơ: {before.dossier_sets} → {after.dossier_sets} bộ", mark=None)


def _component(c) -> str:
    parts = [c.copies_label("vi"), f"{c.quantity} bản"]
    if not c.required:
        parts.append("nếu có")
    if c.note:
        parts.append(c.note)
    return ", ".join(parts)


def _fee(info: ProcedureInfo) -> str:
    if info.fee is None:
        return ""
    amount = f" ({info.fee.amount} {info.fee.currency})" if info.fee.amount is not None else ""
    return f"{info.fee.text}{amount}"


def _duration(value: Duration | None) -> str:
    return value.describe("vi") if value is not None else NONE


# --- lanes ------------------------------------------------------------------------------------


def _role(lane: Lane) -> str:
    if lane.role is None:
        return ""
    return lane.role.code + (f" / {lane.role.unit}" if lane.role.unit else "")


def _lanes(out: _Collector, before, after) -> None:
    for lane_id in _ordered(after, before.keys()):
        lane = after[lane_id]
        role = _role(lane)
        out.add("lane-added", lane_id, None, lane.name,
                f"Thêm làn {_q(lane.name or lane_id)}" + (f" (vai trò {role})" if role else ""),
                mark="added")
    for lane_id in _ordered(before, after.keys()):
        lane = before[lane_id]
        out.add("lane-removed", lane_id, lane.name, None, f"Bỏ làn {_q(lane.name or lane_id)}",
                mark="removed")
    for lane_id in [i for i in after if i in before]:
        old, new = before[lane_id], after[lane_id]
        if old.name != new.name:
            out.add("lane-renamed", lane_id, old.name, new.name,
                    f"Đổi tên làn {_q(old.name)} thành {_q(new.name)}")
        if _role(old) != _role(new):
            out.add("role-changed", lane_id, _role(old) or None, _role(new) or None,
                    f"Làn {_q(new.name or lane_id)}: vai trò {_role(old) or NONE} → "
                    f"{_role(new) or NONE}")


def _ordered(mapping, exclude: Iterable[str]) -> list[str]:
    excluded = set(exclude)
    return [key for key in mapping if key not in excluded]


# --- steps ------------------------------------------------------------------------------------


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _label(step: Step) -> str:
    return f"bước {step.number} {_q(step.name or step.bpmn_id)}"


def _steps(out: _Collector, before: Procedure, after: Procedure) -> None:
    old = {s.bpmn_id: s for s in before.steps}
    new = {s.bpmn_id: s for s in after.steps}
    for step in after.steps:
        if step.bpmn_id not in old:
            where = f" ({step.responsible})" if step.responsible else ""
            time = f", {step.allotment.describe('vi')}" if step.allotment else ""
            out.add("step-added", step.bpmn_id, None, step.name,
                    f"Thêm {_label(step)}{where}{time}", mark="added")
    for step in before.steps:
        if step.bpmn_id not in new:
            out.add("step-removed", step.bpmn_id, step.name, None,
                    f"Bỏ {_label(step)}", mark="removed")
    for step in after.steps:
        if step.bpmn_id in old:
            _step(out, old[step.bpmn_id], step)


def _step(out: _Collector, a: Step, b: Step) -> None:
    label = _label(b)
    if a.name != b.name:
        out.add("step-renamed", b.bpmn_id, a.name, b.name,
                f"Đổi tên bước {b.number}: {_q(a.name)} → {_q(b.name)}")
    if a.lane_id != b.lane_id:
        out.add("step-moved", b.bpmn_id, a.responsible or None, b.responsible or None,
                f"{_cap(label)}: trách nhiệm {a.responsible or NONE} → "
                f"{b.responsible or NONE}")
    if a.allotment != b.allotment:
        out.add("allotment-changed", b.bpmn_id, a.allotment, b.allotment,
                f"Thời gian {label}: {_duration(a.allotment)} → {_duration(b.allotment)}")
    if a.info.description != b.info.description:
        out.add("description-changed", b.bpmn_id, a.info.description or None,
                b.info.description or None, f"Sửa mô tả {label}")
    old_refs, new_refs = _refs(a), _refs(b)
    if old_refs != new_refs:
        out.add("forms-changed", b.bpmn_id, old_refs or None, new_refs or None,
                f"Biểu mẫu/kết quả {label}: {old_refs or NONE} → {new_refs or NONE}")
    _fields(out, b.bpmn_id, label, a.info.fields, b.info.fields)


def _refs(step: Step) -> str:
    return "; ".join(str(ref) for ref in (*step.info.forms, *step.info.results))


def _fields(out: _Collector, bpmn_id: str, label: str, before: tuple[Field, ...],
            after: tuple[Field, ...]) -> None:
    old = {f.name: f for f in before}
    new = {f.name: f for f in after}
    for f in after:
        if f.name not in old:
            out.add("field-added", bpmn_id, None, _field(f),
                    f"{_cap(label)}: thêm trường {_q(f.label)} ({f.name})")
    for f in before:
        if f.name not in new:
            out.add("field-removed", bpmn_id, _field(f), None,
                    f"{_cap(label)}: bỏ trường {_q(f.label)} ({f.name})")
    for f in after:
        if f.name in old and _field(old[f.name]) != _field(f):
            out.add("field-changed", bpmn_id, _field(old[f.name]), _field(f),
                    f"{_cap(label)}: sửa trường {_q(f.label)} ({f.name})")


def _field(f: Field) -> str:
    text = f"{f.label} [{f.type.value}{', bắt buộc' if f.required else ''}]"
    if f.choices:
        text += ": " + ", ".join(f"{c.value}={c.label}" for c in f.choices)
    return text


# --- other flow nodes and flows ---------------------------------------------------------------


def _kind(node: FlowNode) -> str:
    if isinstance(node, Gateway):
        return "cổng rẽ nhánh"
    if isinstance(node, Event):
        return "sự kiện"
    if isinstance(node, Activity):
        return "hoạt động"
    return "phần tử"


def _nodes(out: _Collector, before: Procedure, after: Procedure) -> None:
    steps = {s.bpmn_id for s in (*before.steps, *after.steps)}
    old = {k: v for k, v in before.nodes.items() if k not in steps}
    new = {k: v for k, v in after.nodes.items() if k not in steps}
    for node_id in _ordered(new, old.keys()):
        node = new[node_id]
        out.add("element-added", node_id, None, node.name or node.kind,
                f"Thêm {_kind(node)} {_q(node.name or node_id)}", mark="added")
    for node_id in _ordered(old, new.keys()):
        node = old[node_id]
        out.add("element-removed", node_id, node.name or node.kind, None,
                f"Bỏ {_kind(node)} {_q(node.name or node_id)}", mark="removed")
    for node_id in [i for i in new if i in old]:
        a, b = old[node_id], new[node_id]
        if a.name != b.name or a.kind != b.kind:
            out.add("element-renamed", node_id, f"{a.name} ({a.kind})", f"{b.name} ({b.kind})",
                    f"Sửa {_kind(b)} {_q(a.name or node_id)} thành {_q(b.name or node_id)}"
                    + (f" ({a.kind} → {b.kind})" if a.kind != b.kind else ""))


def _flow(flow: SequenceFlow, name_of: Callable[[str], str]) -> str:
    text = f"{name_of(flow.source)} → {name_of(flow.target)}"
    if flow.condition is not None and flow.condition.expression:
        text += f" [{flow.condition.expression}]"
    if flow.is_default:
        text += " (mặc định)"
    if flow.name:
        text += f" «{flow.name}»"
    return text


def _flows(out: _Collector, before: Procedure, after: Procedure) -> None:
    def namer(procedure: Procedure) -> Callable[[str], str]:
        return lambda node_id: _q(getattr(procedure.nodes.get(node_id), "name", "") or node_id)

    old_name, new_name = namer(before), namer(after)
    for flow_id in _ordered(after.flows, before.flows.keys()):
        text = _flow(after.flows[flow_id], new_name)
        out.add("flow-added", flow_id, None, text, f"Thêm luồng {text}", mark="added")
    for flow_id in _ordered(before.flows, after.flows.keys()):
        text = _flow(before.flows[flow_id], old_name)
        out.add("flow-removed", flow_id, text, None, f"Bỏ luồng {text}", mark="removed")
    for flow_id in [i for i in after.flows if i in before.flows]:
        a, b = before.flows[flow_id], after.flows[flow_id]
        if (a.source, a.target, a.condition and a.condition.expression, a.is_default, a.name) != \
                (b.source, b.target, b.condition and b.condition.expression, b.is_default, b.name):
            old_text, new_text = _flow(a, old_name), _flow(b, new_name)
            out.add("flow-changed", flow_id, old_text, new_text,
                    f"Sửa luồng: {old_text} → {new_text}")
