"""The clocks' working days: weekends and the bank holidays of England and Wales (from the `holidays` library)
do not count; each clock is met, breached or due at its boundary."""

from __future__ import annotations

from datetime import date

import pytest

from scx_contracts.clocks import (
    Clock,
    ClockState,
    add_working_days,
    deadline,
    is_working_day,
    state,
    working_days_between,
)


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 12, 24), True),  # Thursday
    (date(2026, 12, 25), False),  # Christmas Day
    (date(2026, 12, 26), False),  # Saturday (Boxing Day)
    (date(2026, 12, 28), False),  # Boxing Day, observed on the Monday
    (date(2026, 12, 29), True),
    (date(2027, 3, 26), False),  # Good Friday
    (date(2027, 3, 29), False),  # Easter Monday
    (date(2026, 8, 31), False),  # Late Summer bank holiday (England and Wales, not Scotland)
    (date(2026, 8, 3), True),  # Scotland's Summer bank holiday is not England's
    (date(2026, 12, 5), False),  # a Saturday
])
def test_working_days_are_weekdays_less_bank_holidays(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_adding_working_days_steps_over_weekends_and_christmas() -> None:
    assert add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 29)  # Thu 24, (25-28 off), Tue 29
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Friday + 1 = Monday
    assert add_working_days(date(2026, 12, 5), 1) == date(2026, 12, 7)  # from a Saturday
    assert add_working_days(date(2026, 12, 1), 0) == date(2026, 12, 1)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 12, 1), -1)


def test_working_days_between_is_the_inverse_of_adding_them() -> None:
    start = date(2026, 12, 18)
    for days in range(0, 30):
        assert working_days_between(start, add_working_days(start, days)) == days
    assert working_days_between(date(2026, 12, 2), date(2026, 12, 1)) == 0


def test_the_three_clocks() -> None:
    referral = date(2026, 11, 30)  # a Monday
    assert deadline(Clock.ACKNOWLEDGEMENT, referral) == date(2026, 12, 2)
    assert deadline(Clock.FIRST_MEETING, referral) == date(2026, 12, 21)
    assert deadline(Clock.ASSESSMENT, referral) == date(2026, 12, 30)  # over Christmas and Boxing Day


def test_a_clock_is_met_breached_or_due_at_its_boundary() -> None:
    by = date(2026, 12, 21)
    assert state(by, date(2026, 12, 21), today=date(2027, 1, 5)) is ClockState.MET
    assert state(by, date(2026, 12, 22), today=date(2027, 1, 5)) is ClockState.BREACHED
    assert state(by, None, today=date(2026, 12, 21)) is ClockState.DUE
    assert state(by, None, today=date(2026, 12, 22)) is ClockState.BREACHED
