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

from pydantic import Field, Strict, StringConstraints

from scx_contracts.tolerant import ContractModel

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

# What one partner can count in one week for one subcontract: the national programme at its peak referred about 15,000
# claimants a week, so a larger figure is a typing error. Tightening it is a new event version (ADR 0016).
MAX_WEEKLY_FIGURE = 100_000
WeeklyCount = Annotated[int, Strict(), Field(ge=0, le=MAX_WEEKLY_FIGURE)]

# Returns are due at a local time in the UK; a deadline names the zone, so that no consumer has to assume it.
DEADLINE_TIME_ZONE = "Europe/London"
DeadlineTimeZone = Literal["Europe/London"]
MAX_DAYS_AFTER_WEEK_END = 14
DaysAfterWeekEnd = Annotated[int, Strict(), Field(ge=0, le=MAX_DAYS_AFTER_WEEK_END)]
# A local time of day, HH:MM on the 24-hour clock (17:00).
LocalTime = Annotated[str, Strict(), StringConstraints(max_length=5, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class WeeklyFigures(ContractModel):
    """The eight figures of a week, each a count of what happened in it (the table above)."""

    referrals_received: WeeklyCount
    starts: WeeklyCount
    wfis_delivered: WeeklyCount
    fail_to_attends: WeeklyCount
    activities_delivered: WeeklyCount
    job_starts: WeeklyCount
    job_outcomes: WeeklyCount
    exits: WeeklyCount


__all__ = [
    "DEADLINE_TIME_ZONE",
    "MAX_DAYS_AFTER_WEEK_END",
    "MAX_WEEKLY_FIGURE",
    "WEEKLY_FIGURES",
    "DaysAfterWeekEnd",
    "DeadlineTimeZone",
    "IsoWeek",
    "LocalTime",
    "WeeklyCount",
    "WeeklyFigure",
    "WeeklyFigures",
]
