"""Payment runs: prepared by a DWP payments officer, authorised by another (maker-checker), or abandoned; each
prime's statement as canonical JSON or as CSV (`Accept: text/csv`), byte for byte the same for the same inputs.
The recoveries ledger's routes are in `routes.recoveries`, included here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response, status

from scx_claims.routes import recoveries
from scx_claims.rules import runs as rules
from scx_claims.schemas import Period
from scx_claims.schemas.runs import (
    AbandonRun,
    AuthoriseRun,
    PrepareRun,
    PrimeStatementOut,
    RunOut,
    RunStatus,
    StatementSummaryOut,
)
from scx_claims.service import runs
from scx_claims.service.runs import RunView
from scx_servicekit import idempotency
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.idempotency import IdempotencyKey
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router

IDEMPOTENT = {400: "the Idempotency-Key is not 1-200 printable characters"}
PREPARE = problems({
    **IDEMPOTENT,
    409: "the period has a standing run, another run is open, the period is behind the last authorised run, or "
         "nothing is payable",
})
ON_A_RUN = problems({404: "no such run that the caller can see"})
STEP = problems({
    **IDEMPOTENT,
    404: "no such run that the caller can see",
    409: "the run is not prepared, the digest is not its own, or its inputs have changed",
})
STATEMENT = problems({404: "no such run, or no statement of that prime in it, that the caller can see"})
LISTING = problems({400: "the cursor is not one this service issued"})
CSV = "text/csv; charset=utf-8"
Paging = Annotated[PageRequest, Depends(page_request)]
router = service_router(tags=["payment runs"])
router.include_router(recoveries.router)


def run_out(view: RunView) -> RunOut:
    shown = [StatementSummaryOut.model_validate(s, from_attributes=True) for s in view.statements]
    run = view.run
    return RunOut(
        run_id=run.run_id, period=run.period, status=run.status,
        inputs_digest=run.inputs_digest, prepared_by=run.prepared_by, prepared_at=run.prepared_at,
        authorised_by=run.authorised_by, authorised_on=run.authorised_on, abandoned_at=run.abandoned_at,
        statements=shown, lines=sum(s.lines for s in shown), gross_pence=sum(s.gross_pence for s in shown),
        recoveries_pence=sum(s.recoveries_pence for s in shown), net_pence=sum(s.net_pence for s in shown),
    )


def _location(out: dict[str, Any]) -> str:
    return f"/payment-runs/{out['run_id']}"


@router.post("/payment-runs", status_code=status.HTTP_201_CREATED, response_model=RunOut, responses=PREPARE)
async def prepare_run(
    body: PrepareRun, principal: CurrentPrincipal, uow: UoW, request: Request, idempotency_key: IdempotencyKey = None
) -> Response:
    """Prepare the period's run (a payments officer): its inputs frozen with their digest, a statement per prime
    and contract. A period has one run unless abandoned; one run is open at a time."""

    async def perform() -> idempotency.Answer:
        out = run_out(await runs.prepare_run(uow, principal, command=body)).model_dump(mode="json")
        return idempotency.Answer(status.HTTP_201_CREATED, out, headers={"Location": _location(out)})

    return await idempotency.once(uow, principal, request, idempotency_key, body, perform, location=_location)


@router.get("/payment-runs", responses=LISTING)
async def list_runs(
    principal: CurrentPrincipal, uow: UoW, paging: Paging, period: Period | None = None,
    status: RunStatus | None = None,
) -> Page[RunOut]:
    """Runs, oldest first: DWP every run; a prime those it has a statement in, showing its own; anyone else none."""
    found = await runs.list_runs(uow, principal, period=period, status=status, page=paging)
    page = page_of(found, paging, lambda v: v.run.run_id)
    return Page[RunOut](items=[run_out(v) for v in page.items], next_cursor=page.next_cursor)


@router.get("/payment-runs/{run_id}", response_model=RunOut, responses=ON_A_RUN)
async def get_run(run_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    """The run and the statements the caller may see."""
    out = run_out(await runs.get_run(uow, principal, run_id=run_id))
    return Response(out.model_dump_json(), media_type="application/json")


@router.get(
    "/payment-runs/{run_id}/statements/{prime_id}", response_model=PrimeStatementOut,
    responses={**STATEMENT, 200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                                  "description": "canonical JSON, or CSV with `Accept: text/csv`"}},
)
async def get_statement(
    run_id: str, prime_id: str, principal: CurrentPrincipal, uow: UoW, request: Request
) -> Response:
    """A prime's statement in the run (DWP, or that prime): a line per referral and fee, the recoveries netted,
    per contract. The bytes are the canonical document: the same inputs give the same bytes."""
    run, statements = await runs.statements_of_prime(uow, principal, run_id=run_id, prime_id=prime_id)
    if "text/csv" in request.headers.get("accept", ""):
        return Response(rules.render_csv(run.period, prime_id, statements), media_type=CSV)
    return Response(rules.render_json(run.period, prime_id, statements), media_type="application/json")


@router.post("/payment-runs/{run_id}/authorisation", response_model=RunOut, responses=STEP)
async def authorise_run(
    run_id: str, body: AuthoriseRun, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Authorise the run (a payments officer who approved none of its claims, for the inputs digest they checked):
    its lines are paid, its recoveries netted, and each statement issued. A run is authorised once."""

    async def perform() -> idempotency.Answer:
        view = await runs.authorise_run(uow, principal, run_id=run_id, command=body)
        return idempotency.Answer(status.HTTP_200_OK, run_out(view).model_dump(mode="json"))

    return await idempotency.once(uow, principal, request, idempotency_key, body, perform)


@router.post("/payment-runs/{run_id}/abandonment", response_model=RunOut, responses=STEP)
async def abandon_run(
    run_id: str, body: AbandonRun, principal: CurrentPrincipal, uow: UoW, request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Abandon a prepared run (a payments officer): nothing in it is paid, and its period may be prepared again."""

    async def perform() -> idempotency.Answer:
        view = await runs.abandon_run(uow, principal, run_id=run_id, command=body)
        return idempotency.Answer(status.HTTP_200_OK, run_out(view).model_dump(mode="json"))

    return await idempotency.once(uow, principal, request, idempotency_key, body, perform)
