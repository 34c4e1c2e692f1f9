"""The inbox: each consumed event applied at most once, its record written in the same transaction as its effect."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from scx_contracts import REGISTRY, Envelope, UnknownEventType
from scx_contracts.context import causation_id, correlation_id
from scx_contracts.registry import EventData
from scx_messaging import Delivery, Outcome
from scx_persistence.subscriptions import Subscription, Subscriptions
from scx_persistence.tables import dead_letters, inbox
from scx_persistence.uow import UnitOfWorkFactory

log = logging.getLogger("scx.inbox")

class MissingPredecessor(Exception):
    """The event refers to something this consumer has not seen yet: wait for it rather than guess."""


class CannotApply(Exception):
    """The event can never apply here (it contradicts what we know); it goes to the dead letters."""


class InboxProcessor:
    """Turns a JetStream delivery into one idempotent transaction: check inbox, apply, record, commit."""

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

    async def __call__(self, delivery: Delivery) -> Outcome:
        try:
            envelope = Envelope.model_validate_json(delivery.payload)
            subscription = self.subscriptions.get(envelope.type)
            if subscription is None:
                return Outcome.APPLIED  # not ours: a wider filter than needed, nothing to do
            data = REGISTRY.parse_data(envelope)
            if not isinstance(data, subscription.event):
                wanted = subscription.event.__name__
                raise UnknownEventType(f"{envelope.type} v{envelope.version} does not read as {wanted}")
        except (ValidationError, UnknownEventType) as exc:
            return await self._give_up(delivery, None, f"unreadable event: {exc}")
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
        # Whatever this event causes carries its correlation on, and names it as the cause.
        correlation_id.set(envelope.correlation_id)
        causation_id.set(envelope.event_id)
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
                await uow.session.execute(
                    insert(inbox).values(
                        consumer=self.consumer,
                        event_id=envelope.event_id,
                        event_type=envelope.type,
                        stream_sequence=sequence,
                        applied_at=datetime.now(UTC),
                    )
                )
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
                        event_id=event_id,
                        subject=delivery.subject,
                        stream_sequence=delivery.stream_sequence,
                        deliveries=delivery.num_delivered,
                        error=error[:4000],
                        payload=delivery.payload.decode("utf-8", errors="replace"),
                        recorded_at=datetime.now(UTC),
                    )
                )
                await uow.commit()
