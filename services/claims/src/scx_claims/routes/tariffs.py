"""Tariffs: the payment models' versions, read by DWP and the primes; a new version added by a DWP contract
manager."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request, Response, status

from scx_claims.models.tariffs import TariffVersionRow
from scx_claims.rules.tariffs import TariffBody
from scx_claims.schemas.tariffs import MODEL_PATTERN, AddTariffVersion, TariffVersionOut
from scx_claims.service import tariffs
from scx_servicekit import idempotency
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.idempotency import IdempotencyKey
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router

LISTING = problems({400: "the cursor is not one this service issued"})
ONE = problems({404: "no such tariff version"})
ADDING = problems({
    400: "the Idempotency-Key is not 1-200 printable characters",
    404: "no such payment model",
    409: "another version of the model was added at the same moment",
    422: "a field is wrong, the date is not in the future or not after the latest version's, or the body cannot be "
         "used (the problem names each figure)",
})
Paging = Annotated[PageRequest, Depends(page_request)]
Model = Annotated[
    str, Path(pattern=MODEL_PATTERN, max_length=48, description="a payment model, e.g. pathways-30-50-20")
]
Version = Annotated[int, Path(ge=1, le=2**31 - 1)]
router = service_router(tags=["tariffs"])


def version_out(row: TariffVersionRow) -> TariffVersionOut:
    body = TariffBody.model_validate(row.body)
    return TariffVersionOut(
        model=row.model, version=row.version, effective_from=row.effective_from, body=body,
        body_digest=row.body_digest, source=row.source, added_by=row.added_by, added_at=row.added_at,
        assumed_figures=[a.figure for a in body.assumptions],
    )


@router.get("/tariffs", responses=LISTING)
async def list_tariffs(principal: CurrentPrincipal, uow: UoW, paging: Paging) -> Page[TariffVersionOut]:
    """Every version of every payment model, by model and version: what each pays for, its prices per payment
    group, thresholds and schedule, the day it takes effect, and which figures are assumptions."""
    rows = await tariffs.list_tariffs(uow, principal, page=paging)
    page = page_of(rows, paging, tariffs.cursor_of)
    return Page[TariffVersionOut](items=[version_out(r) for r in page.items], next_cursor=page.next_cursor)


@router.get("/tariffs/{model}/versions/{version}", response_model=TariffVersionOut, responses=ONE)
async def get_tariff(model: Model, version: Version, principal: CurrentPrincipal, uow: UoW) -> Response:
    """One version of a payment model's tariff."""
    out = version_out(await tariffs.get_tariff(uow, principal, model=model, version=version))
    return Response(out.model_dump_json(), media_type="application/json")


@router.post(
    "/tariffs/{model}/versions", status_code=status.HTTP_201_CREATED, response_model=TariffVersionOut,
    responses=ADDING,
)
async def add_tariff_version(
    model: Model, body: AddTariffVersion, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """A DWP contract manager adds the model's next version, effective from a future date after the latest
    version's. It decides what becomes payable from that date; what was payable before keeps its price."""

    async def add() -> idempotency.Answer:
        row = await tariffs.add_version(uow, principal, model=model, command=body)
        out = version_out(row).model_dump(mode="json")
        return idempotency.Answer(status.HTTP_201_CREATED, out, headers={"Location": _location(out)})

    return await idempotency.once(uow, principal, request, idempotency_key, body, add, location=_location)


def _location(out: dict[str, Any]) -> str:
    return f"/tariffs/{out['model']}/versions/{out['version']}"
