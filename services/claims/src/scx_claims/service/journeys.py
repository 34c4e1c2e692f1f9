"""Case tracking's events → the journeys claims knows. Each handler is idempotent on its own (the inbox already
is) and waits, rather than guesses, when the journey an event belongs to has not arrived."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from scx_claims.models.journeys import Job, JobWeek, Journey, JourneyDelivery, SpecialistDelivery
from scx_claims.repository import journeys as repository
from scx_contracts import Envelope
from scx_contracts.case_tracking import (
    CaseActivityDelivered,
    CaseClosed,
    CaseDeliveryChanged,
    CaseExited,
    CaseOpened,
    HoursReported,
    JobEnded,
    JobStarted,
)
from scx_persistence import UnitOfWork
from scx_persistence.inbox import MissingPredecessor


def hundredths(hours: Decimal) -> int:
    """Hours to whole hundredths of an hour, exactly (the contract allows two decimal places)."""
    return int(hours * 100)


async def _journey(uow: UnitOfWork, case_id: str, what: str) -> Journey:
    journey = await repository.get_journey(uow, case_id, for_update=True)
    if journey is None:
        raise MissingPredecessor(f"{what} of case {case_id} before the case opened")
    return journey


async def case_opened(uow: UnitOfWork, envelope: Envelope, data: CaseOpened) -> None:
    if envelope.claimant_ref is None:
        raise MissingPredecessor(f"case {data.case_id} opened without its claimant_ref")
    await repository.add_journey(uow, Journey(
        case_id=data.case_id, contract_id=data.contract_id, prime_id=data.prime_id,
        claimant_ref=envelope.claimant_ref, payment_group=data.payment_group, mandatory=data.mandatory,
        referral_date=data.referral_date, started_on=data.started_on,
    ))
    await repository.add_delivery(uow, JourneyDelivery(
        case_id=data.case_id, sequence=1, organisation_id=data.prime_id, subcontract_id=None,
        supply_chain_model=None, from_on=data.started_on,
    ))


async def case_delivery_changed(uow: UnitOfWork, _: Envelope, data: CaseDeliveryChanged) -> None:
    await _journey(uow, data.case_id, "a delivery change")
    spells = await repository.deliveries_of(uow, data.case_id)
    current = spells[-1]
    await repository.end_delivery(uow, replace(current, until_on=data.changed_on))
    await repository.add_delivery(uow, JourneyDelivery(
        case_id=data.case_id, sequence=current.sequence + 1, organisation_id=data.delivering_organisation_id,
        subcontract_id=data.subcontract_id, supply_chain_model=data.supply_chain_model, from_on=data.changed_on,
    ))


async def case_exited(uow: UnitOfWork, _: Envelope, data: CaseExited) -> None:
    journey = await _journey(uow, data.case_id, "the exit")
    await repository.update_journey(uow, replace(journey, exited_on=data.exited_on), columns=("exited_on",))


async def case_closed(uow: UnitOfWork, _: Envelope, data: CaseClosed) -> None:
    journey = await _journey(uow, data.case_id, "the closing")
    await repository.update_journey(uow, replace(journey, closed_on=data.closed_on), columns=("closed_on",))


async def job_started(uow: UnitOfWork, _: Envelope, data: JobStarted) -> None:
    await _journey(uow, data.case_id, "a job start")
    await repository.add_job(uow, Job(
        job_id=data.job_id, case_id=data.case_id, started_on=data.started_on, ended_on=None,
        employment_type=data.employment_type, expected_hundredths=hundredths(data.expected_hours_per_week),
    ))


async def hours_reported(uow: UnitOfWork, _: Envelope, data: HoursReported) -> None:
    if await repository.get_job(uow, data.job_id) is None:
        raise MissingPredecessor(f"hours of job {data.job_id} before its start")
    await repository.add_week(uow, JobWeek(
        job_id=data.job_id, week_commencing=data.week_commencing, revision=data.revision, case_id=data.case_id,
        hundredths=hundredths(data.hours), earnings_pence=data.earnings_pence, evidence_kind=data.evidence_kind,
        evidence_obtained_on=data.evidence_obtained_on,
    ))


async def job_ended(uow: UnitOfWork, _: Envelope, data: JobEnded) -> None:
    job = await repository.get_job(uow, data.job_id)
    if job is None:
        raise MissingPredecessor(f"end of job {data.job_id} before its start")
    await repository.end_job(uow, replace(job, ended_on=data.ended_on))


async def activity_delivered(uow: UnitOfWork, _: Envelope, data: CaseActivityDelivered) -> None:
    """Only a specialist partner's delivery under its subcontract is paid (per service); the rest is not money."""
    if data.subcontract_id is None:
        return
    await _journey(uow, data.case_id, "a specialist delivery")
    await repository.add_specialist_delivery(uow, SpecialistDelivery(
        activity_id=data.activity_id, case_id=data.case_id, delivered_by=data.delivered_by,
        subcontract_id=data.subcontract_id, service=data.service, delivered_on=data.delivered_on,
    ))
