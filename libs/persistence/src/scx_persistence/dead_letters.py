"""Dead letters an operator can see and replay: every statement on the `dead_letters` table beside the inbox's.

A dead letter is kept after its replay, marked with when and by whom, as the record of what went wrong and what
was done about it; only the ones not yet replayed count as outstanding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select, update

from scx_contracts import UnknownEventType
from scx_messaging import Delivery, Outcome
from scx_persistence.inbox import InboxProcessor
from scx_persistence.tables import dead_letters
from scx_persistence.uow import UnitOfWorkFactory

_OUTSTANDING = dead_letters.c.replayed_at.is_(None)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeadLetter:
    id: int
    consumer: str
    event_id: str | None
    subject: str
    stream_sequence: int | None
    deliveries: int
    error: str
    payload: str
    recorded_at: datetime
    replayed_at: datetime | None
    replayed_by: str | None


@dataclass(frozen=True, slots=True)
class Outstanding:
    count: int
    oldest: datetime | None


class ReplayRefused(Exception):
    """The dead letter still cannot be applied (or was replayed already); it stays as it is."""


async def outstanding(factory: UnitOfWorkFactory, consumer: str | None = None) -> Outstanding:
    query = select(func.count(), func.min(dead_letters.c.recorded_at)).where(_OUTSTANDING)
    if consumer is not None:
        query = query.where(dead_letters.c.consumer == consumer)
    async with factory.reading() as uow:
        count, oldest = (await uow.session.execute(query)).one()
    # min() comes back as the column's raw text on SQLite, not through the column's type.
    if isinstance(oldest, str):
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return Outstanding(int(count), oldest)


async def list_dead_letters(
    factory: UnitOfWorkFactory, *, include_replayed: bool = False, limit: int = 100, after_id: int = 0
) -> list[DeadLetter]:
    query = select(dead_letters).where(dead_letters.c.id > after_id).order_by(dead_letters.c.id).limit(limit)
    if not include_replayed:
        query = query.where(_OUTSTANDING)
    async with factory.reading() as uow:
        rows = (await uow.session.execute(query)).mappings().all()
    return [DeadLetter(**row) for row in rows]


async def get_dead_letter(factory: UnitOfWorkFactory, letter_id: int) -> DeadLetter | None:
    async with factory.reading() as uow:
        row = (await uow.session.execute(select(dead_letters).where(dead_letters.c.id == letter_id))).mappings().first()
    return None if row is None else DeadLetter(**row)


async def replay(processor: InboxProcessor, letter: DeadLetter, *, by: str) -> Outcome:
    """Apply the stored payload through the service's own inbox, then mark the letter replayed.

    The inbox makes this idempotent: if the process dies between the apply and the mark, a second replay finds the
    event applied (DUPLICATE) and only marks it. Raises ReplayRefused, leaving the letter outstanding, when the event
    still cannot be read or applied.
    """
    if letter.replayed_at is not None:
        raise ReplayRefused(f"dead letter {letter.id} was replayed at {letter.replayed_at.isoformat()}")
    delivery = Delivery(
        subject=letter.subject,
        payload=letter.payload.encode(),
        stream_sequence=letter.stream_sequence or 0,
        num_delivered=letter.deliveries,
        last_delivery=False,
    )
    try:
        read = processor.read(delivery)
    except (ValidationError, UnknownEventType) as exc:
        raise ReplayRefused(f"still unreadable: {exc}") from None
    outcome = Outcome.APPLIED
    if read.subscription is not None and read.data is not None:
        try:
            outcome = await processor.apply(read.envelope, read.data, read.subscription, letter.stream_sequence)
        except Exception as exc:
            raise ReplayRefused(f"still cannot be applied: {exc!r}") from None
    await _mark_replayed(processor.uow_factory, letter.id, by)
    return outcome


async def _mark_replayed(factory: UnitOfWorkFactory, letter_id: int, by: str) -> None:
    """Mark it, unless another replay marked it first: then that one is the record, and this one is refused (the
    inbox made sure the event applied only once either way)."""
    values: dict[str, Any] = {"replayed_at": datetime.now(UTC), "replayed_by": by[:200]}
    async with factory() as uow:
        result = await uow.session.execute(
            update(dead_letters).where(dead_letters.c.id == letter_id, _OUTSTANDING).values(values)
        )
        await uow.commit()
    if result.rowcount != 1:
        raise ReplayRefused(f"dead letter {letter_id} was replayed meanwhile, by another request")
