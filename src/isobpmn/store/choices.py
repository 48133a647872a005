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


# --- quality records (ISO 9001 9.1, 9.3, 10.2; docs/quality.md) ------------------------------


class ObjectiveMetric(StrEnum):
    """What a quality objective measures, computed from the dossiers and ratings of a period."""

    ON_TIME_RATE = "on_time_rate"  # % of resolved dossiers early or on time
    AVG_TIME_SHARE = "avg_time_share"  # average % of the statutory time used
    SATISFACTION_AVG = "satisfaction_avg"  # average rating, 1–5
    SATISFIED_RATE = "satisfied_rate"  # % of ratings 4 or 5
    ONLINE_RATE = "online_rate"  # % of received dossiers that came online


class Comparison(StrEnum):
    """How a measured value meets its target."""

    AT_LEAST = "at_least"  # value ≥ target
    AT_MOST = "at_most"  # value ≤ target


class NonconformitySource(StrEnum):
    """Where a nonconformity came from."""

    LATE_CASE = "late_case"  # opened automatically when a dossier was resolved late
    MANUAL = "manual"  # reported by the ISO officer or a leader
    AUDIT = "audit"  # found by an internal audit


class NonconformityStatus(StrEnum):
    """open → action_planned → implemented → closed (verified effective); an ineffective
    action goes back to action_planned."""

    OPEN = "open"
    ACTION_PLANNED = "action_planned"
    IMPLEMENTED = "implemented"
    CLOSED = "closed"


class RollupSpan(StrEnum):
    """What a row of the reports' pre-aggregates covers."""

    DAY = "day"
    MONTH = "month"  # the month starting on the row's day
