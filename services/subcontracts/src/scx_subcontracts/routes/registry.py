from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response, status

from scx_contracts.subcontracts import MonthlyProfile
from scx_contracts.vocabulary import OrganisationKind, SupplyChainModel
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router
from scx_servicekit.strict import INT32_MAX, QueryInt
from scx_subcontracts.schemas.registry import (
    AgreeSubcontract,
    AwardContract,
    ContractOut,
    EndSubcontract,
    OrganisationOut,
    ProfileOut,
    RegisterOrganisation,
    SetProfile,
    SubcontractOut,
    VarySubcontract,
)
from scx_subcontracts.service import registry as service

PROBLEMS = problems({
    404: "no such record that the caller can see",
    422: "the request names a field that is wrong",
})
LISTING = problems({400: "the cursor is not one this service issued"})
EXISTS = problems({409: "the organisation is already registered"})
ENDED = problems({409: "the subcontract has ended"})
Paging = Annotated[PageRequest, Depends(page_request)]

router = service_router(responses=PROBLEMS)


@router.post("/organisations", status_code=status.HTTP_201_CREATED, tags=["organisations"], responses=EXISTS)
async def register_organisation(
    body: RegisterOrganisation, principal: CurrentPrincipal, uow: UoW, response: Response
) -> OrganisationOut:
    """Register DWP, a JCP district, a prime provider or a supply-chain partner (DWP contract managers only)."""
    organisation = await service.register_organisation(uow, principal, command=body)
    response.headers["Location"] = f"/organisations/{organisation.organisation_id}"
    return OrganisationOut.model_validate(organisation)


@router.get("/organisations", tags=["organisations"], responses=LISTING)
async def list_organisations(
    principal: CurrentPrincipal, uow: UoW, paging: Paging, kind: OrganisationKind | None = None
) -> Page[OrganisationOut]:
    rows = await service.list_organisations(uow, kind=kind, after=paging.after, limit=paging.limit + 1)
    return page_of([OrganisationOut.model_validate(o) for o in rows], paging, "organisation_id")


@router.get("/organisations/{organisation_id}", tags=["organisations"])
async def get_organisation(organisation_id: str, principal: CurrentPrincipal, uow: UoW) -> OrganisationOut:
    return OrganisationOut.model_validate(await service.get_organisation(uow, organisation_id=organisation_id))


@router.post("/contracts", status_code=status.HTTP_201_CREATED, tags=["contracts"])
async def award_contract(body: AwardContract, principal: CurrentPrincipal, uow: UoW, response: Response) -> ContractOut:
    """DWP awards a prime a contract for a contract package area, optionally with its original monthly profile."""
    contract = await service.award_contract(uow, principal, command=body)
    response.headers["Location"] = f"/contracts/{contract.contract_id}"
    return ContractOut.model_validate(contract)


@router.get("/contracts", tags=["contracts"], responses=LISTING)
async def list_contracts(
    principal: CurrentPrincipal,
    uow: UoW,
    paging: Paging,
    contract_package_area: str | None = None,
    prime_id: str | None = None,
) -> Page[ContractOut]:
    """DWP and JCP see every contract; a prime its own; a partner those it holds a subcontract under."""
    rows = await service.list_contracts(
        uow, principal, area=contract_package_area, prime_id=prime_id, after=paging.after, limit=paging.limit + 1
    )
    return page_of([ContractOut.model_validate(c) for c in rows], paging, "contract_id")


@router.get("/contracts/{contract_id}", tags=["contracts"])
async def get_contract(contract_id: str, principal: CurrentPrincipal, uow: UoW) -> ContractOut:
    return ContractOut.model_validate(await service.get_contract(uow, principal, contract_id=contract_id))


