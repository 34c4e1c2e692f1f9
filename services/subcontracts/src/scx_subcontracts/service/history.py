"""The referral, case tracking and claims events → the history's figures (ADR 0022).

Each event changes a journey's milestones, counts an occurrence towards a weekly figure, or both; the tallies move
by the difference between what the journey counted for before and after (`rules.history`). Every handler is
idempotent on its own as well as through the inbox, and waits (`MissingPredecessor`) rather than guesses when the
journey an event belongs to has not arrived.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from scx_contracts import Envelope
from scx_contracts.case_tracking import (
    AppointmentAttended,
    CaseActionPlanAgreed,
    CaseActivityDelivered,
    CaseExited,
    CaseFailedToAttend,
    JobStarted,
)
from scx_contracts.claims import ClaimRejected, ClaimSubmitted
from scx_contracts.referral import (
    ReferralAllocated,
    ReferralReallocated,
    ReferralReceived,
    ReferralRejected,
    ReferralStarted,
    ReferralWithdrawn,
)
from scx_persistence import UnitOfWork
from scx_persistence.inbox import MissingPredecessor
from scx_subcontracts.models.history import IN_HOUSE, Journey, Occurrence
from scx_subcontracts.repository import history as repository
from scx_subcontracts.rules import history as rules
from scx_subcontracts.service import flows

JOB_OUTCOMES = "job_outcomes"
SUSTAINED_JOB_OUTCOMES = "sustained_job_outcomes"  # a figure of the monthly tallies, not of the weekly returns


async def _journey(uow: UnitOfWork, referral_id: str, what: str) -> Journey:
    journey = await repository.get_journey(uow, referral_id, for_update=True)
    if journey is None:
        raise MissingPredecessor(f"{what} of referral {referral_id} before the referral")
    return journey


async def _save(uow: UnitOfWork, before: Journey, after: Journey, *columns: str) -> None:
    """Write the journey's changed milestones and move its tallies by the difference."""
    await repository.update_journey(uow, after, columns=columns)
    await _retally(uow, before, after)


async def _retally(uow: UnitOfWork, before: Journey | None, after: Journey) -> None:
    cohorts = rules.difference(rules.cohort_measures(before) if before else [], rules.cohort_measures(after))
    await repository.change_cohorts(uow, after.contract_id, cohorts)
    delays = rules.difference(rules.delays(before) if before else [], rules.delays(after))
    await repository.change_delays(uow, after.contract_id, delays)
    await flows.journey_retallied(uow, before, after, cohorts, delays)  # the referral flows' roll-up, here


async def _count(
    uow: UnitOfWork, envelope: Envelope, journey: Journey, figure: str, on: date, *,
    organisation_id: str | None = None, subcontract_id: str | None = None, claim_id: str | None = None,
    key_suffix: str = "",
) -> bool:
    """Count the event towards `figure` for the organisation that did it: by default whoever delivers the journey
    now. Its subcontract is the journey's when that organisation delivers the journey, else the one given. An event
    counted towards a second figure is keyed apart by `key_suffix`."""
    who = organisation_id or journey.organisation_id
    if subcontract_id is None:
        subcontract_id = journey.subcontract_id if who == journey.organisation_id else IN_HOUSE
    return await repository.add_occurrence(uow, Occurrence(
        event_id=f"{envelope.event_id}{key_suffix}", figure=figure, referral_id=journey.referral_id,
        claimant_ref=journey.claimant_ref, contract_id=journey.contract_id, prime_id=journey.prime_id,
        organisation_id=who, subcontract_id=subcontract_id, on_date=on, iso_week=rules.iso_week_of(on),
        month=rules.month_of(on), claim_id=claim_id,
    ))


# Referral events


async def referral_received(uow: UnitOfWork, envelope: Envelope, data: ReferralReceived) -> None:
    if envelope.claimant_ref is None:
        raise MissingPredecessor(f"referral {data.referral_id} without its claimant_ref")
    journey = Journey(
        referral_id=data.referral_id, claimant_ref=envelope.claimant_ref, contract_id=data.contract_id,
        prime_id=data.prime_id, referrer_id=data.referrer_id, payment_group=data.payment_group,
        referral_date=data.referral_date, organisation_id=data.prime_id,
    )
    if await repository.add_journey(uow, journey):
        await _retally(uow, None, journey)


async def referral_rejected(uow: UnitOfWork, envelope: Envelope, data: ReferralRejected) -> None:
    journey = await _journey(uow, data.referral_id, "the rejection")
    if journey.rejected_on is None:
        await _save(uow, journey, replace(journey, rejected_on=envelope.occurred_at.date()), "rejected_on")


async def referral_started(uow: UnitOfWork, _: Envelope, data: ReferralStarted) -> None:
    journey = await _journey(uow, data.referral_id, "the start")
    if journey.started_on is None:
        await _save(uow, journey, replace(journey, started_on=data.started_on), "started_on")


async def referral_allocated(uow: UnitOfWork, envelope: Envelope, data: ReferralAllocated) -> None:
    await _allocate(uow, envelope, data.referral_id, data.partner_id, data.subcontract_id, data.allocated_on)


async def referral_reallocated(uow: UnitOfWork, envelope: Envelope, data: ReferralReallocated) -> None:
    await _allocate(uow, envelope, data.referral_id, data.partner_id, data.subcontract_id, data.allocated_on)


