"""The unit of work: one transaction per request or message, committed in one place.

State changes and the events they cause are written in the same transaction (the outbox), so a crash
can lose neither one without the other. Leaving the block without `commit()` rolls everything back.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from scx_contracts import REGISTRY, Envelope
from scx_persistence.engine import read_only
from scx_persistence.tables import outbox

# Built once: SQLAlchemy then reuses their cache keys too.
_INSERT_OUTBOX = insert(outbox)
_INSERT_OUTBOX_RETURNING_POSITIONS = insert(outbox).returning(outbox.c.position, sort_by_parameter_order=True)


@dataclass
class HandedOver:
    """Outbox rows a transaction wrote, handed to the relay in memory so it need not read them back.

    Appended while the transaction still holds SQLite's write lock, so the queue's order is commit order;
    the relay publishes an entry only once its transaction has committed, and drops it if it did not.
    """

    rows: list[tuple[int, str, str, str]]  # position, event_id, subject, payload
    state: str = "open"  # open | committed | abandoned


class UncommittedWork(RuntimeError):
    """A unit of work recorded events and ended without an error and without a commit: a bug, said loudly."""


class UnitOfWork:
    def __init__(
        self,
        session: AsyncSession,
        committed: asyncio.Event | None,
        hand_over: deque[HandedOver] | None = None,
        *,
        writable: bool = True,
    ) -> None:
        self.session = session
        self.writable = writable
        self._committed_signal = committed
        self._hand_over = hand_over
        self._handed: list[HandedOver] = []
        self._events: list[Envelope] = []
        self._uncommitted = 0  # events recorded since the last commit or rollback, flushed or not
        self.committed = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        forgotten = exc_type is None and not self.committed and self._uncommitted > 0
        if not self.committed:
            self._abandon()
            await self.session.rollback()
        await self.session.close()
        if forgotten:
            raise UncommittedWork(
                f"{self._uncommitted} recorded event(s) and their changes were rolled back: nothing committed them"
            )

    def record(self, envelope: Envelope) -> Envelope:
        """Queue an event to be written to the outbox with this transaction. Its data must fit its schema."""
        REGISTRY.model_for(envelope.type, envelope.version).model_validate(envelope.data)
        self._events.append(envelope)
        self._uncommitted += 1
        self.committed = False  # a unit of work committed once and written to again must commit again
        return envelope

    @property
    def events(self) -> list[Envelope]:
        return list(self._events)

    async def flush_events(self) -> None:
        """Write the recorded events to the outbox now, within the transaction. Rows written here are not handed
        over to the relay (a savepoint could still undo them); it finds them by reading the table."""
        await self._write_outbox(hand_over=False)

    async def _write_outbox(self, *, hand_over: bool) -> None:
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
        connection = await self.session.connection()
        if self._hand_over is None or not hand_over:
            await connection.execute(_INSERT_OUTBOX, rows)
        else:
            result = await connection.execute(_INSERT_OUTBOX_RETURNING_POSITIONS, rows)
            positions = list(result.scalars())
            handed = HandedOver(
                [(p, r["event_id"], r["subject"], r["payload"]) for p, r in zip(positions, rows, strict=True)]
            )
            self._hand_over.append(handed)
            self._handed.append(handed)
        self._events.clear()

    async def commit(self) -> None:
        # Handed over only here, with nothing left to run before the commit that could undo these rows.
        await self._write_outbox(hand_over=True)
        try:
            await self.session.commit()
        except BaseException:
            # Cancelled mid-commit the transaction may still have committed: the relay then finds a gap in the
            # positions and falls back to reading the table, so an abandoned hand-over loses nothing.
            self._abandon()
            raise
        self.committed = True
        self._uncommitted = 0
        for handed in self._handed:
            handed.state = "committed"
        if self._committed_signal is not None:
            self._committed_signal.set()

    async def rollback(self) -> None:
        self._events.clear()
        self._uncommitted = 0
        self._abandon()
        await self.session.rollback()

    def _abandon(self) -> None:
        for handed in self._handed:
            if handed.state == "open":
                handed.state = "abandoned"
        self._handed.clear()


class UnitOfWorkFactory:
    """Made once per process in the lifespan; every request or message opens one unit of work from it."""

    def __init__(self, engine: AsyncEngine, read_engine: AsyncEngine | None = None) -> None:
        self.engine = engine
        self.read_engine = read_only(read_engine or engine)
        self.sessionmaker = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        self.read_only_sessionmaker = async_sessionmaker(self.read_engine, expire_on_commit=False, autoflush=False)
        # Set after each commit that wrote events, so the relay publishes at once instead of at its next poll.
        self.outbox_signal = asyncio.Event()
        # SQLite has one writer, so commit order is position order and the relay can take events from memory.
        # PostgreSQL replicas commit side by side: there the relay always reads the table, under a lock.
        self.hand_over: deque[HandedOver] | None = deque() if engine.dialect.name == "sqlite" else None

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker(), self.outbox_signal, self.hand_over)

    def reading(self) -> UnitOfWork:
        """A unit of work that only reads (a GET): never holds SQLite's write lock."""
        return UnitOfWork(self.read_only_sessionmaker(), None, writable=False)
