"""``isobpmn procedures list|show|publish|import|export``: the procedure library as a
consultant reads it, publishing a diagram so that dossiers can be received on it, and moving
diagrams between files and the database (import and export live in :mod:`.procedures_io`)."""

from __future__ import annotations

from pathlib import Path

import click

from isobpmn.cli.files import find_bpmn_files
from isobpmn.cli.output import FORMAT_OPTION, LANG_OPTION, emit_json, fail
from isobpmn.cli.table import render
from isobpmn.model import ModelError, Procedure, read_procedure
from isobpmn.model.serialize import main_path_allotment, procedure_data
from isobpmn.textfmt import format_date

LABELS = {
    "vi": {
        "file": "Tệp", "code": "Mã hiệu", "title": "Tên quy trình", "revision": "Lần BH",
        "steps": "Số bước", "limit": "Thời hạn", "sum": "Tổng thời gian (đường chính)",
        "issued": "Ngày ban hành", "agency": "Cơ quan", "kind": "Loại", "field": "Lĩnh vực",
        "signoff": "Ký duyệt", "name": "Họ tên", "position": "Chức vụ", "date": "Ngày",
        "revisions": "Sửa đổi tài liệu", "rev_no": "Lần", "section": "Mục", "change": "Nội dung sửa đổi",
        "dossier": "5.2 Thành phần hồ sơ", "paper": "Tên giấy tờ", "copy": "Bản chính/sao",
        "qty": "SL", "sets": "5.3 Số lượng hồ sơ", "time": "5.4 Thời gian xử lý",
        "place": "5.5 Nơi tiếp nhận và trả kết quả", "fee": "5.6 Lệ phí",
        "table": "5.7 Quy trình xử lý công việc", "tt": "TT", "step": "Trình tự",
        "resp": "Trách nhiệm", "time_col": "Thời gian", "forms": "Biểu mẫu/Kết quả",
        "branch": "nhánh", "branch_note": "(nhánh) bước ngoài đường xử lý chính: bổ sung, từ chối, trả lại…",
        "records": "7. Hồ sơ cần lưu", "record": "Hồ sơ", "keeper": "Trách nhiệm lưu",
        "retention": "Thời gian lưu", "none": "—", "optional": "nếu có",
        "sum_line": "Tổng thời gian các bước trên đường xử lý chính",
        "purpose": "1. Mục đích", "scope": "2. Phạm vi", "references": "3. Tài liệu viện dẫn",
        "definitions": "4. Định nghĩa / Viết tắt", "legal_basis": "5.1 Cơ sở pháp lý",
    },
    "en": {
        "file": "File", "code": "Code", "title": "Title", "revision": "Rev.",
        "steps": "Steps", "limit": "Time limit", "sum": "Sum of allotments (main path)",
        "issued": "Issued", "agency": "Agency", "kind": "Kind", "field": "Field",
        "signoff": "Sign-off", "name": "Name", "position": "Position", "date": "Date",
        "revisions": "Revisions", "rev_no": "Rev.", "section": "Section", "change": "Change",
        "dossier": "5.2 Dossier components", "paper": "Paper", "copy": "Original/copy",
        "qty": "Qty", "sets": "5.3 Number of sets", "time": "5.4 Processing time",
        "place": "5.5 Place of receipt and return", "fee": "5.6 Fee",
        "table": "5.7 Steps", "tt": "No.", "step": "Step", "resp": "Responsible",
        "time_col": "Time", "forms": "Forms/Results", "branch": "branch",
        "branch_note": "(branch) a step off the main path: supplement, refusal, return…",
        "records": "7. Records to keep", "record": "Record", "keeper": "Kept by",
        "retention": "Retention", "none": "—", "optional": "if any",
        "sum_line": "Sum of allotments on the main path",
        "purpose": "1. Purpose", "scope": "2. Scope", "references": "3. References",
        "definitions": "4. Definitions and abbreviations", "legal_basis": "5.1 Legal basis",
    },
}


@click.group()
def procedures() -> None:
    """Read the procedure library: list, show as a step table, publish, import, export."""


