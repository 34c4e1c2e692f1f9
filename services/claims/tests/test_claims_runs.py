"""Approved claims are a payment run's input: the run reads those approved and not yet paid, a line each naming
its approver; authorising it marks each claim and its entitlement paid, so no claim is paid twice. Only a claim
whose entitlement is still claimed is approved."""

from __future__ import annotations

from dataclasses import replace

from scx_claims.repository import entitlements as entitlement_repository

from .builders import PRIME, VALIDATOR, Stack, problem, slug
from .claims_builders import (
    JOB_OUTCOME_PENCE,
    _uow,
    approve,
    entitlement_status,
    submitted_claim,
)
from .runs_builders import INSTALMENT, authorise, due_months, prepared, statement, this_month


async def test_a_run_pays_approved_claims_once_and_marks_them_paid(stack: Stack) -> None:
    approved, waiting = await submitted_claim(stack), await submitted_claim(stack)
    assert (await approve(stack, approved["claim_id"])).status_code == 200
    run = await prepared(stack)
    [north] = [s for s in run["statements"] if s["prime_id"] == "prime-north"]
    assert north["gross_pence"] == len(due_months(stack, this_month())) * INSTALMENT + JOB_OUTCOME_PENCE
    contracts = (await statement(stack, run["run_id"], "prime-north")).json()["statements"]
    [claimed] = [line for c in contracts for line in c["lines"] if line["source"] == "claim"]
    assert (claimed["source_id"], claimed["case_id"], claimed["kind"], claimed["amount_pence"]) == (
        approved["claim_id"], approved["case_id"], "job_outcome", JOB_OUTCOME_PENCE)
    frozen = [r for r in (await stack.service.rows())["run_lines"] if r["source"] == "claim"]
    assert [r["approved_by"] for r in frozen] == ["officer-val"]  # maker-checker: not the run's authoriser
    assert (await authorise(stack, run)).status_code == 200
    claim = (await stack.client.get(f"/claims/{approved['claim_id']}", headers=PRIME)).json()
    assert claim["status"] == "paid"
    assert await entitlement_status(stack, approved["entitlement_id"]) == "paid"
    assert await entitlement_status(stack, waiting["entitlement_id"]) == "claimed"  # not approved: not paid
    paid = (await stack.client.get("/claims?status=paid", headers=PRIME)).json()["items"]
    assert [c["claim_id"] for c in paid] == [approved["claim_id"]]


async def test_a_claim_whose_entitlement_no_longer_stands_is_not_approved_nor_paid(stack: Stack) -> None:
    claim = await submitted_claim(stack)
    async with _uow(stack) as uow:  # as a correction withdrawing it would leave it
        found = await entitlement_repository.get_entitlement(uow, claim["entitlement_id"])
        assert found is not None
        await entitlement_repository.update_entitlement(uow, replace(found, status="withdrawn"), columns=("status",))
        await uow.commit()
    async with stack.service.writes_nothing():
        refused = await approve(stack, claim["claim_id"])
    assert slug(problem(refused, 409)) == "entitlement-no-longer-claimed"
    assert "withdrawn" in refused.json()["detail"]
    assert (await stack.client.get(f"/claims/{claim['claim_id']}", headers=VALIDATOR)).json()["status"] == "submitted"


async def test_a_run_whose_claim_no_longer_stands_is_not_authorised(stack: Stack) -> None:
    claim = await submitted_claim(stack)
    assert (await approve(stack, claim["claim_id"])).status_code == 200
    run = await prepared(stack)
    async with _uow(stack) as uow:  # the entitlement changed after the run froze it
        found = await entitlement_repository.get_entitlement(uow, claim["entitlement_id"])
        assert found is not None
        await entitlement_repository.update_entitlement(uow, replace(found, status="withdrawn"), columns=("status",))
        await uow.commit()
    async with stack.service.writes_nothing():
        refused = await authorise(stack, run)
    assert slug(problem(refused, 409)) == "run-inputs-changed"
    assert (await stack.client.get(f"/claims/{claim['claim_id']}", headers=PRIME)).json()["status"] == "approved"
