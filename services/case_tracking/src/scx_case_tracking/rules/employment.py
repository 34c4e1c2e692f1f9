"""Employment rules: weeks of work, and the hours claims will decide outcomes on.

Claims decide a **job outcome** (at least 8 hours a week) and a **sustained job outcome** (at least 16 hours a week
in 13 of the previous 26 weeks) from exactly the weeks recorded here, so a week is one thing only:

- A week **commences on a Monday** and runs to the Sunday.
- A week can be reported **once it has ended**: from the Monday after it. The current week is refused, since its
  hours are not all worked yet (a report on Friday would have to be corrected after the weekend); so on any day,
  the latest reportable week is the one that commenced on the Monday before this week's.
- A job's weeks run from the week of its start (the week commencing on or before the start date) to the week of its
  end (a week commencing after the end date is no week of that job).
- Hours are kept to the hundredth of an hour (7.99 is not 8): stored as whole hundredths, never as a float.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

JOB_OUTCOME_HOURS = Decimal(8)
SUSTAINED_OUTCOME_HOURS = Decimal(16)
HOURS_IN_A_WEEK = Decimal(168)
HUNDREDTH = Decimal("0.01")
# The event's revision is bounded (scx_contracts.case_tracking.HoursReported): one week corrected that often is not
# a record any claim could rest on.
MAX_REVISIONS = 1000


def is_monday(day: date) -> bool:
    return day.weekday() == 0


def week_commencing(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


def latest_reportable_week(today: date) -> date:
    """The last week that has ended by `today`: the one commencing the Monday before this week's."""
    return week_commencing(today) - timedelta(days=7)


def has_ended(week: date, today: date) -> bool:
    return week <= latest_reportable_week(today)


def first_week_of(started_on: date) -> date:
    return week_commencing(started_on)


def to_hundredths(hours: Decimal) -> int:
    """Hours as whole hundredths; more precision than that is refused before it gets here."""
    hundredths = hours / HUNDREDTH
    if hundredths != hundredths.to_integral_value():
        raise ValueError(f"{hours} is not a whole number of hundredths of an hour")
    return int(hundredths)


def from_hundredths(hundredths: int) -> Decimal:
    return (Decimal(hundredths) * HUNDREDTH).quantize(HUNDREDTH)


@dataclass(frozen=True)
class WeeksSummary:
    """What a job's reported weeks add up to, on their latest revisions: what claims will look at."""

    reported: int = 0
    at_least_8_hours: int = 0
    at_least_16_hours: int = 0
    first_week: date | None = None
    last_week: date | None = None


def summarise(weeks: Iterable[tuple[date, int]]) -> WeeksSummary:
    """`weeks`: each reported week (commencing) with its hours in hundredths, on its latest revision, once each."""
    listed = sorted(weeks)
    if not listed:
        return WeeksSummary()
    eight, sixteen = to_hundredths(JOB_OUTCOME_HOURS), to_hundredths(SUSTAINED_OUTCOME_HOURS)
    return WeeksSummary(
        reported=len(listed),
        at_least_8_hours=sum(1 for _, hundredths in listed if hundredths >= eight),
        at_least_16_hours=sum(1 for _, hundredths in listed if hundredths >= sixteen),
        first_week=listed[0][0],
        last_week=listed[-1][0],
    )
