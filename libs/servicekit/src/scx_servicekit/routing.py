"""One commit point for every request: after the endpoint returns, before the response is sent.

Every route of a service is a `UnitOfWorkRoute` (routers come from `service_router`, and the app factory refuses
any other): when the endpoint returns normally, the request's unit of work commits; when it raises, nothing is
committed and the unit of work rolls back. No route commits by hand. The pattern is polar's `AutoCommitAPIRoute`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

from scx_persistence import UnitOfWork
from scx_servicekit.strict import StrictJsonRequest


class UnitOfWorkRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _committing(endpoint), **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_json(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_json


def _committing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    if not inspect.iscoroutinefunction(endpoint):
        raise TypeError(f"{endpoint.__name__}: service endpoints are async (a sync one would run in a thread)")

    @functools.wraps(endpoint)
    async def committing_endpoint(*args: Any, **kwargs: Any) -> Any:
        result = await endpoint(*args, **kwargs)
        for value in (*args, *kwargs.values()):
            if isinstance(value, UnitOfWork) and value.writable and not value.committed:
                await value.commit()
        return result

    return committing_endpoint


def service_router(**options: Any) -> APIRouter:
    """An APIRouter whose routes commit the request's unit of work in the one place."""
    return APIRouter(route_class=UnitOfWorkRoute, **options)


def check_routes(routes: list[Any]) -> None:
    """Refuse to build an app with a route that would not commit in the one place."""
    stray = [r.path for r in routes if isinstance(r, APIRoute) and not isinstance(r, UnitOfWorkRoute)]
    if stray:
        raise TypeError(f"routes not built by service_router (they would never commit): {stray}")
