"""Complaints and feedback: raised on a case, listed for TPPMs, contract managers and providers, escalated,
answered and resolved; the claimant's feedback. Who may do what is in `rules.complaints`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response, status

from scx_case_tracking.models.complaints import Complaint
from scx_case_tracking.repository.complaints import ComplaintFilter
from scx_case_tracking.rules.complaints import ComplaintLevel, ComplaintStatus
from scx_case_tracking.schemas.complaints import (
    AnswerComplaint,
    ComplaintDetailOut,
    ComplaintOut,
    ComplaintStepOut,
    EscalateComplaint,
    FeedbackOut,
    GiveFeedback,
    RaiseComplaint,
    ResolveComplaint,
)
from scx_case_tracking.service import complaints
from scx_case_tracking.service.complaints import ComplaintView
from scx_contracts.case_tracking import ComplaintCategory, ComplaintRaisedWith
from scx_servicekit import idempotency
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.idempotency import IdempotencyKey
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router
from scx_servicekit.strict import IsoDate, OrganisationId

ON_A_CASE = problems({404: "no such case that the caller can see"})
ON_A_COMPLAINT = problems({404: "no such complaint that the caller is party to"})
STEP = problems({
    404: "no such complaint that the caller is party to",
    409: "the complaint is resolved, already answered at its level, or cannot go to that level",
})
LISTING = problems({400: "the cursor is not one this service issued"})
IDEMPOTENT = problems({400: "the Idempotency-Key is not 1-200 printable characters"})
Paging = Annotated[PageRequest, Depends(page_request)]
router = service_router(tags=["complaints and feedback"])


def complaint_out(complaint: Complaint) -> ComplaintOut:
    return ComplaintOut.model_validate({**asdict(complaint), "held_by": complaints.held_by(complaint)})


def detail_out(view: ComplaintView) -> ComplaintDetailOut:
    return ComplaintDetailOut(
        **complaint_out(view.complaint).model_dump(),
        steps=[ComplaintStepOut.model_validate(s, from_attributes=True) for s in view.steps],
    )


def _json(body: ComplaintDetailOut | FeedbackOut) -> Response:
    """Serialised once, here: FastAPI would otherwise validate the model a second time on the way out."""
    return Response(body.model_dump_json(), media_type="application/json")


@router.post(
    "/cases/{case_id}/complaints", status_code=status.HTTP_201_CREATED, response_model=ComplaintDetailOut,
    responses={**ON_A_CASE, **IDEMPOTENT},
)
async def raise_complaint(
    case_id: str, body: RaiseComplaint, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Record the claimant's complaint, raised with the provider (by its advisers and managers) or with JCP (by the
    referring district); also after the case has exited. Its words stay in this service."""

    async def perform() -> idempotency.Answer:
        view = await complaints.raise_complaint(uow, principal, case_id=case_id, command=body)
        out = detail_out(view).model_dump(mode="json")
        return idempotency.Answer(status.HTTP_201_CREATED, out, headers={"Location": _complaint_location(out)})

    # The permission checks are in the use case: a replay (keys are per organisation) only ever goes to the
    # organisation that raised the complaint, which stays one of its parties (its provider or its JCP district).
    return await idempotency.once(
        uow, principal, request, idempotency_key, body, perform, location=_complaint_location
    )


def _complaint_location(out: dict[str, Any]) -> str:
    return f"/complaints/{out['complaint_id']}"


@router.get("/cases/{case_id}/complaints", responses={**ON_A_CASE, **LISTING})
async def complaints_of_case(
    case_id: str, principal: CurrentPrincipal, uow: UoW, paging: Paging
) -> Page[ComplaintOut]:
    """The case's complaints the caller is party to, oldest first."""
    found = await complaints.complaints_of_case(uow, principal, case_id=case_id, page=paging)
    page = page_of(found, paging, "complaint_id")
    return Page[ComplaintOut](items=[complaint_out(c) for c in page.items], next_cursor=page.next_cursor)


