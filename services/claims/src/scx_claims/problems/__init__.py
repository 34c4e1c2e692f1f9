"""The claims service's problem catalogue: each problem document it answers with, defined once as a function
returning an `scx_servicekit.Problem`, its type URI `https://scx.example/problems/<slug>`. The problems common to
every area are here; each area's own are in its module of this package, with its own table.

| slug | status | when |
| --- | --- | --- |
| `date-in-future` | 422 | a date of something that has happened is after today |

The service kit adds the common ones: `not-found` (404), `forbidden` (403), `unauthorised` (401),
`invalid-request` (422) and the `Idempotency-Key` problems.
"""

from __future__ import annotations

from datetime import date

from scx_servicekit import Problem


def date_in_future(field: str, value: date) -> Problem:
    return Problem(
        422, "date-in-future", "Date in the future",
        f"{field} is {value}, after today: only what has happened can be recorded.",
        errors=[{"field": f"body.{field}", "message": "must not be after today"}],
    )
