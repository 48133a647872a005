"""A dossier's standard forms (biểu mẫu), filled from the database and laid out by
:mod:`isobpmn.forms` (DOMAIN §6, docs/forms.md).

Each form is read from what the other services recorded:

- **receipt** (Mẫu 01): the dossier's columns, the procedure's statutory data (sets, time
  limit, place, fee), the official of the ``case_received`` event, the log book entry (the
  dossier's rank among the agency's dossiers of that year) and the lookup URL as a QR code;
- **supplement** (02): a written request of ``case.data["supplement_requests"]``;
- **refusal** (03): ``case.data["refused"]`` (the ``refuse`` service), or a step of the
  diagram that refuses at reception (its step names the refusal form and it entered
  ``ly_do_tu_choi``);
- **apology** (04): a letter of ``case.data["apologies"]``;
- **stop** (05 of TT 03/2025): a withdrawn dossier, ``case.data["withdrawn"]``;
- **control-sheet** (05/06): the hand-overs of the step history (:mod:`.handovers`);
- **log-book** (06/07): the agency's dossiers received in a period.

A form that does not apply to the dossier (a refusal of a dossier that was not refused, an
apology when none was issued) is refused with :class:`InvalidRequest`. Every call is a read
transaction by a member of the dossier's agency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from isobpmn import forms
from isobpmn.model import CopyKind, Step
from isobpmn.store import Agency, Case, CaseStatus, Event, Task, User

from .access import find_agency, find_user, require_member
from .casework import spec_of, steps_of
from .context import ServiceContext
from .errors import InvalidRequest, UnknownCase
from .handovers import control_sheet_rows, log_book_dates
from .kinds import EventKind

__all__ = ["CASE_FORMS", "LOOKUP_PARAMETER", "FormDocument", "available_forms",
           "form_document", "form_pdf", "log_book", "log_book_pdf", "lookup_url"]

#: The forms of one dossier (the log book covers an agency's period instead).
CASE_FORMS = ("receipt", "supplement", "refusal", "apology", "stop", "control-sheet")
#: Query parameter of the lookup URL printed as the receipt's QR code: the dossier code. The
#: lookup code is printed beside it, never put in the URL (it stays out of addresses and logs).
LOOKUP_PARAMETER = "ma"
#: File names, in ASCII, by kind.
_SLUGS = {"receipt": "giay-tiep-nhan", "supplement": "phieu-yeu-cau-bo-sung",
          "refusal": "phieu-tu-choi", "apology": "phieu-xin-loi", "stop": "thong-bao-dung",
          "control-sheet": "phieu-kiem-soat", "log-book": "so-theo-doi"}
_STATUS_NOTES = {"refused": "Từ chối", "withdrawn": "Rút hồ sơ, dừng giải quyết",
                 "paused": "Chờ bổ sung hồ sơ", "open": "Đang giải quyết"}
#: The longest period one log book may cover.
LOG_BOOK_DAYS = 366


@dataclass(frozen=True)
class FormDocument:
    """A filled form: ``html`` is the complete document (style inlined, for download and
    PDF), ``body`` the sheet alone and ``css`` its print style (for a page that embeds it);
    ``number`` is the form's number in the chosen set ("01"); ``filename`` names its PDF."""

    kind: str
    number: str
    title: str
    filename: str
    html: str
    body: str
    css: str

    def pdf(self) -> bytes:
        """The form as a PDF (WeasyPrint; about half a second)."""
        return forms.render_pdf(self.html)


def lookup_url(base_url: str, case_code: str) -> str:
    """The public lookup page with the dossier code filled in (the receipt's QR code)."""
    joiner = "&" if "?" in base_url else "?"
    return f"{base_url}{joiner}{urlencode({LOOKUP_PARAMETER: case_code})}"


