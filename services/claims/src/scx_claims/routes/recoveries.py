"""The recoveries ledger: raised by DWP's validating and payments officers, netted by payment runs; a prime sees its
own, DWP all."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, Request, Response, status

from scx_claims.models.runs import Recovery
from scx_claims.repository.runs import RecoveryFilter
from scx_claims.schemas.runs import RaiseRecovery, RecoveryOut
from scx_claims.service import recoveries
from scx_servicekit import idempotency
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.idempotency import IdempotencyKey
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router
from scx_servicekit.strict import OrganisationId, QueryBool, RecordId

Paging = Annotated[PageRequest, Depends(page_request)]
router = service_router(tags=["recoveries"])


def recovery_out(recovery: Recovery) -> RecoveryOut:
    return RecoveryOut.model_validate(asdict(recovery))


def _location(out: dict[str, Any]) -> str:
    return f"/recoveries/{out['recovery_id']}"


@router.post(
    "/recoveries", status_code=status.HTTP_201_CREATED, response_model=RecoveryOut,
    responses=problems({400: "the Idempotency-Key is not 1-200 printable characters"}),
)
async def raise_recovery(
    body: RaiseRecovery, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Raise a recovery against a prime's contract (a DWP validating or payments officer): the next run nets it."""

    async def perform() -> idempotency.Answer:
        out = recovery_out(await recoveries.raise_recovery_by_officer(uow, principal, command=body))
        dumped = out.model_dump(mode="json")
        return idempotency.Answer(status.HTTP_201_CREATED, dumped, headers={"Location": _location(dumped)})

    return await idempotency.once(uow, principal, request, idempotency_key, body, perform, location=_location)


@router.get("/recoveries", responses=problems({400: "the cursor is not one this service issued"}))
async def list_recoveries(
    principal: CurrentPrincipal, uow: UoW, paging: Paging, prime_id: OrganisationId | None = None,
    contract_id: RecordId | None = None, outstanding: QueryBool | None = None,
) -> Page[RecoveryOut]:
    """Recoveries oldest first: DWP all, a prime its own; `outstanding=true` those with something left to recover."""
    wanted = RecoveryFilter(prime_id=prime_id, contract_id=contract_id, outstanding=outstanding)
    found = await recoveries.list_recoveries(uow, principal, wanted=wanted, page=paging)
    page = page_of(found, paging, "recovery_id")
    return Page[RecoveryOut](items=[recovery_out(r) for r in page.items], next_cursor=page.next_cursor)


@router.get("/recoveries/{recovery_id}", response_model=RecoveryOut,
            responses=problems({404: "no such recovery that the caller can see"}))
async def get_recovery(recovery_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    out = recovery_out(await recoveries.get_recovery(uow, principal, recovery_id=recovery_id))
    return Response(out.model_dump_json(), media_type="application/json")
