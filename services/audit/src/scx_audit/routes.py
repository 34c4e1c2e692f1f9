"""The audit service's HTTP API. Each route parses, calls one use case in `service.py` and shapes the answer;
the request's unit of work (`UoW`) commits in one place when the endpoint returns, so no route commits by hand.
Declare each route's own problems with `problems({409: "..."})`; the service kit documents the common ones.
`/health`, `/ready` and `/operations` come with the app."""

from __future__ import annotations

from scx_servicekit.openapi import problems
from scx_servicekit.routing import service_router

PROBLEMS = problems({404: "no such record that the caller can see"})

router = service_router(responses=PROBLEMS)
