"""A producer never records an event its consumers cannot apply: every example event, at the bounds of its schema
(largest integers, longest strings, fullest lists), is applied by every service that subscribes to it, on SQLite
and PostgreSQL, and none is dead-lettered.

Consumers are found, not listed: any `services/<name>/src/scx_<name>/handlers.py` with a non-empty `SUBSCRIPTIONS`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scx_messaging import Delivery, Outcome
from scx_persistence import UnitOfWorkFactory, create_engine
from scx_persistence.inbox import InboxProcessor
from scx_persistence.subscriptions import Subscriptions
from scx_persistence.tables import dead_letters
from scx_testing.bounds import examples_at_bounds
from scx_testing.plugin import MigratedDatabase

SERVICES = Path(__file__).resolve().parents[2] / "services"


def consumers() -> dict[str, tuple[Subscriptions, Path]]:
    found = {}
    for handlers in sorted(SERVICES.glob("*/src/scx_*/handlers.py")):
        package = handlers.parent.name
        subscriptions = importlib.import_module(f"{package}.handlers").SUBSCRIPTIONS
        if subscriptions:
            found[package.removeprefix("scx_")] = (subscriptions, handlers.parents[2] / "alembic.ini")
    return found


CONSUMERS = consumers()


def test_some_consumer_is_found() -> None:
    assert "referral" in CONSUMERS


@pytest.mark.parametrize("consumer", sorted(CONSUMERS))
async def test_every_event_at_its_bounds_is_applied_not_dead_lettered(
    consumer: str, migrated_database: MigratedDatabase
) -> None:
    subscriptions, alembic_ini = CONSUMERS[consumer]
    engine = create_engine(migrated_database(alembic_ini))
    try:
        inbox = InboxProcessor(UnitOfWorkFactory(engine), consumer=consumer, subscriptions=subscriptions)
        outcomes = {}
        for sequence, envelope in enumerate(examples_at_bounds(), start=1):
            if envelope.type not in subscriptions:
                continue
            delivery = Delivery(
                subject=envelope.subject, payload=envelope.model_dump_json().encode(), stream_sequence=sequence,
                num_delivered=1, last_delivery=True,
            )
            outcomes[envelope.type] = await inbox(delivery)
        async with engine.connect() as conn:
            dead = (await conn.execute(select(dead_letters.c.subject, dead_letters.c.error))).all()
            assert await conn.scalar(select(func.count()).select_from(dead_letters)) == 0, dead
        assert outcomes == {event_type: Outcome.APPLIED for event_type in subscriptions}
    finally:
        await engine.dispose()
