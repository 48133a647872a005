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

from collections.abc import Iterable, Mapping
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
    ReportCases,
)

from .officetime import OfficeClock, fenced
from .rollup import (
    Window,
    cumulative_before,
    day_number,
    day_start,
    rolled_sums,
    summed,
    window,
)
from .scope import Period

__all__ = ["CaseFigures", "Grouped", "case_figures", "case_parts", "count_if", "ended_counts",
           "fold_figures", "open_at", "procedure_titles", "received_counts", "version_codes"]


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


@dataclass(frozen=True)
class Grouped:
    """Counts (or sums) of one agency and procedure version, of one local ``day`` when the
    query was grouped by day."""

    agency_id: int
    version_id: int
    counts: dict[str, Any]
    day: int | None = None


def _grouped(session: Session, keys: list[Any], day: Any, columns: dict[str, Any],
             where: list[Any]) -> list[Grouped]:
    """Run ``columns`` grouped by agency, version (and ``day`` when given) over ``Case``."""
    group = [*keys, *([day] if day is not None else [])]
    query = (select(*group, *(c.label(n) for n, c in columns.items()))
             .where(*where).group_by(*group))
    return [Grouped(row[0], row[1], {n: getattr(row, n) for n in columns},
                    row[2] if day is not None else None)
            for row in session.execute(query)]


def received_counts(session: Session, agency_ids: list[int], period: Period, *,
                    clock: OfficeClock | None = None) -> list[Grouped]:
    """Dossiers received in ``period``, by channel, per agency and version (and local day,
    on ``clock``'s axis, when a clock is given)."""
    where = [Case.agency_id.in_(agency_ids), Case.received_at >= period.start,
             Case.received_at < period.end]
    if clock is None:
        source, day = Case, None
        keys = [Case.agency_id, Case.procedure_version_id]
    else:
        source = fenced(select(Case.agency_id, Case.procedure_version_id, Case.channel,
                               *clock.columns(Case.received_at, "rv")).where(*where))
        day, where = source.c.rv_day, []
        keys = [source.c.agency_id, source.c.procedure_version_id]
    channel = source.c.channel if clock is not None else Case.channel
    return _grouped(session, keys, day, {
        "received": func.count(),
        "online": count_if(channel == Channel.ONLINE),
        "in_person": count_if(channel == Channel.IN_PERSON),
        "post": count_if(channel == Channel.POST)}, where)


def ended_counts(session: Session, agency_ids: list[int], period: Period, *,
                 clock: OfficeClock | None = None) -> list[Grouped]:
    """Dossiers ended in ``period``: resolved (by outcome), refused, withdrawn, per agency and
    version (and local day, when a clock is given)."""
    where = [Case.agency_id.in_(agency_ids), Case.resolved_at >= period.start,
             Case.resolved_at < period.end]
    if clock is None:
        source, day = Case.__table__, None
    else:
        source = fenced(select(Case.agency_id, Case.procedure_version_id, Case.status,
                               Case.outcome, *clock.columns(Case.resolved_at, "re"))
                        .where(*where))
        day, where = source.c.re_day, []
    c = source.c
    resolved = c.outcome.is_not(None)
    return _grouped(session, [c.agency_id, c.procedure_version_id], day, {
        "ended": func.count(),
        "resolved": count_if(resolved),
        "early": count_if(and_(resolved, c.outcome == Outcome.EARLY)),
        "on_time": count_if(and_(resolved, c.outcome == Outcome.ON_TIME)),
        "late": count_if(and_(resolved, c.outcome == Outcome.LATE)),
        "refused": count_if(c.status == CaseStatus.REFUSED),
        "withdrawn": count_if(c.status == CaseStatus.WITHDRAWN)}, where)


def _open_between(session: Session, agency_ids: list[int], start: datetime | None,
                  end: datetime) -> dict[tuple[int, int], int]:
    """Dossiers received minus dossiers ended in ``[start, end)`` (from the beginning when
    ``start`` is None), per agency and version."""
    net: dict[tuple[int, int], int] = {}
    for column, sign in ((Case.received_at, 1), (Case.resolved_at, -1)):
        where = [Case.agency_id.in_(agency_ids), column < end]
        if start is not None:
            where.append(column >= start)
        for row in session.execute(select(Case.agency_id, Case.procedure_version_id,
                                          func.count()).where(*where)
                                   .group_by(Case.agency_id, Case.procedure_version_id)):
            key = (row[0], row[1])
            net[key] = net.get(key, 0) + sign * int(row[2])
    return net


def open_at(session: Session, agency_ids: list[int], w: Window,
            moment: datetime) -> dict[tuple[int, int], int]:
    """Dossiers received before ``moment`` and not ended by then (the period's start or end),
    per agency and version: the summed days' received − ended before it, plus the
    projections' after the watermark."""
    if w.rolled_until is None:
        return _open_between(session, agency_ids, None, moment)
    day = min(day_number(moment, w.offset), w.rolled_until)
    open_: dict[tuple[int, int], int] = {}
    for row in rolled_sums(session, ReportCases, [ReportCases.agency_id,
                                                  ReportCases.procedure_version_id],
                           ("received", "ended"), cumulative_before(ReportCases, day),
                           agency_ids):
        open_[(row[0], row[1])] = int(row.received) - int(row.ended)
    boundary = day_start(day, w.offset)
    if boundary < moment:
        for key, n in _open_between(session, agency_ids, boundary, moment).items():
            open_[key] = open_.get(key, 0) + n
    return open_