@router.get("/complaints", responses=LISTING)
async def list_complaints(
    principal: CurrentPrincipal,
    uow: UoW,
    paging: Paging,
    status: ComplaintStatus | None = None,
    level: ComplaintLevel | None = None,
    category: ComplaintCategory | None = None,
    raised_with: ComplaintRaisedWith | None = None,
    provider_id: Annotated[OrganisationId | None, Query(description="the provider complained about")] = None,
    raised_from: IsoDate | None = None,
    raised_to: IsoDate | None = None,
) -> Page[ComplaintOut]:
    """The complaints list: DWP sees all; a JCP district those of the claimants it referred; a prime those on its
    contracts; a partner those about it. Filters narrow it, never widen it."""
    wanted = ComplaintFilter(
        status=status, level=level, category=category, raised_with=raised_with, provider_id=provider_id,
        raised_from=raised_from, raised_to=raised_to,
    )
    found = await complaints.list_complaints(uow, principal, wanted=wanted, page=paging)
    page = page_of(found, paging, "complaint_id")
    return Page[ComplaintOut](items=[complaint_out(c) for c in page.items], next_cursor=page.next_cursor)


@router.get("/complaints/{complaint_id}", response_model=ComplaintDetailOut, responses=ON_A_COMPLAINT)
async def get_complaint(complaint_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    """The complaint with each of its steps, timed, to its parties."""
    return _json(detail_out(await complaints.get_complaint(uow, principal, complaint_id=complaint_id)))


@router.post("/complaints/{complaint_id}/escalation", response_model=ComplaintDetailOut, responses=STEP)
async def escalate_complaint(
    complaint_id: str, body: EscalateComplaint, principal: CurrentPrincipal, uow: UoW
) -> Response:
    """Escalate to the next level (provider → tppm → contract_manager): by the party holding it, or the next
    level's taking it up."""
    view = await complaints.escalate_complaint(uow, principal, complaint_id=complaint_id, command=body)
    return _json(detail_out(view))


@router.post("/complaints/{complaint_id}/answer", response_model=ComplaintDetailOut, responses=STEP)
async def answer_complaint(complaint_id: str, body: AnswerComplaint, principal: CurrentPrincipal, uow: UoW) -> Response:
    """The party holding the complaint answers the complainant (once at each level)."""
    view = await complaints.answer_complaint(uow, principal, complaint_id=complaint_id, command=body)
    return _json(detail_out(view))


@router.post("/complaints/{complaint_id}/resolution", response_model=ComplaintDetailOut, responses=STEP)
async def resolve_complaint(
    complaint_id: str, body: ResolveComplaint, principal: CurrentPrincipal, uow: UoW
) -> Response:
    """The party holding the complaint resolves it with a coded outcome."""
    view = await complaints.resolve_complaint(uow, principal, complaint_id=complaint_id, command=body)
    return _json(detail_out(view))


# Feedback


@router.post(
    "/cases/{case_id}/feedback", status_code=status.HTTP_201_CREATED, response_model=FeedbackOut,
    responses={**ON_A_CASE, **IDEMPOTENT},
)
async def give_feedback(
    case_id: str, body: GiveFeedback, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Record the claimant's feedback: a score 1-5 and coded topics (by the delivering organisation's staff or the
    referring JCP district); also after the case has exited."""

    async def perform() -> idempotency.Answer:
        given = await complaints.give_feedback(uow, principal, case_id=case_id, command=body)
        out = FeedbackOut.model_validate(given, from_attributes=True).model_dump(mode="json")
        return idempotency.Answer(status.HTTP_201_CREATED, out)

    return await idempotency.once(uow, principal, request, idempotency_key, body, perform)


@router.get("/cases/{case_id}/feedback", responses={**ON_A_CASE, **LISTING})
async def feedback_of_case(case_id: str, principal: CurrentPrincipal, uow: UoW, paging: Paging) -> Page[FeedbackOut]:
    """The case's feedback, oldest first (a former deliverer sees what it recorded)."""
    found = await complaints.feedback_of_case(uow, principal, case_id=case_id, page=paging)
    page = page_of(found, paging, "feedback_id")
    return Page[FeedbackOut](
        items=[FeedbackOut.model_validate(f, from_attributes=True) for f in page.items], next_cursor=page.next_cursor
    )