def form_document(ctx: ServiceContext, case_code: str, kind: str, *, actor: str,
                  form_set: str = forms.DEFAULT_FORM_SET, base_url: str | None = None,
                  no: int | None = None) -> FormDocument:
    """Form ``kind`` (one of :data:`CASE_FORMS`) of dossier ``case_code``, numbered by
    ``form_set``. ``base_url`` is the public lookup page the receipt's QR code points to (none:
    no QR code); ``no`` picks a supplement request or an apology letter (default: the last).
    """
    if kind not in CASE_FORMS:
        raise InvalidRequest(f"unknown form {kind!r}; the forms of a dossier are "
                             f"{', '.join(CASE_FORMS)} (the log book is printed per agency)")
    spec = _form_spec(kind, form_set)
    with ctx.db.read() as session:
        case, agency = _case_for(session, case_code, actor,
                                 f"print the forms of dossier {case_code}")
        data = _BUILDERS[kind](_Reading(ctx, session, case, agency), base_url=base_url, no=no)
    return _document(spec, form_set, data, case_code)


def form_pdf(ctx: ServiceContext, case_code: str, kind: str, *, actor: str,
             form_set: str = forms.DEFAULT_FORM_SET, base_url: str | None = None,
             no: int | None = None) -> bytes:
    """The PDF of :func:`form_document` (same arguments)."""
    return form_document(ctx, case_code, kind, actor=actor, form_set=form_set,
                         base_url=base_url, no=no).pdf()


def available_forms(ctx: ServiceContext, case_code: str, *,
                    form_set: str = forms.DEFAULT_FORM_SET) -> list[tuple[str, str, str]]:
    """(kind, number, title) of the forms that apply to the dossier, in the set's order."""
    chosen = _form_set(form_set)
    with ctx.db.read() as session:
        case = session.scalar(select(Case).where(Case.code == case_code))
        if case is None:
            raise UnknownCase(f"no dossier with the code {case_code!r}")
        data = case.data or {}
        applies = {"receipt": True, "control-sheet": True,
                   "supplement": bool(data.get("supplement_requests")),
                   "refusal": bool(data.get("refused")) or _diagram_refusal(
                       ctx, session, case) is not None,
                   "apology": bool(data.get("apologies")),
                   "stop": case.status == CaseStatus.WITHDRAWN and bool(data.get("withdrawn"))}
    return [(s.kind, s.number, s.title) for s in chosen.forms if applies.get(s.kind)]


def log_book(ctx: ServiceContext, agency_code: str, start: date, end: date, *, actor: str,
             form_set: str = forms.DEFAULT_FORM_SET) -> FormDocument:
    """The log book (Sổ theo dõi hồ sơ) of the dossiers ``agency_code`` received from
    ``start`` to ``end`` (both included, the agency's days), at most a year."""
    spec = _form_spec("log-book", form_set)
    if end < start:
        raise InvalidRequest(f"the log book's period ends ({end:%d/%m/%Y}) before it starts "
                             f"({start:%d/%m/%Y}); swap the two dates")
    if (end - start).days >= LOG_BOOK_DAYS:
        raise InvalidRequest(f"a log book covers at most {LOG_BOOK_DAYS} days; print "
                             f"{start:%d/%m/%Y} – {end:%d/%m/%Y} in parts")
    with ctx.db.read() as session:
        user = find_user(session, actor)
        agency = find_agency(session, agency_code)
        require_member(session, user, agency, f"print the log book of {agency.name}")
        reading = _Reading(ctx, session, None, agency)
        tz = reading.tz
        first = datetime.combine(start, time(0), tz)
        cases = list(session.scalars(
            select(Case).where(Case.agency_id == agency.id, Case.received_at >= first,
                               Case.received_at < datetime.combine(end + timedelta(days=1),
                                                                   time(0), tz))
            .order_by(Case.received_at, Case.id)))
        rows = _log_rows(reading, cases, first)
        years = sorted({start.year, end.year})
        data = forms.LogBookData(reading.header(), start, end, tuple(rows),
                                 ctx.now().astimezone(tz), volume="–".join(str(y) for y in years))
    return _document(spec, form_set, data, f"{agency_code}-{start:%Y%m%d}-{end:%Y%m%d}")


