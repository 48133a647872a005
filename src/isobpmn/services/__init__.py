"""The services: isobpmn's use cases, the only API of the web app and the command line.

Each public call is one database transaction that fully happens, with its audit event(s), or
not at all, and refuses with a typed error whose message says what to do
(:mod:`.errors`). Services orchestrate the engine (cases run on SpiffWorkflow), the store
(tables, locks) and the audit log (hash chains), with time from an injectable clock and
working time from each agency's calendar. No ORM object escapes: results are the dataclasses
of :mod:`.views` and of each module. See docs/services.md.

    from isobpmn.services import Services
    services = Services(Database.from_url(), clock=SystemClock())
    receipt = services.receive_dossier("QT-DKKD-01", "XA-HOA-AN", "Nguyễn Văn An",
                                       actor="motcua1")
"""

from .accounts import ApiTokenView, IssuedToken, RoleView, UserProfile
from .context import ServiceContext, ServiceSettings
from .directory import Created
from .endings import CaseChange
from .errors import (
    ApologyRequired,
    CaseNotOpen,
    Conflict,
    EngineFailed,
    InvalidField,
    InvalidRequest,
    NotAllowed,
    NotSignedIn,
    ProcedureInvalid,
    ServiceError,
    TaskNotReady,
    UnknownAgency,
    UnknownCase,
    UnknownProcedure,
    UnknownRecord,
    UnknownTask,
    UnknownUser,
)
from .eventlog import EventLogExport
from .facade import Services
from .intake import ComponentLine, Receipt
from .kinds import EventKind
from .management_review import (
    ManagementReview,
    NonconformitySummary,
    RatingComment,
    SatisfactionSummary,
)
from .nonconformity_views import NonconformityRow, NonconformityView
from .progress import StepDone
from .publish import PublishedVersion
from .quality import ObjectiveView
from .quality_metrics import Measures
from .replay import Deviation, DeviationKind, ReplayReport
from .sla import SweepReport
from .supplements import SupplementReceived
from .validation import FindingView, ValidationResult
from .version_diff import VersionDiff
from .version_views import (
    ExportedVersion,
    Person,
    ProcedureDetail,
    ProcedureSummary,
    ReviewView,
    VersionSummary,
    VersionView,
)
from .views import (
    Applicant,
    CaseView,
    EventView,
    FieldView,
    PauseView,
    TaskView,
    TimerView,
)
from .worker import WorkerReport

__all__ = [
    "ApiTokenView", "IssuedToken", "NotSignedIn", "RoleView", "UserProfile",
    "Applicant", "ApologyRequired", "CaseChange", "CaseNotOpen", "CaseView", "ComponentLine",
    "Conflict", "Created", "EngineFailed", "EventKind", "EventView", "FieldView",
    "InvalidField", "InvalidRequest", "NotAllowed", "PauseView", "ProcedureInvalid",
    "PublishedVersion", "Receipt", "ServiceContext", "ServiceError", "ServiceSettings",
    "Services", "StepDone", "SupplementReceived", "SweepReport", "TaskNotReady", "TaskView",
    "TimerView", "UnknownAgency", "UnknownCase", "UnknownProcedure", "UnknownTask",
    "UnknownUser", "WorkerReport",
    # procedure lifecycle
    "ExportedVersion", "FindingView", "Person", "ProcedureDetail", "ProcedureSummary",
    "ReviewView", "ValidationResult", "VersionDiff", "VersionSummary", "VersionView",
    # audit and export
    "Deviation", "DeviationKind", "EventLogExport", "ReplayReport",
    # quality records
    "ManagementReview", "Measures", "NonconformityRow", "NonconformitySummary",
    "NonconformityView", "ObjectiveView", "RatingComment", "SatisfactionSummary",
    "UnknownRecord",
]
