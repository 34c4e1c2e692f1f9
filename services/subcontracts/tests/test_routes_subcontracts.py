"""Subcontracts: a prime agrees them under the four models, varies and ends them; each party sees its own."""

from __future__ import annotations

from typing import Any

import pytest

from .builders import (
    AUDITOR,
    DWP,
    JCP,
    OTHER_PARTNER,
    OTHER_PRIME,
    PARTNER,
    PRIME,
    PRIME_ADVISER,
    Service,
    agree,
    assert_valid_events,
    award,
    collect,
    end_to_end,
    problem,
    register_all,
    signposting,
    sla,
    specialist,
)

TERMS = (
    "client_group", "share_of_targets_percent", "outcome_payment_share_percent", "services", "monthly_capacity",
    "start_date", "end_date",
)


@pytest.fixture
async def registry(service: Service) -> Service:
    await register_all(service.client)
    return service


@pytest.fixture
async def contract(registry: Service) -> dict[str, Any]:
    return await award(registry.client, "prime-north")


def terms_of(subcontract: dict[str, Any]) -> dict[str, Any]:
    return {key: subcontract[key] for key in TERMS}


async def test_a_prime_agrees_a_subcontract_under_each_of_the_four_models(
    registry: Service, contract: dict[str, Any]
) -> None:
    bodies = [end_to_end(contract), specialist(contract), sla(contract), signposting(contract)]

    agreed = [await agree(registry.client, contract, body) for body in bodies]

    expected_terms = {
        "end_to_end": {"client_group": {"postcode_districts": ["LS1", "LS2"], "health_conditions": []},
                       "share_of_targets_percent": 25, "services": [], "monthly_capacity": 40},
        "specialist": {"client_group": {"postcode_districts": [], "health_conditions": ["hearing_impairment"]},
                       "share_of_targets_percent": None,
                       "services": [{"service": "british_sign_language", "price_pence": 45_000}],
                       "monthly_capacity": 10},
        "sla": {"client_group": {"postcode_districts": ["LS9"], "health_conditions": []},
                "share_of_targets_percent": None, "services": [], "monthly_capacity": None},
        "signposting": {"client_group": None, "share_of_targets_percent": None, "services": [],
                        "monthly_capacity": None},
    }
    events = await registry.events("subcontract.agreed")
    assert [e["data"]["model"] for e in events] == ["end_to_end", "specialist", "sla", "signposting"]
    for body, subcontract, event in zip(bodies, agreed, events, strict=True):
        model = body["model"]
        assert subcontract["model"] == model and subcontract["partner_id"] == body["partner_id"]
        assert subcontract["contract_id"] == contract["contract_id"] and subcontract["prime_id"] == "prime-north"
        assert (subcontract["status"], subcontract["variation"], subcontract["ended_on"]) == ("live", 0, None)
        assert terms_of(subcontract) == {
            **expected_terms[model], "outcome_payment_share_percent": None,
            "start_date": contract["start_date"], "end_date": contract["end_date"],
        }
        assert event["data"] == {
            "subcontract_id": subcontract["subcontract_id"], "contract_id": contract["contract_id"],
            "prime_id": "prime-north", "partner_id": body["partner_id"], "model": model,
            "terms": terms_of(subcontract),
        }
        got = await registry.client.get(f"/subcontracts/{subcontract['subcontract_id']}", headers=AUDITOR)
        assert got.json() == subcontract
    assert_valid_events(await registry.events())


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda c: end_to_end(c, client_group=None), "body.client_group"),
        (lambda c: end_to_end(c, client_group={"postcode_districts": [], "health_conditions": []}),
         "body.client_group"),
        (lambda c: end_to_end(c, share_of_targets_percent=None), "body.share_of_targets_percent"),
        (lambda c: end_to_end(c, services=[{"service": "cv_writing", "price_pence": 100}]), "body.services"),
        (lambda c: specialist(c, services=[]), "body.services"),
        (lambda c: specialist(c, share_of_targets_percent=10), "body.share_of_targets_percent"),
        (lambda c: specialist(c, services=[{"service": "bsl", "price_pence": 1}] * 2), "body.services"),
        (lambda c: sla(c, services=[{"service": "cv_writing", "price_pence": 100}]), "body.services"),
        (lambda c: sla(c, share_of_targets_percent=5), "body.share_of_targets_percent"),
        (lambda c: signposting(c, client_group={"postcode_districts": ["LS1"]}), "body.client_group"),
        (lambda c: signposting(c, monthly_capacity=5), "body.monthly_capacity"),
        (lambda c: end_to_end(c, start_date="2000-01-01"), "body.start_date"),
        (lambda c: end_to_end(c, end_date="2099-12-31"), "body.end_date"),
        (lambda c: end_to_end(c, end_date=c["start_date"]), "body.end_date"),
        (lambda c: end_to_end(c, partner_id="partner-unknown"), "body.partner_id"),
        (lambda c: end_to_end(c, partner_id="prime-south"), "body.partner_id"),
        (lambda c: end_to_end(c, model="franchise"), "body.model"),
        (lambda c: end_to_end(c, share_of_targets_percent=101), "body.share_of_targets_percent"),
        (lambda c: end_to_end(c, client_group={"postcode_districts": ["ls1"]}),
         "body.client_group.postcode_districts.0"),
        (lambda c: end_to_end(c, client_group={"health_conditions": ["feeling_low"]}),
         "body.client_group.health_conditions.0"),
    ],
    ids=[
        "e2e-without-client-group", "e2e-with-empty-client-group", "e2e-without-share", "e2e-priced-per-service",
        "specialist-without-services", "specialist-with-targets", "specialist-service-twice", "sla-paid",
        "sla-with-targets", "signposting-with-client-group", "signposting-with-capacity", "starts-before-contract",
        "ends-after-contract", "ends-before-it-starts", "unknown-partner", "a-prime-as-partner", "unknown-model",
        "share-over-100", "lower-case-district", "free-text-condition",
    ],
)
async def test_terms_that_do_not_fit_are_refused_naming_the_field(
    registry: Service, contract: dict[str, Any], build: Any, field: str
) -> None:
    async with registry.writes_nothing():
        response = await registry.client.post(
            f"/contracts/{contract['contract_id']}/subcontracts", json=build(contract), headers=PRIME
        )
    problem(response, 422, field=field)


