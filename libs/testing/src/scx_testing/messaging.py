"""Helpers around a live JetStream: run a consumer or relay for the length of a block; read back the stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from nats.js.errors import NotFoundError

from scx_contracts import Envelope
from scx_messaging import Bus


class Worker(Protocol):
    async def run(self) -> None: ...

    def stop(self) -> None: ...


@asynccontextmanager
async def running(*workers: Worker) -> AsyncIterator[list[asyncio.Task[None]]]:
    """Run each worker's `run()` (a DurableConsumer, an OutboxRelay) as a task; stop and reap them on exit.

    A worker that died of an exception fails the test on a clean exit rather than hiding behind a timeout.
    """
    tasks = [asyncio.create_task(worker.run()) for worker in workers]
    try:
        yield tasks
    finally:
        for worker in workers:
            worker.stop()
        for task in tasks:
            task.cancel()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, Exception):
            raise outcome


@dataclass(frozen=True)
class StoredMessage:
    sequence: int
    subject: str
    data: bytes
    headers: dict[str, Any]

    @property
    def msg_id(self) -> str | None:
        value = self.headers.get("Nats-Msg-Id")
        return None if value is None else str(value)

    def envelope(self) -> Envelope:
        return Envelope.model_validate_json(self.data)


async def read_stream(bus: Bus, stream: str | None = None) -> list[StoredMessage]:
    """Every message the stream holds, in stream order."""
    name = stream or bus.settings.stream
    state = (await bus.js.stream_info(name)).state
    messages: list[StoredMessage] = []
    if state.messages == 0:
        return messages
    for sequence in range(state.first_seq, state.last_seq + 1):
        try:
            raw = await bus.js.get_msg(name, sequence)
        except NotFoundError:  # deleted or expired
            continue
        messages.append(StoredMessage(sequence, raw.subject, raw.data or b"", dict(raw.headers or {})))
    return messages


async def read_events(bus: Bus, stream: str | None = None) -> list[Envelope]:
    """Every event the stream holds, in stream order."""
    return [message.envelope() for message in await read_stream(bus, stream)]
