"""The inbox: each consumed event applied at most once, its record written in the same transaction as its effect."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from scx_contracts import REGISTRY, Envelope, UnknownEventType
from scx_contracts.context import causation_id, correlation_id
from scx_contracts.registry import EventData
from scx_contracts.tolerant import TOLERANT
from scx_messaging import Delivery, Outcome
from scx_persistence.subscriptions import Subscription, Subscriptions
from scx_persistence.tables import dead_letters, inbox
from scx_persistence.uow import UnitOfWorkFactory

log = logging.getLogger("scx.inbox")


def _storable(text: str) -> str:
    """Text PostgreSQL will store: a dead letter is whatever arrived, NUL bytes included, and must still be kept."""
    return text.replace("\x00", "\ufffd")


@contextlib.contextmanager
def caused_by(envelope: Envelope) -> Iterator[None]:
    """Whatever this event causes carries its correlation on and names it as the cause; and only while it is being
    applied, so that the next event (or the request that replays it) is not logged under its ids."""
    correlation = correlation_id.set(envelope.correlation_id)
    causation = causation_id.set(envelope.event_id)
    try:
        yield
    finally:
        causation_id.reset(causation)
        correlation_id.reset(correlation)


class MissingPredecessor(Exception):
    """The event refers to something this consumer has not seen yet: wait for it rather than guess."""


class CannotApply(Exception):
    """The event can never apply here (it contradicts what we know); it goes to the dead letters."""


@dataclass(frozen=True)
class Received:
    """A delivery read against the contracts; `subscription` is None for an event this consumer does not apply."""

    delivery: Delivery
    envelope: Envelope
    data: EventData | None
    subscription: Subscription[Any] | None


class InboxProcessor:
    """Turns JetStream deliveries into idempotent transactions: check inbox, apply, record, commit.

    `__call__` applies one delivery in one transaction. `apply_batch` applies what one fetch returned in one
    transaction (the consumer's steady state: one commit, one fsync, per batch instead of per event) and falls
    back to one at a time when anything in the batch fails, so the outcome of every event is what `__call__`
    would have given it.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        *,
        consumer: str,
        subscriptions: Subscriptions,
    ) -> None:
        self.uow_factory = uow_factory
        self.consumer = consumer
        self.subscriptions = subscriptions

    @property
    def subjects(self) -> list[str]:
        return self.subscriptions.subjects

    def read(self, delivery: Delivery) -> Received:
        """Parse a delivery as a tolerant reader: fields this code does not know yet are ignored, not refused.
        Raises ValidationError or UnknownEventType when it cannot be read at all."""
        envelope = Envelope.model_validate_json(delivery.payload, context=TOLERANT)
        if envelope.subject != delivery.subject:
            # A consumer filters by subject; an envelope that says it is something else is not to be believed.
            raise UnknownEventType(f"an envelope of {envelope.subject} published on {delivery.subject}")
        subscription = self.subscriptions.get(envelope.type)
        if subscription is None:
            return Received(delivery, envelope, None, None)
        data = REGISTRY.parse_data(envelope, tolerant=True)
        if not isinstance(data, subscription.event):
            wanted = subscription.event.__name__
            raise UnknownEventType(f"{envelope.type} v{envelope.version} does not read as {wanted}")
        return Received(delivery, envelope, data, subscription)

    async def __call__(self, delivery: Delivery) -> Outcome:
        try:
            read = self.read(delivery)
        except (ValidationError, UnknownEventType) as exc:
            return await self._give_up(delivery, None, f"unreadable event: {exc}")
        envelope, data, subscription = read.envelope, read.data, read.subscription
        if subscription is None or data is None:
            return Outcome.APPLIED  # not ours: a wider filter than needed, nothing to do
        try:
            return await self.apply(envelope, data, subscription, delivery.stream_sequence)
        except MissingPredecessor as exc:
            if delivery.last_delivery:
                return await self._give_up(delivery, envelope.event_id, f"predecessor never arrived: {exc}")
            log.info("%s waits for a predecessor of %s: %s", self.consumer, envelope.event_id, exc)
            return Outcome.RETRY
        except CannotApply as exc:
            return await self._give_up(delivery, envelope.event_id, str(exc))
        except Exception as exc:
            if delivery.last_delivery:
                return await self._give_up(delivery, envelope.event_id, f"failed on every delivery: {exc!r}")
            raise

    async def apply_batch(self, deliveries: Sequence[Delivery]) -> list[Outcome]:
        """Apply deliveries (in stream order) in one transaction, one inbox row each; their outcomes, in order.

        If any of them fails (unreadable, a handler raising, MissingPredecessor, CannotApply, a replica's concurrent
        insert), the transaction rolls back whole and each delivery is applied alone, as `__call__` does: one bad
        event never blocks, loses or reorders the others, and it is retried or dead-lettered exactly as before.
        """
        if len(deliveries) == 1:
            return [await self._alone(deliveries[0])]
        try:
            reads = [self.read(d) for d in deliveries]
            return await self._apply_together(reads)
        except Exception as exc:
            log.info("%s applies a batch of %d one at a time: %r", self.consumer, len(deliveries), exc)
        return [await self._alone(delivery) for delivery in deliveries]

    async def _alone(self, delivery: Delivery) -> Outcome:
        try:
            return await self(delivery)
        except Exception:
            # As the consumer treats an exception from a single processor: nak'ed, redelivered later.
            log.exception("processing %s #%s failed", delivery.subject, delivery.stream_sequence)
            return Outcome.RETRY

    async def _apply_together(self, reads: list[Received]) -> list[Outcome]:
        ours = [r.envelope.event_id for r in reads if r.subscription is not None]
        outcomes: list[Outcome] = []
        rows: list[dict[str, Any]] = []
        async with self.uow_factory() as uow:
            seen = set(
                await uow.session.scalars(
                    select(inbox.c.event_id).where(inbox.c.consumer == self.consumer, inbox.c.event_id.in_(ours))
                )
            ) if ours else set()
            for read in reads:
                envelope = read.envelope
                if read.subscription is None or read.data is None:
                    outcomes.append(Outcome.APPLIED)
                    continue
                if envelope.event_id in seen:  # applied before, or earlier in this very batch
                    outcomes.append(Outcome.DUPLICATE)
                    continue
                seen.add(envelope.event_id)
                # Handlers write with statements, not through the ORM (ADR 0013): the next one reads what this wrote.
                with caused_by(envelope):
                    await read.subscription.handler(uow, envelope, read.data)
                rows.append(self._inbox_row(envelope, read.delivery.stream_sequence))
                outcomes.append(Outcome.APPLIED)
            if rows:
                await uow.session.execute(insert(inbox), rows)
                await uow.commit()
        return outcomes

    def _inbox_row(self, envelope: Envelope, sequence: int | None) -> dict[str, Any]:
        return {
            "consumer": self.consumer,
            "event_id": envelope.event_id,
            "event_type": envelope.type,
            "stream_sequence": sequence,
            "applied_at": datetime.now(UTC),
        }

    async def _give_up(self, delivery: Delivery, event_id: str | None, error: str) -> Outcome:
        """Record the event as a dead letter and stop its deliveries. If even the record cannot be written, try
        again on the next delivery; on the last one, say so as loudly as we can: it is still in the stream."""
        try:
            await self.dead_letter(delivery, event_id, error)
        except Exception:
            if not delivery.last_delivery:
                log.warning("%s could not record dead letter #%s yet", self.consumer, delivery.stream_sequence)
                return Outcome.RETRY
            log.critical(
                "%s could not record dead letter #%s (event %s) on its last delivery; replay it from the stream: %s",
                self.consumer, delivery.stream_sequence, event_id, error, exc_info=True,
            )
        return Outcome.DEAD_LETTER

    async def apply(
        self, envelope: Envelope, data: EventData, subscription: Subscription[EventData], sequence: int | None
    ) -> Outcome:
        with caused_by(envelope):
            return await self._apply(envelope, data, subscription, sequence)

    async def _apply(
        self, envelope: Envelope, data: EventData, subscription: Subscription[EventData], sequence: int | None
    ) -> Outcome:
        async with self.uow_factory() as uow:
            seen = await uow.session.scalar(
                select(inbox.c.event_id).where(
                    inbox.c.consumer == self.consumer, inbox.c.event_id == envelope.event_id
                )
            )
            if seen is not None:
                return Outcome.DUPLICATE
            await subscription.handler(uow, envelope, data)
            try:
                # The key is checked at this INSERT (PostgreSQL makes a concurrent one wait for ours), not at commit.
                await uow.session.execute(insert(inbox).values(self._inbox_row(envelope, sequence)))
                await uow.commit()
            except IntegrityError:
                await uow.rollback()
                if await self._applied(envelope.event_id):
                    # A replica applied the same event concurrently; its transaction won, ours rolls back whole.
                    return Outcome.DUPLICATE
                raise  # the handler's own writes broke a constraint: not a duplicate, so never acked as one
        return Outcome.APPLIED

    async def _applied(self, event_id: str) -> bool:
        async with self.uow_factory.reading() as uow:
            found = await uow.session.scalar(
                select(inbox.c.event_id).where(inbox.c.consumer == self.consumer, inbox.c.event_id == event_id)
            )
        return found is not None

    async def dead_letter(self, delivery: Delivery, event_id: str | None, error: str) -> None:
        log.error("%s dead-letters #%s: %s", self.consumer, delivery.stream_sequence, error)
        async with self.uow_factory() as uow:
            # The unique key is checked at the INSERT, so that is what must be inside the suppress.
            with contextlib.suppress(IntegrityError):  # this delivery was dead-lettered already
                await uow.session.execute(
                    insert(dead_letters).values(
                        consumer=self.consumer,
                        event_id=event_id if event_id is not None and len(event_id) <= 36 else None,
                        subject=_storable(delivery.subject)[:200],
                        stream_sequence=delivery.stream_sequence,
                        deliveries=delivery.num_delivered,
                        error=_storable(error)[:4000],
                        payload=_storable(delivery.payload.decode("utf-8", errors="replace")),
                        recorded_at=datetime.now(UTC),
                    )
                )
                await uow.commit()
