"""The leaders' dashboard, the statutory form's lines and the step heatmap, assembled from
the queries of :mod:`.figures`, :mod:`.times` and :mod:`.people` for one agency's subtree.

The callers (the services) check who may see what and hand in the subtree, each agency's
working calendar, the period and now; everything here reads the projections in the session
it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from isobpmn.calendar import WorkingCalendar
from isobpmn.model import Duration, ModelError, read_procedure
from isobpmn.store import Procedure, ProcedureVersion, VersionStatus

from .figures import CaseFigures, case_parts, fold_figures, procedure_titles
from .ii06a import TOTAL, II06aRow
from .officetime import OfficeClock
from .people import OfficialFigures, Satisfaction, official_figures, satisfaction
from .rollup import Window, window
from .scope import AgencyNode, Period
from .times import (
    ProcessingTime,
    StepFigures,
    moments_to_measure,
    processing_times,
    step_figures,
)

__all__ = ["HEAT_LEVELS", "Dashboard", "Heatmap", "ProcedureRow", "build_dashboard",
           "build_heatmap", "heat_level", "ii06a_rows"]

#: Upper bounds of the share of late steps for heat levels 1–4; above the last: level 5.
HEAT_LEVELS = (0.0, 0.10, 0.25, 0.50)
#: Statuses of versions that ran dossiers (a draft never did).
_IN_FORCE = (VersionStatus.PUBLISHED, VersionStatus.RETIRED, VersionStatus.APPROVED)


@dataclass(frozen=True)
class ProcedureRow:
    """A procedure's dossiers in the period (all agencies' procedures with this document
    code), their processing time and the statutory limit of its newest revision in force
    (``limit``; None when the diagram states none)."""

    code: str
    title: str
    figures: CaseFigures
    time: ProcessingTime
    limit: Duration | None


@dataclass(frozen=True)
class Dashboard:
    """Everything the leaders' page shows for ``agency`` and its subtree over ``period``;
    ``as_of`` is the moment the in-progress figures describe, ``working_day`` the office time
    of one working day (to say office time in days)."""

    agency: AgencyNode
    parent_name: str | None
    period: Period
    as_of: datetime
    working_day: timedelta
    totals: CaseFigures
    lines: tuple[II06aRow, ...]
    procedures: tuple[ProcedureRow, ...]
    steps: tuple[StepFigures, ...]
    officials: tuple[OfficialFigures, ...]
    satisfaction: Satisfaction


def ii06a_rows(session: Session, nodes: list[AgencyNode], period: Period,
               now: datetime, parts: dict | None = None) -> tuple[list[II06aRow], CaseFigures]:
    """The lines of Biểu II.06a, one per agency of ``nodes`` (zeros included), then the
    total; and the total's figures (from ``parts`` of :func:`~.figures.case_parts` when
    given)."""
    if parts is None:
        parts = case_parts(session, [n.id for n in nodes], period, now)
    figures = fold_figures(session, parts, by="agency")
    lines = [II06aRow(str(i), n.code, n.name, n.depth, figures.get(n.id, CaseFigures()))
             for i, n in enumerate(nodes, start=1)]
    total = CaseFigures.total(line.figures for line in lines)
    return [*lines, II06aRow("", "", TOTAL, 0, total)], total


def _clock(session: Session, calendars: Mapping[int, WorkingCalendar], ids: list[int],
           w: Window) -> OfficeClock | None:
    """The office clock of the part of the period read from the projections (None when the
    whole period is summed)."""
    if w.live is None:
        return None
    return OfficeClock.spanning(session.get_bind().dialect.name, calendars,
                                moments_to_measure(session, ids, w.live))


def _working_day(calendars: Mapping[int, WorkingCalendar]) -> timedelta:
    return next(iter(calendars.values())).settings.standard_day


_LIMITS: dict[str, Duration | None] = {}


def _newest(codes: list[str], agency_ids: list[int]) -> Any:
    """The newest revision in force of each code among the procedures serving the agencies
    (their own or province-wide), as a query of (code, revision, content_hash, title, xml)."""
    ranked = (select(Procedure.code, ProcedureVersion.revision, ProcedureVersion.content_hash,
                     Procedure.title, ProcedureVersion.bpmn_xml,
                     func.row_number().over(
                         partition_by=Procedure.code,
                         order_by=((ProcedureVersion.status == VersionStatus.PUBLISHED).desc(),
                                   ProcedureVersion.revision.desc(),
                                   ProcedureVersion.id.desc())).label("rank"))
              .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
              .where(Procedure.code.in_(codes), ProcedureVersion.status.in_(_IN_FORCE),
                     or_(Procedure.agency_id.in_(agency_ids), Procedure.agency_id.is_(None)))
              .subquery())
    return select(ranked).where(ranked.c.rank == 1)


def _limits(session: Session, codes: list[str],
            agency_ids: list[int]) -> dict[str, Duration | None]:
    """The statutory limit (``iso:timeLimit``) of each procedure's newest revision in force."""
    if not codes:
        return {}
    found: dict[str, Duration | None] = {}
    for row in session.execute(_newest(codes, agency_ids)):
        if row.content_hash not in _LIMITS:
            try:
                _LIMITS[row.content_hash] = read_procedure(row.bpmn_xml.encode("utf-8"),
                                                           strict=False).time_limit
            except ModelError:
                _LIMITS[row.content_hash] = None
        found[row.code] = _LIMITS[row.content_hash]
    return found


