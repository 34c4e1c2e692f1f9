"""Test publishers of the referral service's and case tracking's events: what a consumer of claimant journeys
(case tracking, claims, audit) sees when JCP refers a claimant, the prime starts, allocates, re-allocates or
withdraws the referral, and the journey goes on (`CaseEvents`: the case, jobs, weeks of hours, the exit).

Like `scx_registry.testing.Registry`, it publishes real, schema-checked events with the envelope the producer would
give them (journey id, claimant pseudonym, actor) to a real nats-server, and never imports the producer's code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import uuid_utils

from scx_contracts import Actor, Envelope
from scx_contracts.case_tracking import (
    AppointmentAttended,
    CaseActionPlanAgreed,
    CaseActivityDelivered,
    CaseDeliveryChanged,
    CaseExited,
    CaseFailedToAttend,
    CaseOpened,
    HoursReported,
    JobEnded,
    JobStarted,
)
from scx_contracts.referral import (
    ReferralAllocated,
    ReferralReallocated,
    ReferralReceived,
    ReferralRejected,
    ReferralStarted,
    ReferralWithdrawn,
)
from scx_contracts.registry import EventData
from scx_messaging import Bus
from scx_servicekit.events import make_event


def _new_id() -> str:
    return str(uuid_utils.uuid7())


def actor(organisation_id: str, kind: str, role: str) -> Actor:
    return Actor(organisation_id=organisation_id, organisation_kind=kind, role=role, user=f"{organisation_id}-user")


@dataclass(frozen=True)
class Referral:
    """A referral as the referral service made it: what a test needs to go on with its journey."""

    referral_id: str
    contract_id: str
    prime_id: str
    referrer_id: str
    claimant_ref: str
    allocation_id: str | None = None


class ReferralEvents:
    """Publishes the referral service's events for journeys a test makes up."""

    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.published: list[Envelope] = []

    async def publish(
        self, data: EventData, referral: Referral, by: Actor, *, occurred_on: date | None = None
    ) -> Envelope:
        """`occurred_on`: the day the event happened (at noon UTC); now when not given."""
        envelope = make_event(
            data, producer="referral", actor=by, journey_id=referral.referral_id, claimant_ref=referral.claimant_ref,
            occurred_at=datetime.combine(occurred_on, time(12), UTC) if occurred_on else None,
        )
        await self.bus.publish(envelope.subject, envelope.model_dump_json().encode(), msg_id=envelope.event_id)
        self.published.append(envelope)
        return envelope

    async def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return [e.model_dump(mode="json") for e in self.published if event_type in (None, e.type)]

    async def refer(
        self, *, contract_id: str, prime_id: str, referrer_id: str, referral_date: date, mandatory: bool = True,
        benefit_type: str = "ESA", payment_group: int = 6, needs: tuple[str, ...] = ("mental_health",),
        postcode_district: str = "LS1",
    ) -> Referral:
        referral_id = _new_id()
        referral = Referral(
            referral_id=referral_id, contract_id=contract_id, prime_id=prime_id, referrer_id=referrer_id,
            claimant_ref="clm_" + hashlib.sha256(referral_id.encode()).hexdigest()[:32],
        )
        await self.publish(ReferralReceived(
            referral_id=referral_id, contract_id=contract_id, prime_id=prime_id, referrer_id=referrer_id,
            benefit_type=benefit_type, payment_group=payment_group, mandatory=mandatory, needs=list(needs),
            postcode_district=postcode_district, referral_date=referral_date,
        ), referral, actor(referrer_id, "jcp", "referrer"))
        return referral

    async def reject(self, referral: Referral, rejected_on: date, *, reason: str = "ineligible") -> None:
        """The prime turns the referral down: the event carries no date of its own, so it occurs on `rejected_on`."""
        await self.publish(ReferralRejected(
            referral_id=referral.referral_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
            reason=reason,
        ), referral, actor(referral.prime_id, "prime", "manager"), occurred_on=rejected_on)

    async def start(self, referral: Referral, started_on: date) -> None:
        await self.publish(ReferralStarted(
            referral_id=referral.referral_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
            started_on=started_on,
        ), referral, actor(referral.prime_id, "prime", "manager"))

    async def allocate(
        self, referral: Referral, allocated_on: date, *, partner_id: str | None = None,
        subcontract_id: str | None = None, model: str | None = None, service: str | None = None,
    ) -> Referral:
        """In-house when `partner_id` is None; returns the referral with its new allocation."""
        allocation_id = _new_id()
        delivery = "partner" if partner_id else "in_house"
        common: dict[str, Any] = {
            "referral_id": referral.referral_id, "allocation_id": allocation_id,
            "contract_id": referral.contract_id, "prime_id": referral.prime_id, "delivery": delivery,
            "partner_id": partner_id, "subcontract_id": subcontract_id, "supply_chain_model": model,
            "service": service, "allocated_on": allocated_on,
        }
        by = actor(referral.prime_id, "prime", "manager")
        if referral.allocation_id is None:
            await self.publish(ReferralAllocated(**common), referral, by)
        else:
            await self.publish(ReferralReallocated(
                **common, previous_allocation_id=referral.allocation_id, reason="client_needs_changed",
            ), referral, by)
        return Referral(**{**referral.__dict__, "allocation_id": allocation_id})

    async def withdraw(self, referral: Referral, withdrawn_on: date) -> None:
        await self.publish(ReferralWithdrawn(
            referral_id=referral.referral_id, contract_id=referral.contract_id, prime_id=referral.prime_id,
            reason="left_benefit", withdrawn_on=withdrawn_on,
        ), referral, actor(referral.prime_id, "prime", "manager"))


