from __future__ import annotations

from datetime import datetime

from scx_contracts import Actor, Envelope
from scx_contracts.context import causation_id, correlation_id
from scx_contracts.registry import EventData


def make_event(
    data: EventData,
    *,
    producer: str,
    actor: Actor,
    journey_id: str | None = None,
    claimant_ref: str | None = None,
    occurred_at: datetime | None = None,
) -> Envelope:
    """Wrap event data in the envelope, carrying the current correlation and causation ids."""
    extra = {"occurred_at": occurred_at} if occurred_at else {}
    return Envelope(
        type=data.EVENT_TYPE,
        version=data.EVENT_VERSION,
        producer=producer,
        actor=actor,
        journey_id=journey_id,
        claimant_ref=claimant_ref,
        correlation_id=correlation_id.get(),
        causation_id=causation_id.get(),
        data=data.model_dump(mode="json"),
        **extra,
    )
