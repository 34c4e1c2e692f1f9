"""The one way the claims service records an event: into the outbox, in the transaction of the change it reports,
named by its journey (the case) when it has one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import uuid_utils

from scx_claims.models.journeys import Journey
from scx_contracts import Actor, Envelope
from scx_contracts.registry import EventData
from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.events import make_event

PRODUCER = "claims"


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


def new_id() -> str:
    return str(uuid_utils.uuid7())


def record(uow: UnitOfWork, actor: Principal | Actor, data: EventData, *, journey: Journey | None = None) -> Envelope:
    who = actor.actor() if isinstance(actor, Principal) else actor
    return uow.record(make_event(
        data, producer=PRODUCER, actor=who, journey_id=journey.case_id if journey else None,
        claimant_ref=journey.claimant_ref if journey else None,
    ))
