from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

from scx_contracts.envelope import SUBJECT_ROOT

log = logging.getLogger("scx.messaging")


@dataclass(frozen=True)
class BusSettings:
    servers: list[str] = field(default_factory=lambda: ["nats://127.0.0.1:4222"])
    stream: str = "SCX"
    subjects: tuple[str, ...] = (f"{SUBJECT_ROOT}.>",)
    replicas: int = 1
    duplicate_window_seconds: float = 120.0
    publish_timeout_seconds: float = 5.0
    connect_timeout_seconds: float = 30.0
    name: str = "scx"


# Room for the Nats-Msg-Id header and the protocol line on top of a payload, within the server's max_payload.
_HEADER_ROOM = 256
# What publish_many sends before waiting for acknowledgements: well under nats-py's 2 MB pending buffer and
# its 4,000 publishes awaiting acknowledgement.
_CHUNK_BYTES = 512 * 1024
_CHUNK_MESSAGES = 1_000
_PROTOCOL_BYTES = 100  # the HPUB line and header block around each message's subject, id and payload


def _wire_size(m: Outgoing) -> int:
    return len(m.payload) + len(m.subject) + len(m.msg_id) + _PROTOCOL_BYTES


def _chunks(messages: Sequence[Outgoing], *, most_bytes: int, most_messages: int) -> list[list[Outgoing]]:
    """Consecutive runs of at most `most_messages` messages and `most_bytes` on the wire (a larger message goes
    alone)."""
    chunks: list[list[Outgoing]] = []
    size = 0
    for m in messages:
        if not chunks or size + _wire_size(m) > most_bytes or len(chunks[-1]) >= most_messages:
            chunks.append([])
            size = 0
        chunks[-1].append(m)
        size += _wire_size(m)
    return chunks


class PublishFailed(RuntimeError):
    """JetStream did not acknowledge a publish; the caller must treat the event as not sent.

    From `Bus.publish_many`, `acknowledged` holds the stream sequences of the messages before the one that failed.
    """

    def __init__(self, message: str, acknowledged: Sequence[int] = ()) -> None:
        super().__init__(message)
        self.acknowledged = list(acknowledged)


@dataclass(frozen=True)
class Outgoing:
    """One message to publish: `msg_id` becomes its `Nats-Msg-Id`, the key of JetStream's duplicate window."""

    subject: str
    payload: bytes
    msg_id: str


