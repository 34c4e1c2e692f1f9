"""Event contracts shared by every scx service: the only code one service may import of another's events."""

# Importing the producer modules registers their events.
from scx_contracts import audit as audit
from scx_contracts import case_tracking as case_tracking
from scx_contracts import claims as claims
from scx_contracts import referral as referral
from scx_contracts import subcontracts as subcontracts
from scx_contracts.envelope import Actor, Envelope, new_event_id, subject_for
from scx_contracts.registry import (
    REGISTRY,
    EventRegistry,
    UnknownEventType,
    event,
)

__all__ = [
    "REGISTRY",
    "Actor",
    "Envelope",
    "EventRegistry",
    "UnknownEventType",
    "event",
    "new_event_id",
    "subject_for",
]
