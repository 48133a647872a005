"""``isobpmn calendar deadline|days``: working-time answers from the command line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import click

from isobpmn.cli.output import FORMAT_OPTION, emit_json, fail
from isobpmn.cli.table import render
from isobpmn.textfmt import format_date, format_datetime, parse_datetime, weekday_name

AGENCY_CONFIG = click.option(
    "--agency-config", type=click.Path(dir_okay=False, path_type=Path),
    help="TOML file with the agency's [calendar] table (office hours, cut-off, extra days off "
         "and working days). Default: national defaults.",
)


@click.group()
def calendar() -> None:
    """Vietnamese working time: deadlines, working days, holidays."""


def _calendar(agency_config: Path | None):
    from isobpmn.calendar import CalendarConfigError, CalendarSettings, WorkingCalendar, load_settings

    try:
        settings = load_settings(agency_config) if agency_config else CalendarSettings()
    except CalendarConfigError as exc:
        fail(str(exc))
    return WorkingCalendar(settings)


@calendar.command("deadline")
@click.option("--from", "received", required=True, metavar="'dd/mm/yyyy hh:mm'",
              help="When the dossier was received (24 h, Asia/Ho_Chi_Minh).")
@click.option("--duration", required=True, metavar="TEXT",
              help="e.g. '3 working days', '0.5 ngày làm việc', '2 working hours', "
                   "'15 calendar days', 'same day'.")
@AGENCY_CONFIG
@FORMAT_OPTION
def deadline_command(received: str, duration: str, agency_config: Path | None,
                     output_format: str) -> None:
    """When a dossier received at --from is due, given a --duration.

    Applies the cut-off (received after it: the clock starts the next working morning),
    office hours, weekends, public holidays, make-up Saturdays and the agency's overrides;
    docs/calendar.md defines each unit exactly.
    """
    from isobpmn.model.duration import Duration, DurationError

    try:
        moment = parse_datetime(received)
    except ValueError as exc:
        fail(f"--from: {exc}", 2)
    try:
        span = Duration.parse(duration)
    except DurationError as exc:
        fail(f"--duration: {exc}", 2)
    cal = _calendar(agency_config)
    try:
        received_at = cal.localize(moment)
        start = cal.clock_start(received_at, span)
        due = cal.add(start, span)
    except ValueError as exc:
        fail(str(exc))
    days_off = [cal.day_info(start.date() + timedelta(days=i))
                for i in range((due.date() - start.date()).days + 1)]
    weekdays = cal.settings.working_weekdays
    days_off = [d for d in days_off if not d.is_working and d.date.weekday() in weekdays]
    if output_format == "json":
        emit_json({
            "received_at": received_at, "clock_starts_at": start, "duration": {
                "value": span.value, "unit": span.unit.value, "text": span.describe("vi")},
            "deadline": due, "timezone": str(cal.tz),
            "days_off": [{"date": d.date, "reason": d.reason} for d in days_off],
        })
        return
    click.echo(f"Tiếp nhận:        {_moment(received_at)}")
    click.echo(f"Bắt đầu tính:     {_moment(start)}")
    click.echo(f"Thời hạn:         {span.describe('vi')}")
    click.echo(f"Hẹn trả kết quả:  {_moment(due)}")
    if days_off:
        click.echo("Ngày nghỉ (ngoài cuối tuần): " + "; ".join(
            f"{format_date(d.date)} ({d.reason})" for d in days_off))


def _moment(value) -> str:
    return f"{format_datetime(value)} ({weekday_name(value.date())})"


@calendar.command("days")
@click.option("--from", "start", metavar="dd/mm/yyyy", help="First day (default: 1 January).")
@click.option("--to", "end", metavar="dd/mm/yyyy", help="Last day (default: 31 December).")
@click.option("--year", type=click.IntRange(1995, 2100), help="Whole year (default: this year).")
@click.option("--all", "show_all", is_flag=True, help="List working days too.")
@AGENCY_CONFIG
@FORMAT_OPTION
def days_command(start: str | None, end: str | None, year: int | None, show_all: bool,
                 agency_config: Path | None, output_format: str) -> None:
    """Days off on weekdays and make-up working days in a period, with their reasons."""
    cal = _calendar(agency_config)
    year = year or date.today().year
    try:
        first = parse_datetime(start).date() if start else date(year, 1, 1)
        last = parse_datetime(end).date() if end else date(year, 12, 31)
    except ValueError as exc:
        fail(str(exc), 2)
    if last < first or (last - first).days > 3660:
        fail("--to must be after --from and within ten years of it", 2)
    infos = [cal.day_info(first + timedelta(days=i)) for i in range((last - first).days + 1)]
    weekdays = cal.settings.working_weekdays
    notable = [d for d in infos if show_all or d.is_working != (d.date.weekday() in weekdays)]
    if output_format == "json":
        emit_json([{"date": d.date, "working": d.is_working, "reason": d.reason} for d in notable])
        return
    rows = [(format_date(d.date), weekday_name(d.date),
             "làm việc" if d.is_working else "nghỉ", d.reason) for d in notable]
    click.echo(render(["Ngày", "Thứ", "", "Lý do"], rows))
