"""Allocation down the supply chain: in-house, or to a partner whose live subcontract and client group fit;
re-allocation with a reason; withdrawal by the prime or the referring office."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from .builders import (
    AUDITOR,
    COUNCIL,
    JCP,
    LIBRARY,
    MIND,
    OTHER_JCP,
    OTHER_PRIME,
    PRIME,
    SKILLS,
    TPPM,
    WHOLE,
    Chain,
    Stack,
    agree,
    allocate,
    assert_valid_events,
    end,
    problem,
    refer,
    slug,
    start,
    started,
    today,
    vary,
)


async def test_a_started_referral_is_allocated_in_house(stack: Stack, chain: Chain) -> None:
    referral = await refer(stack, chain)
    async with stack.referral.writes_nothing():
        too_early = await allocate(stack, referral, delivery="in_house")
    assert slug(problem(too_early, 409)) == "not-started"
    await start(stack, referral)

    response = await allocate(stack, referral, delivery="in_house")

    assert response.status_code == 200, response.text
    allocation = response.json()["allocation"]
    assert (allocation["delivery"], allocation["partner_id"], allocation["supply_chain_model"]) == (
        "in_house", None, None
    )
    assert allocation["allocated_on"] == today().isoformat() and allocation["ended_at"] is None
    [event] = await stack.referral.events("referral.allocated")
    assert event["data"] == {
        "referral_id": referral["referral_id"], "allocation_id": allocation["allocation_id"],
        "contract_id": chain.contract_id, "prime_id": "prime-north", "delivery": "in_house", "partner_id": None,
        "subcontract_id": None, "supply_chain_model": None, "service": None, "allocated_on": today().isoformat(),
    }
    async with stack.referral.writes_nothing():
        again = await allocate(stack, referral, delivery="partner", partner_id="partner-whole")
    assert slug(problem(again, 409)) == "already-allocated"
    assert_valid_events(await stack.referral.events())


@pytest.mark.parametrize(
    ("partner_id", "headers", "referral", "allocation", "model"),
    [
        ("partner-whole", WHOLE, {}, {}, "end_to_end"),
        ("partner-mind", MIND, {"postcode_district": "LS9"}, {}, "end_to_end"),
        ("partner-skills", SKILLS, {"needs": []}, {"service": "vocational_training"}, "specialist"),
        ("partner-council", COUNCIL, {"postcode_district": "LS9"}, {}, "sla"),
        ("partner-library", LIBRARY, {"postcode_district": "BD1", "needs": []}, {}, "signposting"),
    ],
    ids=["end-to-end-by-district", "end-to-end-by-condition", "specialist", "sla", "signposting"],
)
async def test_a_referral_is_allocated_to_a_partner_whose_subcontract_fits(
    stack: Stack, chain: Chain, partner_id: str, headers: dict[str, str], referral: dict[str, Any],
    allocation: dict[str, Any], model: str,
) -> None:
    taken = await started(stack, chain, **referral)
    problem(await stack.client.get(f"/referrals/{taken['referral_id']}", headers=headers), 404)

    response = await allocate(stack, taken, delivery="partner", partner_id=partner_id, **allocation)

    assert response.status_code == 200, response.text
    placed = response.json()["allocation"]
    assert placed["partner_id"] == partner_id and placed["supply_chain_model"] == model
    assert placed["subcontract_id"] == chain.subcontracts[partner_id]["subcontract_id"]
    assert placed["service"] == allocation.get("service")
    [event] = await stack.referral.events("referral.allocated")
    assert (event["data"]["partner_id"], event["data"]["supply_chain_model"], event["data"]["subcontract_id"]) == (
        partner_id, model, placed["subcontract_id"]
    )
    seen = await stack.client.get(f"/referrals/{taken['referral_id']}", headers=headers)
    assert seen.status_code == 200 and seen.json()["allocation"] == placed
    assert_valid_events(await stack.referral.events())


REFUSALS = {
    "no-subcontract": ({}, {"partner_id": "partner-idle"}, "no-subcontract", "body.partner_id"),
    "unknown-partner": ({}, {"partner_id": "partner-nobody"}, "unknown-partner", "body.partner_id"),
    "a-prime-as-partner": ({}, {"partner_id": "prime-south"}, "unknown-partner", "body.partner_id"),
    "outside-districts": ({"postcode_district": "LS9"}, {"partner_id": "partner-whole"}, "outside-client-group",
                          "body.partner_id"),
    "outside-conditions": ({"needs": ["musculoskeletal"]}, {"partner_id": "partner-mind"}, "outside-client-group",
                           "body.partner_id"),
    "sla-outside-districts": ({}, {"partner_id": "partner-council"}, "outside-client-group", "body.partner_id"),
    "specialist-without-service": ({}, {"partner_id": "partner-skills"}, "service-required", "body.service"),
    "specialist-service-not-listed": ({}, {"partner_id": "partner-skills", "service": "cv_writing"},
                                      "service-not-offered", "body.service"),
    "service-for-end-to-end": ({}, {"partner_id": "partner-whole", "service": "vocational_training"},
                               "service-not-applicable", "body.service"),
    "another-subcontract": ({}, {"partner_id": "partner-whole", "subcontract_id": "not-this-one"}, "no-subcontract",
                            "body.partner_id"),
}


async def test_an_allocation_the_supply_chain_does_not_allow_is_refused_saying_why(
    stack: Stack, chain: Chain, subtests: pytest.Subtests
) -> None:
    for n, (case, (referral, allocation, expected, field)) in enumerate(REFUSALS.items(), start=1):
        with subtests.test(case):
            taken = await started(stack, chain, n, **referral)
            async with stack.referral.writes_nothing():
                response = await allocate(stack, taken, delivery="partner", **allocation)
            assert slug(problem(response, 422, field=field)) == expected


async def test_an_allocation_request_that_does_not_add_up_names_the_field(
    stack: Stack, chain: Chain, subtests: pytest.Subtests
) -> None:
    taken = await started(stack, chain)
    for case, body, field in [
        ("partner-without-id", {"delivery": "partner"}, "body.partner_id"),
        ("in-house-with-partner", {"delivery": "in_house", "partner_id": "partner-whole"}, "body.partner_id"),
        ("in-house-with-service", {"delivery": "in_house", "service": "vocational_training"}, "body.service"),
        ("unknown-delivery", {"delivery": "franchise"}, "body.delivery"),
        ("tomorrow", {"delivery": "in_house", "allocated_on": str(today() + timedelta(days=1))}, "body.allocated_on"),
    ]:
        with subtests.test(case):
            async with stack.referral.writes_nothing():
                response = await allocate(stack, taken, **body)
            problem(response, 422, field=field)


async def test_a_partner_whose_subcontract_has_ended_takes_no_more_referrals(stack: Stack, chain: Chain) -> None:
    before, after = await started(stack, chain, 1), await started(stack, chain, 2)
    assert (await allocate(stack, before, delivery="partner", partner_id="partner-whole")).status_code == 200

    await end(stack, chain.subcontracts["partner-whole"])  # through the subcontracts API; waits for the event

    async with stack.referral.writes_nothing():
        response = await allocate(stack, after, delivery="partner", partner_id="partner-whole")
    assert slug(problem(response, 422, field="body.partner_id")) == "subcontract-ended"
    # What was allocated before the end stays where it is.
    assert (await stack.client.get(f"/referrals/{before['referral_id']}", headers=WHOLE)).status_code == 200


async def test_a_partner_at_its_monthly_capacity_takes_no_more_this_month(stack: Stack, chain: Chain) -> None:
    await vary(stack, chain.subcontracts["partner-whole"], reason="a smaller team", monthly_capacity=1)
    first, second = await started(stack, chain, 1), await started(stack, chain, 2)

    on = today().isoformat()  # both in one month, even if the clock passes midnight between them
    taken = await allocate(stack, first, delivery="partner", partner_id="partner-whole", allocated_on=on)
    assert taken.status_code == 200, taken.text
    async with stack.referral.writes_nothing():
        response = await allocate(stack, second, delivery="partner", partner_id="partner-whole", allocated_on=on)

    body = problem(response, 422, field="body.partner_id")
    assert slug(body) == "partner-at-capacity" and "1 of 1" in body["detail"]
    # Last month's allocations do not count against this month.
    last_month = today().replace(day=1) - timedelta(days=1)
    old = await started(stack, chain, 3, referral_date=last_month.isoformat())
    assert (await allocate(stack, old, delivery="in_house")).status_code == 200


async def test_a_later_subcontract_with_the_same_partner_is_found(stack: Stack, chain: Chain) -> None:
    """When a partner holds two subcontracts with the prime, the one that fits is used."""
    second = await agree(stack, chain.contract, "partner-whole", {
        "model": "end_to_end", "client_group": {"postcode_districts": ["LS9"]}, "share_of_targets_percent": 10,
        "start_date": chain.contract["start_date"], "end_date": chain.contract["end_date"],
    })
    await stack.synced()
    taken = await started(stack, chain, postcode_district="LS9")

    response = await allocate(stack, taken, delivery="partner", partner_id="partner-whole")

    assert response.status_code == 200, response.text
    assert response.json()["allocation"]["subcontract_id"] == second["subcontract_id"]


async def test_reallocation_ends_the_previous_allocation_and_moves_who_sees_the_referral(
    stack: Stack, chain: Chain
) -> None:
    referral = await started(stack, chain)
    rid = referral["referral_id"]
    first = (await allocate(stack, referral, delivery="partner", partner_id="partner-whole")).json()["allocation"]

    response = await stack.client.post(
        f"/referrals/{rid}/reallocation",
        json={"delivery": "partner", "partner_id": "partner-mind", "reason": "client_needs_changed",
              "note": "a mental-health specialist suits the client better"},
        headers=PRIME,
    )

    assert response.status_code == 200, response.text
    second = response.json()["allocation"]
    assert second["partner_id"] == "partner-mind" and second["allocation_id"] != first["allocation_id"]
    history = (await stack.client.get(f"/referrals/{rid}/allocations", headers=PRIME)).json()
    assert [a["allocation_id"] for a in history] == [first["allocation_id"], second["allocation_id"]]
    assert history[0]["end_reason"] == "client_needs_changed" and history[0]["ended_at"] is not None
    assert history[1]["ended_at"] is None
    [event] = await stack.referral.events("referral.reallocated")
    assert event["data"] == {
        "referral_id": rid, "allocation_id": second["allocation_id"], "previous_allocation_id": first["allocation_id"],
        "contract_id": chain.contract_id, "prime_id": "prime-north", "delivery": "partner",
        "partner_id": "partner-mind", "subcontract_id": chain.subcontracts["partner-mind"]["subcontract_id"],
        "supply_chain_model": "end_to_end", "service": None, "previous_partner_id": "partner-whole",
        "reason": "client_needs_changed", "allocated_on": today().isoformat(),
    }
    assert "specialist suits" not in str(event)
    # The old partner no longer sees the referral; the new one does, and only its own allocation.
    problem(await stack.client.get(f"/referrals/{rid}", headers=WHOLE), 404)
    problem(await stack.client.get(f"/referrals/{rid}/allocations", headers=WHOLE), 404)
    assert (await stack.client.get("/referrals", headers=WHOLE)).json()["items"] == []
    assert (await stack.client.get(f"/referrals/{rid}", headers=MIND)).json()["allocation"] == second
    assert [a["allocation_id"] for a in
            (await stack.client.get(f"/referrals/{rid}/allocations", headers=MIND)).json()] == [second["allocation_id"]]

    async with stack.referral.writes_nothing():
        same = await stack.client.post(
            f"/referrals/{rid}/reallocation",
            json={"delivery": "partner", "partner_id": "partner-mind", "reason": "other"}, headers=PRIME,
        )
        unfit = await stack.client.post(
            f"/referrals/{rid}/reallocation",
            json={"delivery": "partner", "partner_id": "partner-council", "reason": "client_moved"}, headers=PRIME,
        )
        no_reason = await stack.client.post(
            f"/referrals/{rid}/reallocation", json={"delivery": "in_house"}, headers=PRIME
        )
        another_prime = await stack.client.post(
            f"/referrals/{rid}/reallocation", json={"delivery": "in_house", "reason": "other"}, headers=OTHER_PRIME
        )
    assert slug(problem(same, 409)) == "same-allocation"
    assert slug(problem(unfit, 422, field="body.partner_id")) == "outside-client-group"
    problem(no_reason, 422, field="body.reason")
    problem(another_prime, 404)

    home = await stack.client.post(
        f"/referrals/{rid}/reallocation", json={"delivery": "in_house", "reason": "partner_performance"},
        headers=PRIME,
    )
    assert home.status_code == 200 and home.json()["allocation"]["delivery"] == "in_house"
    problem(await stack.client.get(f"/referrals/{rid}", headers=MIND), 404)
    assert [e["data"]["previous_partner_id"] for e in await stack.referral.events("referral.reallocated")] == [
        "partner-whole", "partner-mind"
    ]
    assert_valid_events(await stack.referral.events())


async def test_only_an_allocated_referral_is_reallocated(stack: Stack, chain: Chain) -> None:
    referral = await started(stack, chain)
    async with stack.referral.writes_nothing():
        response = await stack.client.post(
            f"/referrals/{referral['referral_id']}/reallocation", json={"delivery": "in_house", "reason": "other"},
            headers=PRIME,
        )
    assert slug(problem(response, 409)) == "not-allocated"


async def test_the_prime_withdraws_an_allocated_referral(stack: Stack, chain: Chain) -> None:
    referral = await started(stack, chain)
    rid = referral["referral_id"]
    await allocate(stack, referral, delivery="partner", partner_id="partner-whole")

    async with stack.referral.writes_nothing():
        by_partner = await stack.client.post(f"/referrals/{rid}/withdrawal", json={"reason": "left_benefit"},
                                             headers=WHOLE)
        tomorrow = await stack.client.post(
            f"/referrals/{rid}/withdrawal",
            json={"reason": "left_benefit", "withdrawn_on": str(today() + timedelta(days=1))}, headers=PRIME,
        )
    problem(by_partner, 403)
    problem(tomorrow, 422, field="body.withdrawn_on")

    response = await stack.client.post(
        f"/referrals/{rid}/withdrawal", json={"reason": "moved_out_of_area", "note": "moved to Wales"}, headers=PRIME
    )

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["withdrawal_reason"], response.json()["allocation"]) == (
        "withdrawn", "moved_out_of_area", None
    )
    [allocation] = (await stack.client.get(f"/referrals/{rid}/allocations", headers=PRIME)).json()
    assert allocation["end_reason"] == "withdrawn" and allocation["ended_at"] is not None
    problem(await stack.client.get(f"/referrals/{rid}", headers=WHOLE), 404)
    [event] = await stack.referral.events("referral.withdrawn")
    assert event["data"] == {"referral_id": rid, "contract_id": chain.contract_id, "prime_id": "prime-north",
                             "reason": "moved_out_of_area", "withdrawn_on": today().isoformat()}
    assert event["actor"]["organisation_id"] == "prime-north"
    async with stack.referral.writes_nothing():
        again = await stack.client.post(f"/referrals/{rid}/withdrawal", json={"reason": "left_benefit"},
                                        headers=PRIME)
        reallocate = await stack.client.post(
            f"/referrals/{rid}/reallocation", json={"delivery": "in_house", "reason": "other"}, headers=PRIME
        )
    assert slug(problem(again, 409)) == "not-open"
    problem(reallocate, 409)
    assert_valid_events(await stack.referral.events())


async def test_the_referring_office_withdraws_its_referral(stack: Stack, chain: Chain) -> None:
    referral = await refer(stack, chain)
    path = f"/referrals/{referral['referral_id']}/withdrawal"

    async with stack.referral.writes_nothing():
        other_office = await stack.client.post(path, json={"reason": "referred_in_error"}, headers=OTHER_JCP)
        tppm = await stack.client.post(path, json={"reason": "referred_in_error"}, headers=TPPM)
        auditor = await stack.client.post(path, json={"reason": "referred_in_error"}, headers=AUDITOR)
        uncoded = await stack.client.post(path, json={"reason": "changed_mind"}, headers=JCP)
    problem(other_office, 404)
    problem(tppm, 403)
    problem(auditor, 403)
    problem(uncoded, 422, field="body.reason")

    response = await stack.client.post(path, json={"reason": "referred_in_error"}, headers=JCP)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "withdrawn"
    [event] = await stack.referral.events("referral.withdrawn")
    assert event["actor"]["organisation_id"] == "jcp-leeds" and event["data"]["reason"] == "referred_in_error"
    async with stack.referral.writes_nothing():
        start_after = await stack.client.post(
            f"/referrals/{referral['referral_id']}/start", json={"started_on": today().isoformat()}, headers=PRIME
        )
    problem(start_after, 409)
    assert_valid_events(await stack.referral.events())


async def test_no_allocation_or_withdrawal_is_dated_before_the_journey_it_belongs_to(
    stack: Stack, chain: Chain
) -> None:
    referral = await started(stack, chain, 41)
    before_start = (today() - timedelta(days=1)).isoformat()

    async with stack.referral.writes_nothing():
        early = await allocate(stack, referral, delivery="in_house", allocated_on=before_start)
        ancient = await allocate(stack, referral, delivery="in_house", allocated_on="0001-01-01")
    for response in (early, ancient):
        assert slug(problem(response, 422, field="body.allocated_on")) == "date-too-early"

    assert (await allocate(stack, referral, delivery="in_house")).status_code == 200
    path = f"/referrals/{referral['referral_id']}"
    async with stack.referral.writes_nothing():
        moved_back = await stack.client.post(f"{path}/reallocation", headers=PRIME, json={
            "delivery": "partner", "partner_id": "partner-whole", "reason": "client_needs_changed",
            "allocated_on": before_start,
        })
        withdrawn_first = await stack.client.post(f"{path}/withdrawal", headers=PRIME, json={
            "reason": "other", "withdrawn_on": "0001-01-01",
        })
    assert slug(problem(moved_back, 422, field="body.allocated_on")) == "date-too-early"
    assert slug(problem(withdrawn_first, 422, field="body.withdrawn_on")) == "date-too-early"
