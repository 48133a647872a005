"""Tasks through the API: the acting user's inbox, one task with its form, and the moves an
official makes on a step (claim, unclaim, complete, return, request a supplement).

Each move is one service call acting as the token's user; the services check the lane role,
the claim and the dossier's state version (docs/services.md).
"""

from __future__ import annotations

from typing import Any

from isobpmn.services import StepDone, TaskView
from isobpmn.store import SlaState

from ..context import services
from .operations import Param, acting_user, operation

__all__: list[str] = []

EXPECTED_VERSION = Param(
    "expected_version", "integer",
    "The dossier's `state_version` the form was made from (GET /tasks/{task_id} or GET "
    "/cases/{code}); if the dossier has moved on since, the request is refused with 409 "
    "Conflict.")
DATA = Param("data", "object", "The values of the step's fields, by field name (GET "
                               "/tasks/{task_id} lists them).")
TASK_LIST = {"type": "object", "required": ["tasks"],
             "properties": {"tasks": {"type": "array",
                                      "items": {"$ref": "#/components/schemas/TaskView"}}}}


@operation("GET", "/tasks", "The acting user's open tasks", tag="tasks", returns=TASK_LIST,
           errors=(400, 404, 422), query=(
               Param("scope", "string", "`mine`: claimed by the user; `unclaimed`: ready, in "
                     "the user's roles; `all` (default): open, in the user's roles.",
                     choices=("mine", "unclaimed", "all")),
               Param("sla_state", "string", "Only tasks in this display state.",
                     choices=tuple(s.value for s in SlaState)),
               Param("case", "string", "Only tasks of this dossier (its code)."),
               Param("limit", "integer", "At most this many tasks (default 200, at most "
                     "500)."),
           ))
def list_tasks(scope: str = "all", sla_state: str | None = None, case: str | None = None,
               limit: int = 200) -> dict[str, Any]:
    """Open tasks of the token's user, most urgent first, each with the office time left
    (``working_left``, seconds; negative when overdue)."""
    views = services().list_tasks(acting_user().username, scope, case_code=case,
                                  sla_state=sla_state, limit=max(1, min(limit, 500)))
    return {"tasks": views}


@operation("GET", "/tasks/<int:task_id>", "A task with the fields of its step", tag="tasks",
           returns=TaskView, errors=(403, 404))
def get_task(task_id: int) -> TaskView:
    """The task, with ``fields``: what its step asks for (name, type, label, required,
    choices), to build the form that ``complete`` sends; ``actions``: what else the diagram
    allows (``return``, ``supplement``); ``state_version`` for ``expected_version``. Users of
    the dossier's agency only."""
    view = services().task_view(task_id)
    services().case_view(view.case_code, actor=acting_user().username)  # members only
    return view


@operation("POST", "/tasks/<int:task_id>/claim", "Claim a task", tag="tasks", body=(),
           returns=TaskView, errors=(400, 403, 404, 409))
def claim_task(task_id: int) -> TaskView:
    """Take the task: it leaves the shared inbox. Needs the lane's role in the dossier's
    agency (and unit); a task held by someone else is 409 Conflict naming them."""
    return services().claim(task_id, acting_user().username)


@operation("POST", "/tasks/<int:task_id>/unclaim", "Give a task back", tag="tasks", body=(),
           returns=TaskView, errors=(400, 403, 404, 409, 422))
def unclaim_task(task_id: int) -> TaskView:
    """Return the task to the shared inbox (its claimant, a leader or an administrator)."""
    return services().unclaim(task_id, acting_user().username)


@operation("POST", "/tasks/<int:task_id>/complete", "Complete a step", tag="tasks",
           body=(DATA, EXPECTED_VERSION), returns=StepDone, errors=(400, 403, 404, 409, 422))
def complete_task(task_id: int, data: dict[str, Any] | None = None,
                  expected_version: int | None = None) -> StepDone:
    """Complete the task with the values of its step's fields; the dossier moves on. Wrong
    values are 422 InvalidField with one message per field. An unclaimed task is claimed by
    completing it."""
    return services().complete_task(task_id, acting_user().username, data,
                                    expected_version=expected_version)


@operation("POST", "/tasks/<int:task_id>/return", "Send the dossier back a step", tag="tasks",
           body=(Param("reason", "string", "Why it goes back.", required=True),
                 EXPECTED_VERSION),
           returns=StepDone, errors=(400, 403, 404, 409, 422))
def return_task(task_id: int, reason: str, expected_version: int | None = None) -> StepDone:
    """Send the dossier back from this step to the earlier one its diagram allows (e.g. the
    review back to the examination); 422 when the step has no return path."""
    return services().return_to_previous(task_id, acting_user().username, reason,
                                         expected_version=expected_version)


SUPPLEMENT_ITEM = Param(
    "item", ("string", "object"), "A paper to add: its name, or an object.",
    fields=(Param("name", "string", "The paper.", required=True),
            Param("quantity", "integer", "How many (default 1)."),
            Param("copy", "string", "original, certified or copy (default original).")))


@operation("POST", "/tasks/<int:task_id>/supplement", "Request a supplement (Mẫu 02)",
           tag="tasks", returns=StepDone, errors=(400, 403, 404, 409, 422), body=(
               Param("reason", "string", "Why the dossier is incomplete.", required=True),
               Param("items", "array", "The papers to add (Mẫu 02's table).",
                     items=SUPPLEMENT_ITEM),
               Param("contact", "string", "The official the applicant may contact."),
               DATA, EXPECTED_VERSION))
def request_supplement(task_id: int, reason: str, items: list[Any] | None = None,
                       contact: str | None = None, data: dict[str, Any] | None = None,
                       expected_version: int | None = None) -> StepDone:
    """Issue the written supplement request by completing the step that makes it (*Hướng dẫn
    bổ sung*); the dossier is paused and its clock stops until the supplement arrives."""
    return services().request_supplement(task_id, acting_user().username, reason=reason,
                                         items=items, contact=contact, data=data,
                                         expected_version=expected_version)
