"""The unit of work: one transaction per request or message, committed in one place.

State changes and the events they cause are written in the same transaction (the outbox), so a crash
can lose neither one without the other. Leaving the block without `commit()` rolls everything back.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from scx_contracts import REGISTRY, Envelope
from scx_persistence.engine import read_only
from scx_persistence.tables import outbox


class UnitOfWork:
    def __init__(self, session: AsyncSession, committed: asyncio.Event | None) -> None:
        self.session = session
        self._committed_signal = committed
        self._events: list[Envelope] = []
        self.committed = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.committed:
            await self.session.rollback()
        await self.session.close()

    def record(self, envelope: Envelope) -> Envelope:
        """Queue an event to be written to the outbox with this transaction. Its data must fit its schema."""
        REGISTRY.model_for(envelope.type, envelope.version).model_validate(envelope.data)
        self._events.append(envelope)
        return envelope

    @property
    def events(self) -> list[Envelope]:
        return list(self._events)

    async def flush_events(self) -> None:
        if not self._events:
            return
        rows = [
            {
                "event_id": e.event_id,
                "subject": e.subject,
                "payload": e.model_dump_json(),
                "created_at": e.recorded_at,
                "attempts": 0,
            }
            for e in self._events
        ]
        await self.session.execute(insert(outbox), rows)
        self._events.clear()

    async def commit(self) -> None:
        await self.flush_events()
        await self.session.commit()
        self.committed = True
        if self._committed_signal is not None:
            self._committed_signal.set()

    async def rollback(self) -> None:
        self._events.clear()
        await self.session.rollback()


class UnitOfWorkFactory:
    """Made once per process in the lifespan; every request or message opens one unit of work from it."""

    def __init__(self, engine: AsyncEngine, read_engine: AsyncEngine | None = None) -> None:
        self.engine = engine
        self.read_engine = read_only(read_engine or engine)
        self.sessionmaker = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        self.read_only_sessionmaker = async_sessionmaker(self.read_engine, expire_on_commit=False, autoflush=False)
        # Set after each commit that wrote events, so the relay publishes at once instead of at its next poll.
        self.outbox_signal = asyncio.Event()

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker(), self.outbox_signal)

    def reading(self) -> UnitOfWork:
        """A unit of work that only reads (a GET): never holds SQLite's write lock."""
        return UnitOfWork(self.read_only_sessionmaker(), None)
