"""The leaders' reports as use cases: the dashboard of an agency and everything below it,
Biểu II.06a/VPCP/KSTT as a file, the step heatmap of a procedure, and the agencies a user may
report on.

Who may see an agency's reports: a member of that agency or of any agency above it (a
province's leaders see its communes), or an administrator; the command line without a user
acts as the operator. Periods are days in the agency's zone, both ends included, at most
:data:`MAX_DAYS` long and not starting after today. Each call is one read transaction; the
figures come from :mod:`isobpmn.reports` (docs/reports.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from isobpmn import reports
from isobpmn.reports import AgencyNode, Dashboard, Heatmap, Period, ReportError
from isobpmn.store import Agency, User

from .access import agency_label, find_agency, find_user, roles_of, user_label
from .context import ServiceContext
from .errors import InvalidRequest, NotAllowed, UnknownProcedure

__all__ = ["MAX_DAYS", "REPORT_FORMATS", "ReportAgency", "RollupReport", "dashboard",
           "report_agencies", "roll_up_reports", "statutory_report", "step_heatmap"]

#: The longest period one report covers (a leap year).
MAX_DAYS = 366
#: After summing this many rows, refresh the planner's statistics of the sums.
ANALYZE_AFTER = 10_000
#: Formats of the statutory report: mimetype by file extension.
REPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class ReportAgency:
    """An agency a user may report on; ``depth`` counts the levels below the first agency
    of its branch the user may see (for an indented picker)."""

    code: str
    name: str
    depth: int


def _ancestors(session: Session, agency: Agency) -> list[int]:
    """The agency's id and those of every agency above it."""
    ids, parent = [agency.id], agency.parent_id
    while parent is not None and parent not in ids:
        ids.append(parent)
        parent = session.scalar(select(Agency.parent_id).where(Agency.id == parent))
    return ids


def _require_reader(session: Session, user: User, agency: Agency) -> None:
    if user.is_admin:
        return
    held = {r.agency_id for r in roles_of(session, user)}
    if held.intersection(_ancestors(session, agency)):
        return
    raise NotAllowed(f"{user_label(user)} cannot see the reports of {agency_label(agency)}: "
                     f"{user.username} holds no role in it nor in any agency above it")


@dataclass
class _Scope:
    agency: Agency
    nodes: list[AgencyNode]
    calendars: dict
    period: Period
    parent_name: str | None


def _scope(ctx: ServiceContext, session: Session, agency_code: str, start: date, end: date,
           actor: str | None) -> _Scope:
    agency = find_agency(session, agency_code)
    if actor is not None:
        _require_reader(session, find_user(session, actor), agency)
    calendar = ctx.calendars.of(agency.id, agency.calendar)
    today = ctx.now().astimezone(calendar.tz).date()
    if end < start:
        raise InvalidRequest(f"the period ends ({end:%d/%m/%Y}) before it starts "
                             f"({start:%d/%m/%Y}); swap the two dates")
    if (end - start).days >= MAX_DAYS:
        raise InvalidRequest(f"a report covers at most {MAX_DAYS} days; ask for "
                             f"{start:%d/%m/%Y} – {end:%d/%m/%Y} in parts")
    if start > today:
        raise InvalidRequest(f"the period starts after today ({start:%d/%m/%Y}); nothing was "
                             "received yet")
    nodes = reports.subtree(session, agency.id)
    calendars = {n.id: ctx.calendars.of(n.id, n.calendar) for n in nodes}
    parent = session.get(Agency, agency.parent_id) if agency.parent_id else None
    return _Scope(agency, nodes, calendars, Period.of_days(start, end, calendar.tz),
                  parent.name if parent else None)


def report_agencies(ctx: ServiceContext, actor: str) -> list[ReportAgency]:
    """The agencies ``actor`` may report on: those they hold a role in and all below them
    (every agency for an administrator), each branch depth first."""
    with ctx.db.read() as session:
        user = find_user(session, actor)
        if user.is_admin:
            roots = list(session.scalars(select(Agency).where(Agency.parent_id.is_(None))
                                         .order_by(Agency.code)))
        else:
            held = {r.agency_id for r in roles_of(session, user)}
            agencies = list(session.scalars(select(Agency).where(Agency.id.in_(held or {-1}))
                                            .order_by(Agency.code)))
            roots = [a for a in agencies if not held.intersection(_ancestors(session, a)[1:])]
        return [ReportAgency(n.code, n.name, n.depth)
                for root in roots for n in reports.subtree(session, root.id)]


