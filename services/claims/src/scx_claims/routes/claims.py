"""The evidence register, outcome claims and their validation by DWP (and, included below, validation samples).
Who may do what is in `service.claims`; the problems are in `problems.claims`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response, status

from scx_claims.models.claims import Claim, Evidence
from scx_claims.repository.claims import Scope
from scx_claims.routes import sampling
from scx_claims.schemas.claims import (
    ApproveClaim,
    ClaimOut,
    EvidenceOut,
    RecordEvidence,
    RejectClaim,
    SubmitClaim,
)
from scx_claims.service import claims
from scx_contracts.claims import ClaimEvidenceKind, OutcomeKind
from scx_servicekit import idempotency
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.idempotency import IdempotencyKey
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router
from scx_servicekit.strict import IsoDate, RecordId

ON_EVIDENCE = problems({404: "no such evidence that the caller can see"})
ON_A_CLAIM = problems({404: "no such claim that the caller can see"})
DECISION = problems({404: "no such claim that the caller can see",
                     409: "the claim is decided, or awaits its pre-payment sample check"})
SUBMISSION = problems({400: "the Idempotency-Key is not 1-200 printable characters",
                       409: "the outcome is claimed already, not payable, or not payable yet"})
IDEMPOTENT = problems({400: "the Idempotency-Key is not 1-200 printable characters"})
LISTING = problems({400: "the cursor is not one this service issued"})
ClaimStatus = Annotated[str | None, Query(pattern="^(submitted|approved|paid|rejected)$")]
Paging = Annotated[PageRequest, Depends(page_request)]
router = service_router(tags=["evidence and claims"])


def evidence_out(held: Evidence) -> EvidenceOut:
    return EvidenceOut.model_validate(asdict(held))


def claim_out(claim: Claim) -> ClaimOut:
    return ClaimOut.model_validate(asdict(claim))


def _json(body: ClaimOut | EvidenceOut) -> Response:
    return Response(body.model_dump_json(), media_type="application/json")


def _evidence_location(out: dict[str, Any]) -> str:
    return f"/evidence/{out['evidence_id']}"


def _claim_location(out: dict[str, Any]) -> str:
    return f"/claims/{out['claim_id']}"


@router.post("/evidence", status_code=status.HTTP_201_CREATED, response_model=EvidenceOut, responses=IDEMPOTENT)
async def record_evidence(
    body: RecordEvidence, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Record a piece of evidence in the prime's register (its managers and advisers), for one of its journeys:
    what it is, the job and weeks it covers, how and when it was obtained. The description stays here."""

    async def perform() -> idempotency.Answer:
        out = evidence_out(await claims.record_evidence(uow, principal, command=body)).model_dump(mode="json")
        return idempotency.Answer(status.HTTP_201_CREATED, out, headers={"Location": _evidence_location(out)})

    return await idempotency.once(
        uow, principal, request, idempotency_key, body, perform, location=_evidence_location
    )


@router.get("/evidence", responses=LISTING)
async def list_evidence(
    principal: CurrentPrincipal, uow: UoW, paging: Paging,
    case_id: Annotated[RecordId | None, Query(description="the journey")] = None,
    job_id: RecordId | None = None,
    kind: ClaimEvidenceKind | None = None,
) -> Page[EvidenceOut]:
    """The evidence registers the caller may read: DWP all; a prime its own; anyone else none. Oldest first."""
    wanted = Scope(case_id=case_id, job_id=job_id, kind=kind)
    found = await claims.list_evidence(uow, principal, wanted=wanted, page=paging)
    page = page_of(found, paging, "evidence_id")
    return Page[EvidenceOut](items=[evidence_out(e) for e in page.items], next_cursor=page.next_cursor)


@router.get("/evidence/{evidence_id}", response_model=EvidenceOut, responses=ON_EVIDENCE)
async def get_evidence(evidence_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    return _json(evidence_out(await claims.get_evidence(uow, principal, evidence_id=evidence_id)))


@router.post("/claims", status_code=status.HTTP_201_CREATED, response_model=ClaimOut, responses=SUBMISSION)
async def submit_claim(
    body: SubmitClaim, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Claim a payable outcome of one of the prime's journeys, citing evidence from its register for that journey.
    The amount is the entitlement's. A retry with the same Idempotency-Key gets the first answer; a second claim of
    the same outcome, however it comes, is a 409 and makes nothing."""

    async def perform() -> idempotency.Answer:
        out = claim_out(await claims.submit_claim(uow, principal, command=body)).model_dump(mode="json")
        return idempotency.Answer(status.HTTP_201_CREATED, out, headers={"Location": _claim_location(out)})

    # submit_claim checks who may claim before anything; a replay only ever goes to the organisation that claimed.
    return await idempotency.once(uow, principal, request, idempotency_key, body, perform, location=_claim_location)


@router.get("/claims", responses=LISTING)
async def list_claims(
    principal: CurrentPrincipal, uow: UoW, paging: Paging,
    status: ClaimStatus = None,
    kind: OutcomeKind | None = None,
    contract_id: RecordId | None = None,
    case_id: Annotated[RecordId | None, Query(description="the journey")] = None,
    submitted_from: IsoDate | None = None,
    submitted_to: IsoDate | None = None,
) -> Page[ClaimOut]:
    """The claims the caller may read (DWP all; a prime its own; anyone else none), oldest first. Filters narrow
    it, never widen it."""
    wanted = Scope(status=status, kind=kind, contract_id=contract_id, case_id=case_id,
                   submitted_from=submitted_from, submitted_to=submitted_to)
    found = await claims.list_claims(uow, principal, wanted=wanted, page=paging)
    page = page_of(found, paging, "claim_id")
    return Page[ClaimOut](items=[claim_out(c) for c in page.items], next_cursor=page.next_cursor)


@router.get("/claims/{claim_id}", response_model=ClaimOut, responses=ON_A_CLAIM)
async def get_claim(claim_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    return _json(claim_out(await claims.get_claim(uow, principal, claim_id=claim_id)))


@router.post("/claims/{claim_id}/approval", response_model=ClaimOut, responses=DECISION)
async def approve_claim(claim_id: str, body: ApproveClaim, principal: CurrentPrincipal, uow: UoW) -> Response:
    """A DWP validating officer approves the submitted claim for payment, once. Another officer authorises the
    run that pays it."""
    return _json(claim_out(await claims.approve_claim(uow, principal, claim_id=claim_id, command=body)))


@router.post("/claims/{claim_id}/rejection", response_model=ClaimOut, responses=DECISION)
async def reject_claim(claim_id: str, body: RejectClaim, principal: CurrentPrincipal, uow: UoW) -> Response:
    """A DWP validating officer rejects the submitted claim for a coded reason, once: for the evidence's sake the
    outcome is claimable again; otherwise it is refused."""
    return _json(claim_out(await claims.reject_claim(uow, principal, claim_id=claim_id, command=body)))


router.include_router(sampling.router)
