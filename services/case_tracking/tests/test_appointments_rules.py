"""The appointments rules alone: WFI numbering, what is owed, an appointment's day, and the delay figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from scx_case_tracking.rules import appointments as rules


def test_the_next_wfi_number_follows_the_highest() -> None:
    assert rules.next_wfi_number([]) == 1
    assert rules.next_wfi_number([None]) == 1
    assert rules.next_wfi_number([1, None, 3, 2]) == 4


def test_five_wfis_are_owed_to_a_mandatory_claimant_only() -> None:
    assert rules.wfis_owed(True) == 5 and rules.wfis_owed(False) == 0
    assert rules.default_mandatory("wfi", True) is True
    assert rules.default_mandatory("wfi", False) is False
    assert rules.default_mandatory("cmp_session", True) is False


def test_an_appointments_day_is_its_utc_date() -> None:
    assert rules.day_of(datetime(2027, 1, 4, 0, 30, tzinfo=timezone(timedelta(hours=1)))) == date(2027, 1, 3)
    assert rules.day_of(datetime(2027, 1, 4, 23, 59, tzinfo=UTC)) == date(2027, 1, 4)


def test_delays_in_days_and_their_median_and_p90() -> None:
    assert rules.days_between(date(2027, 1, 1), date(2027, 1, 1)) == 0
    assert rules.days_between(date(2027, 1, 1), date(2027, 2, 1)) == 31
    assert rules.DelayFigures.of([]) == rules.DelayFigures(0, None, None)
    assert rules.DelayFigures.of([4]) == rules.DelayFigures(1, 4.0, 4)
    assert rules.DelayFigures.of([1, 2, 3, 10]) == rules.DelayFigures(4, 2.5, 10)
    # nearest rank: the 90th percentile of 1..10 is the 9th value; of 1..11, the 10th
    assert rules.nearest_rank(list(range(1, 11)), 90) == 9
    assert rules.nearest_rank(list(range(1, 12)), 90) == 10
    assert rules.median([5, 1, 3]) == 3.0
