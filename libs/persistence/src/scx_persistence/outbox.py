"""The outbox relay: publishes committed events to JetStream in commit order and marks them sent.

A crash before the publish leaves the row unsent (it is published on restart); a crash after the publish and
before the mark publishes it again with the same `Nats-Msg-Id`, which JetStream's duplicate window drops and
every consumer's inbox absorbs beyond it. Nothing is lost; nothing is applied twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from scx_messaging import Bus, PublishFailed
from scx_persistence.engine import is_postgres, read_only
from scx_persistence.tables import outbox

log = logging.getLogger("scx.outbox")

# One relay per service database publishes at a time, so replicas cannot interleave and reorder events.
_RELAY_LOCK_KEY = 0x5C0B0C


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        bus: Bus,
        wake: asyncio.Event,
        *,
        poll_interval_seconds: float = 1.0,
        batch_size: int = 200,
        max_backoff_seconds: float = 10.0,
        read_engine: AsyncEngine | None = None,
    ) -> None:
        self.engine = engine
        self.read_engine = read_only(read_engine or engine)
        self.bus = bus
        self.wake = wake
        self.poll_interval = poll_interval_seconds
        self.batch_size = batch_size
        self.max_backoff = max_backoff_seconds
        self._stopping = asyncio.Event()
        self._postgres = is_postgres(str(engine.url))

    async def run(self) -> None:
        backoff = 0.0
        while not self._stopping.is_set():
            try:
                published = await self.publish_pending()
                backoff = 0.0
                if published >= self.batch_size:
                    continue  # a full batch: there may be more waiting

            except PublishFailed as exc:
                backoff = min(self.max_backoff, max(0.2, backoff * 2))
                log.warning("outbox relay: %s; retrying in %.1fs", exc, backoff)
            except asyncio.CancelledError:
                raise
            except Exception:
                backoff = min(self.max_backoff, max(0.2, backoff * 2))
                log.exception("outbox relay failed; retrying in %.1fs", backoff)
            await self._wait(backoff or self.poll_interval)

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), timeout=seconds)
        self.wake.clear()

    def stop(self) -> None:
        self._stopping.set()
        self.wake.set()

    async def publish_pending(self) -> int:
        """Publish one batch of unsent rows in order; returns how many were published."""
        if not self._postgres:
            return await self._publish_batch()  # a SQLite database has one process, so one relay
        async with self.engine.connect() as lock:
            # A session-level lock, held until the batch is marked: replicas never publish side by side.
            got = await lock.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": _RELAY_LOCK_KEY})
            await lock.commit()
            if not got:
                return 0
            try:
                return await self._publish_batch()
            finally:
                await lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _RELAY_LOCK_KEY})
                await lock.commit()

    async def _publish_batch(self) -> int:
        # Read without the write lock, and hold no connection while publishing: requests keep writing meanwhile.
        async with self.read_engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(outbox.c.position, outbox.c.event_id, outbox.c.subject, outbox.c.payload)
                    .where(outbox.c.sent_at.is_(None))
                    .order_by(outbox.c.position)
                    .limit(self.batch_size)
                )
            ).all()
        if not rows:
            return 0
        sent: list[tuple[int, int]] = []
        try:
            for row in rows:
                seq = await self.bus.publish(row.subject, row.payload.encode(), msg_id=row.event_id)
                sent.append((row.position, seq))
                await self.after_publish(row.event_id)
        except PublishFailed as exc:
            await self._mark(sent)
            await self._record_failure(rows[len(sent)].position, str(exc))
            raise
        await self._mark(sent)
        return len(sent)

    async def after_publish(self, event_id: str) -> None:
        """A seam for crash tests: the moment after JetStream acknowledged and before the row is marked."""

    async def _mark(self, sent: list[tuple[int, int]]) -> None:
        if not sent:
            return
        statement = (
            update(outbox)
            .where(outbox.c.position == bindparam("b_position"))
            .values(
                sent_at=datetime.now(UTC),
                stream_sequence=bindparam("b_sequence"),
                attempts=outbox.c.attempts + 1,
                last_error=None,
            )
        )
        async with self.engine.begin() as conn:
            await conn.execute(statement, [{"b_position": p, "b_sequence": q} for p, q in sent])

    async def _record_failure(self, position: int, error: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(outbox)
                .where(outbox.c.position == position)
                .values(attempts=outbox.c.attempts + 1, last_error=error[:2000])
            )

    async def backlog(self) -> int:
        async with self.read_engine.connect() as conn:
            return int(
                await conn.scalar(select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))) or 0
            )
