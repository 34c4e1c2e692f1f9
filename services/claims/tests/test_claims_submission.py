"""A prime claims a payable outcome of its own journey, citing evidence from its register for that journey: the
amount is the entitlement's; fees need no claim; each rule at its boundary; nothing written on bad input."""

from __future__ import annotations

from datetime import timedelta

from scx_claims.rules import claims as rules

from .builders import (
    AUDITOR,
    OTHER_PRIME,
    PRIME,
    VALIDATOR,
    WHOLE,
    Stack,
    assert_valid_events,
    monday,
    problem,
    slug,
    today,
)
from .claims_builders import (
    JOB_OUTCOME_PENCE,
    approve,
    entitlement_status,
    new_journey,
    outcome_of,
    paid_by_run,
    post_claim,
    record_evidence,
    reject,
    submitted_claim,
    work_programme_journey,
)


async def test_a_claim_takes_the_entitlements_amount_and_claims_it(stack: Stack) -> None:
    journey = await new_journey(stack)
    entitlement_id = await outcome_of(stack, journey)
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
    entitlement_id = await outcome_of(stack, journey)
    evidence_id = await record_evidence(stack, journey)
    async with stack.service.writes_nothing():
        response = await stack.client.post("/claims", headers=PRIME, json={
            "entitlement_id": entitlement_id, "evidence_ids": [evidence_id], "amount_pence": 99_999_999})
    problem(response, 422, field="body.amount_pence")


def test_fees_need_no_claim_and_outcomes_do() -> None:
    assert not rules.needs_claim("service_fee") and not rules.needs_claim("attachment_fee")
    assert all(rules.needs_claim(k) for k in ("job_outcome", "sustained_job_outcome", "sustainment_payment"))


async def test_an_attachment_fee_needs_no_claim(stack: Stack) -> None:
    """The service fee is an instalment of the contract, never an entitlement; the attachment fee is a journey's
    entitlement, paid by the run without a claim."""
    journey = await work_programme_journey(stack, weeks_in_work=1)
    entitlement_id = await outcome_of(stack, journey, "attachment_fee")
    evidence_id = await record_evidence(stack, journey)
    async with stack.service.writes_nothing():
        response = await post_claim(stack, entitlement_id, [evidence_id])
    assert slug(problem(response, 422, field="body.entitlement_id")) == "claim-not-needed"


async def test_a_sustained_job_outcome_is_claimed_too(stack: Stack) -> None:
    journey = await new_journey(stack, hours=["16"] * 13)
    entitlement_id = await outcome_of(stack, journey, "sustained_job_outcome")
    response = await post_claim(stack, entitlement_id, [await record_evidence(stack, journey)])
    assert response.status_code == 201, response.text
    assert (response.json()["kind"], response.json()["sequence"]) == ("sustained_job_outcome", 1)


async def test_a_sustainment_payment_is_claimed_too(stack: Stack) -> None:
    journey = await work_programme_journey(stack, weeks_in_work=17)  # 13 weeks to the outcome, 4 more
    entitlement_id = await outcome_of(stack, journey, "sustainment_payment")
    response = await post_claim(stack, entitlement_id, [await record_evidence(stack, journey)])
    assert response.status_code == 201, response.text
    assert (response.json()["kind"], response.json()["sequence"]) == ("sustainment_payment", 1)


def test_an_outcome_is_claimable_from_its_payable_day_inclusive() -> None:
    day = today()
    assert rules.claimable_on(day, day) and rules.claimable_on(day - timedelta(days=1), day)
    assert not rules.claimable_on(day + timedelta(days=1), day)


async def test_an_outcome_is_claimed_from_its_payable_day(stack: Stack) -> None:
    """8 hours this week makes the job outcome payable next Monday: not claimed yet; 8 hours last week, payable
    this Monday: claimed."""
    this_week, last_week = monday(today()), monday(today()) - timedelta(weeks=1)
    early, due = await new_journey(stack, hours=[], sync=False), await new_journey(stack, hours=[], sync=False)
    await stack.cases.hours(early.case, early.job_id, this_week, "8")
    await stack.cases.hours(due.case, due.job_id, last_week, "8")
    await stack.synced()
    not_yet, payable = await outcome_of(stack, early), await outcome_of(stack, due)
    evidence_id = await record_evidence(stack, early)
    async with stack.service.writes_nothing():
        refused = await post_claim(stack, not_yet, [evidence_id])
    assert slug(problem(refused, 409, field="body.entitlement_id")) == "entitlement-not-yet-payable"
    assert (await post_claim(stack, payable, [await record_evidence(stack, due)])).status_code == 201


async def test_an_outcome_not_payable_is_not_claimed(stack: Stack) -> None:
    """Withdrawn (the hours corrected below 8), refused (a claim rejected as not due) and paid (by a run)."""
    withdrawn = await new_journey(stack)
    await stack.cases.hours(withdrawn.case, withdrawn.job_id, withdrawn.job_started_on, "7.99", revision=2)
    await stack.synced()
    refused = await submitted_claim(stack)
    assert (await reject(stack, refused["claim_id"], "hours_not_met")).status_code == 200
    paid = await submitted_claim(stack)
    assert (await approve(stack, paid["claim_id"])).status_code == 200
    await paid_by_run(stack)
    cases = [
        (withdrawn, await outcome_of(stack, withdrawn), "withdrawn"),
        (refused["case_id"], refused["entitlement_id"], "refused"),
        (paid["case_id"], paid["entitlement_id"], "paid"),
    ]
    for _, entitlement_id, status in cases:
        assert await entitlement_status(stack, entitlement_id) == status
    evidence_id = await record_evidence(stack, withdrawn)
    async with stack.service.writes_nothing():
        responses = [await post_claim(stack, e, [evidence_id]) for _, e, _ in cases]
    for response in responses:
        assert slug(problem(response, 409, field="body.entitlement_id")) == "entitlement-not-payable"


async def test_evidence_must_be_the_primes_for_the_same_journey(stack: Stack) -> None:
    journey, other = await new_journey(stack), await new_journey(stack)
    entitlement_id = await outcome_of(stack, journey)
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
    entitlement_id = await outcome_of(stack, journey)
    evidence_id = await record_evidence(stack, journey)
    async with stack.service.writes_nothing():
        other_prime = await post_claim(stack, entitlement_id, [evidence_id], headers=OTHER_PRIME)
        for headers in (AUDITOR, VALIDATOR, WHOLE):
            problem(await post_claim(stack, entitlement_id, [evidence_id], headers=headers), 403)
        unknown = await post_claim(stack, "no-such-entitlement", [evidence_id])
    assert slug(problem(other_prime, 422, field="body.entitlement_id")) == "no-such-entitlement"
    assert problem(unknown, 422, field="body.entitlement_id")["detail"] == problem(
        other_prime, 422)["detail"].replace(entitlement_id, "no-such-entitlement")
