"""Jinja filters: dd/mm/yyyy dates, 24-hour times in Asia/Ho_Chi_Minh, time left in words,
and the labels of statuses (each through :func:`~isobpmn.web.i18n.gettext`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask import Flask

from isobpmn.textfmt import format_date

from .i18n import gettext as _

__all__ = ["LABELS", "init_app", "label", "span_words", "time_left_words"]

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

#: Status values (case, task, SLA, outcome, channel, pause reason) and their Vietnamese label.
LABELS = {
    "open": "Đang xử lý", "paused": "Tạm dừng", "resolved": "Đã có kết quả",
    "returned": "Đã trả kết quả", "refused": "Từ chối", "withdrawn": "Rút hồ sơ",
    "ready": "Chờ nhận", "claimed": "Đang xử lý", "completed": "Đã hoàn thành",
    "cancelled": "Đã hủy",
    "on_track": "Trong hạn", "due_soon": "Sắp đến hạn", "overdue": "Quá hạn",
    "early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn",
    "in_person": "Trực tiếp", "online": "Trực tuyến", "post": "Bưu chính",
    "supplement": "Chờ bổ sung hồ sơ", "fee": "Chờ nộp phí, lệ phí", "other": "Lý do khác",
    # procedure versions
    "draft": "Dự thảo", "submitted": "Đã trình", "reviewed": "Đã xem xét",
    "approved": "Đã phê duyệt", "published": "Đang ban hành", "retired": "Đã thu hồi",
    # audit events of a dossier
    "case_received": "Tiếp nhận hồ sơ",
    "task_claimed": "Nhận xử lý",
    "task_unclaimed": "Trả lại việc",
    "task_reassigned": "Giao lại việc",
    "task_completed": "Hoàn thành bước",
    "task_returned": "Trả về bước trước",
    "supplement_requested": "Yêu cầu bổ sung",
    "supplement_received": "Nhận hồ sơ bổ sung",
    "payment_awaited": "Chờ nộp phí",
    "payment_received": "Đã nộp phí",
    "apology_issued": "Phiếu xin lỗi, hẹn lại",
    "timer_fired": "Hết thời hạn chờ",
    "sla_changed": "Đổi tình trạng hạn",
    "case_resolved": "Có kết quả giải quyết",
    "case_refused": "Từ chối hồ sơ",
    "case_withdrawn": "Rút hồ sơ",
    "result_returned": "Trả kết quả",
    "dossier_rated": "Đánh giá hài lòng",
}


def label(value: str | None) -> str:
    if value is None:
        return ""
    text = LABELS.get(str(value))
    return _(text) if text else str(value)


def _local(value: datetime) -> datetime:
    return value.astimezone(VIETNAM) if value.tzinfo is not None else value


def date_filter(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return format_date(value)


def datetime_filter(value: datetime | None) -> str:
    """``14:00 12/02/2026``: time first, as Vietnamese forms write it."""
    if value is None:
        return ""
    local = _local(value)
    return f"{local:%H:%M} {format_date(local.date())}"


def _amount(span: timedelta, day: timedelta) -> str:
    hours = Decimal(span.total_seconds()) / 3600
    if day and span >= day:
        days = (Decimal(span.total_seconds()) / Decimal(day.total_seconds())
                ).quantize(Decimal("0.1"), ROUND_HALF_UP).normalize()
        return _("%(n)s ngày làm việc", n=_number(days))
    if hours >= 1:
        return _("%(n)s giờ làm việc",
                 n=_number(hours.quantize(Decimal("0.1"), ROUND_HALF_UP).normalize()))
    minutes = max(1, int(span.total_seconds() // 60))
    return _("%(n)s phút làm việc", n=minutes)


def _number(value: Decimal) -> str:
    text = format(value, "f")
    return text.replace(".", ",")


def time_left_words(left: timedelta | None, day: timedelta | None) -> str:
    """``còn 3 giờ làm việc`` / ``quá hạn 1 ngày làm việc`` / ``đến hạn``."""
    if left is None:
        return ""
    day = day or timedelta(hours=8)
    if left > timedelta(0):
        return _("còn %(amount)s", amount=_amount(left, day))
    if left < timedelta(0):
        return _("quá hạn %(amount)s", amount=_amount(-left, day))
    return _("đến hạn")


def span_words(span: timedelta | None, day: timedelta | None) -> str:
    """An amount of office time in words (``2 giờ làm việc``); ``""`` for none."""
    if span is None:
        return ""
    if span <= timedelta(0):
        return _("%(n)s phút làm việc", n=0)
    return _amount(span, day or timedelta(hours=8))


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = date_filter
    app.jinja_env.filters["datetime"] = datetime_filter
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals["time_left_words"] = time_left_words
    app.jinja_env.globals["span_words"] = span_words
