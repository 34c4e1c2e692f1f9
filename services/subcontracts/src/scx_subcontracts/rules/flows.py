"""Referral flows' arithmetic, alone: which tallies a journey's change moves, ranges of months, conversions,
percentiles from a histogram, and when an open clock is overdue.

- **A flow** is a referral cohort: the journeys referred in the months asked for, counted at each stage they have
  reached (referred → started → first WFI → job start → job outcome, `rules.history`'s measures), for the
  organisation delivering each journey now (the prime until it allocates, and for what it delivers in house).
- **Conversion** from one stage to the next, and from referral, is the later count over the earlier, as a
  percentage to one decimal place, rounded half up; null when the earlier count is 0. A journey may reach a stage
  without the one before (a job without a WFI), so a conversion can exceed 100.
- **Percentiles** are nearest-rank: the p-th percentile of n journeys is the day count of the ceil(p·n/100)-th
  shortest. One journey's p50 and p90 are its own; of two, p50 is the shorter and p90 the longer; of ten, the
  5th and the 9th.
- **A clock overdue now**: an open journey (not withdrawn, not exited) whose clock is not yet met and whose deadline
  (`scx_contracts.clocks`, in working days) was before today. The first meeting's clock does not run for a rejected
  referral; the assessment's runs from the start. It is reckoned as the journeys awaiting the clock (a tally, moved
  by events like any other) less those whose deadline is today or later (counted from the journeys when asked).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from scx_contracts.clocks import Clock, deadline
from scx_subcontracts.models.flows import FLOW_MEASURES
from scx_subcontracts.models.history import Journey
from scx_subcontracts.rules.history import REFERRAL, clock_span, ended_on, month_of

STAGES: tuple[str, ...] = ("referred", "started", "first_wfi", "job_start", "job_outcome")
CLOCKS: tuple[Clock, ...] = (Clock.ACKNOWLEDGEMENT, Clock.FIRST_MEETING, Clock.ASSESSMENT)
BREACHED = {clock: f"{clock.value}_breached" for clock in CLOCKS}
AWAITING = {clock: f"{clock.value}_awaiting" for clock in CLOCKS}
MAX_RANGE_MONTHS = 60  # a contract's length: the most months one report reads
EARLIEST_MONTH = "1000-01"  # what a report may start from (the dates of earlier months are not all representable)


# Months


def month_number(month: str) -> int:
    """'YYYY-MM' → months since year 0, so that ranges are arithmetic."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_named(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def last_day(month: str) -> date:
    number = month_number(month) + 1
    if number // 12 > 9999:
        return date(9999, 12, 31)
    return first_day(month_named(number)) - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class MonthRange:
    """The months from `first` to `last`, both included."""

    first: str
    last: str

    @property
    def months(self) -> list[str]:
        return [month_named(n) for n in range(month_number(self.first), month_number(self.last) + 1)]

    @property
    def first_day(self) -> date:
        return first_day(self.first)

    @property
    def last_day(self) -> date:
        return last_day(self.last)

    def from_earlier(self, months: int) -> MonthRange:
        """The range begun `months` earlier (never before January of year 1)."""
        return MonthRange(month_named(max(12, month_number(self.first) - months)), self.last)


def range_error(first: str, last: str) -> tuple[str, str] | None:
    """What is wrong with a range of months, and the parameter at fault; None when nothing is."""
    if first < EARLIEST_MONTH:
        return "from_month", f"from_month must be {EARLIEST_MONTH} or later"
    if last < first:
        return "to_month", "to_month must not be before from_month"
    if month_number(last) - month_number(first) >= MAX_RANGE_MONTHS:
        return "to_month", f"a report covers at most {MAX_RANGE_MONTHS} months"
    return None


# The projection: what a journey's change in the history's tallies moves in the flows'


def flow_change(cohorts: Mapping[tuple[object, ...], int]) -> dict[tuple[str, str], dict[str, int]]:
    """The history's change to its cohort tallies ((organisation, payment group, cohort, month, measure) → n), as
    the change to the flow tallies: (organisation, month) → measure → n, referral cohorts only, summed over payment
    groups."""
    rows: dict[tuple[str, str], dict[str, int]] = {}
    for (organisation_id, _group, cohort, month, measure), n in cohorts.items():
        if cohort == REFERRAL and measure in FLOW_MEASURES:
            row = rows.setdefault((str(organisation_id), str(month)), {})
            row[str(measure)] = row.get(str(measure), 0) + n
    kept = {key: {measure: n for measure, n in row.items() if n} for key, row in rows.items()}
    return {key: row for key, row in kept.items() if row}


