"""The referral service's problem catalogue: every problem type it answers with, defined once.

Each type's URI is `https://scx.example/problems/<slug>`:

| slug | status | when |
| --- | --- | --- |
| `unknown-contract` | 422 | the contract is not (yet) known to the referral service: retry shortly after an award |
| `contract-not-live` | 422 | the referral date is outside the contract's dates |
| `date-in-future` | 422 | a start, allocation or withdrawal dated after today |
| `start-before-referral` | 422 | a start dated before the referral |
| `date-too-early` | 422 | an allocation before the start or the one it replaces; a withdrawal before the referral |
| `not-awaiting-start` | 409 | starting or rejecting a referral that is not awaiting its start |
| `not-started` | 409 | allocating a referral that has not started |
| `already-allocated` | 409 | allocating a referral that is allocated: re-allocate it instead |
| `not-allocated` | 409 | re-allocating a referral that is not allocated |
| `same-allocation` | 409 | a re-allocation that would change nothing |
| `not-open` | 409 | withdrawing a referral that is rejected or withdrawn |
| `unknown-partner`, `no-subcontract` | 422 | no registered partner, or no subcontract with it (`rules.Refusal`) |
| `subcontract-ended`, `subcontract-not-live` | 422 | the partner's subcontract is not live on the allocation date |
| `outside-client-group` | 422 | the claimant is outside the partner's postcode districts or conditions |
| `service-required`, `service-not-offered`, `service-not-applicable` | 422 | the specialist service is wrong |
| `partner-at-capacity` | 422 | the partner has taken its monthly capacity |

The service kit adds the common ones: `not-found` (404), `forbidden` (403), `unauthorised` (401),
`invalid-request` (422) and the `Idempotency-Key` problems.
"""

from __future__ import annotations

from datetime import date

from scx_referral.rules import Refusal
from scx_servicekit import Problem


def _conflict(slug: str, title: str, detail: str) -> Problem:
    return Problem(409, slug, title, detail)


def unknown_contract(contract_id: str) -> Problem:
    return Problem(
        422, "unknown-contract", "No such contract",
        f"Contract {contract_id} is not known to the referral service. If DWP awarded it moments ago, retry "
        "shortly: contracts reach this service as events.",
        errors=[{"field": "body.contract_id", "message": "not a known contract"}],
    )


def contract_not_live(contract_id: str, start: date, end: date) -> Problem:
    return Problem(
        422, "contract-not-live", "The contract is not live on the referral date",
        f"Contract {contract_id} runs {start} to {end}.",
        errors=[{"field": "body.referral_date", "message": "outside the contract's dates"}],
    )


def date_in_future(field: str, value: date) -> Problem:
    return Problem(
        422, "date-in-future", "The date is in the future", f"{field} {value} is after today.",
        errors=[{"field": f"body.{field}", "message": "cannot be in the future"}],
    )


def start_before_referral(referral_date: date) -> Problem:
    return Problem(
        422, "start-before-referral", "A start cannot come before the referral",
        errors=[{"field": "body.started_on", "message": f"before the referral date {referral_date}"}],
    )


def date_too_early(field: str, value: date, earliest: date, what: str) -> Problem:
    return Problem(
        422, "date-too-early", "The date is before the journey allows",
        f"{field} {value} is before {what} ({earliest}).",
        errors=[{"field": f"body.{field}", "message": f"before {what} {earliest}"}],
    )


def not_awaiting_start(status: str, *, rejecting: bool = False) -> Problem:
    title = "Only a referral awaiting its start can be rejected" if rejecting else "The referral cannot be started"
    return _conflict("not-awaiting-start", title, f"It is {status}.")


def not_started(status: str) -> Problem:
    return _conflict("not-started", "Only a started referral can be allocated", f"It is {status}.")


def already_allocated() -> Problem:
    return _conflict("already-allocated", "The referral is already allocated",
                     "Re-allocate it, with a reason, to change who delivers.")


def not_allocated(status: str) -> Problem:
    return _conflict("not-allocated", "Only an allocated referral can be re-allocated",
                     "Allocate it first." if status == "started" else f"It is {status}.")


def same_allocation() -> Problem:
    return _conflict("same-allocation", "The referral is already allocated there", "Nothing would change.")


def not_open(status: str) -> Problem:
    return _conflict("not-open", "The referral is no longer open", f"It is {status}.")


def refused(refusal: Refusal) -> Problem:
    return Problem(
        422, refusal.slug, refusal.title, refusal.detail,
        errors=[{"field": f"body.{refusal.field}", "message": refusal.detail}],
    )
