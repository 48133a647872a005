"""The process-mining export: dossiers as an XES event log (IEEE 1849-2016) or a CSV table.

Leaders and ISO officers want to see how procedures really run — which paths dossiers take,
where they wait, who does what — with the tools process mining offers (ProM, pm4py, Disco,
Celonis). Those read XES, the IEEE standard for event logs, or a flat CSV. The export turns
each dossier into one trace (its code as the case id, its procedure, revision, agency, outcome
and status as trace attributes) and each completion of a step into one event (the step's name
as the activity, when, by whom, in which role); with ``starts``, each claim becomes a
``start`` event of the same activity (docs/eventlog.md).

The source is the audit log, which has every completion in order, including steps done again
after a return or a supplement. The log is written as it is read, in batches of dossiers, so
memory holds one batch whatever the size of the export (XES through :func:`lxml.etree.xmlfile`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from lxml import etree
from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from isobpmn.audit import case_chain
from isobpmn.store import Agency, Case, Event, Procedure, ProcedureVersion, Task, User

from .context import ServiceContext
from .errors import InvalidRequest
from .kinds import EventKind
from .selection import in_batches, narrow

__all__ = ["COLUMNS", "FORMATS", "EventLogExport", "export_event_log"]

FORMATS = ("xes", "csv")
#: The CSV's columns, one row per event.
COLUMNS = ("case_id", "activity", "timestamp", "resource", "role", "lifecycle", "procedure",
           "version", "agency", "outcome")
#: Dossiers read (with their events) per round trip.
BATCH = 500

XES_NS = "http://www.xes-standard.org/"
XES_VERSION = "1849-2016"
EXTENSIONS = (("Concept", "concept", f"{XES_NS}concept.xesext"),
              ("Time", "time", f"{XES_NS}time.xesext"),
              ("Organizational", "org", f"{XES_NS}org.xesext"),
              ("Lifecycle", "lifecycle", f"{XES_NS}lifecycle.xesext"))
_UNKNOWN = "__INVALID__"


@dataclass(frozen=True)
class EventLogExport:
    """What :func:`export_event_log` wrote: traces (dossiers) and events."""

    fmt: str
    traces: int
    events: int


@dataclass(frozen=True, slots=True)
class _Trace:
    code: str
    procedure: str
    version: int
    agency: str
    outcome: str | None
    status: str


@dataclass(frozen=True, slots=True)
class _Event:
    activity: str
    timestamp: str
    resource: str
    role: str | None
    lifecycle: str


def export_event_log(ctx: ServiceContext, *, fmt: str = "xes", agency: str | None = None,
                     procedure: str | None = None, since: date | None = None,
                     until: date | None = None, out: BinaryIO,
                     starts: bool = False) -> EventLogExport:
    """Write the event log of the dossiers received from ``since`` to ``until`` (days in
    Vietnamese time, both included; open-ended when not given) at ``agency`` (its code) for
    ``procedure`` (its document code) to the binary stream ``out``, as ``fmt`` ``"xes"`` or
    ``"csv"``; ``starts`` adds a ``start`` event for each claim (module doc)."""
    if fmt not in FORMATS:
        raise InvalidRequest(f"unknown event log format {fmt!r}; use one of {', '.join(FORMATS)}")
    if since is not None and until is not None and until < since:
        raise InvalidRequest(f"the period ends ({until:%d/%m/%Y}) before it starts "
                             f"({since:%d/%m/%Y}); swap the two dates")
    with ctx.db.read() as session:
        query = _selection(session, agency, procedure, since, until)
        traces = _traces(ctx, session, query, starts)
        writer = _write_xes if fmt == "xes" else _write_csv
        count, events = writer(traces, out)
    return EventLogExport(fmt, count, events)


# -- reading ---------------------------------------------------------------------------------


def _selection(session: Session, agency: str | None, procedure: str | None,
               since: date | None, until: date | None) -> Select:
    query = (select(Case.id, Case.code, Case.status, Case.outcome, Case.agency_id,
                    Procedure.code.label("procedure"), ProcedureVersion.revision,
                    Agency.code.label("agency"), Agency.calendar)
             .join(ProcedureVersion, ProcedureVersion.id == Case.procedure_version_id)
             .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
             .join(Agency, Agency.id == Case.agency_id))
    return narrow(session, query, agency=agency, procedure=procedure, since=since, until=until)


def _traces(ctx: ServiceContext, session: Session, query: Select,
            starts: bool) -> Iterator[tuple[_Trace, list[_Event]]]:
    """Each selected dossier with its events, batch by batch, in order of receipt number."""
    kinds = [EventKind.TASK_COMPLETED, EventKind.TASK_RETURNED]
    if starts:
        kinds.append(EventKind.TASK_CLAIMED)
    for batch in in_batches(session, query, BATCH):
        events = _events(session, [case_chain(row.id) for row in batch], kinds)
        for row in batch:
            tz = ctx.calendars.of(row.agency_id, row.calendar).tz
            yield (_Trace(row.code, row.procedure, row.revision, row.agency, row.outcome,
                          row.status),
                   [_event(item, tz) for item in events.get(case_chain(row.id), ())])


def _events(session: Session, chain_keys: list[str], kinds: list[str]) -> dict[str, list[Row]]:
    query = (select(Event.chain_key, Event.kind, Event.at, Event.actor_name,
                    User.username, Task.name, Task.role_code, Event.payload)
             .outerjoin(User, User.id == Event.actor_id)
             .outerjoin(Task, Task.id == Event.task_id)
             .where(Event.chain_key.in_(chain_keys), Event.kind.in_(kinds))
             .order_by(Event.chain_key, Event.seq))
    grouped: dict[str, list[Row]] = {}
    for row in session.execute(query):
        grouped.setdefault(row.chain_key, []).append(row)
    return grouped


def _event(row: Row, tz: ZoneInfo) -> _Event:
    payload: dict[str, Any] = row.payload or {}
    return _Event(activity=row.name or payload.get("name") or payload.get("bpmn_id") or "?",
                  timestamp=row.at.astimezone(tz).isoformat(timespec="milliseconds"),
                  resource=row.username or row.actor_name or "?",
                  role=row.role_code,
                  lifecycle="start" if row.kind == EventKind.TASK_CLAIMED else "complete")


# -- writing ---------------------------------------------------------------------------------


def _attribute(parent: etree._Element, kind: str, key: str, value: Any) -> None:
    etree.SubElement(parent, kind, key=key, value=str(value))


def _write_xes(traces: Iterator[tuple[_Trace, list[_Event]]], out: BinaryIO) -> tuple[int, int]:
    count = events = 0
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        # the children are built without a namespace and written inside the root, whose
        # default namespace they take when read: no declaration repeated on every trace
        with xf.element(f"{{{XES_NS}}}log", {"xes.version": XES_VERSION,
                                             "xes.features": "nested-attributes"},
                        nsmap={None: XES_NS}):
            xf.write("\n")
            for element in _header():
                xf.write(element, pretty_print=True)
            for trace, items in traces:
                xf.write(_trace_element(trace, items), pretty_print=True)
                count += 1
                events += len(items)
    return count, events


def _element(tag: str, **attributes: str) -> etree._Element:
    return etree.Element(tag, attributes)


def _header() -> list[etree._Element]:
    """Extensions, globals, classifiers and the log's own attributes, in the schema's order."""
    out = [_element("extension", name=name, prefix=prefix, uri=uri)
           for name, prefix, uri in EXTENSIONS]
    trace = _element("global", scope="trace")
    _attribute(trace, "string", "concept:name", _UNKNOWN)
    for key in ("procedure", "agency", "status"):
        _attribute(trace, "string", key, _UNKNOWN)
    _attribute(trace, "int", "version", 0)
    event = _element("global", scope="event")
    _attribute(event, "string", "concept:name", _UNKNOWN)
    _attribute(event, "date", "time:timestamp", "1970-01-01T00:00:00.000+00:00")
    _attribute(event, "string", "org:resource", _UNKNOWN)
    _attribute(event, "string", "lifecycle:transition", "complete")
    out += [trace, event,
            _element("classifier", name="Activity", keys="concept:name"),
            _element("classifier", name="Activity and transition",
                     keys="concept:name lifecycle:transition")]
    out += [_element("string", key=key, value=value)
            for key, value in (("concept:name", "isobpmn: dossiers and their steps"),
                               ("lifecycle:model", "standard"))]
    return out


def _trace_element(trace: _Trace, items: list[_Event]) -> etree._Element:
    element = _element("trace")
    _attributes(element, (("string", "concept:name", trace.code),
                          ("string", "procedure", trace.procedure),
                          ("int", "version", trace.version), ("string", "agency", trace.agency),
                          ("string", "outcome", trace.outcome),
                          ("string", "status", trace.status)))
    for item in items:
        _attributes(etree.SubElement(element, "event"), (
            ("string", "concept:name", item.activity), ("date", "time:timestamp", item.timestamp),
            ("string", "org:resource", item.resource), ("string", "org:role", item.role),
            ("string", "lifecycle:transition", item.lifecycle)))
    return element


def _attributes(parent: etree._Element, values: tuple[tuple[str, str, Any], ...]) -> None:
    """(XES type, key, value) as attribute elements; an empty value is left out."""
    for kind, key, value in values:
        if value is not None and value != "":
            _attribute(parent, kind, key, value)


def _write_csv(traces: Iterator[tuple[_Trace, list[_Event]]], out: BinaryIO) -> tuple[int, int]:
    count = events = 0
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow(COLUMNS)
        for trace, items in traces:
            count += 1
            for item in items:
                writer.writerow((trace.code, item.activity, item.timestamp, item.resource,
                                 item.role or "", item.lifecycle, trace.procedure,
                                 trace.version, trace.agency, trace.outcome or ""))
                events += 1
        text.flush()
    finally:
        text.detach()  # the caller's stream stays open
    return count, events
