"""The flowdown area's problems.

| slug | status | when |
| --- | --- | --- |
| `owed-line-unknown` | 422 | a payment names a line that is not one the prime owes that partner |
| `owed-line-settled` | 409 | a payment names a line another payment settled already |
| `payment-does-not-match` | 422 | a payment's amount is not the sum of the lines it settles |
| `paid-before-dwp-paid` | 422 | a payment dated before DWP paid the prime for a line it settles |
| `date-in-future` | 422 | (common) a payment dated after today |

Recording a payment is for the prime's managers (`forbidden`, 403, to anyone else). A statement that is not the
caller's to see is `not-found` (404), exactly as for a partner that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from scx_servicekit import Problem


def owed_line_unknown(positions: Sequence[int], partner_id: str) -> Problem:
    return Problem(
        422, "owed-line-unknown", "Not a line you owe this partner",
        f"Each line a payment settles must be one the prime owes {partner_id}.",
        errors=[{"field": f"body.owed_ids.{i}", "message": f"not a line owed to {partner_id}"} for i in positions],
    )


def owed_line_settled(positions: Sequence[int]) -> Problem:
    return Problem(
        409, "owed-line-settled", "Already paid",
        "A line another payment settled cannot be settled again.",
        errors=[{"field": f"body.owed_ids.{i}", "message": "settled by another payment"} for i in positions],
    )


def payment_does_not_match(amount_pence: int, owed_pence: int) -> Problem:
    return Problem(
        422, "payment-does-not-match", "The payment is not what the lines add up to",
        f"The lines named add up to {owed_pence} pence; the payment is {amount_pence}. A payment settles whole lines.",
        errors=[{"field": "body.amount_pence", "message": f"must be {owed_pence}, the sum of the lines"}],
    )


def paid_before_dwp_paid(paid_on: date, dwp_paid_on: date) -> Problem:
    return Problem(
        422, "paid-before-dwp-paid", "Paid before it was owed",
        f"DWP paid the prime for a line named on {dwp_paid_on}; a payment on {paid_on} cannot settle it.",
        errors=[{"field": "body.paid_on", "message": f"must not be before {dwp_paid_on}"}],
    )
