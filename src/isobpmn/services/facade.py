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
    claims,
    completion,
    directory,
    endings,
    intake,
    publish,
    queries,
    sla,
    supplements,
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
    # a dossier's life
    receive_dossier = _bound(intake.receive_dossier)
    claim = _bound(claims.claim)
    unclaim = _bound(claims.unclaim)
    reassign = _bound(claims.reassign)
    complete_task = _bound(completion.complete_task)
    return_to_previous = _bound(completion.return_to_previous)
    request_supplement = _bound(supplements.request_supplement)
    receive_supplement = _bound(supplements.receive_supplement)
    issue_apology = _bound(endings.issue_apology)
    refuse = _bound(endings.refuse)
    withdraw = _bound(endings.withdraw)
    return_result = _bound(endings.return_result)
    # time
    sweep_sla = _bound(sla.sweep_sla)
    run_worker_once = _bound(worker.run_worker_once)
    run_worker = _bound(worker.run_worker)
    # reading
    case_view = _bound(queries.case_view)
    list_tasks = _bound(queries.list_tasks)
    task_view = _bound(queries.task_view)
    verify_audit = _bound(queries.verify_audit)
