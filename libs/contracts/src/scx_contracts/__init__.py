"""Event contracts shared by every scx service: the only code one service may import of another's events."""

from scx_contracts.envelope import Actor, Envelope, new_event_id, subject_for
from scx_contracts.registry import (
    REGISTRY,
    EventRegistry,
    UnknownEventType,
    event,
)

# Importing the producer modules registers their events.
from scx_contracts import referral as referral  # noqa: E402
from scx_contracts import subcontracts as subcontracts  # noqa: E402

__all__ = [
    "Actor",
    "Envelope",
    "EventRegistry",
    "REGISTRY",
    "UnknownEventType",
    "event",
    "new_event_id",
    "subject_for",
]
