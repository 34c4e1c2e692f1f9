"""What the audit service consumes: the whole stream, read in order as raw bytes into the ledger (not typed events:
`SUBSCRIPTIONS` is empty), and a timer that signs a checkpoint when leaves have waited `checkpoint_seconds`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from scx_audit import service
from scx_audit.problems import LedgerInconsistent
from scx_audit.service import Keys
from scx_contracts.envelope import SUBJECT_ROOT
from scx_messaging import Bus, Delivery, StreamReader
from scx_persistence import UnitOfWorkFactory
from scx_persistence.subscriptions import Subscriptions

log = logging.getLogger("scx.audit.ledger")

SUBSCRIPTIONS = Subscriptions()


class LedgerWriter:
    """Appends the stream to the ledger (a `Worker` of the service kit). Its position is the ledger's own last stream
    sequence, kept in the same transaction as the leaves; `failure` says why it cannot go on, for /ready."""

    def __init__(self, factory: UnitOfWorkFactory, bus: Bus, keys: Keys, *, batch: int = 5000) -> None:
        self.factory = factory
        self.keys = keys
        self.failure: str | None = None
        self.reader = StreamReader(
            bus, name="audit-ledger", subjects=[f"{SUBJECT_ROOT}.>"], position=self.position, process=self.append,
            batch=batch, fetch_seconds=0.25,
        )

    async def position(self) -> int:
        async with self.factory.reading() as uow:
            return (await service.ledger_head(uow)).last_sequence

    async def append(self, deliveries: Sequence[Delivery]) -> int | None:
        try:
            async with self.factory() as uow:
                appended = await service.append(uow, deliveries, keys=self.keys)
                await uow.commit()
        except LedgerInconsistent as exc:
            self.failure = str(exc)
            log.critical("%s", exc)
            raise
        if appended.gap is None:
            self.failure = None
            return None
        after, found = appended.gap
        if await self.reader.holds(after + 1):  # lost on the way here, not by the stream: read again from it
            return after + 1
        async with self.factory() as uow:
            gap = await service.record_gap(uow, after=after, found=found)
            await uow.commit()
        if gap.acknowledged_at is None:
            log.error("the stream no longer holds sequences %d..%d: the ledger stops before them until an operator "
                      "acknowledges the gap", after + 1, found - 1)
        return after + 1

    async def run(self) -> None:
        await self.reader.run()

    def stop(self) -> None:
        self.reader.stop()


class CheckpointTimer:
    """Signs a checkpoint every `seconds` when leaves other than the ledger's own checkpoint events wait for one."""

    def __init__(self, factory: UnitOfWorkFactory, keys: Keys, *, seconds: float) -> None:
        self.factory = factory
        self.keys = keys
        self.seconds = seconds
        self._stopping = asyncio.Event()

    async def tick(self) -> None:
        async with self.factory() as uow:
            if await service.sign_if_due(uow, keys=self.keys) is not None:
                await uow.commit()

    async def run(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self.seconds)
            if self._stopping.is_set():
                return
            try:
                await self.tick()
            except Exception:
                log.exception("signing a checkpoint failed; trying again in %.1fs", self.seconds)

    def stop(self) -> None:
        self._stopping.set()