async def test_end_to_end_partners_together_hold_at_most_all_of_the_targets(
    registry: Service, contract: dict[str, Any]
) -> None:
    sixty = await agree(registry.client, contract, end_to_end(contract, "partner-whole", share_of_targets_percent=60))
    await agree(registry.client, contract, end_to_end(contract, "partner-skills", share_of_targets_percent=40))
    path = f"/contracts/{contract['contract_id']}/subcontracts"

    async with registry.writes_nothing():
        over = await registry.client.post(
            path, json=end_to_end(contract, "partner-council", share_of_targets_percent=1), headers=PRIME
        )
        varied_over = await registry.client.post(
            f"/subcontracts/{sixty['subcontract_id']}/variations",
            json={**terms_of(sixty), "share_of_targets_percent": 61, "reason": "more targets"},
            headers=PRIME,
        )

    assert "101%" in problem(over, 422, field="body.share_of_targets_percent")["detail"]
    problem(varied_over, 422, field="body.share_of_targets_percent")
    # Other models carry no targets, so they never count against the 100%.
    await agree(registry.client, contract, sla(contract))
    # Ending a partner's subcontract hands its share back.
    ended = await registry.client.post(
        f"/subcontracts/{sixty['subcontract_id']}/termination",
        json={"ended_on": contract["start_date"], "reason": "prime_took_in_house"},
        headers=PRIME,
    )
    assert ended.status_code == 200, ended.text
    await agree(registry.client, contract, end_to_end(contract, "partner-council", share_of_targets_percent=60))


async def test_only_the_primes_manager_agrees_and_only_on_its_own_contract(
    registry: Service, contract: dict[str, Any]
) -> None:
    path = f"/contracts/{contract['contract_id']}/subcontracts"
    async with registry.writes_nothing():
        other_prime = await registry.client.post(path, json=end_to_end(contract), headers=OTHER_PRIME)
        adviser = await registry.client.post(path, json=end_to_end(contract), headers=PRIME_ADVISER)
        dwp = await registry.client.post(path, json=end_to_end(contract), headers=DWP)
        partner = await registry.client.post(path, json=end_to_end(contract), headers=PARTNER)
        unknown = await registry.client.post("/contracts/no-such-contract/subcontracts", json=end_to_end(contract),
                                             headers=PRIME)

    assert problem(other_prime, 404)["detail"] == problem(unknown, 404)["detail"].replace(
        "no-such-contract", contract["contract_id"]
    )
    for response in (adviser, dwp, partner):
        problem(response, 403)