def log_book_pdf(ctx: ServiceContext, agency_code: str, start: date, end: date, *, actor: str,
                 form_set: str = forms.DEFAULT_FORM_SET) -> bytes:
    """The PDF of :func:`log_book` (same arguments)."""
    return log_book(ctx, agency_code, start, end, actor=actor, form_set=form_set).pdf()


# -- choosing the form ------------------------------------------------------------------------


def _form_set(code: str) -> forms.FormSet:
    try:
        return forms.form_set(code)
    except forms.FormError as exc:
        raise InvalidRequest(str(exc)) from None


def _form_spec(kind: str, code: str) -> forms.FormSpec:
    try:
        return _form_set(code).form(kind)
    except forms.FormError as exc:
        raise InvalidRequest(str(exc)) from None


def _document(spec: forms.FormSpec, form_set: str, data: Any, name: str) -> FormDocument:
    body = forms.render_body(spec.kind, data, form_set=form_set)
    html = forms.render_html(spec.kind, data, form_set=form_set)
    return FormDocument(spec.kind, spec.number, spec.title,
                        f"mau-{spec.number}-{_SLUGS[spec.kind]}-{name}.pdf", html, str(body),
                        forms.print_css())


def _case_for(session: Session, case_code: str, actor: str, doing: str) -> tuple[Case, Agency]:
    case = session.scalar(select(Case).where(Case.code == case_code))
    if case is None:
        raise UnknownCase(f"no dossier with the code {case_code!r}")
    agency = session.get(Agency, case.agency_id)
    require_member(session, find_user(session, actor), agency, doing)
    return case, agency


# -- reading a dossier ------------------------------------------------------------------------


class _Reading:
    """One dossier (or agency) being read for a form: the session, zone and small lookups."""

    def __init__(self, ctx: ServiceContext, session: Session, case: Case | None,
                 agency: Agency) -> None:
        self.ctx, self.session, self.case, self.agency = ctx, session, case, agency
        self.tz: ZoneInfo = ctx.calendars.of(agency.id, agency.calendar).tz
        self._names: dict[str, str] = {}

    def local(self, moment: datetime | str | None) -> datetime | None:
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        return moment.astimezone(self.tz) if moment is not None else None

    def header(self) -> forms.AgencyHeader:
        parent = self.session.get(Agency, self.agency.parent_id) if self.agency.parent_id else None
        return forms.AgencyHeader(self.agency.name, parent.name if parent else None,
                                  forms.place_of(self.agency.name), self.agency.address)

    def applicant(self) -> forms.Applicant:
        c = self.case
        return forms.Applicant(c.applicant_name, c.applicant_address, c.applicant_phone,
                               c.applicant_email, c.applicant_id_number)

    def full_name(self, username: str | None) -> str:
        """The user's full name (the user name itself for an unknown one)."""
        if not username:
            return ""
        if username not in self._names:
            name = self.session.scalar(select(User.full_name).where(User.username == username))
            self._names[username] = name or username
        return self._names[username]

    def info(self, case: Case | None = None):
        """The procedure's statutory data (``iso:procedure``), None for a diagram without."""
        return spec_of(self.ctx, self.session,
                       (case or self.case).procedure_version_id).procedure.info

    def record(self, key: str, what: str, no: int | None = None) -> dict[str, Any]:
        """One record of ``case.data[key]`` (a list: the ``no``-th, default the last; a
        dict: itself); :class:`InvalidRequest` when the dossier has none."""
        found = (self.case.data or {}).get(key)
        if not found:
            raise InvalidRequest(f"dossier {self.case.code} has no {what}")
        if isinstance(found, dict):
            return found
        if no is None:
            return found[-1]
        if not 1 <= no <= len(found):
            raise InvalidRequest(f"dossier {self.case.code} has {len(found)} {what}(s); "
                                 f"choose a number from 1 to {len(found)}")
        return found[no - 1]

    def notice(self, number: str, issued_at: datetime | str) -> dict[str, Any]:
        """The fields every notice about the dossier shares (``forms.DossierNotice``)."""
        c = self.case
        return {"agency": self.header(), "number": number, "case_code": c.code,
                "applicant": self.applicant(), "request": c.request or "",
                "received_at": self.local(c.received_at), "issued_at": self.local(issued_at)}


