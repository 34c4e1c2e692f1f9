"""The outcome payment share: the percentage of each outcome payment an end-to-end partner receives from the prime.
Agreed with the subcontract or later through a variation; 0-100; only an end-to-end subcontract carries it."""

from __future__ import annotations

from typing import Any

import pytest

from scx_subcontracts.rules.registry import check_terms

from .builders import (
    PARTNER,
    PRIME,
    Service,
    agree,
    assert_valid_events,
    award,
    end_to_end,
    problem,
    register_all,
    signposting,
    sla,
    specialist,
)
from .test_rules import GROUP, SERVICE, fields_of, make


@pytest.fixture
async def registry(service: Service) -> Service:
    await register_all(service.client)
    return service


@pytest.fixture
async def contract(registry: Service) -> dict[str, Any]:
    return await award(registry.client, "prime-north")


@pytest.mark.parametrize("share", [0, 1, 60, 100, None])
def test_an_end_to_end_subcontract_may_carry_a_share_of_0_to_100(share: int | None) -> None:
    terms = make(client_group=GROUP, share_of_targets_percent=25, outcome_payment_share_percent=share)
    assert check_terms("end_to_end", terms) == []


@pytest.mark.parametrize(
    ("model", "terms"),
    [
        ("specialist", make(services=[SERVICE], outcome_payment_share_percent=10)),
        ("sla", make(outcome_payment_share_percent=0)),
        ("signposting", make(outcome_payment_share_percent=50)),
    ],
)
def test_only_an_end_to_end_subcontract_carries_a_share(model: str, terms: object) -> None:
    assert fields_of(check_terms(model, terms)) == ["outcome_payment_share_percent"]  # type: ignore[arg-type]


async def test_agreed_with_a_share_it_is_shown_and_published(registry: Service, contract: dict[str, Any]) -> None:
    whole = await agree(registry.client, contract, end_to_end(contract, outcome_payment_share_percent=60))

    assert whole["outcome_payment_share_percent"] == 60
    shown = await registry.client.get(f"/subcontracts/{whole['subcontract_id']}", headers=PARTNER)
    assert shown.json()["outcome_payment_share_percent"] == 60
    [agreed] = await registry.events("subcontract.agreed")
    assert agreed["data"]["terms"]["outcome_payment_share_percent"] == 60
    assert_valid_events(await registry.events())


async def test_a_variation_sets_and_changes_the_share(registry: Service, contract: dict[str, Any]) -> None:
    whole = await agree(registry.client, contract, end_to_end(contract))
    path = f"/subcontracts/{whole['subcontract_id']}/variations"
    terms = {k: whole[k] for k in ("client_group", "share_of_targets_percent", "start_date", "end_date")}
    assert whole["outcome_payment_share_percent"] is None

    first = await registry.client.post(
        path, json={**terms, "outcome_payment_share_percent": 60, "reason": "share of outcome payments agreed"},
        headers=PRIME,
    )
    second = await registry.client.post(
        path, json={**terms, "outcome_payment_share_percent": 70, "reason": "a higher share for harder groups"},
        headers=PRIME,
    )

    assert first.status_code == 200 and second.status_code == 200, (first.text, second.text)
    assert (first.json()["variation"], first.json()["outcome_payment_share_percent"]) == (1, 60)
    assert (second.json()["variation"], second.json()["outcome_payment_share_percent"]) == (2, 70)
    varied = await registry.events("subcontract.varied")
    assert [e["data"]["terms"]["outcome_payment_share_percent"] for e in varied] == [60, 70]
    assert_valid_events(varied)


@pytest.mark.parametrize("share", [-1, 101, "60", 60.5, True])
async def test_a_share_out_of_bounds_is_refused_naming_it_and_nothing_is_written(
    registry: Service, contract: dict[str, Any], share: object
) -> None:
    whole = await agree(registry.client, contract, end_to_end(contract))
    async with registry.writes_nothing():
        agreed = await registry.client.post(
            f"/contracts/{contract['contract_id']}/subcontracts",
            json=end_to_end(contract, partner_id="partner-skills", outcome_payment_share_percent=share),
            headers=PRIME,
        )
        varied = await registry.client.post(
            f"/subcontracts/{whole['subcontract_id']}/variations",
            json={**{k: whole[k] for k in ("client_group", "share_of_targets_percent", "start_date", "end_date")},
                  "outcome_payment_share_percent": share, "reason": "out of bounds"},
            headers=PRIME,
        )
    problem(agreed, 422, field="body.outcome_payment_share_percent")
    problem(varied, 422, field="body.outcome_payment_share_percent")


@pytest.mark.parametrize("build", [specialist, sla, signposting])
async def test_a_share_on_another_model_is_refused_at_agreement_and_variation(
    registry: Service, contract: dict[str, Any], build: Any
) -> None:
    body = build(contract)
    refused = await registry.client.post(
        f"/contracts/{contract['contract_id']}/subcontracts", json={**body, "outcome_payment_share_percent": 10},
        headers=PRIME,
    )
    problem(refused, 422, field="body.outcome_payment_share_percent")
    subcontract = await agree(registry.client, contract, body)
    terms = {k: v for k, v in body.items() if k not in ("partner_id", "model")}
    async with registry.writes_nothing():
        varied = await registry.client.post(
            f"/subcontracts/{subcontract['subcontract_id']}/variations",
            json={**terms, "outcome_payment_share_percent": 10, "reason": "a share by mistake"}, headers=PRIME,
        )
    problem(varied, 422, field="body.outcome_payment_share_percent")
