"""Dossiers through the API: receiving one at the desk (the one-stop portal hands it over),
reading it, and what happens to it outside the diagram's steps — the supplement's arrival,
refusal, withdrawal, the apology letter and the return of the result.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for

from isobpmn.services import CaseChange, CaseView, Receipt, SupplementReceived
from isobpmn.store import Channel

from ..context import services
from .operations import Param, acting_user, operation

__all__: list[str] = []

APPLICANT = Param(
    "applicant", ("object", "string"), "Who submits the dossier: their name, or an object.",
    required=True, fields=(
        Param("name", "string", "Full name (person) or name of the organisation.",
              required=True),
        Param("id_number", "string", "Citizen identity number or business code."),
        Param("address", "string", "Address."),
        Param("phone", "string", "Phone number."),
        Param("email", "string", "Email address."),
    ))


@operation("POST", "/cases", "Receive a dossier", tag="cases", status=201, returns=Receipt,
           errors=(400, 403, 404, 422), body=(
               Param("procedure", "string", "The procedure's document code (Mã hiệu), e.g. "
                     "QT-DKKD-01.", required=True),
               Param("agency", "string", "The receiving agency's code, e.g. XA-HOA-AN.",
                     required=True),
               APPLICANT,
               Param("channel", "string", "How the dossier came (default in_person).",
                     choices=tuple(c.value for c in Channel)),
               Param("components", "array", "The papers received: numbers of section 5.2 "
                     "(from 1) or their names; default: the required ones.",
                     items=Param("component", ("integer", "string"), "")),
               Param("request", "string", "What the applicant asks for (default: the "
                     "procedure's title)."),
               Param("received_at", "string", "When the dossier was received, if earlier "
                     "than now (by post, entered after the fact).", moment=True),
               Param("revision", "integer", "A published revision other than the newest."),
           ))
def receive_case(procedure: str, agency: str, applicant: dict[str, Any] | str,
                 channel: str = "in_person", components: list[int | str] | None = None,
                 request: str | None = None, received_at: datetime | None = None,
                 revision: int | None = None) -> tuple[Receipt, dict[str, str]]:
    """Register a dossier and return its receipt (Mẫu 01): the dossier's code, the lookup
    code for the applicant, the papers, the appointment, the first task. The desk's role
    (``mot-cua``) in the agency is needed. ``Location`` is the dossier's address."""
    receipt = services().receive_dossier(
        procedure, agency, applicant, actor=acting_user().username, channel=channel,
        components=components, request=request, received_at=received_at, revision=revision)
    return receipt, {"Location": url_for("api.get_case", code=receipt.case_code)}


@operation("GET", "/cases/<code>", "A dossier", tag="cases", returns=CaseView,
           errors=(403, 404))
def get_case(code: str) -> CaseView:
    """Everything about the dossier: receipt data, status, clock and appointment, its steps,
    pauses, timers and history, and its ``state_version`` (for ``expected_version``). Users
    of the dossier's agency only."""
    return services().case_view(code, actor=acting_user().username)


@operation("POST", "/cases/<code>/supplement-received", "The supplement arrived",
           tag="cases", returns=SupplementReceived, errors=(400, 403, 404, 409, 422), body=(
               Param("received_at", "string", "When it arrived, if earlier than now.",
                     moment=True),
               Param("note", "string", "A note for the record."),
               Param("data", "object", "Values that join the dossier's data."),
           ))
def supplement_received(code: str, received_at: datetime | None = None,
                        note: str | None = None, data: dict[str, Any] | None = None
                        ) -> SupplementReceived:
    """The applicant brought the papers asked for: the clock resumes, the appointment moves by
    the office time it stood still, and the diagram goes on."""
    return services().receive_supplement(code, acting_user().username,
                                         received_at=received_at, note=note, data=data)


@operation("POST", "/cases/<code>/refuse", "Refuse the dossier (Mẫu 03)", tag="cases",
           returns=CaseChange, errors=(400, 403, 404, 409, 422), body=(
               Param("reason", "string", "Why it is refused.", required=True),
               Param("contact", "string", "The official the applicant may contact."),
           ))
def refuse_case(code: str, reason: str, contact: str | None = None) -> CaseChange:
    """Refuse to accept or to process the dossier: its open steps are cancelled and it ends
    ``refused``. The desk or a leader."""
    return services().refuse(code, acting_user().username, reason, contact=contact)


@operation("POST", "/cases/<code>/return-result", "The result was handed over", tag="cases",
           returns=CaseChange, errors=(400, 403, 404, 409, 422), body=(
               Param("receiver", "string", "Who collected the result."),
               Param("returned_at", "string", "When, if earlier than now.", moment=True),
           ))
def return_result(code: str, receiver: str | None = None,
                  returned_at: datetime | None = None) -> CaseChange:
    """A resolved dossier's result was handed to the applicant: it ends ``returned``. The
    desk."""
    return services().return_result(code, acting_user().username, receiver=receiver,
                                    returned_at=returned_at)


@operation("POST", "/cases/<code>/apology", "Apology letter, new appointment (Mẫu 04)",
           tag="cases", returns=CaseChange, errors=(400, 403, 404, 409, 422), body=(
               Param("new_appointment", "string", "The new appointment.", required=True,
                     moment=True),
               Param("reason", "string", "Why the dossier is late.", required=True),
               Param("signer", "string", "User name of the leader who signs the letter.",
                     required=True),
           ))
def issue_apology(code: str, new_appointment: datetime, reason: str,
                  signer: str) -> CaseChange:
    """Record the apology letter for a dossier that will miss its appointment: it replaces
    the appointment. Any official of the agency enters it; ``signer`` must be a leader."""
    return services().issue_apology(code, acting_user().username,
                                    new_appointment=new_appointment, reason=reason,
                                    signer=signer)


@operation("POST", "/cases/<code>/withdraw", "The applicant withdraws the dossier",
           tag="cases", returns=CaseChange, errors=(400, 403, 404, 409, 422), body=(
               Param("reason", "string", "The applicant's reason.", required=True),
           ))
def withdraw_case(code: str, reason: str) -> CaseChange:
    """The applicant takes the dossier back: its open steps are cancelled and it ends
    ``withdrawn``. The desk."""
    return services().withdraw(code, acting_user().username, reason)
