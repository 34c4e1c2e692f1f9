"""Reconciliation of partners' weekly returns against the figures derived from the event history: one return figure
by figure, with the journeys behind each count; and the weeks a contract's (or a partner's) subcontracts should have
posted, each agreeing, differing or not yet posted."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import Depends, Query

from scx_contracts.weekly_stats import IsoWeek
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.openapi import problems
from scx_servicekit.paging import PageRequest, page_of, page_request
from scx_servicekit.routing import service_router
from scx_servicekit.strict import OrganisationId, RecordId
from scx_subcontracts.repository.returns import Scope
from scx_subcontracts.routes.returns import checked_weeks
from scx_subcontracts.rules import returns as return_rules
from scx_subcontracts.rules.reconciliation import FigureComparison, status_of
from scx_subcontracts.schemas.reconciliation import (
    DifferenceOut,
    FigureOut,
    JourneyOut,
    ReconciliationPage,
    ReconciliationRow,
    ReturnReconciliationOut,
)
from scx_subcontracts.service import reconciliation as service
from scx_subcontracts.service.reconciliation import ReturnReconciled, Week

ON_A_RETURN = problems({404: "no such weekly return that the caller can see"})
LISTING = problems({400: "the cursor is not one this service issued"})
DEFAULT_WEEKS = 13  # a quarter
FIRST_MONDAY = date(1, 1, 1)  # of 0001-W01, the first ISO week there is
Paging = Annotated[PageRequest, Depends(page_request)]

router = service_router(tags=["reconciliation"])


def _timeliness(late: bool | None) -> str:
    return "no_deadline_set" if late is None else "late" if late else "on_time"


def return_out(reconciled: ReturnReconciled) -> ReturnReconciliationOut:
    weekly_return, first, latest = reconciled.weekly_return, reconciled.versions[0], reconciled.versions[-1]
    monday = return_rules.monday_of(weekly_return.iso_week)
    assert monday is not None  # a stored week exists
    status = status_of(reconciled.figures)
    return ReturnReconciliationOut.model_validate({
        "return_id": weekly_return.return_id, "subcontract_id": weekly_return.subcontract_id,
        "contract_id": weekly_return.contract_id, "prime_id": weekly_return.prime_id,
        "partner_id": weekly_return.partner_id, "iso_week": weekly_return.iso_week, "week_starts": monday,
        "week_ends": return_rules.sunday_of(monday), "version": latest.version, "versions": len(reconciled.versions),
        "status": status, "differing": [f.figure for f in reconciled.figures if not f.agrees],
        "late": first.late, "timeliness": _timeliness(first.late), "deadline": first.deadline,
        "derived_at": reconciled.derived_at, "figures": [_figure(f) for f in reconciled.figures],
    })


def _figure(compared: FigureComparison) -> FigureOut:
    return FigureOut.model_validate({
        "figure": compared.figure, "posted": compared.posted, "derived": compared.derived,
        "difference": compared.difference, "agrees": compared.agrees,
        "journeys": [
            JourneyOut(referral_id=j.referral_id, claimant_ref=j.claimant_ref, count=len(j.dates), dates=list(j.dates))
            for j in compared.journeys
        ],
    })


def row_out(week: Week) -> ReconciliationRow:
    subcontract, latest = week.subcontract, week.latest
    return ReconciliationRow.model_validate({
        "subcontract_id": subcontract.subcontract_id, "contract_id": subcontract.contract_id,
        "prime_id": subcontract.prime_id, "partner_id": subcontract.partner_id, "model": subcontract.model,
        "iso_week": week.iso_week, "status": status_of(week.figures),
        "return_id": week.weekly_return.return_id if week.weekly_return else None,
        "version": latest.version if latest else None,
        "late": week.first.late if week.first else None,
        "timeliness": _timeliness(week.first.late) if week.first else None,
        "due": week.due, "overdue": week.overdue,
        "derived": {f.figure: f.derived for f in week.figures},
        "differences": [
            DifferenceOut.model_validate(
                {"figure": f.figure, "posted": f.posted, "derived": f.derived, "difference": f.difference}
            )
            for f in week.figures if f.posted is not None and not f.agrees
        ],
    })


@router.get("/weekly-returns/{return_id}/reconciliation", responses=ON_A_RETURN)
async def reconcile_return(return_id: str, principal: CurrentPrincipal, uow: UoW) -> ReturnReconciliationOut:
    """The return's latest version against the figures derived from the history for its subcontract and week: each
    figure posted and derived, the difference (posted - derived) and the journeys behind the derived count. Seen by
    whoever sees the return."""
    return return_out(await service.reconcile_return(uow, principal, return_id=return_id))


@router.get("/reconciliation", responses=LISTING)
async def list_reconciliation(
    principal: CurrentPrincipal, uow: UoW, paging: Paging,
    contract_id: RecordId | None = None,
    partner_id: OrganisationId | None = None,
    subcontract_id: RecordId | None = None,
    week_from: Annotated[
        IsoWeek | None, Query(description="default: 12 weeks before week_to (0001-W01 at the earliest)")
    ] = None,
    week_to: Annotated[IsoWeek | None, Query(description="default: the last week that has ended")] = None,
) -> ReconciliationPage:
    """Every ended week from `week_from` to `week_to` that each subcontract in view (its model one that posts, its
    live dates meeting the week) should have posted: agrees, differs (the figures that do, by how much) or
    not_yet_posted (when it is due, and whether that has passed), with the return's lateness. A partner sees its
    own subcontracts, a prime its partners', DWP's contract managers and auditors all; filters narrow that. By
    subcontract, then week."""
    checked_weeks(week_from, week_to)  # the weeks given, before defaults fill in the others
    if week_to is None:  # a week_from later than the last ended week asks for weeks with nothing to post yet
        last_ended = return_rules.iso_week_of(return_rules.last_ended_monday(service.returns_service.now()))
        week_to = max(last_ended, week_from or last_ended)
    if week_from is None:
        monday = return_rules.monday_of(week_to)
        assert monday is not None  # checked above, or the last ended week
        back = timedelta(weeks=DEFAULT_WEEKS - 1)
        week_from = return_rules.iso_week_of(max(monday, FIRST_MONDAY + back) - back)
    weeks = checked_weeks(week_from, week_to)
    assert weeks.first is not None and weeks.last is not None
    wanted = Scope(contract_id=contract_id, partner_id=partner_id, subcontract_id=subcontract_id)
    listing = await service.list_weeks(
        uow, principal, wanted=wanted, first_week=weeks.first, last_week=weeks.last, page=paging
    )
    page = page_of(listing.weeks, paging, lambda week: week.key)
    return ReconciliationPage(
        week_from=weeks.first, week_to=weeks.last, derived_at=listing.derived_at,
        items=[row_out(week) for week in page.items], next_cursor=page.next_cursor,
    )
