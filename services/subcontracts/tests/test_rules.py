"""The terms each supply-chain model must and must not hold, tested alone (no app, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from scx_contracts.subcontracts import ClientGroup, SpecialistService, SubcontractTerms
from scx_subcontracts.rules.registry import check_share_of_targets, check_terms, check_within_contract

START, END = date(2025, 4, 1), date(2027, 3, 31)
GROUP = ClientGroup(postcode_districts=["LS1"])
SERVICE = SpecialistService(service="british_sign_language", price_pence=45_000)


def make(**fields: object) -> SubcontractTerms:
    return SubcontractTerms(start_date=START, end_date=END, **fields)  # type: ignore[arg-type]


def fields_of(errors: list) -> list[str]:
    return [e.field for e in errors]


@pytest.mark.parametrize(
    ("model", "terms"),
    [
        ("end_to_end", make(client_group=GROUP, share_of_targets_percent=25, monthly_capacity=40)),
        ("end_to_end", make(client_group=ClientGroup(health_conditions=["mental_health"]), share_of_targets_percent=0)),
        ("specialist", make(services=[SERVICE])),
        ("specialist", make(services=[SERVICE], client_group=GROUP, monthly_capacity=5)),
        ("sla", make()),
        ("sla", make(client_group=GROUP, monthly_capacity=12)),
        ("signposting", make()),
    ],
)
def test_terms_that_fit_their_model(model: str, terms: SubcontractTerms) -> None:
    assert check_terms(model, terms) == []


@pytest.mark.parametrize(
    ("model", "terms", "fields"),
    [
        ("end_to_end", make(share_of_targets_percent=25), ["client_group"]),
        ("end_to_end", make(client_group=ClientGroup(), share_of_targets_percent=25), ["client_group"]),
        ("end_to_end", make(client_group=GROUP), ["share_of_targets_percent"]),
        ("end_to_end", make(client_group=GROUP, share_of_targets_percent=10, services=[SERVICE]), ["services"]),
        ("specialist", make(), ["services"]),
        ("specialist", make(services=[SERVICE], share_of_targets_percent=5), ["share_of_targets_percent"]),
        ("specialist", make(services=[SERVICE, SERVICE]), ["services"]),
        ("sla", make(services=[SERVICE]), ["services"]),
        ("sla", make(share_of_targets_percent=5), ["share_of_targets_percent"]),
        (
            "signposting",
            make(client_group=GROUP, share_of_targets_percent=5, services=[SERVICE], monthly_capacity=3),
            ["client_group", "share_of_targets_percent", "services", "monthly_capacity"],
        ),
    ],
)
def test_terms_that_do_not_fit_name_the_field(model: str, terms: SubcontractTerms, fields: list[str]) -> None:
    assert fields_of(check_terms(model, terms)) == fields


def test_subcontract_dates_must_lie_within_the_contract() -> None:
    inside = make()
    assert check_within_contract(inside, START, END) == []
    assert fields_of(check_within_contract(inside, date(2025, 4, 2), END)) == ["start_date"]
    assert fields_of(check_within_contract(inside, START, date(2027, 3, 30))) == ["end_date"]
    assert fields_of(check_within_contract(inside, date(2025, 5, 1), date(2026, 1, 1))) == ["start_date", "end_date"]


@pytest.mark.parametrize(
    ("others", "share", "fits"),
    [([], 100, True), ([60], 40, True), ([60, 40], 0, True), ([60], 41, False), ([], None, True), ([100], None, True)],
)
def test_end_to_end_partners_hold_at_most_all_of_the_targets(others: list[int], share: int | None, fits: bool) -> None:
    errors = check_share_of_targets(others, share)
    assert (errors == []) is fits
    if not fits:
        assert fields_of(errors) == ["share_of_targets_percent"]