def _receipt(r: _Reading, *, base_url: str | None, no: int | None) -> forms.ReceiptData:
    case, info = r.case, r.info()
    received_by = r.session.scalar(
        select(Event.actor_name).where(Event.case_id == case.id,
                                       Event.kind == EventKind.CASE_RECEIVED).limit(1))
    volume, number = _log_entry(r, case)
    limit = (info.time_limit_note or (info.time_limit.describe("vi") if info.time_limit
                                      else "")) if info else ""
    return forms.ReceiptData(
        r.header(), case.code, case.lookup_code, r.applicant(), case.request or "",
        tuple(forms.ComponentRow(c.get("no", i), c.get("name", ""), c.get("copies", ""),
                                 c.get("quantity", 1))
              for i, c in enumerate(case.dossier_components or [], 1) if isinstance(c, dict)),
        info.dossier_sets if info else 1, limit, r.local(case.received_at),
        r.local(case.original_appointment_at or case.appointment_at),
        info.place if info else "", received_by or "",
        lookup_url=lookup_url(base_url, case.code) if base_url else None,
        log_volume=volume, log_number=number,
        fee=(info.fee.text or None) if info and info.fee else None)


def _log_entry(r: _Reading, case: Case) -> tuple[str, int]:
    """The receipt's log book line: the year's volume and the dossier's rank in it."""
    received = r.local(case.received_at)
    year_start = datetime.combine(date(received.year, 1, 1), time(0), r.tz)
    earlier = r.session.scalar(
        select(func.count()).select_from(Case)
        .where(Case.agency_id == case.agency_id, Case.received_at >= year_start,
               (Case.received_at < case.received_at)
               | ((Case.received_at == case.received_at) & (Case.id < case.id))))
    return str(received.year), earlier + 1


def _copy_label(value: str) -> str:
    try:
        return CopyKind(value).label("vi")
    except ValueError:
        return value


def _supplement(r: _Reading, *, base_url: str | None, no: int | None) -> forms.SupplementData:
    record = r.record("supplement_requests", "supplement request", no)
    items = tuple(forms.SupplementItem(i["name"], int(i.get("quantity", 1)),
                                       _copy_label(str(i.get("copy") or "original")))
                  for i in record.get("items") or [])
    return forms.SupplementData(
        **r.notice(f"{r.case.code}/BS-{record.get('no', 1)}", record["requested_at"]),
        items=items, reason=record.get("reason") or "",
        contact=record.get("contact") or "", signer=r.full_name(record.get("requested_by")))


def refuses_at_reception(step: Step | None, data: dict[str, Any] | None) -> bool:
    """Whether completing ``step`` with ``data`` refused the dossier at reception, as drawn in
    the diagram: the step names a refusal form and it entered ``ly_do_tu_choi``."""
    return bool((data or {}).get("ly_do_tu_choi")) and step is not None and any(
        "từ chối tiếp nhận" in ref.title.lower() for ref in step.info.forms)


def _diagram_refusal(ctx: ServiceContext, session: Session, case: Case) -> Task | None:
    """The completed step that refused the dossier at reception (:func:`refuses_at_reception`)."""
    steps = steps_of(spec_of(ctx, session, case.procedure_version_id))
    for task in session.scalars(select(Task).where(Task.case_id == case.id,
                                                   Task.completed_at.is_not(None))
                                .order_by(Task.completed_at.desc(), Task.id.desc())):
        if refuses_at_reception(steps.get(task.bpmn_id), task.data):
            return task
    return None


