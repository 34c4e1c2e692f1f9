"""The case tracking service's problem catalogue: each problem document it answers with, defined once as a function
returning an `scx_servicekit.Problem`, its type URI `https://scx.example/problems/<slug>`. The problems common to
every area are here; each area's own are in its module of this package, with its own table.

| slug | status | when |
| --- | --- | --- |
| `case-exited` | 409 | recording on a case after its exit (but the weeks of a job started before it) |
| `case-closed` | 409 | recording on a case whose referral was withdrawn |
| `date-in-future` | 422 | a date of something that has happened is after today |
| `date-too-early` | 422 | a date before what it follows (the start, the booking, the notice...) |

The service kit adds the common ones: `not-found` (404), `forbidden` (403), `unauthorised` (401),
`invalid-request` (422) and the `Idempotency-Key` problems.
"""

from __future__ import annotations

from datetime import date

from scx_case_tracking.models.cases import Case
from scx_servicekit import Problem


def case_exited(case: Case) -> Problem:
    return Problem(
        409, "case-exited", "The case has exited",
        f"Case {case.case_id} exited on {case.exited_on}: nothing more is recorded on it but the weeks of a job "
        "started before the exit.",
    )


def case_closed(case: Case) -> Problem:
    return Problem(
        409, "case-closed", "The case is closed",
        f"Case {case.case_id} was closed on {case.closed_on} when its referral was withdrawn: nothing more is "
        "recorded on it.",
    )


def date_in_future(field: str, value: date) -> Problem:
    return Problem(
        422, "date-in-future", "Date in the future",
        f"{field} is {value}, after today: only what has happened can be recorded.",
        errors=[{"field": f"body.{field}", "message": "must not be after today"}],
    )


def date_too_early(field: str, value: date, earliest: date, what: str) -> Problem:
    return Problem(
        422, "date-too-early", "Date too early",
        f"{field} is {value}, before {what} ({earliest}).",
        errors=[{"field": f"body.{field}", "message": f"must not be before {what} ({earliest})"}],
    )
