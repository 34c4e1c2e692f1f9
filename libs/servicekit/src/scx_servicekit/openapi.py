"""The OpenAPI document is the contract: every status a route can answer with is in it, each problem with its schema.

FastAPI documents what a route declares and its 422. What the kit adds to every route (authentication, strict JSON,
the 500 handler) is documented here, once, by post-processing the generated document; what only some routes can
answer (a 404 for a record, a 409 for a state) each route declares in its `responses=` with `problem()`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from scx_servicekit.problems import MEDIA_TYPE, ProblemDocument

PROBLEM_REF = "#/components/schemas/ProblemDocument"
CORRELATION_HEADER = {
    "X-Correlation-ID": {
        "description": "the caller's correlation id, or a new one: it names every log line and event of the request",
        "schema": {"type": "string"},
    }
}
# Answers that may come from any route of a kind, whatever the route itself declares.
ON_EVERY_ROUTE = {500: "something went wrong on our side; the request may or may not have taken effect"}
WITH_A_TOKEN = {
    401: "missing, expired or forged token",
    403: "the caller's organisation or role may not do this",
}
WITH_A_BODY = {
    400: "the body could not be read (e.g. not UTF-8)",
    422: "the request is not valid: malformed JSON, or a field that is wrong (each one named in errors)",
}
WITH_PARAMETERS = {422: "a parameter is not valid (each one named in errors)"}


def problem(description: str) -> dict[str, Any]:
    """A `responses=` entry for a route: a problem document with this status."""
    return {"description": description, "content": {MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}}}


def problems(statuses: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    return {status: problem(description) for status, description in statuses.items()}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes,
            )
            app.openapi_schema = complete(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = ProblemDocument.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem_schema.pop("$defs", {}))
    schemas["ProblemDocument"] = problem_schema
    # FastAPI's own 422 shape is never sent: our handler answers with a problem document.
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            _complete_operation(operation)
    return document


def _complete_operation(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    extra = dict(ON_EVERY_ROUTE)
    if operation.get("security"):
        extra.update(WITH_A_TOKEN)
    if operation.get("parameters"):
        extra.update(WITH_PARAMETERS)
    if "requestBody" in operation:
        extra.update(WITH_A_BODY)
    for code, description in extra.items():
        current = responses.get(str(code))
        if current is None or "HTTPValidationError" in str(current):  # FastAPI's 422 shape is never sent
            responses[str(code)] = problem(description)
    for status, response in responses.items():
        if status.startswith(("4", "5")):
            response["content"] = {MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}}
        response.setdefault("headers", {}).update(CORRELATION_HEADER)
