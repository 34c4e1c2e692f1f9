"""What a journey counts for, as pure functions of its milestones: the cohort measures it has reached, its clock
breaches and its delay to a first WFI. The projection applies the difference between what a journey counted for
before an event and after it, so every tally stays the sum of its journeys (ADR 0022).

| measure | a journey of the cohort counts when |
| --- | --- |
| `referred` | always (a referral cohort is the month of the referral) |
| `rejected` | the prime rejected the referral |
| `started` | the prime started it (a start cohort is the month of the start) |
| `first_wfi` | a first Work Focused Interview was attended |
| `job_start` | a first job started |
| `job_outcome` | a job outcome was claimed and not rejected |
| `job_outcome_within_12_months` | ... by the referral's date a year on (the minimum performance level's test) |
| `dropped_out` | withdrawn, or left early, before any job started |
| `acknowledgement_breached` | started or rejected after 2 working days, or withdrawn after that unanswered |
| `first_meeting_breached` | first attended appointment after 15 working days, or ended after that without one |
| `assessment_breached` | needs assessment and action plan not both done within 20 working days of the start |
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Literal

from scx_contracts.clocks import Clock, deadline
from scx_subcontracts.models.history import Journey

Cohort = Literal["referral", "start"]
REFERRAL: Cohort = "referral"
START: Cohort = "start"

REFERRAL_TO_FIRST_WFI = "referral_to_first_wfi"
CLOCK_BREACHED = {
    Clock.ACKNOWLEDGEMENT: "acknowledgement_breached",
    Clock.FIRST_MEETING: "first_meeting_breached",
    Clock.ASSESSMENT: "assessment_breached",
}
REFERRAL_MEASURES: tuple[str, ...] = (
    "referred", "rejected", "started", "first_wfi", "job_start", "job_outcome", "job_outcome_within_12_months",
    "dropped_out", *CLOCK_BREACHED.values(),
)
START_MEASURES: tuple[str, ...] = ("started", "job_outcome")

# (organisation, payment group, cohort, month, measure)
CohortKey = tuple[str, int, str, str, str]
# (organisation, referral month, measure, days)
DelayKey = tuple[str, str, str, int]


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def iso_week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def a_year_on(day: date) -> date:
    """The same date a year later; 29 February's is 28 February (the year is up by then)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def ended_on(journey: Journey) -> date | None:
    return journey.withdrawn_on or journey.exited_on


def clock_breached(journey: Journey, clock: Clock) -> bool:
    """Breached when done after its deadline, or when the journey ended after its deadline without it being done.
    A clock still open is not counted here: an open journey's overdue clocks are read from its deadline."""
    start, done = clock_span(journey, clock)
    if start is None:
        return False
    due = deadline(clock, start)
    if done is not None:
        return done > due
    end = ended_on(journey)
    return end is not None and end > due


def clock_span(journey: Journey, clock: Clock) -> tuple[date | None, date | None]:
    """When the clock started (None: it has not) and when it was met (None: not yet)."""
    if clock is Clock.ACKNOWLEDGEMENT:
        return journey.referral_date, journey.started_on or journey.rejected_on
    if clock is Clock.FIRST_MEETING:
        return (None, None) if journey.rejected_on else (journey.referral_date, journey.first_meeting_on)
    if journey.assessment_on is None or journey.action_plan_on is None:
        return journey.started_on, None
    return journey.started_on, max(journey.assessment_on, journey.action_plan_on)


def cohort_measures(journey: Journey) -> list[CohortKey]:
    """The cohort tallies one journey counts in, as it stands."""
    who, group, month = journey.organisation_id, journey.payment_group, month_of(journey.referral_date)
    reached = ["referred"]
    if journey.rejected_on:
        reached.append("rejected")
    if journey.started_on:
        reached.append("started")
    if journey.first_wfi_on:
        reached.append("first_wfi")
    if journey.first_job_on:
        reached.append("job_start")
    if journey.job_outcome_on:
        reached.append("job_outcome")
        if journey.job_outcome_on <= a_year_on(journey.referral_date):
            reached.append("job_outcome_within_12_months")
    if journey.first_job_on is None and (journey.withdrawn_on or journey.exit_kind == "early_exit"):
        reached.append("dropped_out")
    reached.extend(measure for clock, measure in CLOCK_BREACHED.items() if clock_breached(journey, clock))
    keys: list[CohortKey] = [(who, group, REFERRAL, month, measure) for measure in reached]
    if journey.started_on:
        start_month = month_of(journey.started_on)
        keys.append((who, group, START, start_month, "started"))
        if journey.job_outcome_on:
            keys.append((who, group, START, start_month, "job_outcome"))
    return keys


def delays(journey: Journey) -> list[DelayKey]:
    if journey.first_wfi_on is None:
        return []
    days = (journey.first_wfi_on - journey.referral_date).days
    return [(journey.organisation_id, month_of(journey.referral_date), REFERRAL_TO_FIRST_WFI, days)]


def difference(before: list[tuple[object, ...]], after: list[tuple[object, ...]]) -> dict[tuple[object, ...], int]:
    """What to add to each tally (negative: take away) to go from counting `before` to counting `after`."""
    change: Counter[tuple[object, ...]] = Counter(after)
    change.subtract(Counter(before))
    return {key: n for key, n in change.items() if n}
