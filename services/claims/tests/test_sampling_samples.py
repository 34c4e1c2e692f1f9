"""Validation samples: drawn with a recorded seed that draws the same claims again; each drawn claim checked once;
a failure before payment rejects the claim, after payment recovers it; the conclusion extrapolates the failure
rate to the claims not drawn (rounded down) and, after payment, raises it as a recovery."""

from __future__ import annotations

import re

from scx_claims.rules import sampling as rules

from .builders import VALIDATOR, Stack, assert_valid_events, problem, slug
from .claims_builders import JOB_OUTCOME_PENCE, approve, entitlement_status
from .sampling_builders import check, claims_paid, claims_submitted, next_month, sample_body


async def test_a_sample_is_drawn_with_a_seed_that_draws_it_again(stack: Stack) -> None:
    claims = await claims_submitted(stack, 5)
    response = await stack.client.post("/samples", json=sample_body(stack), headers=VALIDATOR)
    assert response.status_code == 201, response.text
    sample = response.json()
    assert re.fullmatch("[0-9a-f]{32}", sample["seed"])
    assert (sample["population"], sample["drawn"], sample["population_pence"]) == (5, 3, 5 * JOB_OUTCOME_PENCE)
    drawn = [c["claim_id"] for c in sample["claims"]]
    assert [c["drawn_rank"] for c in sample["claims"]] == [1, 2, 3]
    population = [c["claim_id"] for c in claims]
    # Anyone holding the published seed and the population draws the same claims, in the same order.
    assert rules.draw(sample["seed"], population, 5_000) == drawn
    assert sample["population_digest"] == rules.population_digest(population)
    again = (await stack.client.get(f"/samples/{sample['sample_id']}/redraw", headers=VALIDATOR)).json()
    assert (again["drawn"], again["same_as_recorded"], again["seed"]) == (drawn, True, sample["seed"])
    events = await stack.service.events("claim.sample_drawn")
    assert_valid_events(events)
    assert (events[0]["data"]["seed"], events[0]["data"]["population"], events[0]["data"]["drawn"]) == (
        sample["seed"], 5, 3)


async def test_before_payment_a_failed_check_rejects_and_the_rate_is_extrapolated(stack: Stack) -> None:
    await claims_submitted(stack, 5)
    sample = (await stack.client.post("/samples", json=sample_body(stack), headers=VALIDATOR)).json()
    first, second, third = (c["claim_id"] for c in sample["claims"])
    path = f"/samples/{sample['sample_id']}"
    # A drawn claim is not approved before its check.
    assert slug(problem(await approve(stack, first), 409)) == "claim-under-sample-check"
    assert (await check(stack, sample["sample_id"], first, True)).status_code == 200
    assert (await approve(stack, first)).status_code == 200
    failed = await check(stack, sample["sample_id"], second, False, "hours_not_met")
    assert failed.status_code == 200, failed.text
    claim = (await stack.client.get(f"/claims/{second}", headers=VALIDATOR)).json()
    assert (claim["status"], claim["rejection_reason"]) == ("rejected", "hours_not_met")
    assert await entitlement_status(stack, claim["entitlement_id"]) == "refused"
    async with stack.service.writes_nothing():
        early = await stack.client.post(f"{path}/conclusion", json={}, headers=VALIDATOR)
        twice = await check(stack, sample["sample_id"], first, True)
    assert slug(problem(early, 409)) == "sample-checks-outstanding"
    assert slug(problem(twice, 409)) == "claim-already-checked"
    assert (await check(stack, sample["sample_id"], third, True)).status_code == 200
    concluded = (await stack.client.post(f"{path}/conclusion", json={}, headers=VALIDATOR)).json()
    # One failed of three checked, over the two claims not drawn: floor(2 x 1,250,000 / 3).
    assert (concluded["status"], concluded["checked"], concluded["failed"]) == ("concluded", 3, 1)
    assert concluded["extrapolated_recovery_pence"] == 2 * JOB_OUTCOME_PENCE // 3 == 868_055
    assert (await stack.service.counts())["recoveries"] == 0  # nothing was paid, so nothing is recovered
    assert_valid_events(await stack.service.events())
    kinds = [e["type"] for e in await stack.service.events() if e["type"].startswith("claim.sample")]
    assert kinds == ["claim.sample_drawn", *["claim.sample_checked"] * 3, "claim.sample_concluded"]
    async with stack.service.writes_nothing():
        late = await check(stack, sample["sample_id"], third, True)
        again = await stack.client.post(f"{path}/conclusion", json={}, headers=VALIDATOR)
        second_sample = await stack.client.post("/samples", json=sample_body(stack), headers=VALIDATOR)
    assert slug(problem(late, 409)) == slug(problem(again, 409)) == "sample-concluded"
    assert slug(problem(second_sample, 409)) == "sample-exists"