@router.put("/contracts/{contract_id}/profile", tags=["contracts"])
async def set_profile(contract_id: str, body: SetProfile, principal: CurrentPrincipal, uow: UoW) -> ProfileOut:
    """Set a new revision of the monthly profile; earlier revisions are kept for comparison."""
    contract = await service.set_profile(uow, principal, contract_id=contract_id, months=body.months)
    revision, revisions, months = await service.get_profile(
        uow, principal, contract_id=contract.contract_id, revision=contract.profile_revision
    )
    return _profile_out(contract_id, revision, revisions, months)


@router.get("/contracts/{contract_id}/profile", tags=["contracts"])
async def get_profile(
    contract_id: str,
    principal: CurrentPrincipal,
    uow: UoW,
    revision: Annotated[QueryInt | None, Query(ge=1, le=INT32_MAX, description="default: the latest")] = None,
) -> ProfileOut:
    revision, revisions, months = await service.get_profile(
        uow, principal, contract_id=contract_id, revision=revision
    )
    return _profile_out(contract_id, revision or 0, revisions, months)


def _profile_out(contract_id: str, revision: int, revisions: list[int], months: object) -> ProfileOut:
    return ProfileOut(
        contract_id=contract_id,
        revision=revision,
        revisions=revisions,
        months=[MonthlyProfile.model_validate(m, from_attributes=True) for m in months],  # type: ignore[attr-defined]
    )


@router.post("/contracts/{contract_id}/subcontracts", status_code=status.HTTP_201_CREATED, tags=["subcontracts"])
async def agree_subcontract(
    contract_id: str, body: AgreeSubcontract, principal: CurrentPrincipal, uow: UoW, response: Response
) -> SubcontractOut:
    """A prime agrees a subcontract with a partner under one of the four supply-chain models."""
    subcontract = await service.agree_subcontract(uow, principal, contract_id=contract_id, command=body)
    response.headers["Location"] = f"/subcontracts/{subcontract.subcontract_id}"
    return service.subcontract_out(subcontract)


@router.get("/subcontracts", tags=["subcontracts"], responses=LISTING)
async def list_subcontracts(
    principal: CurrentPrincipal,
    uow: UoW,
    paging: Paging,
    contract_id: str | None = None,
    partner_id: str | None = None,
    model: SupplyChainModel | None = None,
    status: Annotated[str | None, Query(pattern="^(live|ended)$")] = None,
) -> Page[SubcontractOut]:
    """DWP sees the whole chain; a prime its own subcontracts; a partner those it is party to."""
    rows = await service.list_subcontracts(
        uow, principal, contract_id=contract_id, partner_id=partner_id, model=model, status=status,
        after=paging.after, limit=paging.limit + 1,
    )
    return page_of([service.subcontract_out(s) for s in rows], paging, "subcontract_id")


@router.get("/subcontracts/{subcontract_id}", tags=["subcontracts"])
async def get_subcontract(subcontract_id: str, principal: CurrentPrincipal, uow: UoW) -> SubcontractOut:
    return service.subcontract_out(await service.get_subcontract(uow, principal, subcontract_id=subcontract_id))


@router.post("/subcontracts/{subcontract_id}/variations", tags=["subcontracts"], responses=ENDED)
async def vary_subcontract(
    subcontract_id: str, body: VarySubcontract, principal: CurrentPrincipal, uow: UoW
) -> SubcontractOut:
    """Vary the terms of a live subcontract, with a reason; the full new terms replace the old."""
    subcontract = await service.vary_subcontract(uow, principal, subcontract_id=subcontract_id, command=body)
    return service.subcontract_out(subcontract)


@router.post("/subcontracts/{subcontract_id}/termination", tags=["subcontracts"], responses=ENDED)
async def end_subcontract(
    subcontract_id: str, body: EndSubcontract, principal: CurrentPrincipal, uow: UoW
) -> SubcontractOut:
    """End a subcontract with a coded reason (e.g. the prime took the targets back in-house)."""
    subcontract = await service.end_subcontract(uow, principal, subcontract_id=subcontract_id, command=body)
    return service.subcontract_out(subcontract)