async def test_each_party_sees_only_the_subcontracts_it_is_party_to(
    registry: Service, contract: dict[str, Any]
) -> None:
    south = await award(registry.client, "prime-south")
    whole = await agree(registry.client, contract, end_to_end(contract, "partner-whole"))
    skills = await agree(registry.client, contract, specialist(contract, "partner-skills"))
    south_whole = await agree(registry.client, south, sla(south, "partner-whole"), headers=OTHER_PRIME)

    def ids(items: list[dict[str, Any]]) -> set[str]:
        return {s["subcontract_id"] for s in items}

    everything = {whole["subcontract_id"], skills["subcontract_id"], south_whole["subcontract_id"]}
    assert ids(await collect(registry.client, "/subcontracts", DWP)) == everything
    assert ids(await collect(registry.client, "/subcontracts", AUDITOR)) == everything
    assert ids(await collect(registry.client, "/subcontracts", PRIME)) == {whole["subcontract_id"],
                                                                           skills["subcontract_id"]}
    assert ids(await collect(registry.client, "/subcontracts", OTHER_PRIME)) == {south_whole["subcontract_id"]}
    assert ids(await collect(registry.client, "/subcontracts", PARTNER)) == {whole["subcontract_id"],
                                                                             south_whole["subcontract_id"]}
    assert ids(await collect(registry.client, "/subcontracts", OTHER_PARTNER)) == {skills["subcontract_id"]}
    # A filter narrows what the caller may see; it never widens it.
    assert ids(await collect(registry.client, "/subcontracts", PARTNER, partner_id="partner-skills")) == set()
    assert ids(await collect(registry.client, "/subcontracts", PRIME, model="specialist")) == {
        skills["subcontract_id"]
    }
    assert ids(await collect(registry.client, "/subcontracts", DWP, contract_id=south["contract_id"])) == {
        south_whole["subcontract_id"]
    }

    for headers in (OTHER_PARTNER, OTHER_PRIME, JCP):
        problem(await registry.client.get(f"/subcontracts/{whole['subcontract_id']}", headers=headers), 404)
    assert (await registry.client.get(f"/subcontracts/{whole['subcontract_id']}", headers=PARTNER)).json() == whole


async def test_jobcentre_plus_does_not_see_supply_chains(registry: Service, contract: dict[str, Any]) -> None:
    await agree(registry.client, contract, end_to_end(contract))

    problem(await registry.client.get("/subcontracts", headers=JCP), 403)


async def test_a_variation_replaces_the_terms_and_counts_up(registry: Service, contract: dict[str, Any]) -> None:
    subcontract = await agree(registry.client, contract, end_to_end(contract))
    path = f"/subcontracts/{subcontract['subcontract_id']}/variations"
    raised = {**terms_of(subcontract), "monthly_capacity": 60, "reason": "capacity raised after the first quarter"}

    first = await registry.client.post(path, json=raised, headers=PRIME)
    second = await registry.client.post(
        path,
        json={**raised, "client_group": {"postcode_districts": ["LS1", "LS2", "LS3"]}, "reason": "area widened"},
        headers=PRIME,
    )

    assert first.status_code == 200, first.text
    assert (first.json()["variation"], first.json()["monthly_capacity"]) == (1, 60)
    assert second.json()["variation"] == 2
    assert second.json()["client_group"] == {"postcode_districts": ["LS1", "LS2", "LS3"], "health_conditions": []}
    assert (await registry.client.get(f"/subcontracts/{subcontract['subcontract_id']}", headers=PARTNER)).json() == (
        second.json()
    )
    events = await registry.events("subcontract.varied")
    assert [(e["data"]["variation"], e["data"]["reason"]) for e in events] == [
        (1, "capacity raised after the first quarter"), (2, "area widened")
    ]
    assert events[1]["data"]["terms"] == terms_of(second.json())
    assert {e["data"]["partner_id"] for e in events} == {"partner-whole"}

    async with registry.writes_nothing():
        not_yours = await registry.client.post(path, json=raised, headers=OTHER_PRIME)
        partner = await registry.client.post(path, json=raised, headers=PARTNER)
        no_reason = await registry.client.post(path, json={**raised, "reason": " "}, headers=PRIME)
        unfit = await registry.client.post(path, json={**raised, "share_of_targets_percent": None}, headers=PRIME)
    problem(not_yours, 404)
    problem(partner, 403)
    problem(no_reason, 422, field="body.reason")
    problem(unfit, 422, field="body.share_of_targets_percent")
    assert_valid_events(await registry.events())


