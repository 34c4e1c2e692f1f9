"""The claims service's HTTP API, one router per area. Each route parses, calls one use case in `service/` and
shapes the answer; the request's unit of work (`UoW`) commits in one place when the endpoint returns, so no route
commits by hand. `/health`, `/ready` and `/operations` come with the app."""

from __future__ import annotations

from fastapi import APIRouter

from scx_claims.routes import claims, entitlements, flowdown, runs, tariffs

ROUTERS: list[APIRouter] = [tariffs.router, entitlements.router, claims.router, runs.router, flowdown.router]