class Outcome(Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    RETRY = "retry"
    DEAD_LETTER = "dead_letter"


@dataclass(frozen=True)
class Delivery:
    subject: str
    payload: bytes
    stream_sequence: int
    num_delivered: int
    last_delivery: bool


class Bus:
    """A NATS connection with its JetStream context: publish with dedupe ids, and the stream every event lands in."""

    def __init__(self, nc: Client, settings: BusSettings) -> None:
        self.nc = nc
        self.js: JetStreamContext = nc.jetstream(timeout=settings.publish_timeout_seconds)
        self.settings = settings
        self._publishing = asyncio.Lock()

    @property
    def connected(self) -> bool:
        return self.nc.is_connected

    async def ensure_stream(self) -> None:
        """Create the stream of every domain event, or bring its configuration up to date."""
        config = StreamConfig(
            name=self.settings.stream,
            subjects=list(self.settings.subjects),
            storage=StorageType.FILE,
            retention=RetentionPolicy.LIMITS,
            discard=DiscardPolicy.OLD,
            num_replicas=self.settings.replicas,
            duplicate_window=self.settings.duplicate_window_seconds,
        )
        try:
            await self.js.stream_info(self.settings.stream)
        except NotFoundError:
            try:
                await self.js.add_stream(config)
                return
            except BadRequestError as exc:  # another process created it between our calls
                if "already in use" not in str(exc):
                    raise
        await self.js.update_stream(config)

    async def publish(self, subject: str, payload: bytes, *, msg_id: str) -> int:
        """Publish and wait for the stream's acknowledgement; returns the stream sequence.

        `Nats-Msg-Id` lets JetStream drop a republish of the same event inside the duplicate window.
        """
        try:
            ack = await self.js.publish(
                subject,
                payload,
                headers={"Nats-Msg-Id": msg_id},
                timeout=self.settings.publish_timeout_seconds,
            )
        except Exception as exc:  # any failure means "not acknowledged": never assume it was stored
            raise PublishFailed(f"publish of {msg_id} to {subject} not acknowledged: {exc!r}") from exc
        return int(ack.seq)

    async def publish_many(self, messages: Sequence[Outgoing]) -> list[int]:
        """Publish in order without waiting for each acknowledgement before the next (pipelined); returns the
        stream sequences, in order.

        One connection keeps the messages in order, and JetStream stores them in the order they arrive. If one is
        not acknowledged, `PublishFailed.acknowledged` holds the sequences of those before it; the caller treats
        that one and every later one as not sent and publishes them again with the same ids, which the duplicate
        window drops if they were stored after all.

        What can be known before sending is checked first (connected; every message within NATS's size limit),
        and nothing is sent from the first message that cannot go: were a refused message followed by a stored
        one, its retry would land after it and the stream would be out of order. JetStream can still refuse one
        message and store the next (a cluster changing leaders between the two); that is logged as an error
        naming both, since consumers then see them out of order.

        Messages go in chunks (at most `_CHUNK_BYTES` and `_CHUNK_MESSAGES`), each acknowledged before the next
        is sent, so that a send never waits in the middle of a chunk: nats-py flushes, and so waits, once 2 MB
        are pending, and it holds back a publish once 4,000 await their acknowledgements. A connection lost in
        such a wait could drop part of a chunk while its buffered tail went out after the reconnect. Calls on
        one Bus take turns.
        """
        sequences: list[int] = []
        async with self._publishing:  # one caller's batch at a time: its failure handling is its own
            for chunk in _chunks(messages, most_bytes=_CHUNK_BYTES, most_messages=_CHUNK_MESSAGES):
                try:
                    sequences += await self._publish_pipelined(chunk)
                except PublishFailed as exc:
                    raise PublishFailed(str(exc), sequences + exc.acknowledged) from exc
        return sequences

    async def _publish_pipelined(self, messages: Sequence[Outgoing]) -> list[int]:
        if not self.nc.is_connected:
            raise PublishFailed("not acknowledged: not connected to NATS, so nothing was sent")
        limit = self.nc.max_payload - _HEADER_ROOM
        sendable = list(messages)
        too_big = next((i for i, m in enumerate(messages) if len(m.payload) + len(m.msg_id) > limit), None)
        if too_big is not None:
            sendable = sendable[:too_big]
        timeout = self.settings.publish_timeout_seconds
        futures: list[asyncio.Future[Any]] = []
        not_sent: Exception | None = None
        try:
            try:
                for m in sendable:
                    # No wait_stall: on Python 3.11 a timeout there costs a task, and a turn of the event loop, per
                    # message. The pending limit it guards (4,000) is far above what one call sends.
                    futures.append(
                        await self.js.publish_async(m.subject, m.payload, headers={"Nats-Msg-Id": m.msg_id})
                    )
            except Exception as exc:  # the rest were never sent; what was sent may still be acknowledged
                not_sent = exc
                self._release_orphaned_slots(futures)
            if futures:
                await asyncio.wait(futures, timeout=timeout)
            acknowledged = self._acknowledged_prefix(futures)
            if len(acknowledged) == len(messages):
                return acknowledged
            failed = messages[len(acknowledged)]
            if len(acknowledged) < len(futures):
                future = futures[len(acknowledged)]
                if future.cancelled():
                    why = "cancelled"
                elif not future.done():
                    why = f"no acknowledgement within {timeout:g} s"
                else:
                    why = repr(future.exception())
                    # Refused outright (a timed-out message may have been stored, and its retry is then dropped).
                    self._report_broken_order(
                        failed, messages[len(acknowledged) + 1:], futures[len(acknowledged) + 1:]
                    )
            elif not_sent is not None:
                why = repr(not_sent)
            else:
                why = f"{len(failed.payload)} bytes, over NATS's limit of {limit}; not sent"
            raise PublishFailed(
                f"publish of {failed.msg_id} to {failed.subject} not acknowledged: {why}", acknowledged
            ) from not_sent
        finally:
            for future in futures:
                future.cancel()  # releases nats-py's pending slot of any still waiting; a no-op on the others

    def _release_orphaned_slots(self, ours: list[asyncio.Future[Any]]) -> None:
        """nats-py's `publish_async` registers its future, taking one of 4,000 pending slots, before it sends; if
        the send raises, that future is never handed back and its slot would stay taken for good. Cancel it."""
        registered = getattr(self.js, "_publish_async_futures", None)
        if not isinstance(registered, dict):
            return
        mine = {id(f) for f in ours}
        for future in list(registered.values()):
            if id(future) not in mine and not future.done():
                future.cancel()

    @staticmethod
    def _report_broken_order(
        refused: Outgoing, later: Sequence[Outgoing], futures: Sequence[asyncio.Future[Any]]
    ) -> None:
        stored = [m.msg_id for m, f in zip(later, futures, strict=False)
                  if f.done() and not f.cancelled() and f.exception() is None]
        if stored:
            log.error(
                "stream order broken: JetStream refused %s (%s) but stored %d later message(s) (%s); its retry "
                "will land after them", refused.msg_id, refused.subject, len(stored), ", ".join(stored[:5]),
            )

    @staticmethod
    def _acknowledged_prefix(futures: Sequence[asyncio.Future[Any]]) -> list[int]:
        sequences: list[int] = []
        for future in futures:
            if not future.done() or future.cancelled() or future.exception() is not None:
                break
            sequences.append(int(future.result().seq))
        return sequences

    async def ping(self) -> bool:
        if not self.nc.is_connected:
            return False
        try:
            await self.js.account_info()
        except Exception:
            return False
        return True

    async def close(self) -> None:
        if not self.nc.is_closed:
            await self.nc.drain()


async def connect(settings: BusSettings) -> Bus:
    """Connect with reconnects on; keep trying the first connection until `connect_timeout_seconds`."""
    nc = Client()
    try:
        # With unlimited reconnects nats-py retries a failing first connection for ever, so bound it here.
        await asyncio.wait_for(
            nc.connect(
                servers=settings.servers,
                name=settings.name,
                allow_reconnect=True,
                max_reconnect_attempts=-1,
                reconnect_time_wait=0.5,  # type: ignore[arg-type]  # annotated int; any seconds value works
                connect_timeout=2,
                error_cb=_log_error,
                disconnected_cb=_log_disconnected,
                reconnected_cb=_log_reconnected,
            ),
            timeout=settings.connect_timeout_seconds,
        )
    except Exception as exc:
        last_error = nc.last_error or exc
        await nc.close()
        raise ConnectionError(f"could not reach NATS at {settings.servers}: {last_error!r}") from exc
    return Bus(nc, settings)


async def _log_error(exc: Exception) -> None:
    log.warning("nats error: %r", exc)


async def _log_disconnected() -> None:
    log.warning("nats disconnected")


async def _log_reconnected() -> None:
    log.info("nats reconnected")
