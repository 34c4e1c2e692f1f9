"""Validation samples: drawn by a DWP validating officer with a recorded seed, drawn again on request, checked claim
by claim, and concluded with the failure rate's extrapolation. DWP alone sees them (`service.sampling`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, Request, Response, status

from scx_claims.models.claims import Sample
from scx_claims.schemas import Period
from scx_claims.schemas.claims import (
    CheckClaim,
    ConcludeSample,
    DrawSample,
    RedrawOut,
    SampleClaimOut,
    SampleDetailOut,
    SampleOut,
)
from scx_claims.service import sampling
from scx_claims.service.sampling import SampleView
from scx_contracts.claims import ValidationStage
from scx_servicekit import idempotency
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.idempotency import IdempotencyKey
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router
from scx_servicekit.strict import RecordId

ON_A_SAMPLE = problems({404: "no such sample that the caller can see"})
DRAWING = problems({400: "the Idempotency-Key is not 1-200 printable characters",
                    409: "the stage has a sample of this contract, month and kind, or there are no claims to draw"})
CHECKING = problems({404: "no such sample that the caller can see",
                     409: "the sample is concluded, the claim is checked already, or checks are outstanding"})
LISTING = problems({400: "the cursor is not one this service issued"})
Paging = Annotated[PageRequest, Depends(page_request)]
router = service_router(tags=["validation samples"])


def sample_out(sample: Sample) -> SampleOut:
    return SampleOut.model_validate(asdict(sample))


def detail_out(view: SampleView) -> SampleDetailOut:
    return SampleDetailOut(
        **sample_out(view.sample).model_dump(),
        claims=[SampleClaimOut.model_validate(asdict(r)) for r in view.drawn],
    )


def _json(body: SampleDetailOut | RedrawOut) -> Response:
    return Response(body.model_dump_json(), media_type="application/json")


def _location(out: dict[str, Any]) -> str:
    return f"/samples/{out['sample_id']}"


@router.post("/samples", status_code=status.HTTP_201_CREATED, response_model=SampleDetailOut, responses=DRAWING)
async def draw_sample(
    body: DrawSample, principal: CurrentPrincipal, uow: UoW, request: Request, idempotency_key: IdempotencyKey = None,
) -> Response:
    """Draw a pre- or post-payment sample of one prime's similar claims (contract, month submitted, outcome kind)
    at a rate in basis points, with a fresh seed that is recorded and published."""

    async def perform() -> idempotency.Answer:
        out = detail_out(await sampling.draw_sample(uow, principal, command=body)).model_dump(mode="json")
        return idempotency.Answer(status.HTTP_201_CREATED, out, headers={"Location": _location(out)})

    return await idempotency.once(uow, principal, request, idempotency_key, body, perform, location=_location)


@router.get("/samples", responses=LISTING)
async def list_samples(
    principal: CurrentPrincipal, uow: UoW, paging: Paging,
    stage: ValidationStage | None = None, contract_id: RecordId | None = None, period: Period | None = None,
) -> Page[SampleOut]:
    """DWP's samples, oldest first (anyone else: none)."""
    found = await sampling.list_samples(uow, principal, stage=stage, contract_id=contract_id, period=period,
                                        page=paging)
    page = page_of(found, paging, "sample_id")
    return Page[SampleOut](items=[sample_out(s) for s in page.items], next_cursor=page.next_cursor)


@router.get("/samples/{sample_id}", response_model=SampleDetailOut, responses=ON_A_SAMPLE)
async def get_sample(sample_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    """The sample and the claims it drew, in the order drawn, with their checks."""
    return _json(detail_out(await sampling.get_sample(uow, principal, sample_id=sample_id)))


@router.get("/samples/{sample_id}/redraw", response_model=RedrawOut, responses=ON_A_SAMPLE)
async def redraw_sample(sample_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    """Draw again from the recorded seed and population: the same claims in the same order (`same_as_recorded`)."""
    again = await sampling.redraw(uow, principal, sample_id=sample_id)
    return _json(RedrawOut(
        sample_id=again.sample.sample_id, seed=again.sample.seed, population=again.sample.population,
        population_digest=again.sample.population_digest, drawn=again.drawn, same_as_recorded=again.same_as_recorded,
    ))


@router.post("/samples/{sample_id}/checks", response_model=SampleDetailOut, responses=CHECKING)
async def check_claim(sample_id: str, body: CheckClaim, principal: CurrentPrincipal, uow: UoW) -> Response:
    """Record a drawn claim's check, once: before payment a failure rejects the claim, after payment it raises a
    recovery of the claim's amount."""
    return _json(detail_out(await sampling.check_claim(uow, principal, sample_id=sample_id, command=body)))


@router.post("/samples/{sample_id}/conclusion", response_model=SampleDetailOut, responses=CHECKING)
async def conclude_sample(sample_id: str, body: ConcludeSample, principal: CurrentPrincipal, uow: UoW) -> Response:
    """Conclude a sample whose drawn claims are all checked: its failure rate extrapolated to the claims not drawn
    (rounded down to the penny), raised as a recovery after payment."""
    return _json(detail_out(await sampling.conclude_sample(uow, principal, sample_id=sample_id, command=body)))
