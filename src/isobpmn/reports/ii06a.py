"""Biểu số II.06a/VPCP/KSTT: the statutory report of dossiers received and resolved, as a
spreadsheet (XLSX, laid out as the form) and as CSV (one header row, for other systems).

One row per agency of the reported subtree (the agency itself first, then its descendants
depth first), then the total. The columns of the form, numbered (1)–(13):

| (1) STT | (2) Đơn vị | received: (3) total, this period (4) online, (5) in person or by
post, (6) carried over | resolved: (7) total, (8) early, (9) on time, (10) late | in progress:
(11) total, (12) within the deadline, (13) overdue |

Refused and withdrawn dossiers have no column in the form; the sheet states their number
under the table, so that (3) = (7) + (11) + refused + withdrawn can be checked.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .figures import CaseFigures
from .scope import Period

__all__ = ["CSV_COLUMNS", "FORM_CODE", "II06aRow", "to_csv", "to_xlsx", "values_of"]

FORM_CODE = "II.06a/VPCP/KSTT"
TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
UNIT = "Đơn vị tính: Số hồ sơ thủ tục hành chính"
TOTAL = "Tổng cộng"

#: CSV header: stable ASCII names of the form's columns (3)–(13).
CSV_COLUMNS = ("stt", "agency_code", "agency_name", "received_total", "received_online",
               "received_in_person_or_post", "carried_over", "resolved_total",
               "resolved_early", "resolved_on_time", "resolved_late", "in_progress_total",
               "in_progress_within_deadline", "in_progress_overdue")


@dataclass(frozen=True)
class II06aRow:
    """One line of the form: an agency (``depth`` below the reporting one) or the total."""

    number: str
    agency_code: str
    agency_name: str
    depth: int
    figures: CaseFigures


def values_of(figures: CaseFigures) -> tuple[int, ...]:
    """Columns (3)–(13) of the form."""
    f = figures
    return (f.received_total, f.online, f.in_person_or_post, f.carried_over, f.resolved,
            f.early, f.on_time, f.late, f.in_progress, f.within_deadline, f.overdue)


def to_csv(rows: list[II06aRow]) -> bytes:
    """The rows as UTF-8 CSV with a byte-order mark (Excel then reads Vietnamese right)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([row.number, row.agency_code, row.agency_name,
                         *values_of(row.figures)])
    return out.getvalue().encode("utf-8-sig")


_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_BOLD = Font(bold=True)
#: (first row, first column, last row, last column, text) of the header block, rows 5–7.
_HEADER = (
    (5, 1, 7, 1, "STT"),
    (5, 2, 7, 2, "Đơn vị"),
    (5, 3, 5, 6, "Số hồ sơ nhận giải quyết"),
    (5, 7, 5, 10, "Kết quả giải quyết: số hồ sơ đã giải quyết"),
    (5, 11, 5, 13, "Số hồ sơ đang giải quyết"),
    (6, 3, 7, 3, "Tổng số"),
    (6, 4, 6, 5, "Trong kỳ"),
    (6, 6, 7, 6, "Từ kỳ trước chuyển qua"),
    (7, 4, 7, 4, "Trực tuyến"),
    (7, 5, 7, 5, "Trực tiếp, dịch vụ bưu chính"),
    (6, 7, 7, 7, "Tổng số"),
    (6, 8, 7, 8, "Trước hạn"),
    (6, 9, 7, 9, "Đúng hạn"),
    (6, 10, 7, 10, "Quá hạn"),
    (6, 11, 7, 11, "Tổng số"),
    (6, 12, 7, 12, "Trong hạn"),
    (6, 13, 7, 13, "Quá hạn"),
)
#: The row of column numbers, and the first data row.
NUMBERS_ROW, FIRST_ROW = 8, 9
_WIDTHS = (6, 42) + (11,) * 11


def _merged(sheet, first_row, first_col, last_row, last_col, text, *, font=None,
            align=_CENTER) -> None:
    if (first_row, first_col) != (last_row, last_col):
        sheet.merge_cells(start_row=first_row, start_column=first_col, end_row=last_row,
                          end_column=last_col)
    cell = sheet.cell(first_row, first_col, text)
    cell.alignment = align
    if font is not None:
        cell.font = font


def to_xlsx(rows: list[II06aRow], *, agency_name: str, parent_name: str | None,
            period: Period, made_at: datetime, ended_without_result: int) -> bytes:
    """The form as an XLSX workbook: header block, merged column groups, one row per line."""
    book = Workbook()
    sheet = book.active
    sheet.title = "II.06a"
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    _merged(sheet, 1, 1, 1, 3, f"Biểu số {FORM_CODE}", font=_BOLD, align=left)
    _merged(sheet, 1, 4, 1, 10, TITLE, font=Font(bold=True, size=13))
    _merged(sheet, 2, 4, 2, 10, f"Kỳ báo cáo: từ ngày {period.first:%d/%m/%Y} đến ngày "
                                f"{period.last:%d/%m/%Y}", font=Font(italic=True))
    _merged(sheet, 1, 11, 1, 13, f"Đơn vị báo cáo: {agency_name}", align=left)
    _merged(sheet, 2, 11, 2, 13, f"Đơn vị nhận báo cáo: {parent_name or ''}", align=left)
    _merged(sheet, 3, 11, 3, 13, UNIT, font=Font(italic=True), align=left)
    for spec in _HEADER:
        _merged(sheet, *spec, font=_BOLD)
        for row in range(spec[0], spec[2] + 1):
            for col in range(spec[1], spec[3] + 1):
                sheet.cell(row, col).border = _BOX
    for col in range(1, 14):
        cell = sheet.cell(NUMBERS_ROW, col, f"({col})")
        cell.alignment, cell.border, cell.font = _CENTER, _BOX, Font(italic=True)
    for offset, line in enumerate(rows):
        r = FIRST_ROW + offset
        is_total = line.agency_code == ""
        cells = [line.number, ("    " * line.depth) + line.agency_name,
                 *values_of(line.figures)]
        for col, value in enumerate(cells, start=1):
            cell = sheet.cell(r, col, value)
            cell.border = _BOX
            cell.alignment = left if col == 2 else Alignment(horizontal="center")
            if is_total:
                cell.font = _BOLD
    note = FIRST_ROW + len(rows) + 1
    sheet.cell(note, 1, "Ghi chú: hồ sơ từ chối giải quyết và hồ sơ công dân rút trong kỳ "
                        f"(không thuộc cột nào của biểu): {ended_without_result}.")
    sheet.cell(note + 1, 1, f"Lập lúc {made_at:%H:%M} ngày {made_at:%d/%m/%Y} từ dữ liệu "
                            "hồ sơ điện tử.")
    for col, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 3)
    sheet.print_options.horizontalCentered = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
