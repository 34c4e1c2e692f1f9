"""Supply-chain health's rules at their edges: a month short by exactly the threshold and by a hair more, runs of
two and three short months, months that are not judged, and the promised share as variations change it."""

from __future__ import annotations

from datetime import date

import pytest

from scx_subcontracts.rules import health as rules
from scx_subcontracts.rules.flows import MonthRange
from scx_subcontracts.rules.health import InForce, Terms


@pytest.mark.parametrize(("received", "allocated", "promised", "short"), [
    (1, 4, 25, False),  # 25.0%: as promised
    (1, 5, 25, False),  # 20.0%: exactly 5 points short is not more than 5
    (4, 21, 25, True),  # 19.05%: 5.95 points short
    (199, 1000, 25, True),  # 19.9%: 5.1 points short
    (200, 1000, 25, False),
    (0, 4, 5, False),  # 0% of a 5% promise: 5 points, not more
    (0, 4, 6, True),
    (0, 0, 25, False),  # nothing allocated at all: not judged
    (0, 4, None, False),  # no promise that month: not judged
    (9, 10, 100, True),  # 90% of a promise of everything
])
def test_a_month_is_short_when_more_than_five_points_below_the_promise(
    received: int, allocated: int, promised: int | None, short: bool,
) -> None:
    assert rules.is_short(received, allocated, promised) is short


RANGE = MonthRange("2027-01", "2027-06")


@pytest.mark.parametrize(("short_months", "starved"), [
    ([], []),
    (["2027-02", "2027-03"], []),  # two in a row
    (["2027-02", "2027-03", "2027-04"], ["2027-04"]),
    (["2027-01", "2027-02", "2027-03", "2027-04", "2027-05"], ["2027-03", "2027-04", "2027-05"]),
    (["2027-01", "2027-02", "2027-04", "2027-05"], []),  # a month not short breaks the run
    (["2027-04", "2027-05", "2027-06"], ["2027-06"]),
])
def test_starved_after_three_short_months_in_a_row(short_months: list[str], starved: list[str]) -> None:
    flags = rules.starved_months({m: True for m in short_months}, RANGE)
    assert [m for m, flag in flags.items() if flag] == starved
    assert list(flags) == RANGE.months


varied = rules.history_of_terms(
    [(2, date(2027, 3, 20), 10), (0, date(2027, 2, 5), 25), (1, date(2027, 3, 20), 15)], start_date=date(2027, 1, 1),
)
LIVE = InForce(date(2027, 1, 1), date(2029, 12, 31), None)


def test_the_terms_agreed_apply_from_the_start_and_each_variation_from_the_day_agreed() -> None:
    assert varied == [
        Terms(0, date(2027, 1, 1), 25),  # recorded on 5 February, in force from the start date
        Terms(1, date(2027, 3, 20), 15),
        Terms(2, date(2027, 3, 20), 10),
    ]
    assert rules.promised_share(varied, LIVE, date(2027, 1, 1)) == 25
    assert rules.promised_share(varied, LIVE, date(2027, 3, 19)) == 25
    assert rules.promised_share(varied, LIVE, date(2027, 3, 20)) == 10  # two on one day: the later variation


def test_a_month_is_judged_by_the_promise_at_its_end_or_today() -> None:
    today = date(2027, 3, 25)
    assert rules.judged_on("2027-02", today) == date(2027, 2, 28)
    assert rules.judged_on("2027-03", today) == today
    assert rules.promised_share(varied, LIVE, rules.judged_on("2027-02", today)) == 25
    assert rules.promised_share(varied, LIVE, rules.judged_on("2027-03", today)) == 10  # varied during the month


def test_no_promise_outside_the_subcontract() -> None:
    ended = InForce(date(2027, 1, 1), date(2029, 12, 31), date(2027, 4, 10))
    assert rules.promised_share(varied, ended, date(2027, 4, 10)) == 10
    assert rules.promised_share(varied, ended, date(2027, 4, 30)) is None
    assert rules.promised_share(varied, LIVE, date(2026, 12, 31)) is None  # before its start
    expired = InForce(date(2027, 1, 1), date(2027, 6, 30), None)
    assert rules.promised_share(varied, expired, date(2027, 7, 31)) is None


def test_without_the_agreed_terms_the_earliest_variation_stands_in_from_the_start() -> None:
    terms = rules.history_of_terms([(1, date(2027, 3, 20), 15)], start_date=date(2027, 1, 1))
    assert rules.promised_share(terms, LIVE, date(2027, 2, 1)) == 15


def test_a_month_of_shares() -> None:
    month = rules.share_month(
        "2027-02", promised=25, referrals=1, contract_referrals=6, job_outcomes=2, contract_job_outcomes=3,
    )
    assert (month.referral_share_percent, month.referral_shortfall_points, month.short) == (16.7, 8.3, True)
    assert (month.job_outcome_share_percent, month.job_outcome_shortfall_points) == (66.7, -41.7)
    empty = rules.share_month(
        "2027-02", promised=25, referrals=0, contract_referrals=0, job_outcomes=0, contract_job_outcomes=0,
    )
    assert (empty.referral_share_percent, empty.referral_shortfall_points, empty.short) == (None, None, False)


def test_paid_on_the_due_date_is_on_time() -> None:
    assert not rules.paid_late(date(2027, 3, 1), date(2027, 3, 1))
    assert rules.paid_late(date(2027, 3, 2), date(2027, 3, 1))