def awaiting(journey: Journey) -> list[tuple[str, str, Clock, date]]:
    """(organisation, referral month, clock, the day it started) for each clock the journey awaits: started, not
    met, and the journey still open."""
    if ended_on(journey) is not None:
        return []
    who, month = journey.organisation_id, month_of(journey.referral_date)
    found = []
    for clock in CLOCKS:
        since, done = clock_span(journey, clock)
        if since is not None and done is None:
            found.append((who, month, clock, since))
    return found


@dataclass(frozen=True, slots=True)
class AwaitingChange:
    """What a journey's change moves: the awaiting columns of the flow tallies ((organisation, month) → column →
    n) and the awaiting days ((clock, day started, month) → n)."""

    columns: dict[tuple[str, str], dict[str, int]]
    days: dict[tuple[str, date, str], int]


def awaiting_change(before: Journey | None, after: Journey) -> AwaitingChange:
    change: Counter[tuple[str, str, Clock, date]] = Counter(awaiting(after))
    change.subtract(Counter(awaiting(before) if before else []))
    columns: dict[tuple[str, str], dict[str, int]] = {}
    days: Counter[tuple[str, date, str]] = Counter()
    for (who, month, clock, since), n in change.items():
        if n:
            row = columns.setdefault((who, month), {})
            row[AWAITING[clock]] = row.get(AWAITING[clock], 0) + n
            days[clock.value, since, month] += n
    return AwaitingChange(columns=columns, days={key: n for key, n in days.items() if n})


def merged(*changes: Mapping[tuple[str, str], Mapping[str, int]]) -> dict[tuple[str, str], dict[str, int]]:
    rows: dict[tuple[str, str], dict[str, int]] = {}
    for change in changes:
        for key, columns in change.items():
            row = rows.setdefault(key, {})
            for column, n in columns.items():
                row[column] = row.get(column, 0) + n
    return rows


def delay_change(delays: Mapping[tuple[object, ...], int]) -> dict[tuple[str, int], int]:
    """The history's change to its delay tallies ((organisation, month, measure, days) → n), summed over
    organisations: (month, days) → n."""
    change: Counter[tuple[str, int]] = Counter()
    for (_organisation, month, _measure, days), n in delays.items():
        change[str(month), int(str(days))] += n
    return {key: n for key, n in change.items() if n}


# Reading


def percent(part: int, whole: int) -> float | None:
    """part/whole as a percentage to one decimal place, half up; None when whole is 0."""
    if whole <= 0:
        return None
    return (2000 * part + whole) // (2 * whole) / 10


def percentile(histogram: Mapping[int, int], p: int) -> int | None:
    """The nearest-rank p-th percentile of a histogram (days → journeys); None when it is empty."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    rank = (p * total + 99) // 100
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        if seen >= rank:
            return days
    raise AssertionError("unreachable: the rank is at most the total")


def overdue_cutoff(clock: Clock, today: date) -> date:
    """The latest day a clock may have started on and be overdue today: its deadline was before today. Deadlines
    never go back as the start moves on, so every earlier start is overdue too if still undone."""
    start = today - timedelta(days=1)
    while deadline(clock, start) >= today:
        start -= timedelta(days=1)
    return start


@dataclass(slots=True)
class Flow:
    """One line of a report: the measures' counts, the referral → first WFI histogram and the clocks overdue now."""

    counts: Counter[str] = field(default_factory=Counter)
    delays: Counter[int] = field(default_factory=Counter)
    overdue: Counter[Clock] = field(default_factory=Counter)

    def add(self, other: Flow) -> None:
        self.counts.update(other.counts)
        self.delays.update(other.delays)
        self.overdue.update(other.overdue)


@dataclass(frozen=True, slots=True)
class Stage:
    stage: str
    journeys: int
    from_previous_percent: float | None
    from_referral_percent: float | None


def stages(counts: Mapping[str, int]) -> list[Stage]:
    referred = counts.get("referred", 0)
    out, previous = [], None
    for stage in STAGES:
        n = counts.get(stage, 0)
        out.append(Stage(
            stage=stage, journeys=n,
            from_previous_percent=None if previous is None else percent(n, previous),
            from_referral_percent=percent(n, referred),
        ))
        previous = n
    return out


def summed(flows: Iterable[Flow]) -> Flow:
    total = Flow()
    for flow in flows:
        total.add(flow)
    return total
