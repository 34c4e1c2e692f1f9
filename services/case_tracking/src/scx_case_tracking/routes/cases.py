"""Cases: one case, its summary, its timeline, the caseload, and the adviser who holds it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Response

from scx_case_tracking.models.cases import Case
from scx_case_tracking.repository.cases import CaseFilter
from scx_case_tracking.schemas.cases import (
    AssignAdviser,
    CaseOut,
    CaseStatus,
    CaseSummaryOut,
    ClockOut,
    TimelineEntryOut,
)
from scx_case_tracking.service import cases
from scx_contracts.case_tracking import WFIS_OWED_TO_MANDATORY, TrafficLight
from scx_contracts.clocks import Clock, ClockState
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router
from scx_servicekit.strict import OrganisationId, RecordId

PROBLEMS = problems({404: "no such case that the caller can see"})
LISTING = problems({400: "the cursor is not one this service issued"})
ACTING = problems({409: "the case is exited or closed"})
Paging = Annotated[PageRequest, Depends(page_request)]
router = service_router(prefix="/cases", tags=["cases"], responses=PROBLEMS)



def wfis_owed(case: Case) -> int:
    return WFIS_OWED_TO_MANDATORY if case.mandatory else 0


def case_out(case: Case) -> CaseOut:
    return CaseOut(
        case_id=case.case_id, contract_id=case.contract_id, prime_id=case.prime_id, referrer_id=case.referrer_id,
        claimant_ref=case.claimant_ref, benefit_type=case.benefit_type, payment_group=case.payment_group,
        mandatory=case.mandatory, referral_date=case.referral_date, started_on=case.started_on,
        status=case.status,
        delivery=case.delivery,
        delivering_organisation_id=case.delivering_organisation_id, allocation_id=case.allocation_id,
        subcontract_id=case.subcontract_id,
        supply_chain_model=case.supply_chain_model,
        adviser=case.adviser,
        clocks=[
            ClockOut(clock=c.clock, due_by=c.due_by, done_on=c.done_on, state=c.state) for c in cases.clocks_of(case)
        ],
        traffic_light=case.traffic_light,
        traffic_light_score=case.traffic_light_score, classified_on=case.classified_on,
        wfis_attended=case.wfis_attended, wfis_owed=wfis_owed(case), contact_minutes=case.contact_minutes,
        last_contact_on=case.last_contact_on, needs_assessed_on=case.needs_assessed_on,
        action_plan_agreed_on=case.action_plan_agreed_on, exited_on=case.exited_on, exit_kind=case.exit_kind,
        closed_on=case.closed_on, opened_at=case.opened_at,
    )


def _json(body: CaseOut | CaseSummaryOut) -> Response:
    """Serialised once, here: FastAPI would otherwise validate the model a second time on the way out."""
    return Response(body.model_dump_json(), media_type="application/json")


@router.get("", responses=LISTING)
async def list_cases(
    principal: CurrentPrincipal,
    uow: UoW,
    paging: Paging,
    status: CaseStatus | None = None,
    traffic_light: TrafficLight | None = None,
    clock: Annotated[Clock | None, Query(description="with clock_state: that clock; without, any clock")] = None,
    clock_state: Annotated[ClockState | None, Query(description="met, breached or due today")] = None,
    delivering_organisation_id: OrganisationId | None = None,
    adviser: Annotated[str | None, Query(max_length=100)] = None,
    contract_id: RecordId | None = None,
) -> Page[CaseOut]:
    """The caseload: DWP sees every case, a prime its contracts' (partner-delivered too), a partner those it
    delivers. Filters narrow it; `clock_state=breached` lists the cases with any clock breached."""
    wanted = CaseFilter(
        status=status, traffic_light=traffic_light, clock=clock, clock_state=clock_state, adviser=adviser,
        delivering_organisation_id=delivering_organisation_id, contract_id=contract_id,
    )
    found = await cases.list_cases(uow, principal, wanted=wanted, page=paging)
    page = page_of(found, paging, "case_id")
    return Page[CaseOut](items=[case_out(c) for c in page.items], next_cursor=page.next_cursor)


@router.get("/{case_id}", response_model=CaseOut)
async def get_case(case_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    """The case with its clocks and summaries (the referring JCP district reads `/summary` instead)."""
    return _json(case_out(await cases.get_case(uow, principal, case_id=case_id)))


@router.get("/{case_id}/summary", response_model=CaseSummaryOut)
async def case_summary(case_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    """Where the journey stands: for the referring JCP district as for everyone who reads the case."""
    case = await cases.case_summary(uow, principal, case_id=case_id)
    return _json(CaseSummaryOut(
        case_id=case.case_id, referrer_id=case.referrer_id, prime_id=case.prime_id,
        delivering_organisation_id=case.delivering_organisation_id,
        status=case.status,
        started_on=case.started_on, wfis_attended=case.wfis_attended, wfis_owed=wfis_owed(case),
        exited_on=case.exited_on, exit_kind=case.exit_kind, closed_on=case.closed_on,
    ))


@router.get("/{case_id}/timeline", responses=LISTING)
async def case_timeline(case_id: str, principal: CurrentPrincipal, uow: UoW, paging: Paging) -> Page[TimelineEntryOut]:
    """Every event of the case in the order it was recorded; a former deliverer sees those it recorded."""
    entries = await cases.timeline(uow, principal, case_id=case_id, page=paging)
    page = page_of(entries, paging, "event_id")
    return Page[TimelineEntryOut](
        items=[TimelineEntryOut.model_validate(e, from_attributes=True) for e in page.items],
        next_cursor=page.next_cursor,
    )


@router.put("/{case_id}/adviser", response_model=CaseOut, responses=ACTING)
async def assign_adviser(case_id: str, body: AssignAdviser, principal: CurrentPrincipal, uow: UoW) -> Response:
    """The delivering organisation names the adviser holding the case; caseloads filter on it."""
    return _json(case_out(await cases.assign_adviser(uow, principal, case_id=case_id, adviser=body.adviser)))
