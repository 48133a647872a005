"""Procedures as plain data (dicts, lists, strings, numbers) for JSON output and APIs."""

from __future__ import annotations

from typing import Any

from isobpmn.model.duration import Duration
from isobpmn.model.order import sum_durations
from isobpmn.model.types import DocumentRef, Procedure, Step


def duration_data(duration: Duration | None) -> dict[str, Any] | None:
    if duration is None:
        return None
    return {"value": duration.value, "unit": duration.unit.value, "text": duration.describe("vi")}


def main_path_allotment(procedure: Procedure) -> Duration:
    """The sum of allotments of the steps on the main path, in the statutory limit's unit.

    A sub-process with its own allotment counts once: the steps inside it ("3.1", "3.2") are
    part of that allotment, not added to it.
    """
    unit = procedure.time_limit.unit if procedure.time_limit else None
    covered: set[str] = set()  # numbers of steps whose allotment already counts their inside
    allotments = []
    for step in procedure.steps:  # a sub-process comes before the steps inside it
        if not step.on_main_path:
            continue
        if step.number.rpartition(".")[0] in covered:
            covered.add(step.number)
            continue
        if step.allotment is not None:
            covered.add(step.number)
            allotments.append(step.allotment)
    return sum_durations(allotments, unit)


def _refs(refs: tuple[DocumentRef, ...]) -> list[dict[str, str]]:
    return [{"code": r.code, "title": r.title} for r in refs]


def step_data(step: Step) -> dict[str, Any]:
    return {
        "number": step.number,
        "bpmn_id": step.bpmn_id,
        "name": step.name,
        "responsible": step.responsible,
        "role": step.role.code if step.role else None,
        "unit": step.role.unit if step.role and step.role.unit else None,
        "allotment": duration_data(step.allotment),
        "description": step.info.description,
        "forms": _refs(step.info.forms),
        "results": _refs(step.info.results),
        "fields": [
            {"name": f.name, "type": f.type.value, "label": f.label, "label_en": f.label_en,
             "required": f.required,
             "choices": [{"value": c.value, "label": c.label, "label_en": c.label_en}
                         for c in f.choices]}
            for f in step.info.fields
        ],
        "on_main_path": step.on_main_path,
        "line": step.line,
    }


def procedure_data(procedure: Procedure) -> dict[str, Any]:
    """Everything a reader of the ISO document needs, as plain data."""
    info = procedure.info
    data: dict[str, Any] = {
        "source": procedure.source,
        "bpmn_id": procedure.bpmn_id,
        "name": procedure.name,
        "title": procedure.title,
        "code": procedure.code,
        "kind": info.kind.value if info else None,
        "revision": info.document.revision if info else None,
        "issued": info.document.issued if info else None,
        "agency": info.agency if info else "",
        "field": info.field if info else "",
        "time_limit": duration_data(procedure.time_limit),
        "main_path_allotment": duration_data(main_path_allotment(procedure)),
        "steps": [step_data(s) for s in procedure.steps],
        "lanes": [{"bpmn_id": lane.bpmn_id, "name": lane.name,
                   "role": lane.role.code if lane.role else None,
                   "unit": lane.role.unit if lane.role and lane.role.unit else None}
                  for lane in procedure.lanes.values()],
    }
    if info:
        data.update({
            "sign_offs": [{"role": s.role.value, "name": s.name, "position": s.position,
                           "date": s.date} for s in info.document.sign_offs],
            "revisions": [{"number": r.number, "date": r.date, "section": r.section,
                           "request": r.request, "description": r.description}
                          for r in info.revisions],
            "purpose": info.purpose,
            "scope": info.scope,
            "references": list(info.references),
            "definitions": [{"term": d.term, "meaning": d.meaning} for d in info.definitions],
            "legal_basis": list(info.legal_basis),
            "dossier": {"sets": info.dossier_sets, "components": [
                {"name": c.name, "copies": [k.value for k in c.copies], "quantity": c.quantity,
                 "required": c.required, "note": c.note} for c in info.dossier]},
            "time_limit_note": info.time_limit_note,
            "place": info.place,
            "fee": ({"text": info.fee.text, "amount": info.fee.amount, "currency": info.fee.currency}
                    if info.fee else None),
            "records": [{"name": r.name, "keeper": r.keeper, "retention": r.retention}
                        for r in info.records],
        })
    return data
