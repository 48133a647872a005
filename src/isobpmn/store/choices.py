"""The allowed values of the store's enum-like columns.

Each set is a :class:`~enum.StrEnum`, so code writes ``CaseStatus.OPEN`` and the database holds
the plain string ``"open"`` in a short ``VARCHAR`` guarded by a ``CHECK`` constraint (portable
across SQLite and PostgreSQL, and a new value is a one-line migration rather than an
``ALTER TYPE``). Values read back are plain strings, which compare equal to the members.
"""

from __future__ import annotations

from enum import StrEnum


class AgencyLevel(StrEnum):
    PROVINCE = "province"
    DEPARTMENT = "department"
    COMMUNE = "commune"
    OTHER = "other"


class VersionStatus(StrEnum):
    """Life of a procedure version: drafted, reviewed and approved by leadership, then in force."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    PUBLISHED = "published"
    RETIRED = "retired"


class ReviewVerdict(StrEnum):
    """A reviewer's verdict on a submitted procedure version."""

    OK = "ok"  # fit for approval
    CHANGES = "changes"  # back to draft with the comment


class Channel(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    POST = "post"


class CaseStatus(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    RESOLVED = "resolved"
    RETURNED = "returned"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    """trước hạn / đúng hạn / quá hạn, for a dossier and for each step (DOMAIN §5)."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


class PauseReason(StrEnum):
    """Why a dossier's clock stopped: waiting for a supplement, for fees or taxes, or other."""

    SUPPLEMENT = "supplement"
    FEE = "fee"
    OTHER = "other"


class TaskState(StrEnum):
    READY = "ready"
    CLAIMED = "claimed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


#: Task states that still count against a deadline (inboxes, the SLA sweep).
OPEN_TASK_STATES = (TaskState.READY, TaskState.CLAIMED)


class SlaState(StrEnum):
    """Display state of a step: green, yellow/orange, red (DOMAIN §5)."""

    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
