"""What a report covers: an agency with every agency below it, over a period.

Reports aggregate an agency's own dossiers together with those of all its descendants in the
``agencies`` tree (a province and its departments and communes), and they count over a
half-open period ``[start, end)`` of aware moments. The subtree is read with one recursive
query, which SQLite and PostgreSQL both run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from isobpmn.store import Agency

__all__ = ["AgencyNode", "Period", "ReportError", "subtree"]


class ReportError(ValueError):
    """A report that cannot be made as asked (a period that ends before it starts, agencies
    on different time zones); the message says what to change."""


@dataclass(frozen=True)
class Period:
    """The moments ``start <= t < end`` (aware); ``first`` and ``last`` are its days as the
    user named them (both included), in the zone of the reporting agency."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ReportError("a report period needs aware moments (attach the agency's zone)")
        if self.end <= self.start:
            raise ReportError(f"the period ends ({self.end:%d/%m/%Y %H:%M}) before it starts "
                              f"({self.start:%d/%m/%Y %H:%M}); swap the two dates")

    @classmethod
    def of_days(cls, first: date, last: date, tz: ZoneInfo) -> Period:
        """From the first to the last day, both included, midnight to midnight in ``tz``."""
        if last < first:
            raise ReportError(f"the period ends ({last:%d/%m/%Y}) before it starts "
                              f"({first:%d/%m/%Y}); swap the two dates")
        return cls(datetime.combine(first, time(0), tz),
                   datetime.combine(last + timedelta(days=1), time(0), tz))

    @property
    def first(self) -> date:
        return self.start.date()

    @property
    def last(self) -> date:
        return (self.end - timedelta(microseconds=1)).date()

    def as_of(self, now: datetime) -> datetime:
        """The moment the in-progress figures describe: the period's end, or now if earlier."""
        return min(self.end, now)


@dataclass(frozen=True)
class AgencyNode:
    """An agency of the reported subtree; ``depth`` 0 is the reporting agency itself."""

    id: int
    code: str
    name: str
    parent_id: int | None
    depth: int
    calendar: dict | None = None


def subtree(session: Session, root_id: int) -> list[AgencyNode]:
    """The agency ``root_id`` and all its descendants, depth first, siblings by code."""
    tree = (select(Agency.id, literal(0).label("depth"))
            .where(Agency.id == root_id).cte("subtree", recursive=True))
    tree = tree.union_all(select(Agency.id, tree.c.depth + 1)
                          .where(Agency.parent_id == tree.c.id))
    rows = session.execute(
        select(Agency.id, Agency.code, Agency.name, Agency.parent_id, tree.c.depth,
               Agency.calendar).join(tree, tree.c.id == Agency.id)).all()
    nodes = {row.id: AgencyNode(row.id, row.code, row.name, row.parent_id, row.depth,
                                row.calendar) for row in rows}
    children: dict[int | None, list[AgencyNode]] = {}
    for node in nodes.values():
        if node.id != root_id:
            children.setdefault(node.parent_id, []).append(node)
    ordered: list[AgencyNode] = []

    def visit(node: AgencyNode) -> None:
        ordered.append(node)
        for child in sorted(children.get(node.id, []), key=lambda n: n.code):
            visit(child)

    if root_id in nodes:
        visit(nodes[root_id])
    return ordered
