"""Referral flows' arithmetic at its edges: percentiles of one, two and ten journeys, conversions rounded half up,
ranges of months, the day before which an open clock is overdue, and the roll-up of the history's tallies."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from scx_contracts.clocks import Clock, deadline, is_working_day
from scx_subcontracts.rules import flows as rules
from scx_subcontracts.rules.flows import MonthRange


@pytest.mark.parametrize(("days", "p50", "p90"), [
    ([], None, None),
    ([12], 12, 12),
    ([3, 9], 3, 9),
    ([9, 3], 3, 9),
    (list(range(1, 11)), 5, 9),
    ([4] * 9 + [40], 4, 4),  # the 9th of ten is still 4: one long wait does not move p90
    ([4] * 8 + [40, 41], 4, 40),
])
def test_percentiles_are_nearest_rank(days: list[int], p50: int | None, p90: int | None) -> None:
    histogram = Counter(days)
    assert (rules.percentile(histogram, 50), rules.percentile(histogram, 90)) == (p50, p90)


def test_a_histogram_with_rows_of_nothing_reads_as_its_journeys() -> None:
    assert rules.percentile({2: 0, 5: 1, 7: 0}, 50) == 5
    assert rules.percentile({2: 0}, 90) is None


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (1, 3, 33.3), (2, 3, 66.7), (1, 8, 12.5), (1, 16, 6.3), (3, 3, 100.0), (0, 5, 0.0), (4, 2, 200.0), (1, 0, None),
])
def test_percentages_have_one_decimal_place_rounded_half_up(part: int, whole: int, expected: float | None) -> None:
    assert rules.percent(part, whole) == expected


def test_stages_convert_from_the_one_before_and_from_referral() -> None:
    stages = rules.stages({"referred": 8, "started": 6, "first_wfi": 3, "job_start": 0, "job_outcome": 0})
    assert [(s.stage, s.journeys, s.from_previous_percent, s.from_referral_percent) for s in stages] == [
        ("referred", 8, None, 100.0),
        ("started", 6, 75.0, 75.0),
        ("first_wfi", 3, 50.0, 37.5),
        ("job_start", 0, 0.0, 0.0),
        ("job_outcome", 0, None, 0.0),  # nothing before it to convert from
    ]


def test_a_range_of_months_reads_its_days_and_its_months() -> None:
    months = MonthRange("2027-11", "2028-02")
    assert months.months == ["2027-11", "2027-12", "2028-01", "2028-02"]
    assert (months.first_day, months.last_day) == (date(2027, 11, 1), date(2028, 2, 29))
    assert months.from_earlier(2) == MonthRange("2027-09", "2028-02")
    assert MonthRange("9999-12", "9999-12").last_day == date(9999, 12, 31)


@pytest.mark.parametrize(("first", "last", "error"), [
    ("2026-01", "2026-01", None),
    ("2026-01", "2030-12", None),  # 60 months
    ("2026-01", "2031-01", ("to_month", "a report covers at most 60 months")),
    ("2026-02", "2026-01", ("to_month", "to_month must not be before from_month")),
    ("0999-12", "1000-01", ("from_month", "from_month must be 1000-01 or later")),
    ("1000-01", "1000-01", None),
])
def test_a_report_covers_one_to_sixty_months(first: str, last: str, error: tuple[str, str] | None) -> None:
    assert rules.range_error(first, last) == error


def working_day_before(day: date) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


@pytest.mark.parametrize("clock", list(Clock))
@pytest.mark.parametrize("today", [date(2026, 12, 29), date(2027, 3, 15), date(2027, 6, 6)])
def test_a_clock_is_overdue_from_the_day_after_its_deadline(clock: Clock, today: date) -> None:
    cutoff = rules.overdue_cutoff(clock, today)
    assert deadline(clock, cutoff) < today  # overdue
    assert deadline(clock, cutoff + timedelta(days=1)) >= today  # a day later it is still due today (or later)


def test_a_deadline_of_today_is_not_yet_overdue() -> None:
    today = date(2027, 3, 17)  # a Wednesday: two working days after Monday the 15th
    assert deadline(Clock.ACKNOWLEDGEMENT, date(2027, 3, 15)) == today
    assert rules.overdue_cutoff(Clock.ACKNOWLEDGEMENT, today) == date(2027, 3, 14)


def test_the_roll_up_sums_payment_groups_keeps_referral_cohorts_and_flow_measures() -> None:
    change = rules.flow_change({
        ("partner-whole", 1, "referral", "2027-01", "referred"): 1,
        ("partner-whole", 6, "referral", "2027-01", "referred"): 2,
        ("partner-whole", 6, "referral", "2027-01", "job_outcome_within_12_months"): 1,  # not a flow's measure
        ("partner-whole", 6, "start", "2027-02", "started"): 1,  # a start cohort
        ("prime-north", 6, "referral", "2027-01", "started"): -1,
        ("prime-north", 6, "referral", "2027-01", "first_wfi"): 1,
        ("prime-north", 1, "referral", "2027-01", "first_wfi"): -1,  # sums to nothing with the line above
    })
    assert change == {
        ("partner-whole", "2027-01"): {"referred": 3},
        ("prime-north", "2027-01"): {"started": -1},
    }
    assert rules.delay_change({
        ("partner-whole", "2027-01", "referral_to_first_wfi", 4): 1,
        ("prime-north", "2027-01", "referral_to_first_wfi", 4): -1,
        ("prime-north", "2027-01", "referral_to_first_wfi", 6): 1,
    }) == {("2027-01", 6): 1}