class CaseEvents:
    """Publishes case tracking's events for journeys a test makes up (what claims and the figures consume)."""

    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.published: list[Envelope] = []

    async def publish(self, data: EventData, case: Referral, by: Actor | None = None) -> Envelope:
        envelope = make_event(
            data, producer="case_tracking", actor=by or actor(case.prime_id, "prime", "manager"),
            journey_id=case.referral_id, claimant_ref=case.claimant_ref,
        )
        await self.bus.publish(envelope.subject, envelope.model_dump_json().encode(), msg_id=envelope.event_id)
        self.published.append(envelope)
        return envelope

    async def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return [e.model_dump(mode="json") for e in self.published if event_type in (None, e.type)]

    async def open(
        self, *, contract_id: str, prime_id: str, referral_date: date, started_on: date, payment_group: int = 6,
        mandatory: bool = True, referrer_id: str = "jcp-leeds",
    ) -> Referral:
        """A started referral's case (`case.opened`), held by the prime."""
        referral_id = _new_id()
        case = Referral(
            referral_id=referral_id, contract_id=contract_id, prime_id=prime_id, referrer_id=referrer_id,
            claimant_ref="clm_" + hashlib.sha256(referral_id.encode()).hexdigest()[:32],
        )
        await self.publish(CaseOpened(
            case_id=referral_id, contract_id=contract_id, prime_id=prime_id, referrer_id=referrer_id,
            payment_group=payment_group, mandatory=mandatory, referral_date=referral_date, started_on=started_on,
        ), case)
        return case

    async def deliver(
        self, case: Referral, organisation_id: str, on: date, *, subcontract_id: str | None = None,
        model: str | None = None, previous: str | None = None,
    ) -> None:
        delivery = "in_house" if organisation_id == case.prime_id else "partner"
        await self.publish(CaseDeliveryChanged(
            case_id=case.referral_id, allocation_id=_new_id(), delivery=delivery,
            delivering_organisation_id=organisation_id, previous_organisation_id=previous or case.prime_id,
            subcontract_id=subcontract_id, supply_chain_model=model, changed_on=on,
        ), case)

    async def job_started(
        self, case: Referral, started_on: date, *, expected_hours: str = "20", by: str | None = None
    ) -> str:
        job_id = _new_id()
        await self.publish(JobStarted(
            case_id=case.referral_id, job_id=job_id, started_on=started_on, employment_type="employed",
            expected_hours_per_week=Decimal(expected_hours), employer_ref="EMP-0001",
            delivering_organisation_id=by or case.prime_id,
        ), case)
        return job_id

    async def hours(
        self, case: Referral, job_id: str, week_commencing: date, hours: str, *, revision: int = 1,
        evidence_kind: str = "payslip", earnings_pence: int | None = None,
    ) -> None:
        await self.publish(HoursReported(
            case_id=case.referral_id, job_id=job_id, week_commencing=week_commencing, hours=Decimal(hours),
            earnings_pence=earnings_pence, evidence_kind=evidence_kind,
            evidence_obtained_on=week_commencing + timedelta(days=7), revision=revision,
        ), case)

    async def weeks(self, case: Referral, job_id: str, first_monday: date, hours: list[str]) -> None:
        """Consecutive weeks from `first_monday`, one per entry of `hours`."""
        for n, worked in enumerate(hours):
            await self.hours(case, job_id, first_monday + timedelta(weeks=n), worked)

    async def job_ended(self, case: Referral, job_id: str, ended_on: date) -> None:
        await self.publish(JobEnded(case_id=case.referral_id, job_id=job_id, ended_on=ended_on, reason="resigned"),
                           case)

    async def exited(self, case: Referral, exited_on: date, by: str | None = None, *, kind: str = "completion") -> None:
        await self.publish(CaseExited(
            case_id=case.referral_id, kind=kind, reason="declined" if kind == "early_exit" else None,
            exited_on=exited_on, delivering_organisation_id=by or case.prime_id,
        ), case)

    async def attended(
        self, case: Referral, on: date, *, kind: str = "wfi", wfi_number: int | None = None, by: str | None = None
    ) -> Envelope:
        """An appointment attended (a WFI unless `kind` says otherwise), with whoever delivers it."""
        return await self.publish(AppointmentAttended(
            case_id=case.referral_id, appointment_id=_new_id(), kind=kind,
            wfi_number=(wfi_number or 1) if kind == "wfi" else None, attended_on=on, minutes=45,
            delivering_organisation_id=by or case.prime_id,
        ), case)

    async def failed_to_attend(self, case: Referral, missed_on: date, *, by: str | None = None) -> Envelope:
        return await self.publish(CaseFailedToAttend(
            case_id=case.referral_id, appointment_id=_new_id(), notice_id=_new_id(), kind="wfi", mandatory=True,
            referrer_id=case.referrer_id, missed_on=missed_on, notified_on=missed_on,
            delivering_organisation_id=by or case.prime_id,
        ), case)

    async def action_plan(self, case: Referral, agreed_on: date, *, by: str | None = None) -> Envelope:
        return await self.publish(CaseActionPlanAgreed(
            case_id=case.referral_id, action_plan_id=_new_id(), agreed_on=agreed_on, goals=["find_work"],
            delivering_organisation_id=by or case.prime_id,
        ), case)

    async def activity(
        self, case: Referral, delivered_on: date, *, activity: str = "cv", by: str | None = None
    ) -> Envelope:
        return await self.publish(CaseActivityDelivered(
            case_id=case.referral_id, activity_id=_new_id(), activity=activity, delivered_on=delivered_on,
            minutes=60, delivered_by=by or case.prime_id,
        ), case)

    async def specialist_delivered(
        self, case: Referral, *, partner_id: str, subcontract_id: str, service: str, on: date
    ) -> str:
        activity_id = _new_id()
        await self.publish(CaseActivityDelivered(
            case_id=case.referral_id, activity_id=activity_id, activity="specialist_service", delivered_on=on,
            minutes=60, delivered_by=partner_id, subcontract_id=subcontract_id, service=service,
        ), case)
        return activity_id
