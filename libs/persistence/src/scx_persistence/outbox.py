"""The outbox relay: publishes committed events to JetStream in commit order and marks them sent.

A crash before the publish leaves the row unsent (it is published on restart); a crash after the publish and
before the mark publishes it again with the same `Nats-Msg-Id`, which JetStream's duplicate window drops and
every consumer's inbox absorbs beyond it. Nothing is lost; nothing is applied twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from datetime import UTC, datetime

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from scx_messaging import Bus, Outgoing, PublishFailed
from scx_persistence.engine import is_postgres, read_only
from scx_persistence.tables import outbox
from scx_persistence.uow import HandedOver

log = logging.getLogger("scx.outbox")

# One relay per service database publishes at a time, so replicas cannot interleave and reorder events.
_RELAY_LOCK_KEY = 0x5C0B0C
# How long published events may wait to be marked sent (a crash in between only republishes them).
MARK_DELAY_SECONDS = 0.25
HAND_OVER_LIMIT = 10_000


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
        hand_over: deque[HandedOver] | None = None,
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
        # The fast path (SQLite): events handed over in memory at commit, published without reading the table.
        self.hand_over = hand_over
        # The highest position published with every position below it published too; None while unknown (at
        # start, after a failure, after a gap), when the relay reads the table until it has caught up.
        self._in_order_upto: int | None = None
        # Published but not yet marked sent: marked in batches, since a crash before the mark only republishes.
        self._unmarked: list[tuple[int, str, int]] = []
        self._unmarked_since = 0.0

    async def run(self) -> None:
        backoff, next_scan = 0.0, 0.0
        while not self._stopping.is_set():
            try:
                if self.hand_over is not None:
                    await self.publish_handed_over()
                if self.hand_over is None or self._in_order_upto is None or time.monotonic() >= next_scan:
                    published = await self.publish_pending()
                    next_scan = time.monotonic() + self.poll_interval
                    if published >= self.batch_size:
                        backoff = 0.0
                        continue  # a full batch: there may be more waiting
                elif self._marks_due():
                    await self._flush_marks()
                backoff = 0.0
            except PublishFailed as exc:
                backoff = min(self.max_backoff, max(0.2, backoff * 2))
                log.warning("outbox relay: %s; retrying in %.1fs", exc, backoff)
            except asyncio.CancelledError:
                raise
            except Exception:
                backoff = min(self.max_backoff, max(0.2, backoff * 2))
                log.exception("outbox relay failed; retrying in %.1fs", backoff)
            await self._wait(backoff or self._until_next_duty(next_scan))
        with contextlib.suppress(Exception):
            await self._flush_marks()

    def _until_next_duty(self, next_scan: float) -> float:
        if self.hand_over is None:
            return self.poll_interval
        due = next_scan
        if self._unmarked:
            due = min(due, self._unmarked_since + MARK_DELAY_SECONDS)
        return max(0.005, due - time.monotonic())

    async def publish_handed_over(self) -> int:
        """Publish the events committed transactions handed over, in commit order, while they continue the
        sequence of positions exactly; anything else (a gap, a failure) sends the relay back to the table."""
        assert self.hand_over is not None
        if self._in_order_upto is None:
            if len(self.hand_over) > HAND_OVER_LIMIT:
                self.hand_over.clear()  # the table has them all; memory must not grow while NATS is away
            return 0
        published = 0
        while True:
            rows, gap = self._take_handed_over()
            if rows:
                try:
                    sequences = await self.bus.publish_many([Outgoing(sj, pl.encode(), ev) for _, ev, sj, pl in rows])
                except PublishFailed as exc:
                    await self._published(rows, exc.acknowledged)
                    self._in_order_upto = None
                    self.hand_over.clear()
                    raise
                await self._published(rows, sequences)
                published += len(rows)
            if gap:
                log.info("outbox relay: a gap in the handed-over positions; reading the table")
                self._in_order_upto = None
                self.hand_over.clear()
                break
            if not rows:
                break
        if len(self._unmarked) >= self.batch_size:
            await self._flush_marks()
        return published

    def _take_handed_over(self) -> tuple[list[tuple[int, str, str, str]], bool]:
        """Rows of committed hand-overs that continue the published positions exactly (about a batch of them),
        and whether a gap stopped the taking."""
        assert self.hand_over is not None and self._in_order_upto is not None
        rows: list[tuple[int, str, str, str]] = []
        expected = self._in_order_upto + 1
        while self.hand_over and len(rows) < self.batch_size:
            head = self.hand_over[0]
            if head.state == "open":
                break  # its transaction has not finished: what follows it cannot go first
            self.hand_over.popleft()
            if head.state == "abandoned":
                continue
            for row in head.rows:
                if row[0] < expected:
                    continue  # the table read published it already
                if row[0] != expected:
                    return rows, True
                rows.append(row)
                expected += 1
        return rows, False

    async def _published(self, rows: list[tuple[int, str, str, str]], sequences: list[int]) -> None:
        for (position, event_id, _, _), sequence in zip(rows, sequences, strict=False):
            self._in_order_upto = position
            if not self._unmarked:
                self._unmarked_since = time.monotonic()
            self._unmarked.append((position, event_id, sequence))
            await self.after_publish(event_id)

    def _marks_due(self) -> bool:
        return bool(self._unmarked) and time.monotonic() - self._unmarked_since >= MARK_DELAY_SECONDS

    async def _flush_marks(self) -> None:
        if self._unmarked:
            batch, self._unmarked = self._unmarked, []
            try:
                await self._mark(batch)
            except BaseException:
                self._unmarked = batch + self._unmarked  # marked later, or republished: never lost
                raise

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), timeout=seconds)
        self.wake.clear()

    def stop(self) -> None:
        self._stopping.set()
        self.wake.set()

    async def publish_pending(self) -> int:
        """Publish one batch of unsent rows in order, read from the table; returns how many were published."""
        await self._flush_marks()  # so that what the fast path published is not read back as unsent
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
            last = None if rows else await conn.scalar(select(func.max(outbox.c.position)))
        if not rows:
            self._in_order_upto = int(last or 0)  # everything up to the newest row is published
            return 0
        failure: PublishFailed | None = None
        try:
            sequences = await self.bus.publish_many([Outgoing(r.subject, r.payload.encode(), r.event_id) for r in rows])
        except PublishFailed as exc:
            sequences, failure = exc.acknowledged, exc  # the acknowledged prefix is published all the same
        sent = [(r.position, r.event_id, q) for r, q in zip(rows, sequences, strict=False)]
        for _, event_id, _ in sent:
            await self.after_publish(event_id)
        await self._mark(sent)
        if failure is not None:
            self._in_order_upto = None
            await self._record_failure(rows[len(sent)].position, str(failure))
            raise failure
        # Rows come lowest position first, and SQLite commits in position order: a short batch reached the end.
        self._in_order_upto = rows[-1].position if len(rows) < self.batch_size and not self._postgres else None
        return len(sent)

    async def after_publish(self, event_id: str) -> None:
        """A seam for crash tests: the moment after JetStream acknowledged and before the row is marked."""

    async def _mark(self, sent: list[tuple[int, str, int]]) -> None:
        if not sent:
            return
        # By position and event id both: a row is marked only if it is the very row that was published.
        statement = (
            update(outbox)
            .where(outbox.c.position == bindparam("b_position"), outbox.c.event_id == bindparam("b_event_id"))
            .values(
                sent_at=datetime.now(UTC),
                stream_sequence=bindparam("b_sequence"),
                attempts=outbox.c.attempts + 1,
                last_error=None,
            )
        )
        async with self.engine.begin() as conn:
            await conn.execute(statement, [{"b_position": p, "b_event_id": e, "b_sequence": q} for p, e, q in sent])

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
