"""What a recovery may take back: only a claim that was paid, never more than it was paid, and only with a sample
that is that prime's and contract's; and periods at the calendar's edge are refused, not a server error."""

from __future__ import annotations

from .builders import PAYMENTS, VALIDATOR, Stack, problem, slug
from .claims_builders import approve, paid_by_run, submitted_claim
from .runs_builders import recovery_body


async def test_an_unpaid_claim_is_not_recovered_and_a_paid_one_not_beyond_its_payment(stack: Stack) -> None:
    claim = await submitted_claim(stack)
    contract_id, amount = claim["contract_id"], claim["amount_pence"]
    async with stack.service.writes_nothing():
        unpaid = await stack.client.post("/recoveries", headers=VALIDATOR,
                                         json=recovery_body(contract_id, 1, claim_id=claim["claim_id"]))
    assert slug(problem(unpaid, 409, field="body.claim_id")) == "claim-not-paid"

    assert (await approve(stack, claim["claim_id"])).status_code == 200
    await paid_by_run(stack)
    async with stack.service.writes_nothing():
        too_much = await stack.client.post("/recoveries", headers=VALIDATOR,
                                           json=recovery_body(contract_id, amount + 1, claim_id=claim["claim_id"]))
    assert slug(problem(too_much, 422, field="body.amount_pence")) == "recovery-exceeds-payment"
    exact = await stack.client.post("/recoveries", headers=VALIDATOR,
                                    json=recovery_body(contract_id, amount, claim_id=claim["claim_id"]))
    assert exact.status_code == 201, exact.text


async def test_a_recovery_names_only_a_real_sample_of_its_contract(stack: Stack) -> None:
    contract_id = stack.chain.contract_id  # type: ignore[union-attr]
    async with stack.service.writes_nothing():
        response = await stack.client.post("/recoveries", headers=VALIDATOR, json=recovery_body(
            contract_id, 100, sample_id="00000000-0000-0000-0000-000000000000",
        ))
    assert slug(problem(response, 422, field="body.sample_id")) == "unknown-sample"


async def test_periods_at_the_calendars_edge_are_refused_naming_the_field(stack: Stack) -> None:
    contract_id = stack.chain.contract_id  # type: ignore[union-attr]
    for period in ("0000-01", "0000-12", "0999-12"):
        async with stack.service.writes_nothing():
            run = await stack.client.post("/payment-runs", headers=PAYMENTS, json={"period": period})
            sample = await stack.client.post("/samples", headers=VALIDATOR, json={
                "stage": "pre_payment", "prime_id": "prime-north", "contract_id": contract_id, "period": period,
                "kind": "job_outcome", "rate_basis_points": 500,
            })
        problem(run, 422, field="body.period")
        problem(sample, 422, field="body.period")
    async with stack.service.writes_nothing():
        late = await stack.client.post("/samples", headers=VALIDATOR, json={
            "stage": "pre_payment", "prime_id": "prime-north", "contract_id": contract_id, "period": "9999-12",
            "kind": "job_outcome", "rate_basis_points": 500,
        })
    problem(late, 422, field="body.period")  # in the future: refused naming the field, never a server error
