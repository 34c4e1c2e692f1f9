"""The arithmetic of performance against profiles, alone (ADR 0023): percentages, months, a cohort's closing day
and status, the level in force, the default months."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from scx_subcontracts.models.registry import Contract
from scx_subcontracts.rules.performance import (
    AskedMonths,
    LevelSetting,
    area_months,
    closes_on,
    cohort_status,
    level_in_force,
    months_asked,
    months_from,
    percent,
    shift,
)
from scx_subcontracts.rules.review import closing_months, quarter_months


def contract(start: date, end: date) -> Contract:
    return Contract(
        contract_id="contract-1", prime_id="prime-north", contract_package_area="Humber", start_date=start,
        end_date=end, value_pence=1, payment_model="pathways-30-50-20", profile_revision=1,
        awarded_at=datetime(2020, 1, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 8, "12.50"), (2, 3, "66.67"), (1, 6, "16.67"), (1, 800, "0.13"), (-1, 800, "-0.13"),
        (1, 40_000, "0.00"), (-1, 1_000_000, "0.00"), (3, 3, "100.00"), (7, 2, "350.00"), (0, 5, "0.00"),
        (5, 0, None), (0, 0, None), (2**31 - 1, 1, "214748364700.00"),
    ],
)
def test_a_percentage_is_two_places_rounded_half_up_and_none_of_nothing(
    numerator: int, denominator: int, expected: str | None
) -> None:
    assert percent(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("cohort", "closes"),
    [
        ("2024-02", date(2025, 2, 28)),  # the 29th's year ends on the 28th
        ("2023-02", date(2024, 2, 28)),
        ("2024-01", date(2025, 1, 31)),
        ("2024-12", date(2025, 12, 31)),
        ("9998-12", date(9999, 12, 31)),
        ("9999-01", None),
    ],
)
def test_a_referral_cohort_closes_a_year_after_its_months_last_day(cohort: str, closes: date | None) -> None:
    assert closes_on(cohort) == closes


def test_a_cohort_is_open_to_its_closing_day_then_below_and_met_at_the_level_exactly() -> None:
    closes = date(2025, 2, 28)
    assert cohort_status(4, 2, 5000, closes, closes) == "met"  # 2 of 4 is 50.00%: at the level
    assert cohort_status(4, 2, 5001, closes, closes) == "open"  # on its last day it can still reach 50.01%
    assert cohort_status(4, 2, 5001, closes, date(2025, 3, 1)) == "below"
    assert cohort_status(4, 0, 0, closes, closes) == "met"
    assert cohort_status(4, 4, None, closes, closes) == "no_level"
    assert cohort_status(1, 0, 1, None, date(2030, 1, 1)) == "open"  # a cohort beyond the calendar never closes


def test_the_level_in_force_is_the_latest_setting_naming_the_group_from_the_cohorts_month() -> None:
    settings = [
        LevelSetting(revision=1, applies_from="2024-01", levels={1: 3000, 6: 1500}),
        LevelSetting(revision=2, applies_from="2024-07", levels={6: 1800}),
        LevelSetting(revision=3, applies_from="2024-04", levels={6: 1600}),
    ]

    def level(group: int, month: str) -> tuple[int, int] | None:
        found = level_in_force(settings, group, month)
        return (found.revision, found.levels[group]) if found else None

    assert level(6, "2023-12") is None
    assert level(6, "2024-03") == (1, 1500)
    assert level(6, "2024-05") == (3, 1600)
    assert level(6, "2024-08") == (3, 1600)  # the later setting from an earlier month supersedes from April on
    assert level(1, "2024-08") == (1, 3000)  # a setting leaves the groups it does not name as they were
    assert level(2, "2024-08") is None


def test_months_and_quarters() -> None:
    assert shift("2024-01", -1) == "2023-12" and shift("2023-12", 13) == "2025-01"
    assert months_from("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert quarter_months("2024-Q1") == ["2024-01", "2024-02", "2024-03"]
    assert quarter_months("2024-Q4") == ["2024-10", "2024-11", "2024-12"]
    assert closing_months(quarter_months("2024-Q1")) == ["2023-01", "2023-02", "2023-03"]


def test_the_months_a_report_is_asked_for_default_to_the_contracts_so_far() -> None:
    running = contract(date(2020, 1, 15), date(2034, 12, 31))
    today = date(2026, 12, 1)

    assert months_asked(running, AskedMonths(), today) == ("2020-01", "2026-12")
    assert months_asked(running, AskedMonths(first="2021-03"), today) == ("2021-03", "2026-12")
    assert months_asked(running, AskedMonths(first="2030-03"), today) == ("2030-03", "2030-03")
    assert months_asked(running, AskedMonths(last="2034-12"), today) == ("2025-01", "2034-12")  # 120 months
    assert months_asked(contract(date(2000, 1, 1), date(2034, 12, 31)), AskedMonths(), today) == (
        "2017-01", "2026-12",
    )
    assert months_asked(contract(date(2000, 1, 1), date(2034, 12, 31)), AskedMonths(first="2001-01"), today) == (
        "2001-01", "2010-12",
    )
    assert months_asked(contract(date(2027, 3, 1), date(2029, 12, 31)), AskedMonths(), today) == (
        "2027-03", "2027-03",
    )
    assert months_asked(contract(date(2024, 4, 1), date(2024, 6, 30)), AskedMonths(), today) == (
        "2024-04", "2024-06",
    )


def test_an_areas_months_default_from_its_earliest_contract_to_this_one() -> None:
    contracts = [contract(date(2025, 6, 1), date(2029, 1, 1)), contract(date(2024, 2, 1), date(2025, 1, 1))]
    today = date(2026, 12, 1)

    assert area_months(contracts, AskedMonths(), today) == ("2024-02", "2026-12")
    assert area_months(contracts, AskedMonths(last="2024-01"), today) == ("2024-01", "2024-01")
    assert area_months(contracts, AskedMonths(first="2020-01"), today) == ("2020-01", "2026-12")
    assert area_months(contracts, AskedMonths(first="2010-01"), today) == ("2010-01", "2019-12")
    assert area_months(contracts, AskedMonths(first="2030-01"), today) == ("2030-01", "2030-01")


def test_the_end_a_report_is_not_asked_for_stays_within_years_1000_to_9999() -> None:
    today = date(2026, 12, 15)
    to_the_end = contract(date(2020, 1, 1), date(9999, 12, 31))
    from_year_one = contract(date(1, 1, 1), date(2030, 1, 1))
    assert months_asked(to_the_end, AskedMonths(first="9991-01"), today) == ("9991-01", "9991-01")
    assert months_asked(to_the_end, AskedMonths(first="9999-12"), today) == ("9999-12", "9999-12")
    assert months_asked(from_year_one, AskedMonths(last="1000-01"), today) == ("1000-01", "1000-01")
    assert months_asked(from_year_one, AskedMonths(last="1010-01"), today) == ("1000-02", "1010-01")
    assert area_months([to_the_end], AskedMonths(first="9999-12"), today) == ("9999-12", "9999-12")
    assert area_months([from_year_one], AskedMonths(last="1000-01"), today) == ("1000-01", "1000-01")
    assert area_months([from_year_one], AskedMonths(last="1009-12"), today) == ("1000-01", "1009-12")