def build_dashboard(session: Session, nodes: list[AgencyNode],
                    calendars: Mapping[int, WorkingCalendar], period: Period, now: datetime,
                    *, parent_name: str | None = None) -> Dashboard:
    """The dashboard of ``nodes[0]`` and the agencies below it (``nodes``, from
    :func:`~.scope.subtree`)."""
    ids = [n.id for n in nodes]
    w = window(session, period)
    parts = case_parts(session, ids, period, now, w)
    lines, totals = ii06a_rows(session, nodes, period, now, parts)
    clock = _clock(session, calendars, ids, w)
    by_procedure = fold_figures(session, parts, by="procedure")
    times = processing_times(session, clock, ids, period, w)
    titles = procedure_titles(session, by_procedure)
    limits = _limits(session, list(by_procedure), ids)
    procedures = sorted(
        (ProcedureRow(code, titles.get(code, code), figures,
                      times.get(code, ProcessingTime()), limits.get(code))
         for code, figures in by_procedure.items()),
        key=lambda p: (-p.figures.received_total, p.code))
    return Dashboard(
        agency=nodes[0], parent_name=parent_name, period=period, as_of=period.as_of(now),
        working_day=_working_day(calendars), totals=totals, lines=tuple(lines),
        procedures=tuple(procedures),
        steps=tuple(step_figures(session, clock, ids, period, w=w)),
        officials=tuple(official_figures(session, ids, period, now, w)),
        satisfaction=satisfaction(session, ids, period))


def heat_level(late_share: float | None) -> int | None:
    """1 (no step late) to 5 (more than half late); None for a step without completions."""
    if late_share is None:
        return None
    for level, bound in enumerate(HEAT_LEVELS, start=1):
        if late_share <= bound:
            return level
    return len(HEAT_LEVELS) + 1


@dataclass(frozen=True)
class Heatmap:
    """A procedure's diagram (its newest revision in force for the agencies) and, per step
    by diagram id, the period's figures over all revisions with their heat level."""

    procedure_code: str
    title: str
    revision: int
    bpmn_xml: str
    steps: tuple[StepFigures, ...]
    working_day: timedelta

    def levels(self) -> dict[int, list[str]]:
        """Diagram ids by heat level (1–5)."""
        found: dict[int, list[str]] = {level: [] for level in range(1, len(HEAT_LEVELS) + 2)}
        for step in self.steps:
            level = heat_level(step.late_share)
            if level is not None:
                found[level].append(step.bpmn_id)
        return found


def build_heatmap(session: Session, procedure_code: str, nodes: list[AgencyNode],
                  calendars: Mapping[int, WorkingCalendar], period: Period) -> Heatmap | None:
    """The heatmap of ``procedure_code`` over the agencies of ``nodes``; None when no
    revision of it serves them."""
    ids = [n.id for n in nodes]
    version = session.execute(_newest([procedure_code], ids)).first()
    if version is None:
        return None
    w = window(session, period)
    clock = _clock(session, calendars, ids, w)
    steps = step_figures(session, clock, ids, period, procedure_code=procedure_code,
                         by_revision=False, w=w)
    return Heatmap(procedure_code, version.title, version.revision, version.bpmn_xml,
                   tuple(steps), _working_day(calendars))
