"""A prime claims a payable outcome of its own journey, citing evidence from its register for that journey: the
amount is the entitlement's; fees need no claim; each rule at its boundary; nothing written on bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .builders import AUDITOR, OTHER_PRIME, PRIME, VALIDATOR, WHOLE, Stack, assert_valid_events, problem, slug, today
from .claims_builders import (
    JOB_OUTCOME_PENCE,
    entitle_for_test,
    entitlement_status,
    new_journey,
    post_claim,
    record_evidence,
)


async def test_a_claim_takes_the_entitlements_amount_and_claims_it(stack: Stack) -> None:
    journey = await new_journey(stack)
    entitlement_id = await entitle_for_test(stack, journey)
    payslip, letter = await record_evidence(stack, journey), await record_evidence(
        stack, journey, kind="employer_confirmation", obtained_how="from_employer")
    response = await post_claim(stack, entitlement_id, [payslip, letter])
    assert response.status_code == 201, response.text
    claim = response.json()
    assert response.headers["Location"] == f"/claims/{claim['claim_id']}"
    assert (claim["amount_pence"], claim["kind"], claim["status"], claim["evidence_ids"]) == (
        JOB_OUTCOME_PENCE, "job_outcome", "submitted", [payslip, letter])
    assert claim["submitted_on"] == today().isoformat() and claim["approved_by"] is None
    assert await entitlement_status(stack, entitlement_id) == "claimed"
    events = await stack.service.events("claim.submitted")
    assert_valid_events(events)
    assert events[0]["journey_id"] == journey.case_id
    assert events[0]["data"]["amount_pence"] == JOB_OUTCOME_PENCE
    assert (await stack.client.get(f"/claims/{claim['claim_id']}", headers=PRIME)).json() == claim


async def test_an_amount_sent_by_the_caller_is_refused(stack: Stack) -> None:
    journey = await new_journey(stack)
    entitlement_id = await entitle_for_test(stack, journey)
    evidence_id = await record_evidence(stack, journey)
    async with stack.service.writes_nothing():
        response = await stack.client.post("/claims", headers=PRIME, json={
            "entitlement_id": entitlement_id, "evidence_ids": [evidence_id], "amount_pence": 99_999_999})
    problem(response, 422, field="body.amount_pence")


@pytest.mark.parametrize("kind", ["service_fee", "attachment_fee"])
async def test_fees_need_no_claim(stack: Stack, kind: str) -> None:
    journey = await new_journey(stack)
    entitlement_id = await entitle_for_test(stack, journey, kind=kind, amount_pence=40_000)
    evidence_id = await record_evidence(stack, journey)
    async with stack.service.writes_nothing():
        response = await post_claim(stack, entitlement_id, [evidence_id])
    assert slug(problem(response, 422, field="body.entitlement_id")) == "claim-not-needed"


@pytest.mark.parametrize("kind", ["sustained_job_outcome", "sustainment_payment"])
async def test_other_outcomes_are_claimed_too(stack: Stack, kind: str) -> None:
    journey = await new_journey(stack)
    entitlement_id = await entitle_for_test(stack, journey, kind=kind, sequence=2, amount_pence=500_000)
    response = await post_claim(stack, entitlement_id, [await record_evidence(stack, journey)])
    assert response.status_code == 201, response.text
    assert (response.json()["kind"], response.json()["sequence"]) == (kind, 2)


async def test_an_outcome_is_claimed_from_its_payable_day(stack: Stack) -> None:
    early, due = await new_journey(stack), await new_journey(stack)
    tomorrow = await entitle_for_test(stack, early, payable_from=today() + timedelta(days=1))
    today_ = await entitle_for_test(stack, due, payable_from=today())
    evidence_id = await record_evidence(stack, early)
    async with stack.service.writes_nothing():
        refused = await post_claim(stack, tomorrow, [evidence_id])
    assert slug(problem(refused, 409, field="body.entitlement_id")) == "entitlement-not-yet-payable"
    assert (await post_claim(stack, today_, [await record_evidence(stack, due)])).status_code == 201


@pytest.mark.parametrize("status", ["paid", "withdrawn", "refused"])
async def test_an_outcome_not_payable_is_not_claimed(stack: Stack, status: str) -> None:
    journey = await new_journey(stack)
    entitlement_id = await entitle_for_test(stack, journey, status=status)
    evidence_id = await record_evidence(stack, journey)
    async with stack.service.writes_nothing():
        response = await post_claim(stack, entitlement_id, [evidence_id])
    assert slug(problem(response, 409, field="body.entitlement_id")) == "entitlement-not-payable"


async def test_evidence_must_be_the_primes_for_the_same_journey(stack: Stack) -> None:
    journey, other = await new_journey(stack), await new_journey(stack)
    entitlement_id = await entitle_for_test(stack, journey)
    own = await record_evidence(stack, journey)
    of_other_journey = await record_evidence(stack, other)
    async with stack.service.writes_nothing():
        wrong_journey = await post_claim(stack, entitlement_id, [own, of_other_journey])
        unknown = await post_claim(stack, entitlement_id, ["no-such-evidence"])
        twice = await post_claim(stack, entitlement_id, [own, own])
        none = await post_claim(stack, entitlement_id, [])
    assert slug(problem(wrong_journey, 422, field="body.evidence_ids.1")) == "evidence-not-in-register"
    assert slug(problem(unknown, 422, field="body.evidence_ids.0")) == "evidence-not-in-register"
    problem(twice, 422, field="body.evidence_ids")
    problem(none, 422, field="body.evidence_ids")


async def test_only_the_primes_staff_claim_its_own_outcomes(stack: Stack) -> None:
    journey = await new_journey(stack)
    entitlement_id = await entitle_for_test(stack, journey)
    evidence_id = await record_evidence(stack, journey)
    async with stack.service.writes_nothing():
        other_prime = await post_claim(stack, entitlement_id, [evidence_id], headers=OTHER_PRIME)
        for headers in (AUDITOR, VALIDATOR, WHOLE):
            problem(await post_claim(stack, entitlement_id, [evidence_id], headers=headers), 403)
        unknown = await post_claim(stack, "no-such-entitlement", [evidence_id])
    assert slug(problem(other_prime, 422, field="body.entitlement_id")) == "no-such-entitlement"
    assert problem(unknown, 422, field="body.entitlement_id")["detail"] == problem(
        other_prime, 422)["detail"].replace(entitlement_id, "no-such-entitlement")
