"""Builders for the claims area's tests: a journey with a job and its weekly hours (published as case tracking
would), whose outcomes the real eligibility makes payable; evidence in the prime's register; claims, their
decisions, and the real payment run that pays them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from scx_claims.repository import entitlements as entitlement_repository
from scx_persistence import UnitOfWork
from scx_testing.journeys import Referral

from .builders import PRIME, VALIDATOR, Stack, monday, today
from .entitlements_builders import JOB_OUTCOME_PENCE, award_work_programme
from .runs_builders import authorise, prepared

__all__ = ["JOB_OUTCOME_PENCE"]


@dataclass(frozen=True)
class Journey:
    case: Referral
    job_id: str
    started_on: date
    job_started_on: date  # a Monday: the first week of hours

    @property
    def case_id(self) -> str:
        return self.case.referral_id


async def new_journey(
    stack: Stack, *, days_ago: int = 120, hours: list[str] | None = None, sync: bool = True,
    contract_id: str | None = None,
) -> Journey:
    """A case opened at prime-north's contract (or `contract_id`) `days_ago` days ago, with a job started on the
    Monday a fortnight later and its weekly `hours` from that week (by default one week of 8 hours: the job outcome,
    payable from the Monday after)."""
    assert stack.chain is not None
    started = today() - timedelta(days=days_ago)
    case = await stack.cases.open(
        contract_id=contract_id or stack.chain.contract_id, prime_id="prime-north", referral_date=started,
        started_on=started, payment_group=6,
    )
    job_started = monday(started + timedelta(days=14))
    job_id = await stack.cases.job_started(case, job_started)
    await stack.cases.weeks(case, job_id, job_started, ["8"] if hours is None else hours)
    if sync:
        await stack.synced()
    return Journey(case, job_id, started, job_started)


async def work_programme_journey(stack: Stack, *, weeks_in_work: int) -> Journey:
    """A journey on a Work Programme contract (payment group 6: the job outcome after 13 weeks in work, a
    sustainment payment each further 4), with its attachment fee."""
    contract = await award_work_programme(stack)
    return await new_journey(stack, days_ago=7 * (weeks_in_work + 4), hours=["30"] * weeks_in_work,
                             contract_id=str(contract["contract_id"]))


async def entitlements_of(stack: Stack, journey: Journey) -> list[dict[str, Any]]:
    response = await stack.client.get(f"/journeys/{journey.case_id}/entitlements", headers=PRIME)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def outcome_of(stack: Stack, journey: Journey, kind: str = "job_outcome", sequence: int = 1) -> str:
    """The id of the journey's entitlement of this kind and sequence, as the eligibility computed it."""
    found = [e for e in await entitlements_of(stack, journey) if (e["kind"], e["sequence"]) == (kind, sequence)]
    assert len(found) == 1, f"no {kind} {sequence} in {await entitlements_of(stack, journey)}"
    return str(found[0]["entitlement_id"])


async def payable_outcome(stack: Stack, journey: Journey | None = None, kind: str = "job_outcome") -> str:
    """A payable job outcome (or `kind`) of a journey (new unless given), earned through the real eligibility."""
    journey = journey or await new_journey(stack, hours=["16"] * 13 if kind == "sustained_job_outcome" else None)
    return await outcome_of(stack, journey, kind)


def _uow(stack: Stack) -> UnitOfWork:
    return stack.service.app.state.runtime.uow_factory()  # type: ignore[no-any-return]


async def entitlement_status(stack: Stack, entitlement_id: str) -> str:
    async with _uow(stack) as uow:
        entitlement = await entitlement_repository.get_entitlement(uow, entitlement_id)
        assert entitlement is not None
        return entitlement.status


async def paid_by_run(stack: Stack) -> dict[str, Any]:
    """This month's payment run, prepared by one payments officer and authorised by another: it pays every
    approved claim (and the fees and instalments due)."""
    run = await prepared(stack)
    response = await authorise(stack, run)
    assert response.status_code == 200, response.text
    return dict(response.json())


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


async def submitted_claim(stack: Stack, journey: Journey | None = None, kind: str = "job_outcome") -> dict[str, Any]:
    """A journey (new unless given), its payable outcome of `kind`, a payslip and the claim citing it."""
    journey = journey or await new_journey(stack, hours=["16"] * 13 if kind == "sustained_job_outcome" else None)
    entitlement_id = await outcome_of(stack, journey, kind)
    evidence_id = await record_evidence(stack, journey)
    response = await post_claim(stack, entitlement_id, [evidence_id])
    assert response.status_code == 201, response.text
    return dict(response.json())


async def approve(stack: Stack, claim_id: str, headers: dict[str, str] = VALIDATOR) -> httpx.Response:
    return await stack.client.post(f"/claims/{claim_id}/approval", json={}, headers=headers)


async def reject(stack: Stack, claim_id: str, reason: str, headers: dict[str, str] = VALIDATOR) -> httpx.Response:
    return await stack.client.post(f"/claims/{claim_id}/rejection", json={"reason": reason}, headers=headers)
