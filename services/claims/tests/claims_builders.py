"""Builders for the claims area's tests: a journey with a job (published as case tracking would), evidence in the
prime's register, entitlements, claims and their decisions.

Until the entitlements area lands, `entitle_for_test` writes the entitlement row straight through
`repository.entitlements.add_entitlement` (on a real journey published with `stack.cases`), and `pay_for_test`
marks it paid as a payment run would: switch both to real eligibility and a real run when those areas are merged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from scx_claims.models.entitlements import Entitlement
from scx_claims.repository import entitlements as entitlement_repository
from scx_persistence import UnitOfWork
from scx_testing.journeys import Referral

from .builders import PRIME, VALIDATOR, Stack, today

JOB_OUTCOME_PENCE = 1_250_000  # 50% of £12m / 480 profiled job outcomes


@dataclass(frozen=True)
class Journey:
    case: Referral
    job_id: str
    started_on: date
    job_started_on: date

    @property
    def case_id(self) -> str:
        return self.case.referral_id


async def new_journey(stack: Stack, *, days_ago: int = 120, sync: bool = True) -> Journey:
    """A case opened at prime-north's contract `days_ago` days ago, with a job started two weeks later."""
    started = today() - timedelta(days=days_ago)
    case = await stack.open_case(started_on=started, sync=False)
    job_started = started + timedelta(days=14)
    job_id = await stack.cases.job_started(case, job_started)
    if sync:
        await stack.synced()
    return Journey(case, job_id, started, job_started)


def _uow(stack: Stack) -> UnitOfWork:
    return stack.service.app.state.runtime.uow_factory()  # type: ignore[no-any-return]


async def entitle_for_test(
    stack: Stack, journey: Journey, *, kind: str = "job_outcome", sequence: int = 1,
    amount_pence: int = JOB_OUTCOME_PENCE, payable_from: date | None = None, status: str = "payable",
    contract_id: str | None = None, prime_id: str = "prime-north",
) -> str:
    """Stand-in for the eligibility area: an entitlement of the journey, written through its repository."""
    entitlement = Entitlement(
        entitlement_id=f"ent-{journey.case_id[-12:]}-{kind[:3]}-{sequence}", case_id=journey.case_id,
        contract_id=contract_id or journey.case.contract_id, prime_id=prime_id, kind=kind, sequence=sequence,
        amount_pence=amount_pence, tariff_model="pathways-30-50-20", tariff_version=1,
        payable_from=payable_from or journey.job_started_on, evidence_weeks=[journey.job_started_on.isoformat()],
        status=status, computed_at=datetime.now(UTC),
    )
    async with _uow(stack) as uow:
        assert await entitlement_repository.add_entitlement(uow, entitlement)
        await uow.commit()
    return entitlement.entitlement_id


async def pay_for_test(stack: Stack, entitlement_id: str) -> None:
    """Stand-in for a payment run: the entitlement is paid."""
    async with _uow(stack) as uow:
        entitlement = await entitlement_repository.get_entitlement(uow, entitlement_id)
        assert entitlement is not None
        await entitlement_repository.update_entitlement(uow, replace(entitlement, status="paid"), columns=("status",))
        await uow.commit()


async def entitlement_status(stack: Stack, entitlement_id: str) -> str:
    async with _uow(stack) as uow:
        entitlement = await entitlement_repository.get_entitlement(uow, entitlement_id)
        assert entitlement is not None
        return entitlement.status


def evidence_body(journey: Journey, **overrides: Any) -> dict[str, Any]:
    body = {
        "case_id": journey.case_id, "kind": "payslip", "job_id": journey.job_id,
        "covers_from": journey.job_started_on.isoformat(), "covers_to": (today() - timedelta(days=1)).isoformat(),
        "obtained_how": "from_claimant", "obtained_on": today().isoformat(),
        "description": "Payslips for the first month, seen and copied",
    }
    return {k: v for k, v in {**body, **overrides}.items() if v is not None}


async def record_evidence(stack: Stack, journey: Journey, headers: dict[str, str] = PRIME, **overrides: Any) -> str:
    response = await stack.client.post("/evidence", json=evidence_body(journey, **overrides), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["evidence_id"])


async def post_claim(
    stack: Stack, entitlement_id: str, evidence_ids: list[str], *, headers: dict[str, str] = PRIME,
    key: str | None = None,
) -> httpx.Response:
    extra = {"Idempotency-Key": key} if key else {}
    return await stack.client.post(
        "/claims", json={"entitlement_id": entitlement_id, "evidence_ids": evidence_ids}, headers={**headers, **extra}
    )


async def submitted_claim(stack: Stack, journey: Journey | None = None, **entitlement: Any) -> dict[str, Any]:
    """A journey (new unless given), an entitlement of it, a payslip and the claim citing it."""
    journey = journey or await new_journey(stack)
    entitlement_id = await entitle_for_test(stack, journey, **entitlement)
    evidence_id = await record_evidence(stack, journey)
    response = await post_claim(stack, entitlement_id, [evidence_id])
    assert response.status_code == 201, response.text
    return dict(response.json())


async def approve(stack: Stack, claim_id: str, headers: dict[str, str] = VALIDATOR) -> httpx.Response:
    return await stack.client.post(f"/claims/{claim_id}/approval", json={}, headers=headers)


async def reject(stack: Stack, claim_id: str, reason: str, headers: dict[str, str] = VALIDATOR) -> httpx.Response:
    return await stack.client.post(f"/claims/{claim_id}/rejection", json={"reason": reason}, headers=headers)
