"""The whole way in claims: a journey delivered by the end-to-end partner, whose subcontract gives it a share of
the outcome payments, works weeks of at least 8 hours; the job outcome becomes payable through the real eligibility;
the prime records evidence and claims it (a concurrent duplicate makes no second claim); a validator approves it;
another payments officer prepares and authorises the run (the approver cannot); the statement pays the job outcome;
the partner is owed its share to the penny, the prime records paying it and the partner's statement shows it paid.
Preparing the same inputs again gives the same statement, byte for byte."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from scx_testing import eventually

from .builders import PRIME, VALIDATOR_AND_PAYMENTS, WHOLE, Stack, monday, problem, slug, today
from .claims_builders import JOB_OUTCOME_PENCE, Journey, approve, outcome_of, post_claim, record_evidence
from .flowdown_builders import owed_rows, share
from .runs_builders import OTHER_PAYMENTS, abandon, authorise, prepared, statement

SHARE = 35


async def test_a_partners_job_outcome_is_claimed_validated_paid_and_its_share_flows_down(stack: Stack) -> None:
    started = monday(today()) - timedelta(weeks=10)
    await share(stack, SHARE, from_on=started)
    case = await stack.open_case(started_on=started, partner="partner-whole", sync=False)
    job_started = started + timedelta(weeks=1)
    job_id = await stack.cases.job_started(case, job_started, by="partner-whole")
    await stack.cases.weeks(case, job_id, job_started, ["7.99", "8", "12.5"])  # the second week earns it
    await stack.synced()
    journey = Journey(case, job_id, started, job_started)
    entitlement_id = await outcome_of(stack, journey)

    evidence_id = await record_evidence(stack, journey)
    first, duplicate, again = await asyncio.gather(
        post_claim(stack, entitlement_id, [evidence_id], key="claim-1"),
        post_claim(stack, entitlement_id, [evidence_id], key="claim-2"),
        post_claim(stack, entitlement_id, [evidence_id], key="claim-1"),
    )
    made = [r for r in (first, duplicate, again) if r.status_code == 201]
    assert made and {r.json()["claim_id"] for r in made} == {made[0].json()["claim_id"]}
    assert all(r.status_code in (201, 409) for r in (first, duplicate, again))
    claim = made[0].json()
    assert len((await stack.service.rows())["claims"]) == 1
    assert len(await stack.service.events("claim.submitted")) == 1
    assert claim["amount_pence"] == JOB_OUTCOME_PENCE

    assert (await approve(stack, claim["claim_id"], VALIDATOR_AND_PAYMENTS)).status_code == 200

    run = await prepared(stack)  # by officer-pay
    csv = (await statement(stack, run["run_id"], "prime-north", csv=True)).content
    assert (await abandon(stack, run)).status_code == 200
    run = await prepared(stack)  # the same inputs again
    assert (await statement(stack, run["run_id"], "prime-north", csv=True)).content == csv

    refused = await authorise(stack, run, token=VALIDATOR_AND_PAYMENTS)
    assert slug(problem(refused, 403)) == "approver-cannot-authorise"
    assert (await authorise(stack, run, token=OTHER_PAYMENTS)).status_code == 200

    contracts = (await statement(stack, run["run_id"], "prime-north", token=PRIME)).json()["statements"]
    [line] = [x for c in contracts for x in c["lines"] if x["kind"] == "job_outcome"]
    assert (line["source"], line["source_id"], line["case_id"], line["amount_pence"]) == (
        "claim", claim["claim_id"], case.referral_id, JOB_OUTCOME_PENCE)

    async def owed() -> bool:
        return len(await owed_rows(stack)) == 1

    await eventually(owed, message="the authorised run flows down to the partner")
    [owing] = await owed_rows(stack)
    assert (owing["partner_id"], owing["source_id"], owing["share_percent"], owing["amount_pence"]) == (
        "partner-whole", claim["claim_id"], SHARE, JOB_OUTCOME_PENCE * SHARE // 100)
    assert owing["amount_pence"] == 455_729  # £13,020.83 x 35%, rounded down

    paid = await stack.client.post("/flow-down/payments", headers=PRIME, json={
        "partner_id": "partner-whole", "amount_pence": owing["amount_pence"], "paid_on": today().isoformat(),
        "owed_ids": [owing["owed_id"]],
    })
    assert paid.status_code == 201, paid.text
    mine = (await stack.client.get("/flow-down/statements/partner-whole", headers=WHOLE)).json()
    [shown] = mine["items"]
    assert (shown["owed_id"], shown["status"], shown["paid_on"]) == (owing["owed_id"], "paid", today().isoformat())
    assert mine["totals"]["paid_pence"] == 455_729 and mine["totals"]["outstanding_pence"] == 0
