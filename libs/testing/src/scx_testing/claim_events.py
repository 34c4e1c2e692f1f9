"""A test publisher of the claims service's events: what a consumer of outcomes and flow-down (the subcontracts
service's figures and supply-chain health) sees when a prime claims an outcome, DWP rejects one, or the flow-down
owes and pays a partner. Like `scx_testing.journeys`, it publishes real, schema-checked events to a real
nats-server and never imports the producer's code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import uuid_utils

from scx_contracts import Envelope
from scx_contracts.claims import ClaimRejected, ClaimSubmitted, PartnerOwed, PartnerPaid
from scx_contracts.registry import EventData
from scx_messaging import Bus
from scx_servicekit.events import make_event
from scx_testing.journeys import Referral, actor


def _new_id() -> str:
    return str(uuid_utils.uuid7())


@dataclass(frozen=True)
class Claim:
    claim_id: str
    case: Referral
    kind: str


class ClaimEvents:
    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.published: list[Envelope] = []

    async def publish(
        self, data: EventData, case: Referral | None, by: str, *, occurred_on: date | None = None
    ) -> Envelope:
        """`occurred_on`: the day the event happened (at noon UTC); today when not given."""
        kind = "dwp" if by == "dwp" else "prime"
        envelope = make_event(
            data, producer="claims", actor=actor(by, kind, "validator" if kind == "dwp" else "manager"),
            journey_id=case.referral_id if case else None, claimant_ref=case.claimant_ref if case else None,
            occurred_at=datetime.combine(occurred_on, time(12), UTC) if occurred_on else None,
        )
        await self.bus.publish(envelope.subject, envelope.model_dump_json().encode(), msg_id=envelope.event_id)
        self.published.append(envelope)
        return envelope

    async def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return [e.model_dump(mode="json") for e in self.published if event_type in (None, e.type)]

    async def submitted(
        self, case: Referral, payable_from: date, *, kind: str = "job_outcome", sequence: int = 1,
        amount_pence: int = 120_000, submitted_on: date | None = None,
    ) -> Claim:
        claim = Claim(claim_id=_new_id(), case=case, kind=kind)
        await self.publish(ClaimSubmitted(
            claim_id=claim.claim_id, case_id=case.referral_id, contract_id=case.contract_id, prime_id=case.prime_id,
            kind=kind, sequence=sequence, amount_pence=amount_pence, tariff_model="pathways-30-50-20",
            tariff_version=1, payable_from=payable_from, evidence_ids=[_new_id()],
            submitted_on=submitted_on or payable_from,
        ), case, case.prime_id)
        return claim

    async def rejected(self, claim: Claim, rejected_on: date, *, reason: str = "evidence_insufficient") -> None:
        case = claim.case
        await self.publish(ClaimRejected(
            claim_id=claim.claim_id, case_id=case.referral_id, contract_id=case.contract_id, prime_id=case.prime_id,
            stage="pre_payment", reason=reason, rejected_on=rejected_on,
        ), case, "dwp")

    async def partner_owed(
        self, case: Referral, *, partner_id: str, subcontract_id: str, amount_pence: int, due_on: date,
        run_id: str | None = None, basis: str = "outcome_share", owed_on: date | None = None,
        owed_id: str | None = None,
    ) -> str:
        """`owed_on`: the day the flow-down owed it (its event's occurred_at), today when not given; `owed_id`: the
        line's id, when a test has named it already (in a payment published first)."""
        owed_id = owed_id or _new_id()
        await self.publish(PartnerOwed(
            owed_id=owed_id, run_id=run_id or _new_id(), prime_id=case.prime_id, partner_id=partner_id,
            subcontract_id=subcontract_id, case_id=case.referral_id, basis=basis, amount_pence=amount_pence,
            due_on=due_on,
        ), case, case.prime_id, occurred_on=owed_on)
        return owed_id

    async def partner_paid(
        self, *, prime_id: str, partner_id: str, owed_ids: list[str], amount_pence: int, paid_on: date
    ) -> str:
        payment_id = _new_id()
        await self.publish(PartnerPaid(
            payment_id=payment_id, prime_id=prime_id, partner_id=partner_id, amount_pence=amount_pence,
            paid_on=paid_on, owed_ids=owed_ids,
        ), None, prime_id)
        return payment_id
