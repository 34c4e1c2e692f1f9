"""Library tests of the unit of work, outbox and inbox on SQLite and PostgreSQL (the `backend` parameter).

The library has no migrations of its own, so these tests alone build their schema with create_all: the
messaging tables plus `effects`, a stand-in for a service's own table that a handler writes to.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import Column, Integer, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from scx_contracts import Envelope
from scx_persistence import UnitOfWork, UnitOfWorkFactory, create_engine, messaging_metadata, new_metadata
from scx_persistence.tables import dead_letters, inbox, outbox

effects_metadata = new_metadata()
effects = Table(
    "effects",
    effects_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
    Column("note", String(100), nullable=False),
)


class Database:
    """The database under test, with the reads the assertions need."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.uow_factory = UnitOfWorkFactory(engine)

    async def count(self, table: Table) -> int:
        async with self.engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(table)) or 0)

    async def rows(self, table: Table, *order_by: Any) -> list[Any]:
        async with self.engine.connect() as conn:
            return list((await conn.execute(select(table).order_by(*order_by))).all())

    async def outbox(self) -> list[Any]:
        return await self.rows(outbox, outbox.c.position)

    async def effects(self) -> list[Any]:
        return await self.rows(effects, effects.c.id)

    async def inbox(self) -> list[Any]:
        return await self.rows(inbox, inbox.c.event_id)

    async def dead_letters(self) -> list[Any]:
        return await self.rows(dead_letters, dead_letters.c.id)

    @staticmethod
    async def effects_in(uow: UnitOfWork) -> list[Any]:
        """The effects as a handler sees them, inside its transaction."""
        return list((await uow.session.execute(select(effects).order_by(effects.c.id))).all())

    @staticmethod
    async def add_effect(uow: UnitOfWork, event_id: str, note: str) -> None:
        """What a use case or a handler does to the service's own tables."""
        await uow.session.execute(insert(effects).values(event_id=event_id, note=note))

    async def commit_events(self, *envelopes: Envelope, note: str = "state") -> None:
        """One transaction: a state change and the events it causes."""
        async with self.uow_factory() as uow:
            await self.add_effect(uow, envelopes[0].event_id if envelopes else "-", note)
            for envelope in envelopes:
                uow.record(envelope)
            await uow.commit()


@pytest_asyncio.fixture
async def engine(empty_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(empty_database_url)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
        await conn.run_sync(effects_metadata.create_all)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def db(engine: AsyncEngine) -> Database:
    return Database(engine)
