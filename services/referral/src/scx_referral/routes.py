from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response, status

from scx_contracts.referral import BenefitType
from scx_referral import access, service
from scx_referral.claimant import NinoSealing, NinoVault
from scx_referral.repository import ReferralFilter
from scx_referral.schemas import (
    AllocateReferral,
    AllocationOut,
    ReallocateReferral,
    ReferClaimant,
    ReferralOut,
    ReferralStatus,
    RejectReferral,
    StartReferral,
    WithdrawReferral,
)
from scx_servicekit import idempotency
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.idempotency import IdempotencyKey
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router
from scx_servicekit.strict import IsoDate, QueryInt

PROBLEMS = problems({
    404: "no such referral that the caller can see",
    409: "the referral is not in a state that allows this",
    422: "a field is wrong, or the supply chain does not allow it (the problem says why)",
})
LISTING = problems({400: "the cursor is not one this service issued"})
IDEMPOTENT = problems({400: "the Idempotency-Key is not 1-200 printable characters"})
Paging = Annotated[PageRequest, Depends(page_request)]
router = service_router(prefix="/referrals", tags=["referrals"], responses=PROBLEMS)


async def vault(request: Request) -> NinoVault:  # async: FastAPI would run a plain function in a worker thread
    v: NinoVault = request.app.state.nino_vault
    return v


Vault = Annotated[NinoVault, Depends(vault)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ReferralOut, responses=IDEMPOTENT)
async def refer_claimant(
    body: ReferClaimant,
    principal: CurrentPrincipal,
    uow: UoW,
    vault: Vault,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """JCP refers a claimant to a prime's contract. The NI number is validated, pseudonymised and encrypted."""
    access.require_referrer(principal)  # before any replay: a replay shows the NI number

    sealing = NinoSealing(vault)

    async def refer() -> idempotency.Answer:
        referral = await service.refer_claimant(uow, principal, command=body, vault=vault)
        out = service.referral_out(service.ReferralView(referral), principal, vault).model_dump(mode="json")
        sealing.known[body.national_insurance_number] = referral.nino_sealed  # one ciphertext for both copies
        return idempotency.Answer(status.HTTP_201_CREATED, out, headers={"Location": _location(out)})

    return await idempotency.once(
        uow, principal, request, idempotency_key, body, refer, sealing=sealing, location=_location
    )


def _location(out: dict[str, Any]) -> str:
    return f"/referrals/{out['referral_id']}"


def _json(body: ReferralOut) -> Response:
    """Serialised once, here: FastAPI would otherwise validate the model a second time on the way out."""
    return Response(body.model_dump_json(), media_type="application/json")


@router.get("", responses=LISTING)
async def list_referrals(
    principal: CurrentPrincipal,
    uow: UoW,
    vault: Vault,
    paging: Paging,
    status: ReferralStatus | None = None,
    contract_id: str | None = None,
    prime_id: str | None = None,
    partner_id: Annotated[str | None, Query(description="referrals currently allocated to this partner")] = None,
    payment_group: Annotated[QueryInt | None, Query(ge=1, le=9)] = None,
    benefit_type: BenefitType | None = None,
    referred_from: IsoDate | None = None,
    referred_to: IsoDate | None = None,
) -> Page[ReferralOut]:
    """A prime sees its referrals; a partner those allocated to it; JCP those it referred; DWP all."""
    wanted = ReferralFilter(
        prime_id=prime_id, current_partner_id=partner_id, contract_id=contract_id, status=status,
        payment_group=payment_group, benefit_type=benefit_type, referred_from=referred_from, referred_to=referred_to,
    )
    views = await service.list_referrals(uow, principal, wanted=wanted, after=paging.after, limit=paging.limit + 1)
    page = page_of(views, paging, lambda v: v.referral.referral_id)
    return Page[ReferralOut](
        items=[service.referral_out(v, principal, vault) for v in page.items], next_cursor=page.next_cursor
    )


@router.get("/{referral_id}", response_model=ReferralOut)
async def get_referral(referral_id: str, principal: CurrentPrincipal, uow: UoW, vault: Vault) -> Response:
    view = await service.get_referral(uow, principal, referral_id=referral_id)
    return _json(service.referral_out(view, principal, vault))


@router.get("/{referral_id}/allocations")
async def allocation_history(referral_id: str, principal: CurrentPrincipal, uow: UoW) -> list[AllocationOut]:
    """Every allocation of the referral, oldest first; a partner sees only its own."""
    history = await service.allocation_history(uow, principal, referral_id=referral_id)
    return [AllocationOut.model_validate(a, from_attributes=True) for a in history]


@router.post("/{referral_id}/start", response_model=ReferralOut)
async def start_referral(
    referral_id: str, body: StartReferral, principal: CurrentPrincipal, uow: UoW, vault: Vault
) -> Response:
    """The prime takes the claimant onto its caseload (a start, or attachment)."""
    referral = await service.start_referral(uow, principal, referral_id=referral_id, command=body)
    return _json(service.referral_out(service.ReferralView(referral), principal, vault))


@router.post("/{referral_id}/rejection", response_model=ReferralOut)
async def reject_referral(
    referral_id: str, body: RejectReferral, principal: CurrentPrincipal, uow: UoW, vault: Vault
) -> Response:
    """The prime rejects an inappropriate referral before a start, with a coded reason."""
    referral = await service.reject_referral(uow, principal, referral_id=referral_id, command=body)
    return _json(service.referral_out(service.ReferralView(referral), principal, vault))


@router.post("/{referral_id}/allocation", response_model=ReferralOut)
async def allocate_referral(
    referral_id: str, body: AllocateReferral, principal: CurrentPrincipal, uow: UoW, vault: Vault
) -> Response:
    """Allocate a started referral in-house or to a partner whose live subcontract and client group fit."""
    view = await service.allocate_referral(uow, principal, referral_id=referral_id, command=body)
    return _json(service.referral_out(view, principal, vault))


@router.post("/{referral_id}/reallocation", response_model=ReferralOut)
async def reallocate_referral(
    referral_id: str, body: ReallocateReferral, principal: CurrentPrincipal, uow: UoW, vault: Vault
) -> Response:
    """Move an allocated referral to another partner or in-house, with a reason."""
    view = await service.reallocate_referral(uow, principal, referral_id=referral_id, command=body)
    return _json(service.referral_out(view, principal, vault))


@router.post("/{referral_id}/withdrawal", response_model=ReferralOut)
async def withdraw_referral(
    referral_id: str, body: WithdrawReferral, principal: CurrentPrincipal, uow: UoW, vault: Vault
) -> Response:
    """The prime or the referring JCP office withdraws the referral, with a coded reason."""
    view = await service.withdraw_referral(uow, principal, referral_id=referral_id, command=body)
    return _json(service.referral_out(view, principal, vault))
