"""The rules of weekly returns on their own: ISO weeks at the year's edges, when a week has ended, when a return is
due (London summer and winter, the clocks' changes), late at the second and after it, and first posts against
corrections."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from scx_subcontracts.rules.returns import (
    ReturnError,
    check_version,
    check_week,
    deadline_of,
    describe_deadline,
    has_ended,
    is_late,
    iso_week_of,
    monday_of,
    overlaps,
    sunday_of,
)

SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(("week", "monday"), [
    ("2025-W01", date(2024, 12, 30)),  # week 1 of 2025 starts in December 2024
    ("2026-W01", date(2025, 12, 29)),
    ("2026-W53", date(2026, 12, 28)),  # 2026 has 53 weeks: its last ends on 3 January 2027
    ("2020-W53", date(2020, 12, 28)),
    ("2021-W01", date(2021, 1, 4)),  # 1-3 January 2021 belong to 2020-W53
    ("0001-W01", date(1, 1, 1)),
])
def test_the_monday_of_a_week(week: str, monday: date) -> None:
    assert monday_of(week) == monday
    assert iso_week_of(monday) == iso_week_of(sunday_of(monday)) == week


@pytest.mark.parametrize("week", ["2025-W53", "2021-W53", "0000-W01", "2027-W53"])
def test_weeks_that_do_not_exist(week: str) -> None:
    assert monday_of(week) is None


def test_the_days_of_a_week_at_the_turn_of_the_year_belong_to_its_iso_year() -> None:
    assert [iso_week_of(date(2024, 12, 29) + timedelta(days=n)) for n in range(3)] == [
        "2024-W52", "2025-W01", "2025-W01",
    ]
    assert iso_week_of(date(2027, 1, 3)) == "2026-W53"
    assert iso_week_of(date(2027, 1, 4)) == "2027-W01"


@pytest.mark.parametrize(("monday", "ends"), [
    (date(2026, 1, 5), datetime(2026, 1, 12, 0, 0, tzinfo=UTC)),  # GMT: London midnight is UTC midnight
    (date(2026, 7, 6), datetime(2026, 7, 12, 23, 0, tzinfo=UTC)),  # BST: London midnight is 23:00 UTC
])
def test_a_week_ends_at_midnight_in_london(monday: date, ends: datetime) -> None:
    assert not has_ended(monday, ends - SECOND)
    assert has_ended(monday, ends)


def test_a_week_far_in_the_future_has_not_ended_and_is_never_computed_past_the_calendar() -> None:
    assert not has_ended(date(9999, 12, 27), datetime(2026, 12, 1, tzinfo=UTC))
    assert check_week("9999-W52", datetime(2026, 12, 1, tzinfo=UTC), model="sla", start=date(2026, 1, 1),
                      end=date(2026, 12, 31)) == [
        ReturnError("iso_week", "week 9999-W52 has not ended yet", "week_not_ended"),
    ]


@pytest.mark.parametrize(("monday", "days", "at", "due"), [
    # Winter (GMT): 17:00 London is 17:00 UTC, on the Wednesday after the week.
    (date(2026, 1, 5), 2, "17:00", datetime(2026, 1, 14, 17, 0, tzinfo=UTC)),
    # Summer (BST): 17:00 London is 16:00 UTC.
    (date(2026, 7, 6), 2, "17:00", datetime(2026, 7, 15, 16, 0, tzinfo=UTC)),
    # 0 days: the Monday after the week; 14 days: the Monday a fortnight after that.
    (date(2026, 1, 5), 0, "09:30", datetime(2026, 1, 12, 9, 30, tzinfo=UTC)),
    (date(2026, 1, 5), 14, "23:59", datetime(2026, 1, 26, 23, 59, tzinfo=UTC)),
    (date(2026, 1, 5), 0, "00:00", datetime(2026, 1, 12, 0, 0, tzinfo=UTC)),  # the moment the week ends
    # The week before the clocks go forward (29 March 2026) is due in BST when the due day is after it.
    (date(2026, 3, 23), 1, "12:00", datetime(2026, 3, 31, 11, 0, tzinfo=UTC)),
    # A time the clocks skip is read on the offset before the change: 01:30 GMT.
    (date(2026, 3, 16), 6, "01:30", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
    # A time the clocks repeat (25 October 2026) is its first occurrence, in BST.
    (date(2026, 10, 12), 6, "01:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    # Due in the next year, for the last week of 2026.
    (date(2026, 12, 28), 2, "17:00", datetime(2027, 1, 6, 17, 0, tzinfo=UTC)),
])
def test_when_a_return_is_due(monday: date, days: int, at: str, due: datetime) -> None:
    assert deadline_of(monday, days_after_week_end=days, at_local_time=at) == due


def test_late_is_after_the_deadline_not_at_it() -> None:
    deadline = deadline_of(date(2026, 7, 6), days_after_week_end=2, at_local_time="17:00")

    assert not is_late(deadline - SECOND, deadline)
    assert not is_late(deadline, deadline)
    assert is_late(deadline + SECOND, deadline)
    assert is_late(deadline + timedelta(microseconds=1), deadline)


def test_the_deadline_in_summer_and_in_winter_at_the_second() -> None:
    summer = deadline_of(date(2026, 7, 6), days_after_week_end=2, at_local_time="17:00")
    winter = deadline_of(date(2026, 1, 5), days_after_week_end=2, at_local_time="17:00")

    assert not is_late(datetime(2026, 7, 15, 16, 0, 0, tzinfo=UTC), summer)
    assert is_late(datetime(2026, 7, 15, 16, 0, 1, tzinfo=UTC), summer)  # 17:00:01 BST
    assert not is_late(datetime(2026, 1, 14, 17, 0, 0, tzinfo=UTC), winter)
    assert is_late(datetime(2026, 1, 14, 17, 0, 1, tzinfo=UTC), winter)


@pytest.mark.parametrize(("days", "words"), [
    (0, "due at 17:00 London time on the Monday after the week"),
    (1, "due at 17:00 London time on the Tuesday 1 day after the week ends"),
    (2, "due at 17:00 London time on the Wednesday 2 days after the week ends"),
    (7, "due at 17:00 London time on the Monday 7 days after the week ends"),
    (13, "due at 17:00 London time on the Sunday 13 days after the week ends"),
])
def test_a_setting_in_words(days: int, words: str) -> None:
    assert describe_deadline(days_after_week_end=days, at_local_time="17:00") == words


def test_a_week_overlaps_live_dates_by_a_single_day_at_either_end() -> None:
    monday = date(2026, 3, 2)

    assert overlaps(monday, start=date(2026, 3, 8), end=date(2026, 12, 31))  # starts on the week's Sunday
    assert not overlaps(monday, start=date(2026, 3, 9), end=date(2026, 12, 31))
    assert overlaps(monday, start=date(2026, 1, 1), end=date(2026, 3, 2))  # ends on its Monday
    assert not overlaps(monday, start=date(2026, 1, 1), end=date(2026, 3, 1))


NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LIVE = {"start": date(2026, 1, 1), "end": date(2026, 12, 31)}


@pytest.mark.parametrize(("week", "model", "errors"), [
    ("2026-W47", "end_to_end", []),
    ("2026-W47", "specialist", []),
    ("2026-W47", "sla", []),
    ("2026-W47", "signposting", [ReturnError(
        "subcontract_id", "a signposting subcontract posts no weekly statistics: signposting is informal", "model"
    )]),
    ("2025-W53", "sla", [ReturnError("iso_week", "there is no week 2025-W53: its year has no such week", "no_week")]),
    ("2026-W49", "sla", [ReturnError(
        "iso_week", "week 2026-W49 has not ended yet (it ends at 2026-12-07 00:00 London time)", "week_not_ended"
    )]),
    ("2025-W52", "sla", [ReturnError(
        "iso_week", "week 2025-W52 is outside the subcontract's live dates 2026-01-01 to 2026-12-31", "week_not_live"
    )]),
    ("2026-W01", "sla", []),  # 29 December 2025 to 4 January 2026: live from its fourth day
])
def test_which_weeks_a_subcontract_posts(week: str, model: str, errors: list[ReturnError]) -> None:
    assert check_week(week, NOW, model=model, **LIVE) == errors


@pytest.mark.parametrize(("latest", "corrects", "reason", "codes"), [
    (None, None, None, []),
    (1, 1, "two fail-to-attends were missed", []),
    (3, 3, "a job start was counted twice", []),
    (None, 1, "a reason", [("nothing_to_correct", 409)]),
    (1, None, None, [("already_posted", 409)]),
    (2, 1, "a reason", [("not_latest_version", 409)]),
    (2, 3, "a reason", [("not_latest_version", 409)]),
    (1, 1, None, [("reason_required", 422)]),
    (None, None, "a reason", [("no_correction", 422)]),
    (1, None, "a reason", [("no_correction", 422), ("already_posted", 409)]),
])
def test_first_posts_and_corrections(
    latest: int | None, corrects: int | None, reason: str | None, codes: list[tuple[str, int]]
) -> None:
    assert [(e.code, e.status) for e in check_version(latest, corrects, reason)] == codes


def test_a_stale_correction_says_which_version_is_the_latest() -> None:
    assert check_version(2, 1, "x")[0].message == "version 1 has been corrected since: the latest is version 2"
    assert check_version(2, 5, "x")[0].message == "there is no version 5: the latest is version 2"
