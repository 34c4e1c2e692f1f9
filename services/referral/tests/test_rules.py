"""Payment groups and the allocation policy, tested alone (no app, no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from scx_referral.rules import PAYMENT_GROUPS, ClaimantView, SubcontractView, check_allocation, payment_group_fits

ON = date(2026, 5, 13)
E2E = SubcontractView(
    subcontract_id="s-1", partner_id="partner-1", model="end_to_end", start_date=date(2025, 4, 1),
    end_date=date(2027, 3, 31), ended_on=None, postcode_districts=["LS1", "LS2"], monthly_capacity=2,
)
SPECIALIST = replace(E2E, model="specialist", postcode_districts=[], services=["british_sign_language"])
CLAIMANT = ClaimantView(postcode_district="LS1", needs=["mental_health"])


@pytest.mark.parametrize(
    ("group", "benefit", "fits"),
    [(1, "JSA", True), (1, "ESA", False), (5, "ESA", True), (6, "ESA", True), (6, "JSA", False), (7, "ESA", True),
     (8, "IB", True), (8, "IS", True), (8, "ESA", False), (9, "JSA", True), (9, "IB", False)],
)
def test_payment_groups_hold_their_benefits(group: int, benefit: str, fits: bool) -> None:
    assert payment_group_fits(group, benefit) is fits


def test_there_are_nine_payment_groups() -> None:
    assert sorted(PAYMENT_GROUPS) == list(range(1, 10))


def slug_of(subcontract: SubcontractView, claimant: ClaimantView = CLAIMANT, *, on: date = ON,
            service: str | None = None, taken: int = 0) -> str | None:
    refusal = check_allocation(subcontract, claimant, on=on, service=service, allocated_this_month=taken)
    return None if refusal is None else refusal.slug


def test_a_live_subcontract_whose_client_group_fits_takes_the_referral() -> None:
    assert slug_of(E2E) is None
    assert slug_of(replace(E2E, model="sla", monthly_capacity=None)) is None
    assert slug_of(replace(E2E, model="signposting", postcode_districts=[], monthly_capacity=None)) is None


def test_an_ended_subcontract_takes_nothing_from_its_end_date() -> None:
    ended = replace(E2E, ended_on=ON)
    assert slug_of(ended) == "subcontract-ended"
    assert slug_of(ended, on=date(2026, 5, 12)) is None


def test_a_subcontract_takes_nothing_outside_its_dates() -> None:
    assert slug_of(E2E, on=date(2025, 3, 31)) == "subcontract-not-live"
    assert slug_of(E2E, on=date(2027, 4, 1)) == "subcontract-not-live"


def test_the_client_group_asks_for_both_district_and_condition() -> None:
    by_condition = replace(E2E, postcode_districts=[], health_conditions=["musculoskeletal"])
    both = replace(E2E, health_conditions=["mental_health"])
    assert slug_of(E2E, ClaimantView("LS9", ["mental_health"])) == "outside-client-group"
    assert slug_of(by_condition) == "outside-client-group"
    assert slug_of(by_condition, ClaimantView("LS9", ["musculoskeletal", "mental_health"])) is None
    assert slug_of(both, ClaimantView("LS2", ["mental_health"])) is None
    assert slug_of(both, ClaimantView("LS2", [])) == "outside-client-group"


def test_specialist_provision_is_allocated_per_listed_service() -> None:
    assert slug_of(SPECIALIST) == "service-required"
    assert slug_of(SPECIALIST, service="vocational_training") == "service-not-offered"
    assert slug_of(SPECIALIST, service="british_sign_language") is None
    assert slug_of(E2E, service="british_sign_language") == "service-not-applicable"


def test_a_partner_at_its_monthly_capacity_takes_no_more() -> None:
    assert slug_of(E2E, taken=1) is None
    assert slug_of(E2E, taken=2) == "partner-at-capacity"
    assert slug_of(replace(E2E, monthly_capacity=None), taken=10_000) is None


def test_refusals_name_the_field_at_fault() -> None:
    refusal = check_allocation(SPECIALIST, CLAIMANT, on=ON, service=None, allocated_this_month=0)
    assert refusal is not None and refusal.field == "service"
    refusal = check_allocation(E2E, ClaimantView("LS9", []), on=ON, service=None, allocated_this_month=0)
    assert refusal is not None and refusal.field == "partner_id"
