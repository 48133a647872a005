"""``Services``: the one object the faces hold, every use case as a method.

Each method is the module function of the same name with the context bound
(``services.claim(task_id, actor)`` is ``claims.claim(context, task_id, actor)``); its
documentation and signature are the function's. One ``Services`` per process, shared by its
threads.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from isobpmn.engine import Clock, SystemClock
from isobpmn.store import Database

from . import (
    accounts,
    administration,
    case_replay,
    catalogue,
    claims,
    completion,
    directory,
    documents,
    drafts,
    endings,
    eventlog,
    fees,
    intake,
    management_review,
    nonconformities,
    procedure_documents,
    public,
    publish,
    quality,
    queries,
    replay,
    reports,
    reviews,
    sla,
    supplements,
    validation,
    version_diff,
    version_views,
    worker,
)
from .context import ServiceContext, ServiceSettings

__all__ = ["Services"]


def _bound(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def method(self: Services, *args: Any, **kwargs: Any) -> Any:
        return function(self.context, *args, **kwargs)

    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())[1:]
    method.__signature__ = signature.replace(parameters=[
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD), *parameters])
    return method


class Services:
    """isobpmn's use cases over one database and one clock (docs/services.md)."""

    def __init__(self, db: Database, clock: Clock | None = None,
                 settings: ServiceSettings | None = None) -> None:
        self.context = ServiceContext(db, clock or SystemClock(), settings or ServiceSettings())

    @property
    def db(self) -> Database:
        return self.context.db

    @property
    def clock(self) -> Clock:
        return self.context.clock

    # signing in
    authenticate = _bound(accounts.authenticate)
    authenticate_token = _bound(accounts.authenticate_token)
    user_profile = _bound(accounts.user_profile)
    set_password = _bound(accounts.set_password)
    create_api_token = _bound(accounts.create_api_token)
    revoke_api_token = _bound(accounts.revoke_api_token)
    list_api_tokens = _bound(accounts.list_api_tokens)
    # directory and procedures
    create_agency = _bound(directory.create_agency)
    create_unit = _bound(directory.create_unit)
    create_user = _bound(directory.create_user)
    add_membership = _bound(directory.add_membership)
    publish_procedure = _bound(publish.publish_procedure)
    # procedure lifecycle
    create_draft = _bound(drafts.create_draft)
    new_draft = _bound(drafts.new_draft)
    save_draft = _bound(drafts.save_draft)
    submit_version = _bound(drafts.submit_version)
    discard_draft = _bound(drafts.discard_draft)
    review_version = _bound(reviews.review_version)
    approve_version = _bound(reviews.approve_version)
    publish_version = _bound(reviews.publish_version)
    retire_version = _bound(reviews.retire_version)
    list_procedures = _bound(version_views.list_procedures)
    procedure_detail = _bound(version_views.procedure_detail)
    version_view = _bound(version_views.version_view)
    export_version = _bound(version_views.export_version)
    diff_versions = _bound(version_diff.diff_versions)
    validate_bpmn = _bound(validation.validate_bpmn)
    # administration
    list_agencies = _bound(administration.list_agencies)
    agency_detail = _bound(administration.agency_detail)
    update_agency = _bound(administration.update_agency)
    list_users = _bound(administration.list_users)
    user_detail = _bound(administration.user_detail)
    set_user_active = _bound(administration.set_user_active)
    remove_membership = _bound(administration.remove_membership)
    role_codes = _bound(administration.role_codes)
    # public
    lookup_dossier = _bound(public.lookup_dossier)
    rate_dossier = _bound(public.rate_dossier)
    # a dossier's life
    receive_dossier = _bound(intake.receive_dossier)
    claim = _bound(claims.claim)
    unclaim = _bound(claims.unclaim)
    reassign = _bound(claims.reassign)
    complete_task = _bound(completion.complete_task)
    return_to_previous = _bound(completion.return_to_previous)
    request_supplement = _bound(supplements.request_supplement)
    receive_supplement = _bound(supplements.receive_supplement)
    await_payment = _bound(fees.await_payment)
    record_payment = _bound(fees.record_payment)
    issue_apology = _bound(endings.issue_apology)
    refuse = _bound(endings.refuse)
    withdraw = _bound(endings.withdraw)
    return_result = _bound(endings.return_result)
    # time
    sweep_sla = _bound(sla.sweep_sla)
    run_worker_once = _bound(worker.run_worker_once)
    run_worker = _bound(worker.run_worker)
    # forms
    form_document = _bound(documents.form_document)
    form_pdf = _bound(documents.form_pdf)
    log_book = _bound(documents.log_book)
    log_book_pdf = _bound(documents.log_book_pdf)
    available_forms = _bound(documents.available_forms)
    # procedure documents
    procedure_document = _bound(procedure_documents.procedure_document)
    # reading
    receivable_procedures = _bound(catalogue.receivable_procedures)
    intake_form = _bound(catalogue.intake_form)
    list_cases = _bound(catalogue.list_cases)
    case_diagram = _bound(catalogue.case_diagram)
    case_timeline = _bound(catalogue.case_timeline)
    case_view = _bound(queries.case_view)
    list_tasks = _bound(queries.list_tasks)
    task_view = _bound(queries.task_view)
    verify_audit = _bound(queries.verify_audit)
    # audit and export
    replay_cases = _bound(replay.replay_cases)
    export_event_log = _bound(eventlog.export_event_log)
    # reports
    report_agencies = _bound(reports.report_agencies)
    dashboard = _bound(reports.dashboard)
    statutory_report = _bound(reports.statutory_report)
    step_heatmap = _bound(reports.step_heatmap)
    roll_up_reports = _bound(reports.roll_up_reports)
    # replay
    case_replay = _bound(case_replay.case_replay)
    # quality
    set_quality_objective = _bound(quality.set_quality_objective)
    remove_quality_objective = _bound(quality.remove_quality_objective)
    quality_objectives = _bound(quality.quality_objectives)
    open_nonconformity = _bound(nonconformities.open_nonconformity)
    record_nonconformity_cause = _bound(nonconformities.record_nonconformity_cause)
    plan_corrective_action = _bound(nonconformities.plan_corrective_action)
    implement_corrective_action = _bound(nonconformities.implement_corrective_action)
    verify_nonconformity = _bound(nonconformities.verify_nonconformity)
    list_nonconformities = _bound(nonconformities.list_nonconformities)
    nonconformity_detail = _bound(nonconformities.nonconformity_detail)
    management_review = _bound(management_review.management_review)
