"""Cases: opened by the referral's start, passed between deliverers by its allocations, closed by its withdrawal;
and the reads every area builds on (`case_to_act_on`, `case_to_read`), the case, its clocks, the caseload and the
timeline."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from scx_case_tracking import access, problems
from scx_case_tracking.access import ReadScope, Standing
from scx_case_tracking.models.cases import Case, Delivery, KnownReferral, TimelineEntry
from scx_case_tracking.repository import cases as repository
from scx_case_tracking.repository.cases import CaseFilter
from scx_case_tracking.service.journey import now, record, today
from scx_contracts import Envelope, clocks
from scx_contracts.case_tracking import CaseAdviserAssigned, CaseClosed, CaseDeliveryChanged, CaseOpened
from scx_contracts.clocks import Clock, ClockState
from scx_contracts.referral import (
    ReferralAllocated,
    ReferralReallocated,
    ReferralReceived,
    ReferralStarted,
    ReferralWithdrawn,
)
from scx_persistence import UnitOfWork
from scx_persistence.inbox import MissingPredecessor
from scx_servicekit import Principal
from scx_servicekit.auth import forbidden
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found

# The referral's events, applied as the referral service publishes them (handlers.py subscribes).


async def referral_received(uow: UnitOfWork, envelope: Envelope, data: ReferralReceived) -> None:
    if envelope.claimant_ref is None:
        raise MissingPredecessor(f"referral {data.referral_id} came without its claimant_ref")  # never happens
    await repository.add_known_referral(uow, KnownReferral(
        referral_id=data.referral_id, contract_id=data.contract_id, prime_id=data.prime_id,
        referrer_id=data.referrer_id, claimant_ref=envelope.claimant_ref, benefit_type=data.benefit_type,
        payment_group=data.payment_group, mandatory=data.mandatory, referral_date=data.referral_date,
    ))


async def referral_started(uow: UnitOfWork, envelope: Envelope, data: ReferralStarted) -> None:
    """The start opens the case, held by the prime until it allocates it; its clocks start."""
    referral = await repository.get_known_referral(uow, data.referral_id)
    if referral is None:
        raise MissingPredecessor(f"start of referral {data.referral_id} before its receipt")
    if await repository.get_case(uow, data.referral_id) is not None:
        return  # already open (a replica applied it first)
    at = now()
    case = Case(
        case_id=referral.referral_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
        referrer_id=referral.referrer_id, claimant_ref=referral.claimant_ref, benefit_type=referral.benefit_type,
        payment_group=referral.payment_group, mandatory=referral.mandatory, referral_date=referral.referral_date,
        started_on=data.started_on, status="open", delivering_organisation_id=referral.prime_id,
        acknowledge_by=clocks.deadline(Clock.ACKNOWLEDGEMENT, referral.referral_date),
        acknowledged_on=data.started_on,
        first_meeting_by=clocks.deadline(Clock.FIRST_MEETING, referral.referral_date),
        assessment_by=clocks.deadline(Clock.ASSESSMENT, data.started_on),
        opened_at=at, updated_at=at,
    )
    await repository.add_case(uow, case)
    await repository.add_delivery(uow, Delivery(
        case_id=case.case_id, sequence=1, organisation_id=case.prime_id, delivery=None, allocation_id=None,
        subcontract_id=None, supply_chain_model=None, from_on=data.started_on,
    ))
    await record(uow, envelope.actor, case, CaseOpened(
        case_id=case.case_id, contract_id=case.contract_id, prime_id=case.prime_id, referrer_id=case.referrer_id,
        payment_group=case.payment_group, mandatory=case.mandatory, referral_date=case.referral_date,
        started_on=case.started_on,
    ), occurred_on=data.started_on)


async def referral_allocated(
    uow: UnitOfWork, envelope: Envelope, data: ReferralAllocated | ReferralReallocated
) -> None:
    """An allocation (or re-allocation) passes the case to its new deliverer; the old spell ends that day."""
    case = await repository.get_case(uow, data.referral_id, for_update=True)
    if case is None:
        raise MissingPredecessor(f"allocation of referral {data.referral_id} before its start")
    if case.allocation_id == data.allocation_id:
        return  # applied already
    spells = await repository.deliveries_of(uow, case.case_id)
    current = spells[-1]
    organisation = data.partner_id if data.delivery == "partner" and data.partner_id else data.prime_id
    await repository.end_delivery(uow, replace(current, until_on=data.allocated_on))
    await repository.add_delivery(uow, Delivery(
        case_id=case.case_id, sequence=current.sequence + 1, organisation_id=organisation, delivery=data.delivery,
        allocation_id=data.allocation_id, subcontract_id=data.subcontract_id,
        supply_chain_model=data.supply_chain_model, from_on=data.allocated_on,
    ))
    changed = replace(
        case, delivery=data.delivery, delivering_organisation_id=organisation, allocation_id=data.allocation_id,
        subcontract_id=data.subcontract_id, supply_chain_model=data.supply_chain_model,
        adviser=case.adviser if organisation == case.delivering_organisation_id else None, updated_at=now(),
    )
    await repository.update_case(uow, changed, columns=(
        "delivery", "delivering_organisation_id", "allocation_id", "subcontract_id", "supply_chain_model", "adviser",
    ))
    await record(uow, envelope.actor, changed, CaseDeliveryChanged(
        case_id=case.case_id, allocation_id=data.allocation_id, delivery=data.delivery,
        delivering_organisation_id=organisation, previous_organisation_id=case.delivering_organisation_id,
        subcontract_id=data.subcontract_id, supply_chain_model=data.supply_chain_model,
        changed_on=data.allocated_on,
    ), occurred_on=data.allocated_on)


async def referral_withdrawn(uow: UnitOfWork, envelope: Envelope, data: ReferralWithdrawn) -> None:
    """A withdrawal closes an open case; a referral withdrawn before its start never had one."""
    case = await repository.get_case(uow, data.referral_id, for_update=True)
    if case is None or case.status != "open":
        return
    closed = replace(case, status="closed", closed_on=data.withdrawn_on, updated_at=now())
    await repository.update_case(uow, closed, columns=("status", "closed_on"))
    await record(uow, envelope.actor, closed, CaseClosed(
        case_id=case.case_id, reason="referral_withdrawn", closed_on=data.withdrawn_on,
    ), occurred_on=data.withdrawn_on)


# What every area builds on


async def case_to_act_on(uow: UnitOfWork, principal: Principal, case_id: str, *, after_exit: bool = False) -> Case:
    """The case, locked for change, when the caller is an adviser or manager of the organisation delivering it.

    404 when the caller cannot see it; 403 when it can read it but may not act; 409 when the case is closed, or
    exited (unless `after_exit`: the weeks of a job started before the exit may still be recorded)."""
    case = await repository.get_case(uow, case_id, for_update=True)
    if case is None:
        raise not_found("Case", case_id)
    if not access.may_act(principal, case):
        await case_to_read(uow, principal, case_id, case=case)  # 404 when the caller cannot even read it
        raise access.not_delivering(case)
    if case.status == "closed":
        raise problems.case_closed(case)
    if case.status == "exited" and not after_exit:
        raise problems.case_exited(case)
    return case


@dataclass(frozen=True)
class Readable:
    case: Case
    scope: ReadScope


async def case_to_read(uow: UnitOfWork, principal: Principal, case_id: str, *, case: Case | None = None) -> Readable:
    """The case and how the caller stands to it; 404 when it has no standing at all."""
    case = case or await repository.get_case(uow, case_id)
    if case is None:
        raise not_found("Case", case_id)
    if not access.reads_with_role(principal):
        raise access.role_may_not_read()
    if access.reads_all_of(principal, case):
        return Readable(case, ReadScope(Standing.FULL, principal.organisation_id))
    if access.is_referrer(principal, case):
        return Readable(case, ReadScope(Standing.REFERRER, principal.organisation_id))
    if principal.kind in ("prime", "partner") and await repository.has_delivered(
        uow, case.case_id, principal.organisation_id
    ):
        return Readable(case, ReadScope(Standing.FORMER_DELIVERER, principal.organisation_id))
    raise not_found("Case", case_id)


async def earliest_record_date(uow: UnitOfWork, case: Case) -> tuple[date, str]:
    """The earliest date the deliverer can record what it did on: the start, or the day the case passed to it (an
    in-house allocation by the prime that held the case from the start passes it nowhere). A new deliverer cannot
    backdate its work into its predecessor's time (and so meet a clock the predecessor missed)."""
    spells = await repository.deliveries_of(uow, case.case_id)
    deliverer, from_on = spells[-1].organisation_id, spells[-1].from_on
    for spell in reversed(spells[:-1]):
        if spell.organisation_id != deliverer:
            break
        from_on = spell.from_on
    if from_on > case.started_on:
        return from_on, "the day the case passed to its deliverer"
    return case.started_on, "the start"


