"""The problems the registry answers with (RFC 9457), each type built in one place.

A type's URI is `https://scx.example/problems/<slug>`:

| slug | status | when |
| --- | --- | --- |
| `organisation-exists` | 409 | registering an organisation id that is already registered |
| `unknown-organisation` | 422 | a request names a prime or partner that is not registered as one |
| `profile-outside-contract` | 422 | a profile has months before the contract starts or after it ends |
| `invalid-subcontract-terms` | 422 | terms that do not fit the supply-chain model, the contract or the targets left |
| `subcontract-ended` | 409 | varying or ending a subcontract that has already ended |
| `invalid-end-date` | 422 | ending a subcontract before it starts or after it expires |

Shared with every service and built by `scx_servicekit`: `not-found` (404, also for another organisation's
record), `forbidden` (403), `unauthorised` (401) and `invalid-request` (422, the request's shape).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from scx_servicekit import Problem
from scx_subcontracts.rules.registry import TermsError


def organisation_exists(organisation_id: str) -> Problem:
    return Problem(
        409, "organisation-exists", "The organisation is already registered",
        f"{organisation_id} is already registered.",
    )


def unknown_organisation(organisation_id: str, *, kind: str, field: str) -> Problem:
    return Problem(
        422, "unknown-organisation", f"No {kind} organisation {organisation_id}",
        f"{field} must name a registered {kind} organisation.",
        errors=[{"field": f"body.{field}", "message": f"not a registered {kind}"}],
    )


def profile_outside_contract(months: Sequence[str], *, first: str, last: str, field: str) -> Problem:
    """`field` is where the months were sent: `months` when setting a profile, `profile` when awarding with one."""
    return Problem(
        422, "profile-outside-contract", "Profile months fall outside the contract",
        f"{', '.join(months)} outside {first}..{last}",
        errors=[{"field": f"body.{field}", "message": f"{m} is outside the contract"} for m in months],
    )


def invalid_subcontract_terms(errors: Sequence[TermsError]) -> Problem:
    return Problem(
        422, "invalid-subcontract-terms", "The subcontract's terms do not fit",
        "; ".join(f"{e.field}: {e.message}" for e in errors),
        errors=[{"field": f"body.{e.field}", "message": e.message} for e in errors],
    )


def subcontract_ended(ended_on: date | None) -> Problem:
    return Problem(
        409, "subcontract-ended", "The subcontract has ended",
        f"It ended on {ended_on}; agree a new subcontract instead.",
    )


def end_before_start(start_date: date) -> Problem:
    return _invalid_end_date(
        "A subcontract cannot end before it starts", None, f"before the start date {start_date}"
    )


def end_after_expiry(end_date: date) -> Problem:
    return _invalid_end_date(
        "A subcontract cannot be ended after it expires",
        f"It expires on {end_date} by its own terms; vary it to extend it instead.",
        f"after the end date {end_date}",
    )


def _invalid_end_date(title: str, detail: str | None, message: str) -> Problem:
    return Problem(422, "invalid-end-date", title, detail, errors=[{"field": "body.ended_on", "message": message}])
