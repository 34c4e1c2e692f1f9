"""Operations: what an operator needs to see and do that no user of the service does. Dead letters, for now.

Every route here is for a DWP token holding the `operator` role: dead letters carry whole event payloads from every
organisation, and a replay changes the service's state on no organisation's behalf but the operator's.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from pydantic import BaseModel

from scx_persistence import dead_letters
from scx_persistence.dead_letters import DeadLetter, ReplayRefused
from scx_servicekit.auth import CurrentPrincipal, Principal, forbidden
from scx_servicekit.openapi import problems
from scx_servicekit.problems import Problem, not_found
from scx_servicekit.routing import service_router
from scx_servicekit.strict import QueryBool, QueryInt

log = logging.getLogger("scx.operations")
INT64_MAX = 2**63 - 1  # the dead letters' id column (BIGINT)
LetterId = Annotated[QueryInt, Path(ge=1, le=INT64_MAX, description="the dead letter's id, as listed")]
NOT_FOUND = problems({404: "no such dead letter"})
OPERATOR = "operator"


def operator(principal: CurrentPrincipal) -> Principal:
    if principal.kind != "dwp" or not principal.has_role(OPERATOR):
        raise forbidden("Only a DWP operator may see or replay dead letters.")
    return principal


Operator = Annotated[Principal, Depends(operator)]


class DeadLetterSummary(BaseModel):
    id: int
    consumer: str
    event_id: str | None
    subject: str
    stream_sequence: int | None
    deliveries: int
    error: str
    recorded_at: datetime
    replayed_at: datetime | None
    replayed_by: str | None


class DeadLetterDetail(DeadLetterSummary):
    payload: str


class Replayed(BaseModel):
    outcome: str
    dead_letter: DeadLetterSummary


async def dead_letters_health(request: Request) -> dict[str, Any]:
    """For /ready: the outstanding dead letters. They never make the service not-ready: it still serves requests
    and applies every other event, and a 503 would take it out of the load balancer, hiding the problem instead of
    surfacing it. They mark it degraded, for an operator (or an alert) to look at."""
    try:
        found = await dead_letters.outstanding(request.app.state.runtime.uow_factory)
    except Exception as exc:  # the database check beside it reports the cause
        return {"status": "unknown", "error": exc.__class__.__name__}
    return {
        "status": "degraded" if found.count else "ok",
        "count": found.count,
        "oldest": found.oldest.isoformat() if found.oldest else None,
    }


operations_router = service_router(prefix="/operations", tags=["operations"])


def _summary(letter: DeadLetter) -> DeadLetterSummary:
    return DeadLetterSummary(**{k: getattr(letter, k) for k in DeadLetterSummary.model_fields})


@operations_router.get("/dead-letters", summary="Dead letters, oldest first (outstanding only unless include_replayed)")
async def list_dead_letters(
    request: Request,
    _: Operator,
    include_replayed: QueryBool = False,
    after_id: Annotated[QueryInt, Query(ge=0, le=INT64_MAX)] = 0,
    limit: Annotated[QueryInt, Query(ge=1, le=500)] = 100,
) -> list[DeadLetterSummary]:
    factory = request.app.state.runtime.uow_factory
    found = await dead_letters.list_dead_letters(
        factory, include_replayed=include_replayed, after_id=after_id, limit=limit
    )
    return [_summary(letter) for letter in found]


@operations_router.get("/dead-letters/{letter_id}", summary="One dead letter, with its payload", responses=NOT_FOUND)
async def get_dead_letter(request: Request, _: Operator, letter_id: LetterId) -> DeadLetterDetail:
    letter = await dead_letters.get_dead_letter(request.app.state.runtime.uow_factory, letter_id)
    if letter is None:
        raise not_found("Dead letter", str(letter_id))
    return DeadLetterDetail(**_summary(letter).model_dump(), payload=letter.payload)


@operations_router.post(
    "/dead-letters/{letter_id}/replay",
    summary="Apply a dead letter again, after a fix, through this service's own inbox",
    responses={**NOT_FOUND, **problems({409: "still cannot be applied, or replayed already"})},
)
async def replay_dead_letter(request: Request, principal: Operator, letter_id: LetterId) -> Replayed:
    runtime = request.app.state.runtime
    if runtime.inbox is None:
        raise Problem(409, "no-consumer", "Nothing to replay into", "This service consumes no events.")
    letter = await dead_letters.get_dead_letter(runtime.uow_factory, letter_id)
    if letter is None:
        raise not_found("Dead letter", str(letter_id))
    try:
        outcome = await dead_letters.replay(runtime.inbox, letter, by=principal.user)
    except ReplayRefused as exc:
        raise Problem(409, "replay-refused", "Not replayed", str(exc)) from None
    log.warning("dead letter %s (event %s) replayed by %s: %s", letter.id, letter.event_id, principal.user, outcome)
    replayed = await dead_letters.get_dead_letter(runtime.uow_factory, letter_id)
    assert replayed is not None
    return Replayed(outcome=outcome.value, dead_letter=_summary(replayed))