# Reading


@dataclass(frozen=True)
class ClockView:
    clock: Clock
    due_by: clocks.date
    done_on: clocks.date | None
    state: ClockState


def clocks_of(case: Case) -> list[ClockView]:
    on = today()
    return [
        ClockView(clock, by, done, clocks.state(by, done, on))
        for clock, by, done in (
            (Clock.ACKNOWLEDGEMENT, case.acknowledge_by, case.acknowledged_on),
            (Clock.FIRST_MEETING, case.first_meeting_by, case.first_met_on),
            (Clock.ASSESSMENT, case.assessment_by, case.assessed_on),
        )
    ]


async def get_case(uow: UnitOfWork, principal: Principal, *, case_id: str) -> Case:
    """The whole case, for those who read all of it."""
    readable = await case_to_read(uow, principal, case_id)
    if readable.scope.standing is Standing.REFERRER:
        raise forbidden("The referring JCP district sees this case's summary (/cases/{id}/summary) and its "
                        "fail-to-attend notices, not the case itself.")
    if readable.scope.standing is Standing.FORMER_DELIVERER:
        raise forbidden("This case was re-allocated: you see what you recorded (its timeline and lists), not its "
                        "current state.")
    return readable.case


async def case_summary(uow: UnitOfWork, principal: Principal, *, case_id: str) -> Case:
    """The case's status summary: for those who read all of it, and for the referring JCP district."""
    readable = await case_to_read(uow, principal, case_id)
    if readable.scope.standing is Standing.FORMER_DELIVERER:
        raise forbidden("This case was re-allocated: you see what you recorded, not its current state.")
    return readable.case