async def test_an_ended_subcontract_cannot_be_varied_or_ended_again(
    registry: Service, contract: dict[str, Any]
) -> None:
    subcontract = await agree(registry.client, contract, end_to_end(contract))
    sid = subcontract["subcontract_id"]
    ending = {"ended_on": contract["start_date"], "reason": "partner_withdrew", "note": "lost its premises"}

    async with registry.writes_nothing():
        too_early = await registry.client.post(
            f"/subcontracts/{sid}/termination", json={**ending, "ended_on": "2000-01-01"}, headers=PRIME
        )
        bad_reason = await registry.client.post(
            f"/subcontracts/{sid}/termination", json={**ending, "reason": "bored"}, headers=PRIME
        )
        after_expiry = await registry.client.post(
            f"/subcontracts/{sid}/termination", json={**ending, "ended_on": "2999-01-01"}, headers=PRIME
        )
    problem(after_expiry, 422, field="body.ended_on")
    problem(too_early, 422, field="body.ended_on")
    problem(bad_reason, 422, field="body.reason")

    ended = await registry.client.post(f"/subcontracts/{sid}/termination", json=ending, headers=PRIME)

    assert ended.status_code == 200, ended.text
    assert (ended.json()["status"], ended.json()["ended_on"], ended.json()["end_reason"]) == (
        "ended", contract["start_date"], "partner_withdrew"
    )
    [event] = await registry.events("subcontract.ended")
    assert event["data"] == {
        "subcontract_id": sid, "contract_id": contract["contract_id"], "prime_id": "prime-north",
        "partner_id": "partner-whole", "ended_on": contract["start_date"], "reason": "partner_withdrew",
    }
    assert "lost its premises" not in str(event)
    async with registry.writes_nothing():
        varied = await registry.client.post(
            f"/subcontracts/{sid}/variations", json={**terms_of(subcontract), "reason": "too late"}, headers=PRIME
        )
        again = await registry.client.post(f"/subcontracts/{sid}/termination", json=ending, headers=PRIME)
    assert problem(varied, 409)["type"].endswith("/subcontract-ended")
    problem(again, 409)
    assert [s["subcontract_id"] for s in await collect(registry.client, "/subcontracts", PRIME, status="ended")] == [
        sid
    ]
    assert await collect(registry.client, "/subcontracts", PRIME, status="live") == []
    problem(await registry.client.get("/subcontracts", params={"status": "paused"}, headers=PRIME), 422,
            field="query.status")
    assert_valid_events(await registry.events())


async def test_subcontracts_are_paged_with_limit_and_cursor(registry: Service, contract: dict[str, Any]) -> None:
    agreed = [
        await agree(registry.client, contract, signposting(contract, partner_id))
        for partner_id in ("partner-whole", "partner-skills", "partner-council", "partner-library")
    ]
    expected = sorted(s["subcontract_id"] for s in agreed)

    first = await registry.client.get("/subcontracts", params={"limit": 3}, headers=PRIME)
    rest = await registry.client.get(
        "/subcontracts", params={"limit": 3, "cursor": first.json()["next_cursor"]}, headers=PRIME
    )

    assert [s["subcontract_id"] for s in first.json()["items"]] == expected[:3]
    assert [s["subcontract_id"] for s in rest.json()["items"]] == expected[3:]
    assert rest.json()["next_cursor"] is None
    problem(await registry.client.get("/subcontracts", params={"cursor": "a"}, headers=PRIME), 400,
            field="query.cursor")