async def _allocate(
    uow: UnitOfWork, envelope: Envelope, referral_id: str, partner_id: str | None, subcontract_id: str | None,
    allocated_on: date,
) -> None:
    """The journey passes to a partner (or stays in house): its tallies move with it; the partner has received a
    referral, and the first partner a start."""
    journey = await _journey(uow, referral_id, "an allocation")
    if journey.started_on is None:
        raise MissingPredecessor(f"an allocation of referral {referral_id} before its start")
    moved = replace(
        journey, organisation_id=partner_id or journey.prime_id, subcontract_id=subcontract_id or IN_HOUSE,
        first_subcontract_id=journey.first_subcontract_id or subcontract_id or IN_HOUSE,
    )
    if not await _count(uow, envelope, moved, "referrals_received", allocated_on):
        return  # applied before
    if journey.first_subcontract_id is None:
        # The start counts for the first organisation the journey is allocated to, in the week of the start.
        await _count(uow, envelope, moved, "starts", journey.started_on, key_suffix=":start")
    await _save(uow, journey, moved, "organisation_id", "subcontract_id", "first_subcontract_id")


async def referral_withdrawn(uow: UnitOfWork, _: Envelope, data: ReferralWithdrawn) -> None:
    journey = await _journey(uow, data.referral_id, "the withdrawal")
    if journey.withdrawn_on is None:
        await _save(uow, journey, replace(journey, withdrawn_on=data.withdrawn_on), "withdrawn_on")


# Case tracking's events


async def appointment_attended(uow: UnitOfWork, envelope: Envelope, data: AppointmentAttended) -> None:
    journey = await _journey(uow, data.case_id, "an attended appointment")
    on = data.attended_on
    if data.kind == "wfi":
        await _count(uow, envelope, journey, "wfis_delivered", on, organisation_id=data.delivering_organisation_id)
    after = replace(
        journey,
        first_meeting_on=_earliest(journey.first_meeting_on, on),
        first_wfi_on=_earliest(journey.first_wfi_on, on) if data.kind == "wfi" else journey.first_wfi_on,
        assessment_on=(
            _earliest(journey.assessment_on, on) if data.kind == "needs_assessment" else journey.assessment_on),
    )
    if after != journey:
        await _save(uow, journey, after, "first_meeting_on", "first_wfi_on", "assessment_on")


async def case_failed_to_attend(uow: UnitOfWork, envelope: Envelope, data: CaseFailedToAttend) -> None:
    journey = await _journey(uow, data.case_id, "a fail-to-attend")
    await _count(uow, envelope, journey, "fail_to_attends", data.missed_on,
                 organisation_id=data.delivering_organisation_id)


async def action_plan_agreed(uow: UnitOfWork, _: Envelope, data: CaseActionPlanAgreed) -> None:
    journey = await _journey(uow, data.case_id, "an action plan")
    after = replace(journey, action_plan_on=_earliest(journey.action_plan_on, data.agreed_on))
    if after != journey:
        await _save(uow, journey, after, "action_plan_on")


async def activity_delivered(uow: UnitOfWork, envelope: Envelope, data: CaseActivityDelivered) -> None:
    journey = await _journey(uow, data.case_id, "an activity")
    await _count(uow, envelope, journey, "activities_delivered", data.delivered_on,
                 organisation_id=data.delivered_by, subcontract_id=data.subcontract_id)


async def job_started(uow: UnitOfWork, envelope: Envelope, data: JobStarted) -> None:
    journey = await _journey(uow, data.case_id, "a job start")
    await _count(uow, envelope, journey, "job_starts", data.started_on,
                 organisation_id=data.delivering_organisation_id)
    after = replace(journey, first_job_on=_earliest(journey.first_job_on, data.started_on))
    if after != journey:
        await _save(uow, journey, after, "first_job_on")


async def case_exited(uow: UnitOfWork, envelope: Envelope, data: CaseExited) -> None:
    journey = await _journey(uow, data.case_id, "the exit")
    await _count(uow, envelope, journey, "exits", data.exited_on, organisation_id=data.delivering_organisation_id)
    if journey.exited_on is None:
        await _save(uow, journey, replace(journey, exited_on=data.exited_on, exit_kind=data.kind),
                    "exited_on", "exit_kind")


# Claims' events


async def claim_submitted(uow: UnitOfWork, envelope: Envelope, data: ClaimSubmitted) -> None:
    """A job outcome counts when claimed, on the date it became payable; a sustained job outcome likewise (for a
    model paying sustainment in instalments, the first instalment is the sustained outcome)."""
    journey = await _journey(uow, data.case_id, "a claim")
    if data.kind == "job_outcome":
        await _count(uow, envelope, journey, JOB_OUTCOMES, data.payable_from, claim_id=data.claim_id)
        after = replace(journey, job_outcome_on=_earliest(journey.job_outcome_on, data.payable_from))
        if after != journey:
            await _save(uow, journey, after, "job_outcome_on")
    elif data.kind == "sustained_job_outcome" or data.sequence == 1:
        await _count(uow, envelope, journey, SUSTAINED_JOB_OUTCOMES, data.payable_from, claim_id=data.claim_id)


async def claim_rejected(uow: UnitOfWork, _: Envelope, data: ClaimRejected) -> None:
    """A rejected claim's outcome no longer counts; the journey's job outcome is then its next claimed one, if any."""
    journey = await _journey(uow, data.case_id, "a claim's rejection")
    gone = await repository.remove_claimed(uow, data.claim_id)
    if any(o.figure == JOB_OUTCOMES for o in gone):
        remaining = await repository.first_occurrence_on(uow, journey.referral_id, JOB_OUTCOMES)
        await _save(uow, journey, replace(journey, job_outcome_on=remaining), "job_outcome_on")


def _earliest(known: date | None, on: date) -> date:
    return on if known is None or on < known else known
