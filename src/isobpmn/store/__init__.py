"""The store: SQLAlchemy models, sessions and alembic migrations of isobpmn.

It owns the tables (docs/store.md), opens units of work (:class:`Database`: ``write()`` and
``read()``), and migrates the schema (:func:`upgrade`). Workflow state is an opaque, versioned
blob to it. It imports SQLAlchemy and alembic, and from isobpmn only the layers below
(``model``, ``calendar``); never Flask or SpiffWorkflow. Importing it installs the ORM guards
(append-only events, frozen procedure versions).

Typical use from the services layer::

    from isobpmn.store import Case, Database, Task

    db = Database.from_url()                  # ISOBPMN_DATABASE_URL or instance/isobpmn.sqlite3
    with db.write() as session:               # one transaction per service call
        case = session.get(Case, case_id)
"""

from . import guards as _guards  # noqa: F401  (installs the ORM listeners)
from .base import Base, UTCDateTime
from .choices import (
    OPEN_TASK_STATES,
    AgencyLevel,
    CaseStatus,
    Channel,
    Comparison,
    NonconformitySource,
    NonconformityStatus,
    ObjectiveMetric,
    Outcome,
    PauseReason,
    ReviewVerdict,
    RollupSpan,
    SlaState,
    TaskState,
    VersionStatus,
)
from .db import Database, default_url, display_url, make_engine, normalize_url, resolve_url
from .errors import (
    AppendOnlyError,
    ConcurrentUpdateError,
    DatabaseConfigError,
    DatabaseUnavailableError,
    ImmutableVersionError,
    MigrationError,
    StoreError,
)
from .migrate import Upgrade, current, head, schema_differences, upgrade
from .models import (
    TASK_IS_CLAIMED,
    TASK_IS_GREEN,
    TASK_IS_NOT_RED,
    TASK_IS_OPEN,
    Agency,
    ApiToken,
    Case,
    CasePause,
    CaseState,
    Event,
    Membership,
    Nonconformity,
    Procedure,
    ProcedureVersion,
    QualityObjective,
    Rating,
    Task,
    Timer,
    Unit,
    User,
    VersionReview,
)
from .rollups import (
    ReportCases,
    ReportCaseTime,
    ReportOfficials,
    ReportRollup,
    ReportSteps,
    lower_watermark,
)

__all__ = [
    "OPEN_TASK_STATES",
    "TASK_IS_CLAIMED",
    "TASK_IS_GREEN",
    "TASK_IS_NOT_RED",
    "TASK_IS_OPEN",
    "Agency",
    "AgencyLevel",
    "ApiToken",
    "AppendOnlyError",
    "Base",
    "Case",
    "CasePause",
    "CaseState",
    "CaseStatus",
    "Channel",
    "Comparison",
    "ConcurrentUpdateError",
    "Database",
    "DatabaseConfigError",
    "DatabaseUnavailableError",
    "Event",
    "ImmutableVersionError",
    "Membership",
    "MigrationError",
    "Nonconformity",
    "NonconformitySource",
    "NonconformityStatus",
    "ObjectiveMetric",
    "Outcome",
    "PauseReason",
    "Procedure",
    "ProcedureVersion",
    "QualityObjective",
    "Rating",
    "ReportCaseTime",
    "ReportCases",
    "ReportOfficials",
    "ReportRollup",
    "ReportSteps",
    "ReviewVerdict",
    "RollupSpan",
    "SlaState",
    "StoreError",
    "Task",
    "TaskState",
    "Timer",
    "UTCDateTime",
    "Unit",
    "Upgrade",
    "User",
    "VersionReview",
    "VersionStatus",
    "current",
    "default_url",
    "display_url",
    "head",
    "lower_watermark",
    "make_engine",
    "normalize_url",
    "resolve_url",
    "schema_differences",
    "upgrade",
]