def dashboard(ctx: ServiceContext, agency: str, start: date, end: date, *,
              actor: str | None) -> Dashboard:
    """The leaders' dashboard of ``agency`` and every agency below it, from ``start`` to
    ``end`` (both included): the figures of Biểu II.06a, per procedure (processing time
    against the statutory limit), per step, per official, and satisfaction."""
    now = ctx.now()
    with ctx.db.read() as session:
        scope = _scope(ctx, session, agency, start, end, actor)
        try:
            return reports.build_dashboard(session, scope.nodes, scope.calendars,
                                           scope.period, now, parent_name=scope.parent_name)
        except ReportError as exc:
            raise InvalidRequest(str(exc)) from None


def statutory_report(ctx: ServiceContext, agency: str, start: date, end: date, *,
                     actor: str | None, fmt: str = "xlsx") -> tuple[str, str, bytes]:
    """Biểu II.06a/VPCP/KSTT of ``agency`` (one line per agency of its subtree, then the
    total) as ``(filename, mimetype, bytes)``; ``fmt`` ``xlsx`` or ``csv``."""
    if fmt not in REPORT_FORMATS:
        raise InvalidRequest(f"no report format {fmt!r}; choose {' or '.join(REPORT_FORMATS)}")
    now = ctx.now()
    with ctx.db.read() as session:
        scope = _scope(ctx, session, agency, start, end, actor)
        lines, total = reports.ii06a_rows(session, scope.nodes, scope.period, now)
    name = f"bieu-II06a-{scope.agency.code}-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
    if fmt == "csv":
        return name, REPORT_FORMATS[fmt], reports.to_csv(lines)
    made_at = now.astimezone(scope.calendars[scope.agency.id].tz)
    content = reports.to_xlsx(lines, agency_name=scope.agency.name,
                              parent_name=scope.parent_name, period=scope.period,
                              made_at=made_at, ended_without_result=total.ended_without_result)
    return name, REPORT_FORMATS[fmt], content


def step_heatmap(ctx: ServiceContext, procedure_code: str, agency: str, start: date,
                 end: date, *, actor: str | None) -> Heatmap:
    """Per step of ``procedure_code`` (by diagram id, all revisions together): the share of
    steps completed late in the period and the office time used against the allotment, with
    the diagram of the newest revision to colour."""
    with ctx.db.read() as session:
        scope = _scope(ctx, session, agency, start, end, actor)
        try:
            heatmap = reports.build_heatmap(session, procedure_code, scope.nodes,
                                            scope.calendars, scope.period)
        except ReportError as exc:
            raise InvalidRequest(str(exc)) from None
        if heatmap is None:
            raise UnknownProcedure(f"no procedure {procedure_code!r} in force serves "
                                   f"{agency_label(scope.agency)} or the agencies below it")
        return heatmap


@dataclass(frozen=True)
class RollupReport:
    """What :func:`roll_up_reports` summed: local days ``[first, until)`` (None: nothing was
    due), in ``runs`` transactions, and the rows written."""

    first: date | None = None
    until: date | None = None
    runs: int = 0
    rows: int = 0

    @property
    def days(self) -> int:
        return (self.until - self.first).days if self.first and self.until else 0


def roll_up_reports(ctx: ServiceContext, now: datetime | None = None, *,
                    max_runs: int | None = None) -> RollupReport:
    """Sum the days that are over into the reports' pre-aggregates (docs/reports.md), from
    the watermark on, a month at most per transaction, until none is left (or ``max_runs``
    transactions). The sums are derived from the projections, which they never change, so
    no audit event is written. Run by the worker each round; cheap when nothing is due."""
    now = now or ctx.now()
    first = until = None
    runs = rows = 0
    while max_runs is None or runs < max_runs:
        try:
            with ctx.db.write() as session:
                calendars = {row.id: ctx.calendars.of(row.id, row.calendar)
                             for row in session.execute(select(Agency.id, Agency.calendar))}
                run = reports.roll_up(session, calendars, now)
        except ReportError as exc:
            raise InvalidRequest(str(exc)) from None
        except IntegrityError:
            break  # another worker began the first roll-up at the same moment
        if run.first is None:
            break
        runs += 1
        first = first or run.first
        until = run.until
        rows += run.case_rows + run.step_rows + run.official_rows
        if not run.remaining_days:
            break
    if rows >= ANALYZE_AFTER:
        reports.refresh_statistics(ctx.db.engine)
    return RollupReport(first, until, runs, rows)
