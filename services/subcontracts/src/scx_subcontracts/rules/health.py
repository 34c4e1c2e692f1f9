"""Supply-chain health's rules, alone: the share an end-to-end partner was promised in a month, its actual shares,
when it counts as starved of referrals, and how promptly its prime paid it.

- **The promised share** of a month is the `share_of_targets_percent` of the terms in force at the month's end (for
  the month under way, today): the terms agreed apply from the subcontract's start date, and each variation from
  the day it was agreed (UTC), so a variation agreed during a month sets the promise that month is judged by, and
  never changes an earlier month's. None when the subcontract was not in force that day (not yet started, ended or
  expired). A subcontract varied before its terms agreed were recorded as variation 0 has the earliest variation
  recorded standing in for them.
- **The actual share of referrals** is the referrals the partner received under the subcontract in the month (its
  allocations and re-allocations to it) over every referral allocated under the contract in the month, in house
  included; of job outcomes, likewise (an outcome counts for whoever delivered the journey when it was claimed).
  A percentage to one decimal place, half up; None in a month the contract allocated nothing.
- **The shortfall** is the promised share less the actual, in points (negative: more than promised).
- **Short**: a month whose shortfall of referrals is more than `STARVATION_POINTS` points, decided in whole numbers
  (received * 100 < (promised - points) * allocated), so a shortfall of exactly 5.0 points is not short. A month
  with no promise or no referrals allocated at all is not short.
- **Starved**: a month that is short and whose `STARVATION_MONTHS - 1` months before it were short too. Reading a
  range therefore reads its two months before as well.
- **Paying the partner**: a line is paid on time when paid on or before its due date, late when after; it is
  overdue now when unpaid and its due date is before today. The days to pay are from the day it was owed to the
  day it was paid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from scx_subcontracts.rules.flows import MonthRange, last_day, percent

STARVATION_POINTS = 5
STARVATION_MONTHS = 3


@dataclass(frozen=True, slots=True)
class Terms:
    """One entry of a subcontract's history of terms: the share of targets it promised, from a day."""

    variation: int
    applies_from: date
    share_of_targets_percent: int | None


@dataclass(frozen=True, slots=True)
class InForce:
    """When a subcontract is in force: from its start date to its end date, or the day it ended."""

    start_date: date
    end_date: date
    ended_on: date | None

    def on(self, day: date) -> bool:
        return self.start_date <= day <= min(self.end_date, self.ended_on or self.end_date)


def history_of_terms(
    variations: Sequence[tuple[int, date, int | None]], *, start_date: date
) -> list[Terms]:
    """(variation, day agreed, share) → the terms in force from each day: the first recorded from the start date."""
    ordered = sorted(variations)
    return [
        Terms(variation=v, applies_from=start_date if n == 0 else agreed_on, share_of_targets_percent=share)
        for n, (v, agreed_on, share) in enumerate(ordered)
    ]


def judged_on(month: str, today: date) -> date:
    """The day a month is judged by: its last, or today for the month under way."""
    return min(last_day(month), today)


def promised_share(terms: Sequence[Terms], in_force: InForce, day: date) -> int | None:
    if not in_force.on(day):
        return None
    applying = [t for t in terms if t.applies_from <= day]
    if not applying:
        return None
    return max(applying, key=lambda t: (t.applies_from, t.variation)).share_of_targets_percent


def is_short(received: int, allocated: int, promised: int | None) -> bool:
    if promised is None or allocated <= 0:
        return False
    return received * 100 < (promised - STARVATION_POINTS) * allocated


def starved_months(short: Mapping[str, bool], months: MonthRange) -> dict[str, bool]:
    """Each month of `months` (the range read, begun `STARVATION_MONTHS - 1` months before the report's): whether it
    ends a run of `STARVATION_MONTHS` short months."""
    run, out = 0, {}
    for month in months.months:
        run = run + 1 if short.get(month, False) else 0
        out[month] = run >= STARVATION_MONTHS
    return out


def shortfall(promised: int | None, actual: float | None) -> float | None:
    if promised is None or actual is None:
        return None
    return round(promised - actual, 1)


@dataclass(frozen=True, slots=True)
class ShareMonth:
    month: str
    promised_share_percent: int | None
    referrals: int
    contract_referrals: int
    referral_share_percent: float | None
    referral_shortfall_points: float | None
    job_outcomes: int
    contract_job_outcomes: int
    job_outcome_share_percent: float | None
    job_outcome_shortfall_points: float | None
    short: bool
    starved: bool = False


def share_month(
    month: str, *, promised: int | None, referrals: int, contract_referrals: int, job_outcomes: int,
    contract_job_outcomes: int,
) -> ShareMonth:
    referral_share = percent(referrals, contract_referrals)
    outcome_share = percent(job_outcomes, contract_job_outcomes)
    return ShareMonth(
        month=month, promised_share_percent=promised, referrals=referrals, contract_referrals=contract_referrals,
        referral_share_percent=referral_share, referral_shortfall_points=shortfall(promised, referral_share),
        job_outcomes=job_outcomes, contract_job_outcomes=contract_job_outcomes,
        job_outcome_share_percent=outcome_share, job_outcome_shortfall_points=shortfall(promised, outcome_share),
        short=is_short(referrals, contract_referrals, promised),
    )


def paid_late(paid_on: date, due_on: date) -> bool:
    return paid_on > due_on
