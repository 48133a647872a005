"""Choosing dossiers for the read-side passes over many of them: the replay and the event log.

Both narrow the dossiers by agency, procedure and day of receipt, and read them in batches by
id (keyset pagination: each batch starts after the last id seen, no ``OFFSET`` to rescan), so
that memory holds one batch however many dossiers there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from isobpmn.store import Agency, Case, Procedure, ProcedureVersion

from .errors import UnknownAgency, UnknownProcedure
from .views import VIETNAM

__all__ = ["in_batches", "narrow"]


def narrow(session: Session, query: Select, *, agency: str | None = None,
           procedure: str | None = None, since: date | None = None,
           until: date | None = None) -> Select:
    """``query`` (over ``cases``) kept to the dossiers of ``agency`` (its code), of
    ``procedure`` (its document code, any revision), received from ``since`` to ``until``
    (days in Vietnamese time, both included). An unknown code is refused, not an empty list."""
    if agency is not None:
        agency_id = session.scalar(select(Agency.id).where(Agency.code == agency))
        if agency_id is None:
            raise UnknownAgency(f"no agency with the code {agency!r}")
        query = query.where(Case.agency_id == agency_id)
    if procedure is not None:
        versions = list(session.scalars(select(ProcedureVersion.id).join(Procedure)
                                        .where(Procedure.code == procedure)))
        if not versions:
            raise UnknownProcedure(f"no procedure with the code {procedure!r}; give its "
                                   "document code (Mã hiệu), e.g. QT-HT-01")
        query = query.where(Case.procedure_version_id.in_(versions))
    if since is not None:
        query = query.where(Case.received_at >= datetime.combine(since, time(0), VIETNAM))
    if until is not None:
        query = query.where(Case.received_at < datetime.combine(until + timedelta(days=1),
                                                                time(0), VIETNAM))
    return query


def in_batches(session: Session, query: Select, size: int) -> Iterator[list[Row]]:
    """The rows of ``query`` (which selects ``cases.id`` as ``id``), ``size`` at a time, in
    order of id."""
    last = 0
    while True:
        rows = session.execute(query.where(Case.id > last).order_by(Case.id)
                               .limit(size)).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id
