"""The case tracking service's HTTP API, one router per area. Each route parses, calls one use case in `service/`
and shapes the answer; the request's unit of work (`UoW`) commits in one place when the endpoint returns, so no
route commits by hand. `/health`, `/ready` and `/operations` come with the app."""

from __future__ import annotations

from fastapi import APIRouter

from scx_case_tracking.routes import appointments, cases, complaints, employment, progress

ROUTERS: list[APIRouter] = [cases.router, appointments.router, progress.router, employment.router, complaints.router]
