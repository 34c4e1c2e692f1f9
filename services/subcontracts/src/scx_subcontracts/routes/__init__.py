"""The subcontracts service's HTTP API, one router per area. Each route parses, calls one use case in `service/`
and shapes the answer; the request's unit of work (`UoW`) commits when the endpoint returns."""

from __future__ import annotations

from fastapi import APIRouter

from scx_subcontracts.routes import flows, health, performance, reconciliation, registry, returns, review

ROUTERS: list[APIRouter] = [
    registry.router, returns.router, reconciliation.router, performance.router, review.router, flows.router,
    health.router,
]
