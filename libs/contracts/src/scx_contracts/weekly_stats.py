"""Weekly statistics: what a supply-chain partner reports to its prime for an ISO week and a subcontract, and the
words the subcontracts service reconciles those figures in.

Each figure is a count of things that happened in the week (Monday to Sunday, ISO 8601), for the subcontract's
partner:

- `referrals_received`: referrals allocated (or re-allocated) to the partner (`referral.allocated`,
  `referral.reallocated`, on `allocated_on`);
- `starts`: journeys the partner was the first to be allocated, in the week of their start (`started_on`);
- `wfis_delivered`: Work Focused Interviews attended with the partner (`case.appointment_attended`, kind `wfi`);
- `fail_to_attends`: appointments with the partner the claimant failed to attend (`case.failed_to_attend`,
  `missed_on`);
- `activities_delivered`: activities the partner delivered (`case.activity_delivered`, `delivered_on`);
- `job_starts`: jobs started while the partner delivered (`employment.job_started`, `started_on`);
- `job_outcomes`: job outcomes claimed for the partner's journeys and not rejected (`claim.submitted` of kind
  `job_outcome`, on `payable_from`, less `claim.rejected`);
- `exits`: journeys that left the programme from the partner (`case.exited`, `exited_on`).
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Strict, StringConstraints

WeeklyFigure = Literal[
    "referrals_received",
    "starts",
    "wfis_delivered",
    "fail_to_attends",
    "activities_delivered",
    "job_starts",
    "job_outcomes",
    "exits",
]
WEEKLY_FIGURES: tuple[str, ...] = get_args(WeeklyFigure)

# An ISO 8601 week, YYYY-Www (2026-W49): weeks run Monday to Sunday and week 1 holds the year's first Thursday.
IsoWeek = Annotated[
    str, Strict(), StringConstraints(max_length=8, pattern=r"^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$")
]

__all__ = ["WEEKLY_FIGURES", "IsoWeek", "WeeklyFigure"]
