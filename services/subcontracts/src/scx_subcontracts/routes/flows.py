"""Referral flows for TPPMs: every prime's referral cohorts side by side, and one prime's by delivering
organisation. Reports of aggregates, one line per prime or organisation in view, so they are not paged."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.openapi import problems
from scx_servicekit.routing import service_router
from scx_servicekit.strict import Month, OrganisationId, RecordId
from scx_subcontracts.schemas.flows import (
    OrganisationFlowOut,
    PrimeBreakdownOut,
    PrimeFlowOut,
    PrimesFlowsOut,
    flow_out,
)
from scx_subcontracts.service import flows as service

REPORT = problems({422: "a parameter is wrong: a month, or the range they make (each named in errors)"})
BREAKDOWN = problems({
    404: "no such prime (or contract of it) that the caller can see",
    422: "a parameter is wrong: a month, or the range they make (each named in errors)",
})
FromMonth = Annotated[Month, Query(description="the first referral month, YYYY-MM")]
ToMonth = Annotated[Month, Query(description="the last referral month, YYYY-MM (at most 60 months on)")]
ContractFilter = Annotated[RecordId | None, Query(description="one contract")]

router = service_router(tags=["referral flows"])


@router.get("/referral-flows", responses=REPORT)
async def primes_side_by_side(
    principal: CurrentPrincipal, uow: UoW, from_month: FromMonth, to_month: ToMonth,
    contract_id: ContractFilter = None,
) -> PrimesFlowsOut:
    """Each prime's referrals of the months: referred → started → first WFI → job start → job outcome, with
    conversions, drop-outs and rejections, days from referral to first WFI (p50, p90) and each clock's breaches.
    DWP's contract managers and auditors and JCP's TPPMs see every prime, a prime itself; a partner reads its own
    line in a prime's breakdown."""
    months = service.months_asked(from_month, to_month)
    lines = await service.primes_side_by_side(uow, principal, months=months, contract_id=contract_id)
    return PrimesFlowsOut(
        from_month=months.first, to_month=months.last, as_of=service.today(),
        items=[PrimeFlowOut(prime_id=line.prime_id, flow=flow_out(line.flow)) for line in lines],
    )


@router.get("/referral-flows/{prime_id}", responses=BREAKDOWN)
async def prime_breakdown(
    prime_id: OrganisationId, principal: CurrentPrincipal, uow: UoW, from_month: FromMonth, to_month: ToMonth,
    contract_id: ContractFilter = None,
) -> PrimeBreakdownOut:
    """One prime's referral flows by the organisation delivering each journey: the prime (in house, and what it has
    not yet allocated) and each partner, with the prime's total. A partner sees only its own line."""
    months = service.months_asked(from_month, to_month)
    found = await service.prime_breakdown(
        uow, principal, prime_id=prime_id, months=months, contract_id=contract_id,
    )
    return PrimeBreakdownOut(
        prime_id=found.prime_id, from_month=months.first, to_month=months.last, as_of=service.today(),
        total=flow_out(found.total) if found.total is not None else None,
        organisations=[
            OrganisationFlowOut(organisation_id=o.organisation_id, delivery=o.delivery, flow=flow_out(o.flow))
            for o in found.organisations
        ],
    )
