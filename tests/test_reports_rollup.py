"""The reports' pre-aggregates over time: the worker sums the days that are over, a receipt
entered after the fact lowers the watermark so the reports read that day from the
projections again, the next roll-up sums it again, and the command line does the same."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from click.testing import CliRunner
from fixtures_services import AGENCY, HKD_HAPPY, HO_KINH_DOANH, ready, vn
from sqlalchemy import func, select

from isobpmn.cli import cli
from isobpmn.store import ReportCases, ReportRollup, RollupSpan

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def _receive(services, *moment, received_at: datetime | None = None) -> str:
    services.clock.set(vn(*moment))
    return services.receive_dossier(HO_KINH_DOANH, AGENCY, "Trần Thị Hạnh", actor="motcua",
                                    received_at=received_at).case_code


def _finish(services, code: str, *moment) -> None:
    services.clock.set(vn(*moment))
    for bpmn_id, actor, data in HKD_HAPPY:
        services.complete_task(ready(services, code, bpmn_id).id, actor, data)


def _watermark(services) -> date | None:
    with services.db.read() as session:
        day = session.scalar(select(ReportRollup.rolled_until))
    return None if day is None else date.fromordinal(date(1970, 1, 1).toordinal() + day)


def _figures(services):
    board = services.dashboard(AGENCY, *MARCH, actor="admin")
    return board.totals, board.procedures, board.steps, board.officials


@pytest.fixture
def march(services):
    """Two dossiers received in early March, one resolved; "now" is 20/03."""
    first = _receive(services, 2026, 3, 3, 9, 0)
    _receive(services, 2026, 3, 4, 9, 0)
    _finish(services, first, 2026, 3, 5, 10, 0)
    services.clock.set(vn(2026, 3, 20, 10, 0))
    return services


def test_the_worker_sums_the_days_that_are_over(march):
    services = march
    live = _figures(services)
    report = services.run_worker_once()
    # the first round sums a month at most: 03/03 (the first receipt) up to 20/03
    assert (report.rollup.first, report.rollup.until) == (date(2026, 3, 3), date(2026, 3, 20))
    assert _watermark(services) == date(2026, 3, 20)
    assert services.run_worker_once().rollup.first is None  # nothing new is over
    with services.db.read() as session:
        days = session.scalar(select(func.sum(ReportCases.received))
                              .where(ReportCases.span == RollupSpan.DAY))
        month = session.scalar(select(ReportCases.received)
                               .where(ReportCases.span == RollupSpan.MONTH))
    assert (days, month) == (2, 2)
    assert _figures(services) == live


def test_a_receipt_entered_after_the_fact_is_read_again_then_summed_again(march):
    services = march
    services.roll_up_reports()
    assert _watermark(services) == date(2026, 3, 20)
    # a dossier that came by post on 18/03, entered today
    late = _receive(services, 2026, 3, 20, 10, 30, received_at=datetime(2026, 3, 18, 9, 0))
    assert _watermark(services) == date(2026, 3, 18)
    board = services.dashboard(AGENCY, *MARCH, actor="admin")
    assert board.totals.received == 3
    again = services.roll_up_reports()
    assert (again.first, again.until) == (date(2026, 3, 18), date(2026, 3, 20))
    assert services.dashboard(AGENCY, *MARCH, actor="admin").totals == board.totals
    # a step completed today is read from the projections until tomorrow's roll-up
    _finish(services, late, 2026, 3, 20, 14, 0)
    assert _watermark(services) == date(2026, 3, 20)
    assert services.dashboard(AGENCY, *MARCH, actor="admin").totals.resolved == 2


def test_the_command_line_sums_and_says_so(march, database_url, monkeypatch):
    runner = CliRunner()
    monkeypatch.setenv("ISOBPMN_DATABASE_URL", database_url)
    result = runner.invoke(cli, ["report", "rollup"])
    assert result.exit_code == 0, result.output
    # the command runs on the real clock: every day from the first receipt to yesterday
    assert result.output.startswith("reports: summed ")
    assert "03/03/2026 – " in result.output
    again = runner.invoke(cli, ["report", "rollup"])
    assert again.output.strip() == ("reports: nothing to sum, every day that is over is "
                                    "summed")
