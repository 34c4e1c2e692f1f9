"""RFC 9457 problem documents for every error a service returns."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from scx_contracts.bounds import PATTERN_MEANINGS

PROBLEM_TYPE_BASE = "https://scx.example/problems/"
MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("scx.problems")


class ProblemError(BaseModel):
    field: str = Field(description="where: body.<field>, query.<name>, path.<name> or header.<name>")
    message: str
    code: str | None = Field(default=None, description="a machine-readable reason, e.g. string_too_long")


class ProblemDocument(BaseModel):
    """An RFC 9457 problem document: every error any scx service answers with, as application/problem+json."""

    # Extension members (e.g. readiness checks) may follow the standard ones.
    model_config = ConfigDict(extra="allow")

    type: str = Field(description="a URI naming the kind of problem, https://scx.example/problems/<slug>")
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(default=None, description="the path the problem happened on")
    errors: list[ProblemError] | None = Field(default=None, description="each field at fault, for a 4xx")


class Problem(Exception):
    """Raise anywhere in a request to answer with a problem document (and roll the transaction back)."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extensions = extensions

    def document(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extensions)
        return body


def not_found(what: str, identifier: str) -> Problem:
    # Another organisation's record answers exactly like a missing one, so ids reveal nothing.
    return Problem(404, "not-found", f"{what} not found", f"No {what.lower()} {identifier} that you can see.")


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    return JSONResponse(
        problem.document(instance=request.url.path),
        status_code=problem.status,
        media_type=MEDIA_TYPE,
        headers=problem.headers,
    )


def allowed_methods(request: Request) -> list[str]:
    """Every method the path allows. Starlette's 405 names only the first route that matched the path, though
    GET and POST on one path are two routes (and FastAPI nests an included router's routes one level down)."""
    path = request.url.path
    methods: set[str] = set()
    pending = list(request.app.router.routes)
    while pending:
        route = pending.pop()
        nested = getattr(route, "routes", None) or getattr(getattr(route, "original_router", None), "routes", None)
        if nested:
            pending.extend(nested)
        elif getattr(route, "methods", None) and route.path_regex.match(path):
            methods.update(route.methods)
    return sorted(methods)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _message(error: dict[str, Any]) -> str:
    pattern = (error.get("ctx") or {}).get("pattern")
    if error.get("type") == "string_pattern_mismatch" and pattern in PATTERN_MEANINGS:
        return PATTERN_MEANINGS[pattern]
    return str(error.get("msg", ""))


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_path(err.get("loc", ())), "message": _message(err), "code": err.get("type", "")}
            for err in exc.errors()
        ]
        fields = ", ".join(e["field"] for e in errors)
        problem = Problem(
            422, "invalid-request", "Your request is not valid", f"Invalid fields: {fields}", errors=errors
        )
        return problem_response(problem, request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed", 401: "Not authenticated", 403: "Forbidden"}
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        problem = Problem(
            exc.status_code,
            {400: "malformed-request", 404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error"),
            titles.get(exc.status_code, str(exc.detail)),
            str(exc.detail) if exc.detail else None,
            headers=headers or None,
        )
        return problem_response(problem, request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        # The failure may come after the commit (in serialising the response): promise nothing about the effect.
        problem = Problem(
            500, "internal-error", "Something went wrong on our side",
            "The request may or may not have taken effect. Check before retrying, or retry with the same "
            "Idempotency-Key where the route accepts one.",
        )
        return problem_response(problem, request)
