"""The flow-down's arithmetic and its rules, alone: no database, no HTTP.

- **Who is owed an outcome payment's share.** The organisation delivering the journey on the day the outcome became
  payable (its `payable_from`): the spell that had begun by that day and had not yet ended (a spell ends on the day
  the next begins, so on the day of a re-allocation the new deliverer delivers). Only an end-to-end partner with an
  outcome payment share is owed anything; a journey the prime delivered itself, or one delivered under an SLA or by
  signposting, owes nothing down the chain. The whole share goes to that one partner: it is not apportioned over the
  spells of a re-allocated journey.
- **The share's rounding.** The partner is owed `floor(payment * percent / 100)` pence, in integers; the remainder
  (less than a penny per hundred) stays with the prime. So partner + prime = the payment exactly: a share never
  creates or loses a penny.
- **A specialist's price.** Each service a specialist partner delivered under its subcontract is owed at the price
  its terms gave that service on the day it was delivered; a service its terms do not price is owed nothing.
- **When it is due.** Thirty days after DWP's payment to the prime (the run's authorisation date): the payment terms
  every prime's subcontracts are held to here. A line not paid by its due date is overdue from the day after.
- **Timeliness.** For each line paid, the days from DWP's payment to the prime's payment of the partner.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, Protocol, TypeVar

PAYMENT_TERMS_DAYS = 30
OUTCOME_KINDS = ("job_outcome", "sustained_job_outcome", "sustainment_payment")
LineStatus = Literal["owed", "overdue", "paid"]


@dataclass(frozen=True, slots=True)
class Split:
    """An outcome payment divided between the partner and the prime: the two always add up to the payment."""

    partner_pence: int
    prime_pence: int


def outcome_share(payment_pence: int, percent: int) -> Split:
    """The partner's share of one outcome payment, floored to the penny; the remainder stays with the prime."""
    if payment_pence < 0 or not 0 <= percent <= 100:
        raise ValueError("a payment is not negative and a share is 0-100%")
    partner = payment_pence * percent // 100
    return Split(partner_pence=partner, prime_pence=payment_pence - partner)


class Spell(Protocol):
    @property
    def from_on(self) -> date: ...
    @property
    def until_on(self) -> date | None: ...


S = TypeVar("S", bound=Spell)


def delivering_on(spells: Sequence[S], day: date) -> S | None:
    """The spell delivering the journey on `day`: begun by then and not yet ended (the later one on a change day)."""
    found = [s for s in spells if s.from_on <= day and (s.until_on is None or day < s.until_on)]
    return found[-1] if found else None


def due_on(dwp_paid_on: date) -> date:
    """The day the prime must have paid the partner by: thirty days after DWP paid the prime."""
    return dwp_paid_on + timedelta(days=PAYMENT_TERMS_DAYS)


def line_status(*, due: date, paid_on: date | None, today: date) -> LineStatus:
    if paid_on is not None:
        return "paid"
    return "overdue" if today > due else "owed"


@dataclass(frozen=True, slots=True)
class PaidLine:
    """What timeliness needs of one owed line."""

    prime_id: str
    partner_id: str
    dwp_paid_on: date
    due_on: date
    paid_on: date | None


@dataclass(frozen=True, slots=True)
class Timeliness:
    """How promptly one prime paid one partner: over the lines it has paid, the days from DWP's payment to its own
    (the mean to one decimal place, half up, and the longest); how many it paid after their due date; and of the
    lines not yet paid, how many are overdue."""

    prime_id: str
    partner_id: str
    lines_paid: int
    mean_days_to_pay: float | None
    longest_days_to_pay: int | None
    paid_late: int
    unpaid: int
    overdue: int


def timeliness(lines: Iterable[PaidLine], *, today: date) -> list[Timeliness]:
    """One row per prime and partner, in that order."""
    groups: dict[tuple[str, str], list[PaidLine]] = {}
    for line in lines:
        groups.setdefault((line.prime_id, line.partner_id), []).append(line)
    rows = []
    for (prime_id, partner_id), group in sorted(groups.items()):
        paid = [line for line in group if line.paid_on is not None]
        days = [(line.paid_on - line.dwp_paid_on).days for line in paid if line.paid_on is not None]
        unpaid = [line for line in group if line.paid_on is None]
        rows.append(Timeliness(
            prime_id=prime_id, partner_id=partner_id, lines_paid=len(paid),
            # Integer half-up to tenths of a day: (20 * total + n) // (2n) tenths.
            mean_days_to_pay=((20 * sum(days) + len(days)) // (2 * len(days))) / 10 if days else None,
            longest_days_to_pay=max(days) if days else None,
            paid_late=sum(1 for line in paid if line.paid_on is not None and line.paid_on > line.due_on),
            unpaid=len(unpaid), overdue=sum(1 for line in unpaid if today > line.due_on),
        ))
    return rows