def _state_counts(session: Session, agency_ids: list[int], period: Period,
                  as_of: datetime) -> dict[tuple[int, int], dict[str, int]]:
    """Of the dossiers open at the period's end, how many were overdue and paused at
    ``as_of``; of those resolved in the period, how many awaited return then."""
    pauses = (select(CasePause.case_id, func.min(CasePause.started_at).label("since"))
              .where(CasePause.started_at <= as_of,
                     or_(CasePause.ended_at.is_(None), CasePause.ended_at > as_of))
              .group_by(CasePause.case_id).subquery())
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for still_open in (Case.resolved_at.is_(None), Case.resolved_at >= period.end):
        paused = pauses.c.since.is_not(None)
        overdue = and_(Case.appointment_at.is_not(None), Case.appointment_at < as_of,
                       or_(~paused, Case.appointment_at < pauses.c.since))
        query = (select(Case.agency_id, Case.procedure_version_id,
                        count_if(overdue).label("overdue"), count_if(paused).label("paused"))
                 .outerjoin(pauses, pauses.c.case_id == Case.id)
                 .where(Case.agency_id.in_(agency_ids), still_open,
                        Case.received_at < period.end)
                 .group_by(Case.agency_id, Case.procedure_version_id))
        for row in session.execute(query):
            found = counts.setdefault((row[0], row[1]), {})
            for name in ("overdue", "paused"):
                found[name] = found.get(name, 0) + int(getattr(row, name))
    for not_returned in (Case.returned_at.is_(None), Case.returned_at >= as_of):
        query = (select(Case.agency_id, Case.procedure_version_id, func.count())
                 .where(Case.agency_id.in_(agency_ids), Case.resolved_at >= period.start,
                        Case.resolved_at < period.end, Case.outcome.is_not(None),
                        not_returned)
                 .group_by(Case.agency_id, Case.procedure_version_id))
        for row in session.execute(query):
            found = counts.setdefault((row[0], row[1]), {})
            found["awaiting_return"] = found.get("awaiting_return", 0) + int(row[2])
    return counts


def version_codes(session: Session, version_ids: Iterable[int]) -> dict[int, tuple[str, int]]:
    """The procedure code and revision of each version id."""
    wanted = list(set(version_ids))
    if not wanted:
        return {}
    return {row.id: (row.code, row.revision) for row in session.execute(
        select(ProcedureVersion.id, Procedure.code, ProcedureVersion.revision)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .where(ProcedureVersion.id.in_(wanted)))}


_ADDED = ("received", "online", "in_person", "post", "resolved", "early", "on_time", "late",
          "refused", "withdrawn")


def case_parts(session: Session, agency_ids: list[int], period: Period, now: datetime,
               w: Window | None = None) -> dict[tuple[int, int], dict[str, int]]:
    """The counts of :class:`CaseFigures` per agency and procedure version (to fold with
    :func:`fold_figures`). What happened on summed days comes from the pre-aggregates
    (:mod:`.rollup`), the rest from the projections."""
    if not agency_ids:
        return {}
    w = w or window(session, period)
    as_of = period.as_of(now)
    parts: dict[tuple[int, int], dict[str, int]] = {}

    def add(key: tuple[int, int], counts: Mapping[str, Any]) -> None:
        found = parts.setdefault(key, {})
        for name, value in counts.items():
            found[name] = found.get(name, 0) + int(value)

    for row in rolled_sums(session, ReportCases, [ReportCases.agency_id,
                                                  ReportCases.procedure_version_id],
                           _ADDED, summed(ReportCases, w), agency_ids):
        add((row[0], row[1]), {n: getattr(row, n) for n in _ADDED})
    if w.live is not None:
        for found in (*received_counts(session, agency_ids, w.live),
                      *ended_counts(session, agency_ids, w.live)):
            add((found.agency_id, found.version_id),
                {n: v for n, v in found.counts.items() if n != "ended"})
    for key, n in open_at(session, agency_ids, w, period.start).items():
        add(key, {"carried_over": n})
    for key, n in open_at(session, agency_ids, w, period.end).items():
        add(key, {"in_progress": n})
    for key, counts in _state_counts(session, agency_ids, period, as_of).items():
        add(key, counts)
    return parts


def fold_figures(session: Session, parts: Mapping[tuple[int, int], Mapping[str, int]], *,
                 by: str) -> dict[Any, CaseFigures]:
    """:class:`CaseFigures` keyed by agency id (``by="agency"``) or procedure code
    (``by="procedure"``: the same document code in several agencies is one procedure)."""
    if by not in ("agency", "procedure"):
        raise ValueError(f"case figures by {by!r}: choose agency or procedure")
    codes = version_codes(session, (v for _, v in parts)) if by == "procedure" else {}
    figures: dict[Any, CaseFigures] = {}
    for (agency_id, version_id), counts in parts.items():
        if not any(counts.values()):
            continue
        key = agency_id if by == "agency" else codes[version_id][0]
        figures[key] = figures.get(key, CaseFigures()) + CaseFigures(**counts)
    return figures


def case_figures(session: Session, agency_ids: list[int], period: Period, now: datetime, *,
                 by: str = "agency", w: Window | None = None) -> dict[Any, CaseFigures]:
    """:class:`CaseFigures` of the dossiers of ``agency_ids`` in ``period``, keyed by agency
    id or procedure code (:func:`fold_figures`)."""
    return fold_figures(session, case_parts(session, agency_ids, period, now, w), by=by)


def procedure_titles(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """A title of each procedure code."""
    wanted = list(codes)
    if not wanted:
        return {}
    return dict(session.execute(select(Procedure.code, func.max(Procedure.title))
                                .where(Procedure.code.in_(wanted)).group_by(Procedure.code)).all())