async def list_cases(uow: UnitOfWork, principal: Principal, *, wanted: CaseFilter, page: PageRequest) -> list[Case]:
    """The caller's caseload, narrowed by `wanted`; `page.limit + 1` rows so the page knows if there is more."""
    if not access.reads_with_role(principal):
        raise access.role_may_not_read()
    scope = access.caseload_of(principal)
    if scope is None:
        raise forbidden("JCP sees cases one at a time (/cases/{id}/summary) and its fail-to-attend queue.")
    where = scope.narrowed_by(wanted)
    if where is None:
        return []
    return await repository.list_cases(uow, where, today=today(), after=page.after, limit=page.limit + 1)


async def timeline(uow: UnitOfWork, principal: Principal, *, case_id: str, page: PageRequest) -> list[TimelineEntry]:
    """The case's events in order: all of them, or a former deliverer's own."""
    readable = await case_to_read(uow, principal, case_id)
    if readable.scope.standing is Standing.REFERRER:
        raise forbidden("The referring JCP district sees this case's summary and its fail-to-attend notices.")
    return await repository.timeline_of(
        uow, case_id, recorded_by=readable.scope.recorded_by, after=page.after, limit=page.limit + 1
    )


async def assign_adviser(uow: UnitOfWork, principal: Principal, *, case_id: str, adviser: str) -> Case:
    """The delivering organisation names the adviser who holds the case (a user id of its own)."""
    case = await case_to_act_on(uow, principal, case_id)
    if case.adviser == adviser:
        return case
    assigned = replace(case, adviser=adviser, updated_at=now())
    await repository.update_case(uow, assigned, columns=("adviser",))
    on = today()
    await record(uow, principal, assigned, CaseAdviserAssigned(
        case_id=case.case_id, adviser=adviser, delivering_organisation_id=case.delivering_organisation_id,
        assigned_on=on,
    ), occurred_on=on)
    return assigned
