"""The auditor's re-execution check: does every dossier's log describe a path its diagram allows?

``isobpmn audit verify`` proves that no event was edited, removed or slipped in after it was
written. It cannot tell whether the events, as written, are a run the procedure allows: a
completion of a step that was not ready, data that would have sent the gateway elsewhere, a
dossier resolved before its diagram ended. :func:`replay_cases` answers that by re-running
each selected dossier from scratch on its procedure version, with the recorded clock, and
comparing each event with the engine (:mod:`.replay_case`, docs/replay.md).

It only reads (one ``Database.read()`` snapshot) and goes through the dossiers in batches:
a batch of dossiers, then their events, so memory holds one batch at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from isobpmn.audit import case_chain
from isobpmn.calendar import WorkingCalendar
from isobpmn.engine import EngineError
from isobpmn.store import Agency, Case, Event

from .casework import spec_of
from .context import ServiceContext
from .errors import UnknownCase
from .replay_case import CaseReplayer, Deviation, DeviationKind, RecordedEvent
from .selection import in_batches, narrow

__all__ = ["BATCH", "Deviation", "DeviationKind", "ReplayReport", "replay_cases"]

#: Dossiers read (with their events) per round trip.
BATCH = 200

#: ``progress(done, total)``: called after each dossier.
Progress = Callable[[int, int], None]


@dataclass
class ReplayReport:
    """What :func:`replay_cases` checked and every deviation it found (``ok`` when none)."""

    cases: int = 0
    events: int = 0
    deviations: list[Deviation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.deviations

    @property
    def cases_with_deviations(self) -> int:
        return len({d.case_code for d in self.deviations})


def replay_cases(ctx: ServiceContext, *, case_code: str | None = None,
                 procedure: str | None = None, since: date | None = None,
                 progress: Progress | None = None) -> ReplayReport:
    """Re-run the dossiers selected — one (``case_code``), a procedure's (its document code),
    those received on or after ``since`` (Vietnamese time), or all — from their audit events,
    and report every deviation (docs/replay.md)."""
    report = ReplayReport()
    with ctx.db.read() as session:
        query = _selection(session, case_code, procedure, since)
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        calendars: dict[int, WorkingCalendar] = {}
        for done, (case, events) in enumerate(_cases(session, query), 1):
            _replay_one(ctx, session, case, events, calendars, report)
            if progress is not None:
                progress(done, total)
    return report


def _selection(session: Session, case_code: str | None, procedure: str | None,
               since: date | None) -> Select:
    query = select(Case.id, Case.code, Case.agency_id, Case.procedure_version_id)
    if case_code is not None:
        if session.scalar(select(Case.id).where(Case.code == case_code)) is None:
            raise UnknownCase(f"no dossier with the code {case_code!r}")
        query = query.where(Case.code == case_code)
    return narrow(session, query, procedure=procedure, since=since)


def _cases(session: Session, query: Select) -> Iterator[tuple[Row, list[RecordedEvent]]]:
    """The selected dossiers in order of id, each with its events in ``seq`` order, read a
    batch of dossiers (and then their events) at a time."""
    for batch in in_batches(session, query, BATCH):
        chains: dict[str, list[RecordedEvent]] = {}
        for row in session.execute(
                select(Event.chain_key, Event.seq, Event.kind, Event.at, Event.payload)
                .where(Event.chain_key.in_([case_chain(case.id) for case in batch]))
                .order_by(Event.chain_key, Event.seq, Event.id)):
            chains.setdefault(row.chain_key, []).append(
                RecordedEvent(row.seq, row.kind, row.at, row.payload or {}))
        for case in batch:
            yield case, chains.get(case_chain(case.id), [])


def _replay_one(ctx: ServiceContext, session: Session, case: Row,
                events: list[RecordedEvent], calendars: dict[int, WorkingCalendar],
                report: ReplayReport) -> None:
    report.cases += 1
    report.events += len(events)
    calendar = calendars.get(case.agency_id)
    if calendar is None:
        settings = session.scalar(select(Agency.calendar).where(Agency.id == case.agency_id))
        calendar = calendars[case.agency_id] = ctx.calendars.of(case.agency_id, settings)
    try:
        spec = spec_of(ctx, session, case.procedure_version_id)
    except EngineError as exc:
        report.deviations.append(Deviation(
            case.code, None, None, DeviationKind.ENGINE_ERROR, None, exc.element_id,
            f"the procedure version of the dossier cannot run: {exc}"))
        return
    report.deviations.extend(CaseReplayer(case.code, spec, calendar).replay(events))
