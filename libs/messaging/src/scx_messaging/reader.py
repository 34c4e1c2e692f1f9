"""A stream read in order, as the exact bytes stored, where the reader keeps its own position.

The durable consumers (`consumer.py`) suit services that apply events: the server remembers what each has
acknowledged, and an event may come back after a retry, out of order. A ledger of the stream needs the opposite:
every message, in stream order, once, with its stream sequence, and its position kept in its own database in the
same transaction as what it wrote. `StreamReader` asks `position()` where to start, reads from there with an
ephemeral consumer that acknowledges nothing, and hands each batch to `process`, which returns None to go on or a
sequence to read from again (after `retry_seconds`): what it does when the batch does not start where it expects.
`holds(sequence)` says whether the stream still has a message, so a caller can tell a message lost on the way
(read again) from one the stream no longer has (a gap).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import FetchTimeoutError, NotFoundError

from scx_messaging.bus import Bus, Delivery

log = logging.getLogger("scx.messaging.reader")

Position = Callable[[], Awaitable[int]]
BatchReader = Callable[[Sequence[Delivery]], Awaitable[int | None]]


class StreamReader:
    def __init__(
        self,
        bus: Bus,
        *,
        name: str,
        subjects: list[str],
        position: Position,
        process: BatchReader,
        batch: int = 1000,
        retry_seconds: float = 1.0,
        fetch_seconds: float = 0.05,
    ) -> None:
        self.bus = bus
        self.name = name
        self.subjects = subjects
        self.position = position
        self.process = process
        self.batch = batch
        self.retry_seconds = retry_seconds
        # How long a fetch may wait for `batch` messages while busy. The server sends what it holds at once, so this
        # only bounds how long the client takes to read a big batch; a reader of thousands wants longer than 50 ms.
        self.fetch_seconds = fetch_seconds
        self._stopping = asyncio.Event()

    async def holds(self, sequence: int) -> bool:
        try:
            await self.bus.js.get_msg(self.bus.settings.stream, seq=sequence)
        except NotFoundError:
            return False
        return True

    async def run(self) -> None:
        """Read until stopped; any failure (NATS away, the database) starts again from `position()`."""
        backoff = self.retry_seconds
        start: int | None = None
        while not self._stopping.is_set():
            try:
                if start is None:
                    start = await self.position() + 1
                start = await self._read_from(start)
                backoff = self.retry_seconds
                if start is not None:
                    await self._pause(self.retry_seconds)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("reader %s failed: %r; reading again in %.1fs", self.name, exc, backoff)
                start = None
                await self._pause(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _read_from(self, start: int) -> int | None:
        """Read from `start` until stopped (None) or until `process` asks to read again from a sequence."""
        config = ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=start,
            ack_policy=AckPolicy.NONE,
            filter_subjects=self.subjects,
            inactive_threshold=60.0,
            mem_storage=True,
        )
        sub = await self.bus.js.pull_subscribe(self.subjects[0], stream=self.bus.settings.stream, config=config)
        try:
            return await self._consume(sub)
        finally:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()
            with contextlib.suppress(Exception):
                consumer = (await sub.consumer_info()).name
                await self.bus.js.delete_consumer(self.bus.settings.stream, consumer)

    async def _consume(self, sub: JetStreamContext.PullSubscription) -> int | None:
        busy = False
        while not self._stopping.is_set():
            try:
                # As in consumer.py: idle, wait for one message; busy, take what is there with a short deadline.
                if busy:
                    messages = await sub.fetch(self.batch, timeout=self.fetch_seconds)
                else:
                    messages = await sub.fetch(1, timeout=1.0)
            except (FetchTimeoutError, NatsTimeoutError, TimeoutError):
                busy = False
                continue
            busy = bool(messages)
            if not messages:
                continue
            deliveries = [
                Delivery(
                    subject=m.subject,
                    payload=m.data,
                    stream_sequence=m.metadata.sequence.stream,
                    num_delivered=m.metadata.num_delivered,
                    last_delivery=False,
                )
                for m in messages
            ]
            again = await self.process(deliveries)
            if again is not None:
                return again
        return None

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    def stop(self) -> None:
        self._stopping.set()
