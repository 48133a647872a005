"""Reports for leaders and the statutory form, computed from the projections.

A layer beside the store: it reads ``cases``, ``tasks``, ``case_pauses`` and ``ratings``
(never a workflow's state) with ``GROUP BY`` queries that run on SQLite and PostgreSQL, and
measures office time with each agency's working calendar inside those queries
(:mod:`.officetime`), and keeps the days that are over summed in pre-aggregates
(:mod:`.rollup`). It writes Biểu II.06a/VPCP/KSTT as XLSX and CSV. It imports no Flask,
no services and no engine: the services check access and call it (docs/reports.md).
"""

from .dashboard import (
    HEAT_LEVELS,
    Dashboard,
    Heatmap,
    ProcedureRow,
    build_dashboard,
    build_heatmap,
    heat_level,
    ii06a_rows,
)
from .figures import CaseFigures, case_figures
from .ii06a import CSV_COLUMNS, FORM_CODE, II06aRow, to_csv, to_xlsx
from .officetime import OfficeClock
from .people import OfficialFigures, Satisfaction
from .rollup import RollupRun, refresh_statistics, roll_up
from .scope import AgencyNode, Period, ReportError, subtree
from .times import ProcessingTime, StepFigures

__all__ = [
    "CSV_COLUMNS", "FORM_CODE", "HEAT_LEVELS", "AgencyNode", "CaseFigures", "Dashboard",
    "Heatmap", "II06aRow", "OfficeClock", "OfficialFigures", "Period", "ProcedureRow",
    "ProcessingTime", "ReportError", "RollupRun", "Satisfaction", "StepFigures",
    "build_dashboard", "build_heatmap", "case_figures", "heat_level", "ii06a_rows",
    "refresh_statistics", "roll_up", "subtree", "to_csv", "to_xlsx",
]
