"""The relay's fast path on SQLite: events handed over in memory at commit, published in commit order without
reading the table, marked sent in batches. Every way it can go wrong falls back to the table, which loses
nothing and, with the stream's dedupe, stores nothing twice."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from scx_contracts import Envelope
from scx_messaging import Bus, Outgoing, PublishFailed
from scx_persistence import UncommittedWork, UnitOfWork
from scx_persistence.outbox import OutboxRelay
from scx_testing import eventually, example_envelope, read_events, read_stream, running


@pytest.fixture
def backend() -> str:
    return "sqlite"  # PostgreSQL replicas commit side by side; there the relay always reads the table


def event(n: int) -> Envelope:
    return example_envelope("organisation.registered", data={"organisation_id": f"org-{n}", "name": f"Org {n}"})


def relay_for(db: Any, bus: Bus, relay_class: type[OutboxRelay] = OutboxRelay) -> OutboxRelay:
    return relay_class(db.engine, bus, db.uow_factory.outbox_signal, hand_over=db.uow_factory.hand_over)


class CountingReads(OutboxRelay):
    reads = 0

    async def _publish_batch(self) -> int:
        self.reads += 1
        return await super()._publish_batch()


async def caught_up(relay: OutboxRelay) -> None:
    """The relay reads the table once at start: from then on it knows where the published sequence ends."""
    assert await relay.publish_pending() == 0


async def test_committed_events_are_published_in_order_without_reading_the_table(db, bus):
    relay = relay_for(db, bus, CountingReads)
    await caught_up(relay)
    events = [event(n) for n in range(5)]
    await db.commit_events(*events[:2])
    await db.commit_events(*events[2:])

    assert await relay.publish_handed_over() == 5

    assert isinstance(relay, CountingReads) and relay.reads == 1
    assert await read_events(bus) == events
    assert await relay.backlog() == 5  # published; the marks follow in a batch
    await relay._flush_marks()
    assert await relay.backlog() == 0
    assert [r.stream_sequence for r in await db.outbox()] == [1, 2, 3, 4, 5]


async def test_a_rolled_back_transaction_hands_over_nothing(db, bus):
    relay = relay_for(db, bus)
    await caught_up(relay)
    with pytest.raises(UncommittedWork):
        async with db.uow_factory() as uow:
            await db.add_effect(uow, "x", "abandoned")
            uow.record(event(1))
            await uow.flush_events()
            # leaves without commit: rolled back, and said loudly
    kept = event(2)
    await db.commit_events(kept)

    assert await relay.publish_handed_over() == 1
    assert await read_events(bus) == [kept]


async def test_events_flushed_before_the_commit_are_read_from_the_table_in_order(db, bus):
    relay = relay_for(db, bus)
    await caught_up(relay)
    first, second = event(1), event(2)
    async with db.uow_factory() as uow:
        uow.record(first)
        await uow.flush_events()  # written early: a savepoint could still undo it, so it is not handed over
        await uow.commit()
    await db.commit_events(second)

    assert await relay.publish_handed_over() == 0  # `second` does not continue the sequence: a gap
    assert await relay.publish_pending() == 2
    assert await read_events(bus) == [first, second]


async def test_a_savepoint_rolled_back_publishes_nothing_of_it_and_loses_nothing_after_it(db, bus):
    relay = relay_for(db, bus)
    await caught_up(relay)
    undone, kept = event(1), event(2)
    async with db.uow_factory() as uow:
        savepoint = await uow.session.begin_nested()
        uow.record(undone)
        await uow.flush_events()
        await savepoint.rollback()
        uow.record(kept)  # SQLite gives it the position the undone row had
        await uow.commit()

    await relay.publish_handed_over()
    await relay.publish_pending()
    await relay._flush_marks()

    assert await read_events(bus) == [kept]
    assert [(r.event_id, r.sent_at is not None) for r in await db.outbox()] == [(kept.event_id, True)]


async def test_a_commit_that_was_not_handed_over_is_a_gap_and_the_table_fills_it_in_order(db, bus):
    relay = relay_for(db, bus)
    await caught_up(relay)
    lost, later = event(1), event(2)
    # A transaction whose hand-over never reached the relay (e.g. cancelled after its commit went through).
    async with UnitOfWork(db.uow_factory.sessionmaker(), None, None) as uow:
        uow.record(lost)
        await uow.commit()
    await db.commit_events(later)

    assert await relay.publish_handed_over() == 0  # `later` does not continue the sequence: don't guess
    assert await relay.publish_pending() == 2
    assert await read_events(bus) == [lost, later]


class SimulatedCrash(Exception):
    pass


class CrashAfterPublishing(OutboxRelay):
    async def after_publish(self, event_id: str) -> None:
        raise SimulatedCrash(event_id)


async def test_a_crash_before_the_marks_republishes_and_the_stream_keeps_one_copy(db, bus):
    crashing = relay_for(db, bus, CrashAfterPublishing)
    await caught_up(crashing)
    events = [event(n) for n in range(3)]
    await db.commit_events(*events)
    with pytest.raises(SimulatedCrash):
        await crashing.publish_handed_over()

    restarted = relay_for(db, bus)  # a new process: nothing in memory, the table is the truth
    assert await restarted.publish_pending() == 3
    assert await read_events(bus) == events
    assert [m.msg_id for m in await read_stream(bus)] == [e.event_id for e in events]
    assert await restarted.backlog() == 0


class Unreachable(Bus):
    def __init__(self, bus: Bus) -> None:
        super().__init__(bus.nc, bus.settings)
        self.down = True

    async def publish_many(self, messages: Sequence[Outgoing]) -> list[int]:
        if self.down:
            raise PublishFailed("NATS is away")
        return await super().publish_many(messages)


async def test_a_failed_publish_sends_the_relay_back_to_the_table_until_it_has_caught_up(db, bus):
    flaky = Unreachable(bus)
    relay = OutboxRelay(db.engine, flaky, db.uow_factory.outbox_signal, hand_over=db.uow_factory.hand_over)
    await caught_up(relay)
    events = [event(n) for n in range(4)]
    await db.commit_events(*events[:2])
    with pytest.raises(PublishFailed):
        await relay.publish_handed_over()
    await db.commit_events(*events[2:])  # committed while NATS is away: handed over, but the relay is behind
    assert await relay.publish_handed_over() == 0

    flaky.down = False
    assert await relay.publish_pending() == 4
    assert await read_events(bus) == events


async def test_the_running_relay_publishes_at_once_and_marks_everything_soon_after(db, bus):
    relay = relay_for(db, bus)
    events = [event(n) for n in range(20)]
    async with running(relay):
        for e in events:
            await db.commit_events(e)
        await eventually(lambda: _all_published(bus, len(events)))
        await eventually(lambda: _none_unmarked(relay))
    assert await read_events(bus) == events


async def _all_published(bus: Bus, count: int) -> bool:
    return len(await read_stream(bus)) == count


async def _none_unmarked(relay: OutboxRelay) -> bool:
    return await relay.backlog() == 0


async def test_concurrent_transactions_are_published_in_commit_order(db, bus):
    relay = relay_for(db, bus)
    events = [event(n) for n in range(30)]
    async with running(relay):
        await asyncio.gather(*(db.commit_events(e) for e in events))
        await eventually(lambda: _all_published(bus, len(events)))
    committed = [r.event_id for r in await db.outbox()]  # position order is commit order on SQLite
    assert [e.event_id for e in await read_events(bus)] == committed
