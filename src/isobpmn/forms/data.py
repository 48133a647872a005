"""What each form prints, as plain frozen dataclasses (DOMAIN §6).

The forms package never reads the database: the services fill these in from a dossier, tests
and other callers build them by hand. Moments are aware datetimes in the agency's zone and are
printed as they are (no conversion here); texts are printed escaped. ``None`` or an empty text
prints as a dotted line to fill in by hand, as on the paper forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

__all__ = [
    "AgencyHeader", "Applicant", "ApologyData", "ComponentRow", "ControlSheetData",
    "ControlSheetRow", "DossierNotice", "LogBookData", "LogBookRow", "ReceiptData", "RefusalData",
    "StopNoticeData", "SupplementData", "SupplementItem", "place_of",
]

#: Words before a place name in an agency's name, longest first ("Ủy ban nhân dân xã Hòa An").
_PLACE_WORDS = ("thành phố", "đặc khu", "phường", "tỉnh", "xã")


def place_of(agency_name: str) -> str:
    """The place written before the date: the name after the last "xã", "phường", "tỉnh",
    "thành phố" or "đặc khu" of the agency's name ("Ủy ban nhân dân xã Hòa An" → "Hòa An"),
    else the whole name."""
    lowered = agency_name.lower()
    best, length = -1, 0
    for word in _PLACE_WORDS:
        at = lowered.rfind(f"{word} ")
        if at > best and (at == 0 or lowered[at - 1] == " "):
            best, length = at, len(word) + 1
    return agency_name[best + length:].strip() if best >= 0 else agency_name.strip()


@dataclass(frozen=True)
class AgencyHeader:
    """The issuing agency, printed top left in capitals under its parent; ``place`` starts the
    line "Hòa An, ngày 03 tháng 3 năm 2026"."""

    name: str
    parent_name: str | None = None
    place: str = ""
    address: str | None = None


@dataclass(frozen=True)
class Applicant:
    """The person or organisation the form is addressed to."""

    name: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    id_number: str | None = None


@dataclass(frozen=True)
class ComponentRow:
    """One paper of the receipt's table: no. | paper | original/copy | quantity."""

    no: int
    name: str
    copies: str
    quantity: int = 1


@dataclass(frozen=True)
class ReceiptData:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01). ``lookup_url`` is drawn as a QR
    code; ``log_volume`` and ``log_number`` are the log book's volume and entry."""

    agency: AgencyHeader
    case_code: str
    lookup_code: str
    applicant: Applicant
    request: str
    components: tuple[ComponentRow, ...]
    sets: int
    time_limit: str
    received_at: datetime
    appointment_at: datetime | None
    return_place: str
    received_by: str
    lookup_url: str | None = None
    log_volume: str = ""
    log_number: int | None = None
    fee: str | None = None


@dataclass(frozen=True)
class SupplementItem:
    """A paper to add: its name, how many, and the kind of copy ("Bản chính", "Bản sao có
    chứng thực" …)."""

    name: str
    quantity: int = 1
    copy: str = "Bản chính"


@dataclass(frozen=True)
class DossierNotice:
    """What the forms written to the applicant about one dossier share: who issues it, its
    number, the dossier, the applicant and their request, when it was received and issued."""

    agency: AgencyHeader
    number: str
    case_code: str
    applicant: Applicant
    request: str
    received_at: datetime
    issued_at: datetime


@dataclass(frozen=True)
class SupplementData(DossierNotice):
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)."""

    items: tuple[SupplementItem, ...]
    reason: str
    contact: str
    contact_phone: str | None = None
    signer: str = ""


@dataclass(frozen=True)
class RefusalData(DossierNotice):
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)."""

    reasons: tuple[str, ...]
    contact: str
    signer: str = ""


@dataclass(frozen=True)
class ApologyData(DossierNotice):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04 of TT 01/2018), or the letter of
    apology and request to extend (Mẫu 04 of TT 03/2025): signed by the head of the agency.
    ``original_appointment`` is the appointment missed."""

    receipt_number: str
    original_appointment: datetime | None
    reason: str
    new_appointment: datetime
    signer_name: str
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN"


@dataclass(frozen=True)
class StopNoticeData(DossierNotice):
    """Thông báo dừng giải quyết hồ sơ (Mẫu 05 of TT 03/2025 only)."""

    reason: str
    signer: str = ""


@dataclass(frozen=True)
class ControlSheetRow:
    """One hand-over: ``body`` (the giver's unit, whose step ``outcome`` — ``early``,
    ``on_time``, ``late`` or None — is judged) hands the dossier from ``giver`` to
    ``receiver`` of ``receiver_body``; ``step`` names the step handed over."""

    step: str
    body: str
    giver: str
    receiver_body: str
    receiver: str
    handed_at: datetime | None
    received_at: datetime | None
    outcome: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ControlSheetData:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 05, new 06)."""

    agency: AgencyHeader
    case_code: str
    received_at: datetime
    appointment_at: datetime | None
    resolving_body: str
    rows: tuple[ControlSheetRow, ...]
    issued_at: datetime
    coordinating_bodies: tuple[str, ...] = ()


@dataclass(frozen=True)
class LogBookRow:
    """One dossier of the log book (columns: DOMAIN §6, practice)."""

    no: int
    case_code: str
    procedure: str
    sets: int
    applicant: str
    address: str | None
    phone: str | None
    body: str
    received_at: datetime
    appointment_at: datetime | None
    sent_at: datetime | None = None
    result_at: datetime | None = None
    returned_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class LogBookData:
    """Sổ theo dõi hồ sơ (Mẫu 06, new 07) for the dossiers received from ``start`` to ``end``."""

    agency: AgencyHeader
    start: date
    end: date
    rows: tuple[LogBookRow, ...]
    issued_at: datetime
    volume: str = ""
