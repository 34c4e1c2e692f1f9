"""The progress area's routes: a case's traffic light, action plans, activities and exit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request, Response, status
from pydantic import BaseModel

from scx_case_tracking import access
from scx_case_tracking.models.progress import ActionPlan
from scx_case_tracking.schemas.progress import (
    ActionPlanOut,
    ActivityOut,
    ActivityPage,
    AgreeActionPlan,
    ClassificationOut,
    ClassifyCase,
    ExitCase,
    ExitOut,
    RecordActivity,
)
from scx_case_tracking.service import progress
from scx_persistence import UnitOfWork
from scx_servicekit import Principal, idempotency
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal, forbidden
from scx_servicekit.idempotency import IdempotencyKey
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router

PROBLEMS = problems({404: "no such case that the caller can see"})
LISTING = problems({400: "the cursor is not one this service issued"})
ACTING = problems({
    400: "the Idempotency-Key is not 1-200 printable characters",
    409: "the case is exited or closed",
    422: "a field is wrong, a date is in the future or before what it follows, or the delivery is refused (the "
         "problem says why)",
})
Paging = Annotated[PageRequest, Depends(page_request)]
router = service_router(prefix="/cases/{case_id}", tags=["progress"], responses=PROBLEMS)


async def _once(
    uow: UnitOfWork, principal: Principal, request: Request, key: str | None, body: BaseModel,
    perform: Callable[[], Awaitable[BaseModel]],
) -> Response:
    """Record once per `Idempotency-Key`: a retry gets the first answer back, and nothing is recorded twice (an
    activity's minutes counted twice would misstate the contact time)."""
    if key is not None and not access.is_provider_staff(principal):  # before a replay can show anything
        raise forbidden("Only advisers and managers of the organisation delivering a case record on it.")

    async def answer() -> idempotency.Answer:
        return idempotency.Answer(status.HTTP_201_CREATED, (await perform()).model_dump(mode="json"))

    return await idempotency.once(uow, principal, request, key, body, answer)


@router.post("/classifications", status_code=status.HTTP_201_CREATED, response_model=ClassificationOut,
             responses=ACTING)
async def classify_case(
    case_id: str, body: ClassifyCase, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Classify the claimant's job-readiness (green, amber or red, with an optional score and a reason code); it
    becomes the case's current traffic light. The history is kept whole."""

    async def classify() -> ClassificationOut:
        classification = await progress.classify_case(uow, principal, case_id=case_id, command=body)
        return ClassificationOut.model_validate(classification, from_attributes=True)

    return await _once(uow, principal, request, idempotency_key, body, classify)


@router.get("/classifications", responses=LISTING)
async def classifications(
    case_id: str, principal: CurrentPrincipal, uow: UoW, paging: Paging
) -> Page[ClassificationOut]:
    """Every classification of the case, oldest first; a former deliverer sees those it recorded."""
    rows = await progress.classifications(uow, principal, case_id=case_id, page=paging)
    page = page_of(rows, paging, "classification_id")
    return Page[ClassificationOut](
        items=[ClassificationOut.model_validate(c, from_attributes=True) for c in page.items],
        next_cursor=page.next_cursor,
    )


def _plan_out(plan: ActionPlan) -> ActionPlanOut:
    return ActionPlanOut(
        action_plan_id=plan.action_plan_id, agreed_on=plan.agreed_on, goals=plan.goals,
        current=plan.superseded_by is None, superseded_by=plan.superseded_by, recorded_by=plan.recorded_by,
        recorded_by_user=plan.recorded_by_user, recorded_at=plan.recorded_at,
    )


@router.post("/action-plans", status_code=status.HTTP_201_CREATED, response_model=ActionPlanOut, responses=ACTING)
async def agree_action_plan(
    case_id: str, body: AgreeActionPlan, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Record the action plan agreed with the claimant (coded goals); it supersedes the current one. The first plan
    agreed meets, with the needs assessment, the assessment clock."""

    async def agree() -> ActionPlanOut:
        return _plan_out(await progress.agree_action_plan(uow, principal, case_id=case_id, command=body))

    return await _once(uow, principal, request, idempotency_key, body, agree)


@router.get("/action-plans", responses=LISTING)
async def action_plans(case_id: str, principal: CurrentPrincipal, uow: UoW, paging: Paging) -> Page[ActionPlanOut]:
    """Every action plan of the case, oldest first, superseded ones too; a former deliverer sees those it recorded."""
    rows = await progress.action_plans(uow, principal, case_id=case_id, page=paging)
    page = page_of(rows, paging, "action_plan_id")
    return Page[ActionPlanOut](items=[_plan_out(p) for p in page.items], next_cursor=page.next_cursor)


@router.post("/activities", status_code=status.HTTP_201_CREATED, response_model=ActivityOut, responses=ACTING)
async def record_activity(
    case_id: str, body: RecordActivity, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Record an activity from the catalogue with its minutes of contact, delivered by the organisation delivering
    the case or by a specialist partner of its prime (under a live specialist subcontract offering the service)."""

    async def deliver() -> ActivityOut:
        activity = await progress.record_activity(uow, principal, case_id=case_id, command=body)
        return ActivityOut.model_validate(activity, from_attributes=True)

    return await _once(uow, principal, request, idempotency_key, body, deliver)


@router.get("/activities", responses=LISTING)
async def activities(case_id: str, principal: CurrentPrincipal, uow: UoW, paging: Paging) -> ActivityPage:
    """The case's activities, oldest first, with its contact time (minutes by activity kind and in all); a former
    deliverer sees those it recorded, and their time."""
    found = await progress.activities(uow, principal, case_id=case_id, page=paging)
    page = page_of(found.rows, paging, "activity_id")
    return ActivityPage(
        items=[ActivityOut.model_validate(a, from_attributes=True) for a in page.items],
        next_cursor=page.next_cursor,
        contact_minutes=sum(found.minutes_by_activity.values()),
        contact_minutes_by_activity=found.minutes_by_activity,
    )


@router.post("/exit", status_code=status.HTTP_201_CREATED, response_model=ExitOut, responses=ACTING)
async def exit_case(
    case_id: str, body: ExitCase, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """The claimant leaves the programme: completion, or an early exit with a reason code. Nothing more is recorded
    on the case after it but the weeks of a job already started."""

    async def exit_() -> ExitOut:
        return ExitOut.model_validate(await progress.exit_case(uow, principal, case_id=case_id, command=body),
                                      from_attributes=True)

    return await _once(uow, principal, request, idempotency_key, body, exit_)


@router.get("/exit", response_model=ExitOut)
async def get_exit(case_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    """How the claimant left the programme (404 until they have)."""
    exit_ = await progress.get_exit(uow, principal, case_id=case_id)
    return Response(ExitOut.model_validate(exit_, from_attributes=True).model_dump_json(),
                    media_type="application/json")