def _refusal(r: _Reading, *, base_url: str | None, no: int | None) -> forms.RefusalData:
    record = (r.case.data or {}).get("refused")
    if record:
        reason, at, by = record["reason"], record["at"], record.get("by")
        contact = record.get("contact") or r.full_name(by)
    else:
        task = _diagram_refusal(r.ctx, r.session, r.case)
        if task is None:
            raise InvalidRequest(f"dossier {r.case.code} was not refused (status "
                                 f"{r.case.status}); the refusal form is for a refused dossier")
        reason, at = str(task.data["ly_do_tu_choi"]), task.completed_at
        by = r.session.scalar(select(User.username).where(User.id == task.completed_by))
        contact = r.full_name(by)
    reasons = tuple(line.strip() for line in reason.splitlines() if line.strip())
    return forms.RefusalData(**r.notice(f"{r.case.code}/TC", at), reasons=reasons,
                             contact=contact, signer=r.full_name(by))


def _apology(r: _Reading, *, base_url: str | None, no: int | None) -> forms.ApologyData:
    letter = r.record("apologies", "apology letter", no)
    missed = letter.get("previous_appointment") or r.case.original_appointment_at
    return forms.ApologyData(
        **r.notice(f"{r.case.code}/XL-{letter.get('no', 1)}", letter["issued_at"]),
        receipt_number=r.case.code, original_appointment=r.local(missed),
        reason=letter.get("reason") or "", new_appointment=r.local(letter["new_appointment"]),
        signer_name=letter.get("signer_name") or r.full_name(letter.get("signer")))


def _stop(r: _Reading, *, base_url: str | None, no: int | None) -> forms.StopNoticeData:
    if r.case.status != CaseStatus.WITHDRAWN:
        raise InvalidRequest(f"dossier {r.case.code} is {r.case.status}; the notice to stop "
                             "processing is for a dossier whose processing was stopped "
                             "(withdrawn)")
    record = r.record("withdrawn", "record of being withdrawn")
    return forms.StopNoticeData(**r.notice(f"{r.case.code}/DG", record["at"]),
                                reason=record["reason"], signer=r.full_name(record.get("by")))


def _control_sheet(r: _Reading, *, base_url: str | None, no: int | None) -> forms.ControlSheetData:
    case = r.case
    steps = steps_of(spec_of(r.ctx, r.session, case.procedure_version_id))
    rows = control_sheet_rows(r.session, case, steps, r.tz)
    return forms.ControlSheetData(r.header(), case.code, r.local(case.received_at),
                                  r.local(case.appointment_at), r.agency.name, tuple(rows),
                                  r.ctx.now().astimezone(r.tz))


_BUILDERS = {"receipt": _receipt, "supplement": _supplement, "refusal": _refusal,
             "apology": _apology, "stop": _stop, "control-sheet": _control_sheet}


def _log_rows(r: _Reading, cases: list[Case], first: datetime) -> list[forms.LogBookRow]:
    """The log book's rows, numbered by the dossier's rank in its year (as on its receipt)."""
    tasks: dict[int, list[Task]] = {c.id: [] for c in cases}
    for task in r.session.scalars(select(Task).where(Task.case_id.in_(list(tasks)))
                                  .order_by(Task.id)):
        tasks[task.case_id].append(task)
    ranks: dict[int, int] = {}
    rows = []
    for case in cases:
        year = r.local(case.received_at).year
        if year not in ranks:
            year_start = datetime.combine(date(year, 1, 1), time(0), r.tz)
            ranks[year] = r.session.scalar(
                select(func.count()).select_from(Case)
                .where(Case.agency_id == r.agency.id, Case.received_at >= year_start,
                       Case.received_at < max(first, year_start)))
        ranks[year] += 1
        spec = spec_of(r.ctx, r.session, case.procedure_version_id)
        procedure, info, steps = spec.procedure, spec.procedure.info, steps_of(spec)
        dates = log_book_dates(tasks[case.id], case, steps, r.ctx.settings.desk_roles, r.tz)
        note = forms.OUTCOMES.get(case.outcome or "") or _STATUS_NOTES.get(case.status, "")
        rows.append(forms.LogBookRow(
            ranks[year], case.code, procedure.name or procedure.title,
            info.dossier_sets if info else 1, case.applicant_name, case.applicant_address,
            case.applicant_phone, dates.body, r.local(case.received_at),
            r.local(case.appointment_at), dates.sent_at, dates.result_at,
            r.local(case.returned_at), note))
    return rows
