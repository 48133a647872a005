"""``isobpmn cases receive|show``: dossiers at the desk, and everything known about one."""

from __future__ import annotations

import click

from isobpmn.cli.output import FORMAT_OPTION, emit_json
from isobpmn.cli.servicing import (
    DATABASE_OPTION,
    open_services,
    parse_moment,
    plain,
    user_option,
    when,
)
from isobpmn.cli.table import render

CHANNELS = ("in_person", "online", "post")


@click.group()
def cases() -> None:
    """Dossiers (hồ sơ): receive one at the desk, show one."""


@cases.command("receive")
@click.option("--procedure", required=True, metavar="CODE",
              help="Document code of the procedure (Mã hiệu), e.g. QT-HT-01.")
@click.option("--revision", type=int, metavar="N",
              help="A published revision (default: the newest).")
@click.option("--agency", required=True, metavar="CODE", help="Code of the receiving agency.")
@click.option("--applicant", required=True, metavar="NAME", help="Applicant's full name.")
@click.option("--id-number", metavar="TEXT", help="Applicant's ID number (CCCD).")
@click.option("--address", metavar="TEXT", help="Applicant's address.")
@click.option("--phone", metavar="TEXT", help="Applicant's phone number.")
@click.option("--email", metavar="TEXT", help="Applicant's e-mail address.")
@click.option("--request", "request_text", metavar="TEXT",
              help="What is asked for (default: the procedure's title).")
@click.option("--channel", type=click.Choice(CHANNELS), default="in_person", show_default=True,
              help="How the dossier arrived.")
@click.option("--component", "components", type=int, multiple=True, metavar="N",
              help="A dossier component handed in, by its number in 5.2 (repeatable; default: "
                   "the required ones).")
@click.option("--received-at", metavar="DD/MM/YYYY HH:MM",
              help="When it was received, for a dossier that came by post or is entered after "
                   "the fact (default: now).")
@user_option()
@DATABASE_OPTION
@FORMAT_OPTION
def receive_command(procedure, revision, agency, applicant, id_number, address, phone, email,
                    request_text, channel, components, received_at, user, database,
                    output_format) -> None:
    """Receive a dossier: give it its code, start its clock and print the receipt (Mẫu 01).

    The appointment is the statutory time limit added to the receipt time in the agency's
    working time (office hours, holidays, the 15:00 cut-off).
    """
    from isobpmn.services import Applicant

    moment = parse_moment(received_at, "--received-at")
    with open_services(database) as services:
        receipt = services.receive_dossier(
            procedure, agency, Applicant(applicant, id_number, address, phone, email),
            actor=user, channel=channel, components=list(components) or None,
            request=request_text, received_at=moment, revision=revision)
    if output_format == "json":
        emit_json(plain(receipt))
        return
    click.echo(receipt_text(receipt))


def receipt_text(r) -> str:
    """The receipt as Mẫu 01 lays it out."""
    def moment(value):
        return f"{value:%H} giờ {value:%M} phút, ngày {value:%d/%m/%Y}" if value else "—"

    lines = [
        r.parent_agency_name.upper() if r.parent_agency_name else "",
        r.agency_name.upper(),
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {r.case_code}    Mã tra cứu: {r.lookup_code}",
        f"{r.agency_name} tiếp nhận hồ sơ của: {r.applicant.name}",
    ]
    contact = [f"Địa chỉ: {r.applicant.address}" if r.applicant.address else "",
               f"Số điện thoại: {r.applicant.phone}" if r.applicant.phone else "",
               f"Email: {r.applicant.email}" if r.applicant.email else ""]
    if any(contact):
        lines.append("    ".join(c for c in contact if c))
    lines.append(f"Nội dung yêu cầu giải quyết: {r.request}")
    lines.append("1. Thành phần hồ sơ và số lượng mỗi loại giấy tờ:")
    lines.append(render(["TT", "Tên giấy tờ", "Bản chính/sao", "SL"],
                        [(str(c.no), c.name, c.copies, str(c.quantity)) for c in r.components]
                        or [("", "—", "", "")], min_widths=[3, 20, 10, 3]))
    lines += [
        f"2. Số lượng hồ sơ: {r.sets:02d} bộ",
        f"3. Thời gian giải quyết hồ sơ theo quy định: {r.time_limit or '—'}"
        + (f" ({r.time_limit_note})" if r.time_limit_note else ""),
        f"4. Thời gian nhận hồ sơ: {moment(r.received_at)}"
        + (" (nhập sau)" if r.entered_after_the_fact else ""),
        f"5. Thời gian trả kết quả giải quyết hồ sơ: {moment(r.appointment_at)}",
        f"6. Nơi nhận kết quả: {r.place or '—'}",
        f"Người tiếp nhận: {r.received_by}",
    ]
    return "\n".join(line for line in lines if line != "")


@cases.command("show")
@click.argument("code")
@DATABASE_OPTION
@FORMAT_OPTION
def show_command(code: str, database: str | None, output_format: str) -> None:
    """Show a dossier: status, clock, appointment, steps (the control sheet) and its history."""
    with open_services(database) as services:
        view = services.case_view(code)
    if output_format == "json":
        emit_json(plain(view))
        return
    out = [
        f"{view.code} · {view.procedure_code} lần {view.revision:02d}: {view.procedure_title}",
        f"Cơ quan: {view.agency_name} ({view.agency_code}) · Người nộp: {view.applicant.name} · "
        f"Trạng thái: {view.status}" + (f" · Kết quả: {view.outcome}" if view.outcome else ""),
        f"Nhận: {when(view.received_at)} · Bắt đầu tính: {when(view.clock_started_at)} · "
        f"Hẹn trả: {when(view.appointment_at)}"
        + (f" (ban đầu {when(view.original_appointment_at)})"
           if view.original_appointment_at != view.appointment_at else ""),
    ]
    if view.resolved_at or view.returned_at:
        out.append(f"Giải quyết xong: {when(view.resolved_at)} · Trả: {when(view.returned_at)}")
    if view.supplement_count:
        out.append(f"Yêu cầu bổ sung: {view.supplement_count} lần")
    out += ["", render(["ID", "TT", "Bước", "Vai trò", "Hạn", "Xong", "Người", "Kết quả"],
                       [(str(t.id), t.step_number or "", t.name,
                         (t.role_code or "") + (f" ({t.unit_code})" if t.unit_code else ""),
                         when(t.due_at), when(t.completed_at),
                         t.completed_by or t.claimed_by or "",
                         t.outcome or (t.sla_state if t.state in ("ready", "claimed")
                                       else t.state))
                        for t in view.tasks] or [("", "", "—", "", "", "", "", "")],
                       min_widths=[3, 3, 16, 10, 16, 16, 6, 8],
                       max_widths=[None, None, 30, 16, None, None, None, None])]
    if view.timers:
        out.append("Hẹn giờ: " + "; ".join(
            f"{t.bpmn_id} {when(t.fire_at)}" + (f" (đã chạy {when(t.fired_at)})" if t.fired_at
                                                 else "") for t in view.timers))
    out += ["", "Nhật ký:"] + [f"  {e.seq:>3} {when(e.at)} {e.kind} — {e.actor or ''}"
                               for e in view.events]
    click.echo("\n".join(out))
