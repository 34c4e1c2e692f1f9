"""The one way a case's state change is recorded: its event goes into the outbox (published after the commit) and
the same event becomes an entry of the case's timeline, in one transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime

import uuid_utils

from scx_case_tracking.models.cases import Case, TimelineEntry
from scx_case_tracking.repository import cases as repository
from scx_contracts import Actor, Envelope
from scx_contracts.registry import EventData
from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.events import make_event

PRODUCER = "case_tracking"


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """The date the service records things on (UTC)."""
    return now().date()


def new_id() -> str:
    return str(uuid_utils.uuid7())


async def record(
    uow: UnitOfWork, actor: Principal | Actor, case: Case, data: EventData, *, occurred_on: date
) -> Envelope:
    """Record `data` as an event of `case`'s journey, caused by `actor`, and add it to the case's timeline."""
    who = actor.actor() if isinstance(actor, Principal) else actor
    envelope = uow.record(make_event(
        data, producer=PRODUCER, actor=who, journey_id=case.case_id, claimant_ref=case.claimant_ref,
    ))
    await repository.add_timeline_entry(uow, TimelineEntry(
        event_id=str(envelope.event_id), case_id=case.case_id, type=envelope.type, occurred_on=occurred_on,
        recorded_at=envelope.recorded_at, recorded_by=who.organisation_id, user=who.user,
        data=data.model_dump(mode="json"),
    ))
    return envelope