async def test_after_payment_failures_are_recovered_and_the_rate_extrapolated(stack: Stack) -> None:
    paid = await claims_paid(stack, 4)
    await claims_submitted(stack, 1)  # not yet paid: not in the post-payment population
    body = sample_body(stack, stage="post_payment")
    sample = (await stack.client.post("/samples", json=body, headers=VALIDATOR)).json()
    assert (sample["population"], sample["drawn"]) == (4, 2)
    assert {c["claim_id"] for c in sample["claims"]} <= {c["claim_id"] for c in paid}
    failing, passing = (c["claim_id"] for c in sample["claims"])
    assert (await check(stack, sample["sample_id"], failing, False, "evidence_insufficient")).status_code == 200
    assert (await check(stack, sample["sample_id"], passing, True)).status_code == 200
    concluded = (await stack.client.post(f"/samples/{sample['sample_id']}/conclusion", json={},
                                         headers=VALIDATOR)).json()
    assert concluded["extrapolated_recovery_pence"] == 2 * JOB_OUTCOME_PENCE // 2
    recoveries = sorted((await stack.service.rows())["recoveries"], key=lambda r: r["reason"])
    assert [(r["reason"], r["amount_pence"], r["claim_id"]) for r in recoveries] == [
        ("extrapolated_from_sample", JOB_OUTCOME_PENCE, None), ("failed_validation", JOB_OUTCOME_PENCE, failing)]
    assert [r["outstanding_pence"] for r in recoveries] == [r["amount_pence"] for r in recoveries]  # all to net
    assert recoveries[1]["case_id"] == next(c["case_id"] for c in paid if c["claim_id"] == failing)
    raised = await stack.service.events("payment.recovery_raised")
    assert_valid_events(raised)
    assert [e["data"]["reason"] for e in raised] == ["failed_validation", "extrapolated_from_sample"]
    assert (await stack.client.get(f"/claims/{failing}", headers=VALIDATOR)).json()["status"] == "paid"


async def test_drawing_rules_at_their_bounds_write_nothing(stack: Stack) -> None:
    await claims_submitted(stack, 2)
    assert stack.chain is not None
    other_contract = stack.chain.other_contract["contract_id"]
    refused = {
        "rate 0": ({"rate_basis_points": 0}, 422, "body.rate_basis_points"),
        "rate over 100%": ({"rate_basis_points": 10_001}, 422, "body.rate_basis_points"),
        "rate as text": ({"rate_basis_points": "500"}, 422, "body.rate_basis_points"),
        "next month": ({"period": next_month()}, 422, "body.period"),
        "month 13": ({"period": "2026-13"}, 422, "body.period"),
        "another prime's contract": ({"contract_id": other_contract}, 422, "body.contract_id"),
        "unknown contract": ({"contract_id": "no-such-contract"}, 422, "body.contract_id"),
        "a fee": ({"kind": "service_fee"}, 422, "body.kind"),
        "no stage": ({"stage": None}, 422, "body.stage"),
        "no paid claims": ({"stage": "post_payment"}, 409, None),
        "another month": ({"period": "2020-01"}, 409, None),
    }
    async with stack.service.writes_nothing():
        for name, (overrides, status, field) in refused.items():
            body = {k: v for k, v in sample_body(stack, **overrides).items() if v is not None}
            response = await stack.client.post("/samples", json=body, headers=VALIDATOR)
            problem(response, status, field=field)
            assert response.status_code == status, name
    every = (await stack.client.post("/samples", json=sample_body(stack, rate_basis_points=10_000),
                                     headers=VALIDATOR)).json()
    assert every["drawn"] == every["population"] == 2


async def test_a_check_names_what_is_wrong_and_writes_nothing(stack: Stack) -> None:
    claims = await claims_submitted(stack, 4)
    sample = (await stack.client.post("/samples", json=sample_body(stack, rate_basis_points=2_500),
                                      headers=VALIDATOR)).json()
    drawn = sample["claims"][0]["claim_id"]
    undrawn = next(c["claim_id"] for c in claims if c["claim_id"] != drawn)
    async with stack.service.writes_nothing():
        not_drawn = await check(stack, sample["sample_id"], undrawn, True)
        no_reason = await check(stack, sample["sample_id"], drawn, False)
        passed_with_reason = await check(stack, sample["sample_id"], drawn, True, "other")
        not_bool = await stack.client.post(f"/samples/{sample['sample_id']}/checks", headers=VALIDATOR,
                                           json={"claim_id": drawn, "passed": "yes"})
    assert slug(problem(not_drawn, 422, field="body.claim_id")) == "claim-not-drawn"
    assert slug(problem(no_reason, 422, field="body.reason")) == "check-reason"
    assert slug(problem(passed_with_reason, 422, field="body.reason")) == "check-reason"
    problem(not_bool, 422, field="body.passed")

