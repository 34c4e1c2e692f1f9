"""DWP validates under maker-checker: a validating officer approves or rejects a submitted claim, once; the approval
names the officer; a rejection for the evidence's sake leaves the outcome claimable, any other refuses it."""

from __future__ import annotations

import pytest

from .builders import (
    AUDITOR,
    CONTRACT_MANAGER,
    OTHER_PRIME,
    OTHER_VALIDATOR,
    PAYMENTS,
    PRIME,
    VALIDATOR,
    WHOLE,
    Stack,
    assert_valid_events,
    problem,
    slug,
    today,
)
from .claims_builders import (
    approve,
    entitlement_status,
    new_journey,
    post_claim,
    record_evidence,
    reject,
    submitted_claim,
)


async def test_a_validator_approves_and_is_named_as_approver(stack: Stack) -> None:
    claim = await submitted_claim(stack)
    response = await stack.client.post(f"/claims/{claim['claim_id']}/approval", json={"note": "Payslips match"},
                                       headers=VALIDATOR)
    assert response.status_code == 200, response.text
    approved = response.json()
    assert (approved["status"], approved["approved_by"], approved["decided_by"]) == (
        "approved", "officer-val", "officer-val")
    assert approved["decided_on"] == today().isoformat() and approved["decision_note"] == "Payslips match"
    assert await entitlement_status(stack, claim["entitlement_id"]) == "approved"  # paid by a run, not by approval
    events = await stack.service.events("claim.approved")
    assert_valid_events(events)
    assert events[0]["data"]["stage"] == "pre_payment" and events[0]["actor"]["user"] == "officer-val"
    assert "Payslips match" not in str(await stack.service.events())


async def test_a_claim_is_decided_once(stack: Stack) -> None:
    approved, rejected = await submitted_claim(stack), await submitted_claim(stack)
    assert (await approve(stack, approved["claim_id"])).status_code == 200
    assert (await reject(stack, rejected["claim_id"], "evidence_missing")).status_code == 200
    async with stack.service.writes_nothing():
        answers = [
            await approve(stack, approved["claim_id"], OTHER_VALIDATOR),
            await reject(stack, approved["claim_id"], "other", OTHER_VALIDATOR),
            await approve(stack, rejected["claim_id"]),
            await reject(stack, rejected["claim_id"], "other"),
        ]
    assert {slug(problem(a, 409)) for a in answers} == {"claim-decided"}


@pytest.mark.parametrize(("reason", "after"), [
    ("evidence_missing", "payable"), ("evidence_insufficient", "payable"), ("other", "payable"),
    ("hours_not_met", "refused"), ("weeks_not_met", "refused"), ("not_eligible", "refused"), ("duplicate", "refused"),
])
async def test_a_rejection_leaves_the_outcome_claimable_or_refuses_it(stack: Stack, reason: str, after: str) -> None:
    journey = await new_journey(stack)
    claim = await submitted_claim(stack, journey)
    response = await stack.client.post(f"/claims/{claim['claim_id']}/rejection",
                                       json={"reason": reason, "note": "Payslip hours do not add up"},
                                       headers=VALIDATOR)
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["rejection_reason"]) == ("rejected", reason)
    assert response.json()["approved_by"] is None
    assert await entitlement_status(stack, claim["entitlement_id"]) == after
    events = await stack.service.events("claim.rejected")
    assert_valid_events(events)
    assert events[0]["data"]["reason"] == reason and "do not add up" not in str(events)
    corrected = await post_claim(stack, claim["entitlement_id"], [await record_evidence(stack, journey)])
    if after == "payable":
        assert corrected.status_code == 201, corrected.text
        assert corrected.json()["claim_id"] != claim["claim_id"]
    else:
        assert slug(problem(corrected, 409)) == "entitlement-not-payable"


async def test_only_a_validating_officer_decides(stack: Stack) -> None:
    """Who can see the claim but may not decide it gets 403; who cannot see it, 404; nothing is written."""
    claim = await submitted_claim(stack)
    async with stack.service.writes_nothing():
        for headers in (PRIME, AUDITOR, CONTRACT_MANAGER, PAYMENTS):
            assert slug(problem(await approve(stack, claim["claim_id"], headers), 403)) == "forbidden"
            assert slug(problem(await reject(stack, claim["claim_id"], "other", headers), 403)) == "forbidden"
        for headers in (OTHER_PRIME, WHOLE):
            problem(await approve(stack, claim["claim_id"], headers), 404)
            problem(await reject(stack, claim["claim_id"], "other", headers), 404)
        problem(await approve(stack, "no-such-claim"), 404)


async def test_bad_decisions_name_the_field_and_write_nothing(stack: Stack) -> None:
    claim = await submitted_claim(stack)
    path = f"/claims/{claim['claim_id']}"
    async with stack.service.writes_nothing():
        no_reason = await stack.client.post(f"{path}/rejection", json={}, headers=VALIDATOR)
        bad_reason = await stack.client.post(f"{path}/rejection", json={"reason": "dislike"}, headers=VALIDATOR)
        extra = await stack.client.post(f"{path}/approval", json={"approved_by": "someone-else"}, headers=VALIDATOR)
        empty_note = await stack.client.post(f"{path}/approval", json={"note": ""}, headers=VALIDATOR)
    problem(no_reason, 422, field="body.reason")
    problem(bad_reason, 422, field="body.reason")
    problem(extra, 422, field="body.approved_by")
    problem(empty_note, 422, field="body.note")
