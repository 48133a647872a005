"""Dossier counts of a period, per agency or per procedure, in one ``GROUP BY`` query.

A dossier belongs to the period when it was received before the period's end and had not
ended before its start. Each such dossier falls in exactly one of: resolved in the period
(early, on time, late), refused or withdrawn in the period, or still in progress at the
period's end — so ``received + carried over = resolved + refused + withdrawn + in progress``
(docs/reports.md). The figures come from the projections only (``cases``, ``case_pauses``):
``resolved_at`` is when a dossier ended (refusals and withdrawals too), ``outcome`` is set
for the resolved ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from isobpmn.store import (
    Case,
    CasePause,
    CaseStatus,
    Channel,
    Outcome,
    Procedure,
    ProcedureVersion,
)

from .officetime import fenced
from .scope import Period

__all__ = ["CaseFigures", "case_figures", "count_if", "procedure_titles"]


@dataclass(frozen=True)
class CaseFigures:
    """How many dossiers did what in a period (docs/reports.md defines each figure)."""

    #: Received in the period, and of those by channel.
    received: int = 0
    online: int = 0
    in_person: int = 0
    post: int = 0
    #: Received before the period and still open at its start.
    carried_over: int = 0
    #: Resolved in the period (status resolved or returned), by outcome.
    resolved: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    #: Open at the period's end (or now, for a period not over yet).
    in_progress: int = 0
    #: … of which past the appointment then (a pause that began before it stops the count).
    overdue: int = 0
    #: … of which paused then (waiting for a supplement, for fees).
    paused: int = 0
    #: Ended without a result in the period.
    refused: int = 0
    withdrawn: int = 0
    #: Resolved in the period, result not handed over yet at the period's end.
    awaiting_return: int = 0

    @property
    def received_total(self) -> int:
        """II.06a "Tổng số" received: new in the period plus carried over."""
        return self.received + self.carried_over

    @property
    def in_person_or_post(self) -> int:
        return self.in_person + self.post

    @property
    def within_deadline(self) -> int:
        return self.in_progress - self.overdue

    @property
    def ended_without_result(self) -> int:
        return self.refused + self.withdrawn

    @property
    def on_time_rate(self) -> float | None:
        """Share of the resolved dossiers resolved early or on time; None when none was."""
        return (self.early + self.on_time) / self.resolved if self.resolved else None

    def __add__(self, other: CaseFigures) -> CaseFigures:
        return CaseFigures(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                              for f in fields(self)})

    @classmethod
    def total(cls, parts: Iterable[CaseFigures]) -> CaseFigures:
        result = cls()
        for part in parts:
            result = result + part
        return result


def count_if(condition: Any) -> Any:
    """``SUM(CASE WHEN condition THEN 1 ELSE 0 END)``: a count inside a ``GROUP BY``."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _paused_at(moment: datetime) -> Any:
    """When the pause holding the dossier at ``moment`` began (NULL when none did)."""
    return (select(func.min(CasePause.started_at))
            .where(CasePause.case_id == Case.id, CasePause.started_at <= moment,
                   or_(CasePause.ended_at.is_(None), CasePause.ended_at > moment))
            .correlate(Case).scalar_subquery())


def case_figures(session: Session, agency_ids: list[int], period: Period, now: datetime, *,
                 by: str = "agency") -> dict[Any, CaseFigures]:
    """:class:`CaseFigures` of the dossiers of ``agency_ids`` in ``period``, keyed by agency
    id (``by="agency"``) or procedure code (``by="procedure"``: the same document code in
    several agencies is one procedure)."""
    as_of = period.as_of(now)
    if by == "agency":
        key = Case.agency_id
        rows = select(key.label("key"))
    elif by == "procedure":
        key = Procedure.code
        rows = (select(key.label("key"))
                .join(ProcedureVersion, ProcedureVersion.id == Case.procedure_version_id)
                .join(Procedure, Procedure.id == ProcedureVersion.procedure_id))
    else:
        raise ValueError(f"case figures by {by!r}: choose agency or procedure")
    if not agency_ids:
        return {}
    rows = (rows.add_columns(Case.received_at, Case.channel, Case.status, Case.outcome,
                             Case.resolved_at, Case.returned_at, Case.appointment_at,
                             _paused_at(as_of).label("paused_since"))
            .select_from(Case)
            .where(Case.agency_id.in_(agency_ids), Case.received_at < period.end,
                   or_(Case.resolved_at.is_(None), Case.resolved_at >= period.start)))
    rows = fenced(rows)  # the pause lookup once per dossier, not once per use
    new = rows.c.received_at >= period.start
    ended = and_(rows.c.resolved_at.is_not(None), rows.c.resolved_at < period.end)
    resolved = and_(ended, rows.c.outcome.is_not(None))
    open_ = or_(rows.c.resolved_at.is_(None), rows.c.resolved_at >= period.end)
    paused = rows.c.paused_since.is_not(None)
    overdue = and_(open_, rows.c.appointment_at.is_not(None), rows.c.appointment_at < as_of,
                   or_(~paused, rows.c.appointment_at < rows.c.paused_since))
    counts = {
        "received": new,
        "online": and_(new, rows.c.channel == Channel.ONLINE),
        "in_person": and_(new, rows.c.channel == Channel.IN_PERSON),
        "post": and_(new, rows.c.channel == Channel.POST),
        "carried_over": ~new,
        "resolved": resolved,
        "early": and_(resolved, rows.c.outcome == Outcome.EARLY),
        "on_time": and_(resolved, rows.c.outcome == Outcome.ON_TIME),
        "late": and_(resolved, rows.c.outcome == Outcome.LATE),
        "in_progress": open_,
        "overdue": overdue,
        "paused": and_(open_, paused),
        "refused": and_(ended, rows.c.status == CaseStatus.REFUSED),
        "withdrawn": and_(ended, rows.c.status == CaseStatus.WITHDRAWN),
        "awaiting_return": and_(resolved, or_(rows.c.returned_at.is_(None),
                                              rows.c.returned_at >= as_of)),
    }
    query = (select(rows.c.key, *(count_if(c).label(n) for n, c in counts.items()))
             .group_by(rows.c.key))
    return {row.key: CaseFigures(**{n: int(getattr(row, n)) for n in counts})
            for row in session.execute(query)}


def procedure_titles(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """A title of each procedure code."""
    wanted = list(codes)
    if not wanted:
        return {}
    return dict(session.execute(select(Procedure.code, func.max(Procedure.title))
                                .where(Procedure.code.in_(wanted)).group_by(Procedure.code)).all())