@procedures.command("list")
@click.argument("directory", required=False,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@FORMAT_OPTION
@LANG_OPTION
def list_command(directory: Path | None, output_format: str, lang: str) -> None:
    """List the procedures in DIRECTORY (default: ./bpmn, else the current directory).

    One row per file: code, title, revision, number of steps, statutory time limit and the sum
    of allotments on the main path. Files that cannot be read are reported and make the exit
    status 1.
    """
    if directory is None:
        directory = Path("bpmn") if Path("bpmn").is_dir() else Path(".")
    files = find_bpmn_files(directory)
    if not files:
        fail(f"no .bpmn files under {directory}", 1)
    rows, errors = [], []
    for path in files:
        try:
            rows.append((path, read_procedure(path)))
        except ModelError as exc:
            errors.append(exc)
    t = LABELS[lang]
    if output_format == "json":
        emit_json({
            "procedures": [_summary(path, p) for path, p in rows],
            "errors": [{"source": e.source, "line": e.line, "message": str(e)} for e in errors],
        })
    else:
        table_rows = [
            (str(path.relative_to(directory)), p.code or t["none"], p.title,
             _revision(p), str(len(p.steps)),
             p.time_limit.describe(lang) if p.time_limit else t["none"],
             main_path_allotment(p).describe(lang))
            for path, p in rows
        ]
        if table_rows:
            click.echo(render([t["file"], t["code"], t["title"], t["revision"], t["steps"],
                               t["limit"], t["sum"]], table_rows,
                              min_widths=[16, 10, 16, 6, 7, 10, 10],
                              max_widths=[None, None, None, None, None, 14, 14]))
        for exc in errors:
            click.echo(f"error: {exc}", err=True)
    if errors:
        raise SystemExit(1)


def _revision(p: Procedure) -> str:
    return f"{p.info.document.revision:02d}" if p.info else "—"


def _summary(path: Path, p: Procedure) -> dict:
    data = procedure_data(p)
    keys = ("code", "title", "kind", "revision", "issued", "time_limit", "main_path_allotment")
    return {"file": str(path), **{k: data[k] for k in keys}, "steps": len(p.steps)}


@procedures.command("show")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@FORMAT_OPTION
@LANG_OPTION
def show_command(file: Path, output_format: str, lang: str) -> None:
    """Show one procedure: document control, statutory data and the step table.

    The step table has the columns of an ISO procedure document: TT | Trình tự |
    Trách nhiệm | Thời gian | Biểu mẫu/Kết quả.
    """
    try:
        procedure = read_procedure(file)
    except ModelError as exc:
        fail(str(exc))
    if output_format == "json":
        emit_json(procedure_data(procedure))
        return
    click.echo(describe(procedure, lang))


def describe(p: Procedure, lang: str = "vi") -> str:
    """The procedure as text, in the order of the ISO procedure document."""
    t = LABELS[lang]
    out: list[str] = []
    heading = ("QUY TRÌNH" if lang == "vi" else "PROCEDURE")
    title = p.title
    out.append(title.upper() if title.upper().startswith(heading) else f"{heading}: {title.upper()}")
    info = p.info
    if info:
        doc = info.document
        out.append(f"{t['code']}: {doc.code} · {t['revision']}: {doc.revision:02d} · "
                   f"{t['issued']}: {format_date(doc.issued) or t['none']}")
        meta = [f"{t['kind']}: {info.kind.label(lang)}"]
        if info.agency:
            meta.insert(0, f"{t['agency']}: {info.agency}")
        if info.field:
            meta.append(f"{t['field']}: {info.field}")
        out.append(" · ".join(meta))
        if doc.sign_offs:
            out += ["", render([t["signoff"], t["name"], t["position"], t["date"]],
                               [(s.role.label(lang), s.name, s.position, format_date(s.date))
                                for s in doc.sign_offs])]
        if info.revisions:
            out += ["", t["revisions"],
                    render([t["rev_no"], t["date"], t["section"], t["change"]],
                           [(f"{r.number:02d}", format_date(r.date), r.section, r.description)
                            for r in info.revisions])]
        out += _sections(info, t)
        if info.dossier:
            out += ["", t["dossier"],
                    render([t["tt"], t["paper"], t["copy"], t["qty"]],
                           [(str(i), c.name + _component_note(c, t),
                             c.copies_label(lang), str(c.quantity))
                            for i, c in enumerate(info.dossier, 1)])]
            out.append(f"{t['sets']}: {info.dossier_sets:02d}")
        if info.time_limit:
            note = f" ({info.time_limit_note})" if info.time_limit_note else ""
            out.append(f"{t['time']}: {info.time_limit.describe(lang)}{note}")
        if info.place:
            out.append(f"{t['place']}: {info.place}")
        if info.fee:
            out.append(f"{t['fee']}: {info.fee.text or info.fee.amount}")
    out += ["", t["table"], step_table(p, lang)]
    if any(not s.on_main_path for s in p.steps):
        out.append(t["branch_note"])
    out.append(f"{t['sum_line']}: {main_path_allotment(p).describe(lang)}"
               + (f" / {p.time_limit.describe(lang)}" if p.time_limit else ""))
    if info and info.records:
        out += ["", t["records"],
                render([t["tt"], t["record"], t["keeper"], t["retention"]],
                       [(str(i), r.name, r.keeper, r.retention)
                        for i, r in enumerate(info.records, 1)])]
    return "\n".join(out)


def _sections(info, t: dict[str, str]) -> list[str]:
    """Sections 1–4 and 5.1 of the procedure document, where the diagram has them."""
    out: list[str] = []
    for key, text in (("purpose", info.purpose), ("scope", info.scope)):
        if text:
            out += ["", t[key], text]
    for key, items in (("references", info.references),
                       ("definitions", [f"{d.term}: {d.meaning}" for d in info.definitions]),
                       ("legal_basis", info.legal_basis)):
        if items:
            out += ["", t[key], *(f"- {item}" for item in items)]
    return out


def _component_note(component, t: dict[str, str]) -> str:
    if component.note:
        return f" ({component.note})"
    return "" if component.required else f" ({t['optional']})"


def step_table(p: Procedure, lang: str = "vi") -> str:
    t = LABELS[lang]
    rows = []
    for s in p.steps:
        name = s.name or s.bpmn_id
        if s.info.description:
            name += "\n" + s.info.description
        if not s.on_main_path:
            name = f"({t['branch']}) {name}"
        docs = [str(ref) for ref in (*s.info.forms, *s.info.results)]
        rows.append((s.number, name, s.responsible or t["none"],
                     s.allotment.describe(lang) if s.allotment else t["none"],
                     "\n".join(docs) or t["none"]))
    return render([t["tt"], t["step"], t["resp"], t["time_col"], t["forms"]], rows,
                  min_widths=[3, 20, 12, 10, 14], max_widths=[None, None, 20, 20, 26])


@procedures.command("publish")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--agency", metavar="CODE",
              help="The agency the procedure is for (default: province-wide).")
