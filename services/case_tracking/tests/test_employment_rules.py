"""The employment rules alone: what a week is, when it can be reported, and hours to the hundredth."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from scx_case_tracking.rules import employment as rules

MONDAY = date(2027, 3, 1)  # a Monday
SUNDAY = MONDAY + timedelta(days=6)


def test_a_week_commences_on_the_monday_of_any_of_its_days() -> None:
    assert [rules.week_commencing(MONDAY + timedelta(days=n)) for n in range(7)] == [MONDAY] * 7
    assert rules.week_commencing(MONDAY - timedelta(days=1)) == MONDAY - timedelta(days=7)
    assert rules.is_monday(MONDAY) and not rules.is_monday(MONDAY + timedelta(days=1))


def test_a_week_can_be_reported_from_the_monday_after_it() -> None:
    assert not rules.has_ended(MONDAY, SUNDAY)  # its own last day: not over yet
    assert rules.has_ended(MONDAY, SUNDAY + timedelta(days=1))
    assert rules.latest_reportable_week(SUNDAY) == MONDAY - timedelta(days=7)
    assert rules.latest_reportable_week(MONDAY + timedelta(days=7)) == MONDAY


@pytest.mark.parametrize(("hours", "hundredths"), [
    (Decimal("0"), 0), (Decimal("7.99"), 799), (Decimal("8"), 800), (Decimal("168.00"), 16800),
    (Decimal("16.5"), 1650),
])
def test_hours_are_whole_hundredths(hours: Decimal, hundredths: int) -> None:
    assert rules.to_hundredths(hours) == hundredths
    assert rules.from_hundredths(hundredths) == hours


def test_a_thousandth_of_an_hour_is_not_kept() -> None:
    with pytest.raises(ValueError):
        rules.to_hundredths(Decimal("7.999"))


def test_the_summary_counts_weeks_at_each_outcome_threshold() -> None:
    weeks = [(MONDAY + timedelta(weeks=n), h) for n, h in enumerate((799, 800, 1599, 1600, 0))]
    summary = rules.summarise(weeks)
    assert (summary.reported, summary.at_least_8_hours, summary.at_least_16_hours) == (5, 3, 1)
    assert (summary.first_week, summary.last_week) == (MONDAY, MONDAY + timedelta(weeks=4))
    assert rules.summarise([]) == rules.WeeksSummary()
