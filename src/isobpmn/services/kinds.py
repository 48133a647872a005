"""The kinds of audit events the services write (docs/services.md lists their payloads)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["EventKind"]


class EventKind(StrEnum):
    # directory and procedures ("system" and "procedure:<id>" chains)
    AGENCY_CREATED = "agency_created"
    AGENCY_UPDATED = "agency_updated"
    UNIT_CREATED = "unit_created"
    USER_CREATED = "user_created"
    USER_DEACTIVATED = "user_deactivated"
    USER_ACTIVATED = "user_activated"
    MEMBERSHIP_ADDED = "membership_added"
    MEMBERSHIP_REMOVED = "membership_removed"
    PASSWORD_SET = "password_set"
    TOKEN_ISSUED = "token_issued"
    TOKEN_REVOKED = "token_revoked"
    PROCEDURE_PUBLISHED = "procedure_published"
    # a procedure version's life ("procedure:<id>" chain; docs/lifecycle.md)
    VERSION_DRAFTED = "version_drafted"
    VERSION_SAVED = "version_saved"
    VERSION_SUBMITTED = "version_submitted"
    VERSION_REVIEWED = "version_reviewed"
    VERSION_APPROVED = "version_approved"
    VERSION_RETIRED = "version_retired"
    VERSION_DISCARDED = "version_discarded"
    # a dossier ("case:<id>" chain)
    CASE_RECEIVED = "case_received"
    TASK_CLAIMED = "task_claimed"
    TASK_UNCLAIMED = "task_unclaimed"
    TASK_REASSIGNED = "task_reassigned"
    TASK_COMPLETED = "task_completed"
    TASK_RETURNED = "task_returned"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    SUPPLEMENT_RECEIVED = "supplement_received"
    PAYMENT_AWAITED = "payment_awaited"
    PAYMENT_RECEIVED = "payment_received"
    APOLOGY_ISSUED = "apology_issued"
    TIMER_FIRED = "timer_fired"
    SLA_CHANGED = "sla_changed"
    CASE_RESOLVED = "case_resolved"
    CASE_REFUSED = "case_refused"
    CASE_WITHDRAWN = "case_withdrawn"
    RESULT_RETURNED = "result_returned"
    DOSSIER_RATED = "dossier_rated"
    # quality records ("quality:<agency id>" chain; docs/quality.md)
    QUALITY_OBJECTIVE_SET = "quality_objective_set"
    QUALITY_OBJECTIVE_REMOVED = "quality_objective_removed"
    NONCONFORMITY_OPENED = "nonconformity_opened"
    NONCONFORMITY_CAUSE_RECORDED = "nonconformity_cause_recorded"
    CORRECTIVE_ACTION_PLANNED = "corrective_action_planned"
    CORRECTIVE_ACTION_IMPLEMENTED = "corrective_action_implemented"
    NONCONFORMITY_VERIFIED = "nonconformity_verified"