@click.option("--user", metavar="NAME",
              help="Who publishes (an administrator or a leader of the agency); default: the "
                   "operator running the command.")
@click.option("--database", metavar="URL", envvar="ISOBPMN_DATABASE_URL",
              help="Database URL (default: $ISOBPMN_DATABASE_URL, else "
                   "$ISOBPMN_DATA_DIR/isobpmn.sqlite3).")
@FORMAT_OPTION
def publish_command(file: Path, agency: str | None, user: str | None, database: str | None,
                    output_format: str) -> None:
    """Publish FILE as it is, as the procedure's newest revision (seeds, bootstrapping).

    The diagram must read without any problem and run on the engine. Its document code and
    revision (iso:document) name the version; the same file again changes nothing, earlier
    revisions stop taking new dossiers while running ones finish on theirs. Changes in
    operation go through draft, review and approval instead (docs/lifecycle.md); a procedure
    with a version on that way cannot be published directly.
    """
    from isobpmn.cli.servicing import open_services, plain

    with open_services(database) as services:
        result = services.publish_procedure(file.read_bytes(), agency, user, name=str(file))
    if output_format == "json":
        emit_json(plain(result))
        return
    where = f"for {result.agency_code}" if result.agency_code else "province-wide"
    if not result.new:
        click.echo(f"{result.code} revision {result.revision:02d} is already published {where}; "
                   "nothing changed")
        return
    click.echo(f"published {result.code} revision {result.revision:02d} {where}: {result.title}"
               + (f" (retired version(s) {', '.join(map(str, result.retired))})"
                  if result.retired else ""))


def _register() -> None:
    from isobpmn.cli.procedures_io import export_command, import_command

    procedures.add_command(import_command)
    procedures.add_command(export_command)


_register()
