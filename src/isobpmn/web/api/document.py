"""The OpenAPI 3.1 description of the API, built from the declared operations
(:mod:`.operations`) and the services' dataclasses (:mod:`.jsonout`), and served publicly at
``/api/v1/openapi.json`` so that a portal's developers can generate a client from it.
"""

from __future__ import annotations

import re
from typing import Any

from .jsonout import schema_of
from .operations import OPERATIONS, Operation, Param, operation

__all__ = ["ERROR_CODES", "PREFIX", "build_document", "openapi_path"]

PREFIX = "/api/v1"
VERSION = "1.0.0"

#: Every ``error.code`` the API answers with, by status (docs/api.md explains each).
ERROR_CODES: dict[int, tuple[str, ...]] = {
    400: ("MalformedJson", "InvalidBody", "InvalidParameter"),
    401: ("NotSignedIn",),
    403: ("NotAllowed",),
    404: ("UnknownCase", "UnknownTask", "UnknownProcedure", "UnknownAgency", "UnknownUser",
          "NotFound"),
    405: ("MethodNotAllowed",),
    409: ("Conflict", "CaseNotOpen", "TaskNotReady", "ApologyRequired"),
    413: ("RequestEntityTooLarge",),
    422: ("InvalidField", "InvalidRequest", "ProcedureInvalid", "EngineFailed"),
}

_STATUS_TEXT = {
    200: "OK", 201: "Created", 400: "The request cannot be read: not JSON, or a field of the "
    "wrong type (`error.field` names it).", 401: "No token, or an unknown or revoked one.",
    403: "The token's user lacks the role or the agency this needs.",
    404: "No such dossier, task, procedure, agency or user.",
    409: "Someone got there first, or the dossier is not in a state for this.",
    413: "The body is over 1 MB.",
    422: "The request contradicts the dossier, the diagram or the step's fields "
         "(`error.fields`: one message per field).",
}

ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "status", "message"],
        "properties": {
            "code": {"type": "string", "description": "Stable: what kind of refusal.",
                     "enum": [code for codes in ERROR_CODES.values() for code in codes]},
            "status": {"type": "integer", "description": "The HTTP status again."},
            "message": {"type": "string", "description": "What is wrong and what to do."},
            "field": {"type": "string", "description": "400 only: the body field at fault "
                                                       "(`applicant.name`, `items[0]`)."},
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "InvalidField only: one message per step field."},
        }}},
}

_UNAUTHORIZED = {
    "description": _STATUS_TEXT[401],
    "headers": {"WWW-Authenticate": {"description": "`Bearer realm=\"isobpmn\"`, with "
                                                    "`error=\"invalid_token\"` for a bad token.",
                                     "schema": {"type": "string"}}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}

_PATH_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path: ``/tasks/<int:task_id>`` → ``/tasks/{task_id}``."""
    return _PATH_ARG.sub(lambda m: "{" + m.group(2) + "}", rule)


def _path_parameters(rule: str) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True,
             "schema": {"type": "integer" if converter == "int" else "string"}}
            for converter, name in _PATH_ARG.findall(rule)]


def _query_parameter(param: Param) -> dict[str, Any]:
    schema = param.json_schema()
    description = schema.pop("description", "")
    return {"name": param.name, "in": "query", "required": param.required,
            "description": description, "schema": schema}


def _operation(op: Operation, components: dict[str, Any]) -> dict[str, Any]:
    returns = op.returns
    schema = returns if isinstance(returns, dict) else schema_of(returns, components)
    success: dict[str, Any] = {"description": _STATUS_TEXT.get(op.status, "OK"),
                               "content": {"application/json": {"schema": schema}}}
    if op.status == 201:
        success["headers"] = {"Location": {"description": "The new dossier's address.",
                                           "schema": {"type": "string"}}}
    errors = sorted({*op.errors, *(() if op.public else (400, 401)),
                     *((413,) if op.body is not None else ())})
    out: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "description": " ".join((op.view.__doc__ or "").split()),
        "tags": [op.tag],
        "parameters": _path_parameters(op.rule) + [_query_parameter(p) for p in op.query],
        "responses": {str(op.status): success,
                      **{str(status): {"$ref": f"#/components/responses/E{status}"}
                         for status in errors}},
    }
    if op.public:
        out["security"] = []
    if op.body is not None:
        properties = {p.name: p.json_schema() for p in op.body}
        out["requestBody"] = {
            "required": any(p.required for p in op.body),
            "content": {"application/json": {"schema": {
                "type": "object", "properties": properties,
                "required": [p.name for p in op.body if p.required],
                "additionalProperties": False}}}}
    if not out["parameters"]:
        del out["parameters"]
    return out


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every declared operation."""
    components: dict[str, Any] = {}
    paths: dict[str, dict[str, Any]] = {}
    for op in sorted(OPERATIONS, key=lambda op: op.public):  # the description itself last
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = \
            _operation(op, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "isobpmn API",
            "version": VERSION,
            "summary": "Electronic ISO for Vietnamese public administration: dossiers and "
                       "tasks for one-stop portals and integrations.",
            "description": "Bearer tokens (`isb_…`) act as the official who holds them. "
                           "Moments are ISO 8601 with their offset; durations are seconds. "
                           "See docs/api.md.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "servers": [{"url": PREFIX}],
        "security": [{"bearer": []}],
        "tags": [{"name": "cases", "description": "Dossiers (hồ sơ)."},
                 {"name": "tasks", "description": "Steps of dossiers (công việc)."},
                 {"name": "meta", "description": "This description."}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer", "bearerFormat": "isb_ token",
                "description": "An API token issued on the account page or with "
                               "`isobpmn` commands; it acts as its user."}},
            "schemas": {"Error": ERROR_SCHEMA, **dict(sorted(components.items()))},
            "responses": {f"E{status}": {
                "description": text,
                "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Error"}}}}
                for status, text in _STATUS_TEXT.items() if status >= 400}
            | {"E401": _UNAUTHORIZED},
        },
    }


@operation("GET", "/openapi.json", "This API's OpenAPI 3.1 description", tag="meta",
           public=True, returns={"type": "object"})
def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API (no token needed)."""
    return build_document()
