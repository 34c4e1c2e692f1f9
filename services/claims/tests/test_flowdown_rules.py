"""The flow-down's arithmetic alone, with hypothesis: a share never creates or loses a penny, over one payment or a
whole run; who delivered on a day; when a line is due and overdue; timeliness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scx_claims.rules.flowdown import (
    PaidLine,
    delivering_on,
    due_on,
    line_status,
    outcome_share,
    timeliness,
)
from scx_contracts.bounds import MAX_PENCE

payments = st.integers(min_value=0, max_value=MAX_PENCE)
percents = st.integers(min_value=0, max_value=100)


@settings(max_examples=300)
@given(payments, percents)
def test_a_share_and_what_the_prime_keeps_add_up_to_the_payment_exactly(payment: int, percent: int) -> None:
    split = outcome_share(payment, percent)
    assert split.partner_pence + split.prime_pence == payment
    # floored to the penny for the partner: never more than its share, short of it by less than a penny
    assert split.partner_pence * 100 <= payment * percent < (split.partner_pence + 1) * 100
    assert 0 <= split.partner_pence <= payment


@settings(max_examples=100)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=10_000_00), percents), max_size=200))
def test_across_a_run_no_penny_is_created_or_lost(run: list[tuple[int, int]]) -> None:
    splits = [outcome_share(payment, percent) for payment, percent in run]
    partners = sum(s.partner_pence for s in splits)
    primes = sum(s.prime_pence for s in splits)
    assert partners + primes == sum(payment for payment, _ in run)
    # the partners' floors: never above their exact shares, short of them by less than a penny a payment
    exact_hundredths = sum(payment * percent for payment, percent in run)
    assert partners * 100 <= exact_hundredths < partners * 100 + 100 * len(run) or not run


@pytest.mark.parametrize(("payment", "percent"), [(-1, 50), (100, -1), (100, 101)])
def test_a_share_outside_its_bounds_is_a_bug(payment: int, percent: int) -> None:
    with pytest.raises(ValueError):
        outcome_share(payment, percent)


def test_the_edges_of_a_share() -> None:
    assert outcome_share(1, 99) == outcome_share(1, 0)  # 0.99p: the partner nothing, the prime the penny
    assert outcome_share(123_457, 100).partner_pence == 123_457
    assert outcome_share(123_457, 60).partner_pence == 74_074


@dataclass(frozen=True)
class Spell:
    who: str
    from_on: date
    until_on: date | None


D = date(2026, 3, 2)
SPELLS = [Spell("prime", D, D), Spell("whole", D, D + timedelta(days=50)), Spell("east", D + timedelta(days=50), None)]


@pytest.mark.parametrize(
    ("day", "who"),
    [(D - timedelta(days=1), None), (D, "whole"), (D + timedelta(days=49), "whole"), (D + timedelta(days=50), "east"),
     (D + timedelta(days=500), "east")],
)
def test_the_deliverer_on_a_day_is_the_new_one_on_the_day_of_a_change(day: date, who: str | None) -> None:
    found = delivering_on(SPELLS, day)
    assert (found.who if found else None) == who


def test_a_line_is_due_thirty_days_after_dwp_paid_and_overdue_from_the_day_after() -> None:
    due = due_on(D)
    assert due == D + timedelta(days=30)
    assert line_status(due=due, paid_on=None, today=due) == "owed"
    assert line_status(due=due, paid_on=None, today=due + timedelta(days=1)) == "overdue"
    assert line_status(due=due, paid_on=due + timedelta(days=9), today=due + timedelta(days=10)) == "paid"


def test_timeliness_per_prime_and_partner() -> None:
    def line(prime: str, partner: str, days_to_pay: int | None) -> PaidLine:
        return PaidLine(prime_id=prime, partner_id=partner, dwp_paid_on=D, due_on=due_on(D),
                        paid_on=D + timedelta(days=days_to_pay) if days_to_pay is not None else None)

    rows = timeliness([
        line("p1", "a", 10), line("p1", "a", 31), line("p1", "a", 14), line("p1", "a", None),
        line("p1", "b", None), line("p2", "a", 0),
    ], today=D + timedelta(days=31))

    assert [(r.prime_id, r.partner_id, r.lines_paid, r.mean_days_to_pay, r.longest_days_to_pay, r.paid_late,
             r.unpaid, r.overdue) for r in rows] == [
        ("p1", "a", 3, 18.3, 31, 1, 1, 1),  # 55 / 3 = 18.33
        ("p1", "b", 0, None, None, 0, 1, 1),
        ("p2", "a", 1, 0.0, 0, 0, 0, 0),
    ]


@settings(max_examples=100)
@given(st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=50))
def test_the_mean_is_rounded_half_up_to_a_tenth_of_a_day(days: list[int]) -> None:
    lines = [PaidLine(prime_id="p", partner_id="a", dwp_paid_on=D, due_on=due_on(D), paid_on=D + timedelta(days=n))
             for n in days]
    [row] = timeliness(lines, today=D)
    tenths = round(row.mean_days_to_pay * 10)  # type: ignore[operator]
    exact = sum(days) * 10 / len(days)
    assert exact - 0.5 <= tenths < exact + 0.5 + 1e-9
