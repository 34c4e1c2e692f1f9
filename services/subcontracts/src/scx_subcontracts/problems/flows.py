"""The problems referral flows and supply-chain health answer with (RFC 9457), each type built in one place.

A type's URI is `https://scx.example/problems/<slug>`:

| slug | status | when |
| --- | --- | --- |
| `invalid-month-range` | 422 | a report's months: to_month before from_month, more than 60 months, or before 1000-01 |

Shared with every service and built by `scx_servicekit`: `not-found` (404, also for a prime or contract the caller
may not see), `forbidden` (403), `unauthorised` (401) and `invalid-request` (422, a parameter's shape).
"""

from __future__ import annotations

from scx_servicekit import Problem


def invalid_month_range(message: str, *, field: str) -> Problem:
    return Problem(
        422, "invalid-month-range", "The months asked for are not a range a report covers", message,
        errors=[{"field": f"query.{field}", "message": message}],
    )
