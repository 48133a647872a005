"""The REST API for one-stop portals and other integrations, under ``/api/v1`` (docs/api.md).

JSON in, JSON out. A request carries ``Authorization: Bearer isb_…``: an API token that acts
as its user, with that user's roles; there are no cookies, so the blueprint is exempt from
CSRF. Every refusal is ``{"error": {"code", "status", "message"}}`` with a stable ``code``
(the services' error types, plus ``MalformedJson``, ``InvalidBody`` and ``InvalidParameter``
for requests that cannot be read). Bodies are limited to 1 MB.

The endpoints live in :mod:`.cases` and :mod:`.tasks`, declared as data by
:func:`.operations.operation`; this module turns each declaration into a route that reads
and checks the body and query, calls the view and writes its result as JSON. Each route
declares its permission (docs/web.md, *Permissions*): a bearer token, or none for an
operation declared ``public``; the token is checked before the view, by that declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from isobpmn.services import NotSignedIn

from ..context import PUBLIC, declared_permission, public, services, token_required
from ..extensions import csrf
from . import cases, document, tasks  # noqa: F401  (they declare the operations)
from .document import PREFIX
from .jsonout import plain
from .operations import (
    OPERATIONS,
    BadInput,
    Operation,
    check_path,
    read_body,
    read_query,
)

__all__ = ["MAX_BODY", "bp"]

#: The largest request body the API reads.
MAX_BODY = 1024 * 1024
REALM = 'Bearer realm="isobpmn"'

bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)


def _error(status: int, code: str, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "status": status, "message": message,
                              **extra}}), status


@bp.before_request
def _limit_and_authenticate() -> None:
    request.max_content_length = MAX_BODY
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise RequestEntityTooLarge()
    if request.endpoint is None or declared_permission(current_app, request.endpoint) == PUBLIC:
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotSignedIn("send an API token: Authorization: Bearer isb_… (tokens are issued "
                          "on the account page)")
    g.api_user = services().authenticate_token(token.strip())


@bp.errorhandler(NotSignedIn)
def _not_signed_in(error: NotSignedIn):
    response, status = _error(401, "NotSignedIn", error.message)
    given = request.headers.get("Authorization", "").lower().startswith("bearer ")
    response.headers["WWW-Authenticate"] = REALM + (', error="invalid_token"' if given else "")
    return response, status


@bp.errorhandler(BadInput)
def _bad_input(error: BadInput):
    return _error(400, error.code, error.message,
                  **({"field": error.field} if error.field is not None else {}))


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    return _error(413, "RequestEntityTooLarge",
                  f"the body is over {MAX_BODY // 1024 // 1024} MB; send the papers' "
                  "metadata, not the papers")


def _route(op: Operation) -> Callable[..., Any]:
    def view(**path: Any) -> Any:
        check_path(path)
        arguments = dict(path)
        if op.body is not None:
            arguments.update(read_body(op.body))
        arguments.update(read_query(op.query))
        result = op.view(**arguments)
        headers: dict[str, str] = {}
        if isinstance(result, tuple):
            result, headers = result
        return jsonify(plain(result)), op.status, headers

    view.__name__ = op.operation_id
    view.__doc__ = op.view.__doc__
    return public(view) if op.public else token_required(view)


for _op in OPERATIONS:
    bp.add_url_rule(_op.rule, _op.operation_id, _route(_op), methods=[_op.method])
