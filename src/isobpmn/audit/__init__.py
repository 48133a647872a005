"""The audit log: append-only events in SHA-256 hash chains, and their verification.

Every state change of isobpmn writes an event in the same transaction (the services do it
through :func:`append_event`). Each event sits at position ``seq`` of one chain — a dossier's
(``case:<id>``), a procedure's (``procedure:<id>``) or the directory's (``system``) — and its
hash covers the previous event's hash and its own canonical JSON (:mod:`.canonical`).
:func:`verify` recomputes the chains and names every break. It imports the store (the
``events`` table) and nothing above it. See docs/audit.md.
"""

from .canonical import canonical_json, canonical_value, format_moment
from .chain import (
    SYSTEM_CHAIN,
    Appended,
    append_event,
    case_chain,
    event_fields,
    event_hash,
    hold_chain,
    prime_chain,
    procedure_chain,
)
from .verify import ChainBreak, UnknownCaseCode, VerifyReport, verify

__all__ = [
    "SYSTEM_CHAIN", "Appended", "ChainBreak", "UnknownCaseCode", "VerifyReport", "append_event",
    "canonical_json", "canonical_value", "case_chain", "event_fields", "event_hash",
    "format_moment", "hold_chain", "prime_chain", "procedure_chain", "verify",
]
