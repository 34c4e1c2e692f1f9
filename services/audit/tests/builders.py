"""Events to put on the stream for the audit service: envelopes as producers make them, published as bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scx_contracts import Actor, Envelope
from scx_contracts.claimant import claimant_ref
from scx_messaging import Bus, Outgoing

REF_KEY = b"scx-dev-claimant-ref-key-change-me"
NINO = "JT123456A"
CLAIMANT = claimant_ref(NINO, REF_KEY)
JCP = Actor(organisation_id="jcp-tyne", organisation_kind="jcp", role="referrer", user="jo")
PRIME = Actor(organisation_id="prime-north", organisation_kind="prime", role="manager", user="pat")
T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def journey(referral_id: str, claimant: str = CLAIMANT, *, start: datetime = T0) -> list[Envelope]:
    """A referral received, started and allocated to a partner: three events of one journey."""
    common = {"journey_id": referral_id, "claimant_ref": claimant}
    return [
        Envelope(type="referral.received", version=1, producer="referral", actor=JCP, occurred_at=start,
                 data={"referral_id": referral_id, "prime_id": "prime-north", "referrer_id": "jcp-tyne"}, **common),
        Envelope(type="referral.started", version=1, producer="referral", actor=PRIME,
                 occurred_at=start + timedelta(days=1), data={"referral_id": referral_id, "prime_id": "prime-north"},
                 **common),
        Envelope(type="referral.allocated", version=1, producer="referral", actor=PRIME,
                 occurred_at=start + timedelta(days=2),
                 data={"referral_id": referral_id, "prime_id": "prime-north", "partner_id": "partner-wear"},
                 **common),
    ]


def organisation(organisation_id: str) -> Envelope:
    dwp = Actor(organisation_id="dwp", organisation_kind="dwp", role="contract_manager", user="dee")
    return Envelope(type="organisation.registered", version=1, producer="subcontracts", actor=dwp,
                    data={"organisation_id": organisation_id, "name": organisation_id, "kind": "partner"})


async def publish(bus: Bus, envelopes: list[Envelope]) -> list[bytes]:
    """Publish in order; returns the bytes as the stream holds them."""
    payloads = [e.model_dump_json().encode() for e in envelopes]
    await bus.publish_many([Outgoing(e.subject, p, e.event_id) for e, p in zip(envelopes, payloads, strict=True)])
    return payloads
