"""What each journey makes payable, and each contract's service fee instalments: read by the prime and DWP."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from scx_claims.models.entitlements import Entitlement, Instalment
from scx_claims.schemas.entitlements import EntitlementOut, InstalmentOut
from scx_claims.service import entitlements
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router

Paging = Annotated[PageRequest, Depends(page_request)]
router = service_router(tags=["entitlements"])


def entitlement_out(e: Entitlement) -> EntitlementOut:
    return EntitlementOut.model_validate(e, from_attributes=True)


def instalment_out(i: Instalment) -> InstalmentOut:
    return InstalmentOut.model_validate(i, from_attributes=True)


@router.get("/journeys/{case_id}/entitlements", responses=problems({
    400: "the cursor is not one this service issued", 404: "no such journey that the caller can see",
}))
async def list_entitlements(
    case_id: str, principal: CurrentPrincipal, uow: UoW, paging: Paging
) -> Page[EntitlementOut]:
    """What the journey makes payable under its contract's tariff: attachment fees, the job outcome, a sustained
    job outcome, sustainment payments; each with its amount in pence, the tariff version that priced it, the day it
    is payable from and the weeks it rests on. In the order they were first computed. The journey's prime and DWP
    read it; anyone else finds no journey."""
    found = await entitlements.list_entitlements(uow, principal, case_id=case_id, page=paging)
    page = page_of(found, paging, "entitlement_id")
    return Page[EntitlementOut](items=[entitlement_out(e) for e in page.items], next_cursor=page.next_cursor)


@router.get("/contracts/{contract_id}/instalments", responses=problems({
    400: "the cursor is not one this service issued", 404: "no such contract that the caller can see",
}))
async def list_instalments(
    contract_id: str, principal: CurrentPrincipal, uow: UoW, paging: Paging
) -> Page[InstalmentOut]:
    """The contract's service fee, month by month: equal instalments summing to exactly its share of the value, the
    remainder pennies one each to the earliest months. Paid without a claim."""
    found = await entitlements.list_instalments(uow, principal, contract_id=contract_id, page=paging)
    page = page_of(found, paging, "month")
    return Page[InstalmentOut](items=[instalment_out(i) for i in page.items], next_cursor=page.next_cursor)
