"""Every route of a service is a `UnitOfWorkRoute` (routers come from `service_router`; the app factory refuses
any other): its endpoint is async, and its JSON body is parsed strictly (`strict.StrictJsonRequest`).

The request's one commit point is the `UoW` dependency (`scx_servicekit.app.unit_of_work`), not the route: a
dependency sees the unit of work however the endpoint reached it, directly or through another dependency.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

from scx_servicekit.strict import StrictJsonRequest


class UnitOfWorkRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _async_only(endpoint), **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_json(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_json


def _async_only(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    if not inspect.iscoroutinefunction(endpoint):
        raise TypeError(f"{endpoint.__name__}: service endpoints are async (a sync one would run in a thread)")
    return endpoint


def service_router(**options: Any) -> APIRouter:
    """An APIRouter of `UnitOfWorkRoute`s."""
    return APIRouter(route_class=UnitOfWorkRoute, **options)


def check_routes(routes: list[Any]) -> None:
    """Refuse to build an app with a route that skips the service's request handling."""
    stray = [r.path for r in routes if isinstance(r, APIRoute) and not isinstance(r, UnitOfWorkRoute)]
    if stray:
        raise TypeError(f"routes not built by service_router (no strict JSON, sync endpoints allowed): {stray}")
