"""The relay publishes committed events in commit order and marks them sent; a crash at any point loses
nothing and, with the stream's dedupe, stores nothing twice."""

import asyncio

import pytest

from scx_contracts import Envelope
from scx_messaging import Bus, PublishFailed, connect
from scx_persistence.outbox import OutboxRelay
from scx_testing import eventually, example_envelope, read_events, read_stream, running


def organisation_registered(n: int) -> Envelope:
    return example_envelope("organisation.registered", data={"organisation_id": f"org-{n}", "name": f"Org {n}"})


def relay_for(db, bus: Bus, relay_class: type[OutboxRelay] = OutboxRelay, **options) -> OutboxRelay:
    return relay_class(db.engine, bus, db.uow_factory.outbox_signal, **options)


async def backlog_empty(relay: OutboxRelay) -> bool:
    return await relay.backlog() == 0


class SimulatedCrash(Exception):
    """Stands for the process dying: nothing after the raise runs."""


class CrashAfterPublishing(OutboxRelay):
    """Dies after JetStream acknowledged the `crash_after`-th publish and before any row is marked sent."""

    crash_after = 1

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.published = 0

    async def after_publish(self, event_id: str) -> None:
        self.published += 1
        if self.published == self.crash_after:
            raise SimulatedCrash(event_id)


async def test_publishes_in_commit_order_and_marks_each_sent(db, bus):
    events = [organisation_registered(n) for n in range(6)]
    await db.commit_events(*events[:2])
    await db.commit_events(*events[2:5])
    await db.commit_events(events[5])
    relay = relay_for(db, bus)

    assert await relay.publish_pending() == 6
    assert await relay.publish_pending() == 0

    assert await read_events(bus) == events
    assert [m.msg_id for m in await read_stream(bus)] == [e.event_id for e in events]
    rows = await db.outbox()
    assert [(r.event_id, r.stream_sequence, r.attempts) for r in rows] == [
        (e.event_id, seq, 1) for seq, e in enumerate(events, start=1)
    ]
    assert all(r.sent_at is not None and r.last_error is None for r in rows)
    assert await relay.backlog() == 0


async def test_publishes_in_batches_without_reordering(db, bus):
    events = [organisation_registered(n) for n in range(5)]
    await db.commit_events(*events)
    relay = relay_for(db, bus, batch_size=2)

    assert [await relay.publish_pending() for _ in range(4)] == [2, 2, 1, 0]
    assert await read_events(bus) == events


async def test_a_running_relay_publishes_as_soon_as_a_commit_wakes_it(db, bus):
    relay = relay_for(db, bus, poll_interval_seconds=60.0)  # only the commit's signal can make it this fast
    async with running(relay):
        event = organisation_registered(1)
        await db.commit_events(event)

        await eventually(lambda: backlog_empty(relay))

    assert await read_events(bus) == [event]


async def test_crash_after_commit_before_publish_publishes_once_on_restart(db, bus):
    event = organisation_registered(1)
    await db.commit_events(event)
    stopped = relay_for(db, bus)
    stopped.stop()
    await stopped.run()  # stopped before it published anything: the process went down here

    assert await read_stream(bus) == []
    assert await stopped.backlog() == 1

    restarted = relay_for(db, bus)
    assert await restarted.publish_pending() == 1
    assert await restarted.publish_pending() == 0
    assert await read_events(bus) == [event]


async def test_unacknowledged_publish_stays_unsent_and_is_retried(db, bus, bus_settings):
    event = organisation_registered(1)
    await db.commit_events(event)
    unreachable = await connect(bus_settings)
    await unreachable.close()

    with pytest.raises(PublishFailed):
        await relay_for(db, unreachable).publish_pending()

    [row] = await db.outbox()
    assert (row.sent_at, row.attempts) == (None, 1)
    assert "not acknowledged" in row.last_error
    assert await relay_for(db, bus).publish_pending() == 1
    [row] = await db.outbox()
    assert (row.stream_sequence, row.attempts, row.last_error) == (1, 2, None)
    assert await read_events(bus) == [event]


async def test_crash_after_publish_before_mark_republishes_and_the_stream_keeps_one_copy(db, bus):
    events = [organisation_registered(n) for n in range(3)]
    await db.commit_events(*events)
    crashing = relay_for(db, bus, CrashAfterPublishing)
    crashing.crash_after = 2

    with pytest.raises(SimulatedCrash):
        await crashing.publish_pending()
    # The batch went out pipelined, so all three were acknowledged before the crash at the second.
    assert [e.event_id for e in await read_events(bus)] == [e.event_id for e in events]
    assert await crashing.backlog() == 3  # published, but not one of them marked

    assert await relay_for(db, bus).publish_pending() == 3

    assert await read_events(bus) == events
    assert [r.stream_sequence for r in await db.outbox()] == [1, 2, 3]


async def test_a_crashing_relay_in_the_run_loop_loses_nothing(db, bus):
    events = [organisation_registered(n) for n in range(2)]
    await db.commit_events(*events)
    crashing = relay_for(db, bus, CrashAfterPublishing, poll_interval_seconds=60.0)
    crashing.max_backoff = 0.05

    async with running(crashing):  # it logs the failure and tries again, as after a restart
        await eventually(lambda: backlog_empty(crashing))

    assert await read_events(bus) == events


async def test_relays_side_by_side_publish_each_event_once_in_order(db, bus):
    events = [organisation_registered(n) for n in range(20)]
    for event in events:
        await db.commit_events(event)

    await asyncio.gather(*(relay_for(db, bus, batch_size=3).publish_pending() for _ in range(2)))
    while await relay_for(db, bus).publish_pending():
        pass

    assert await read_events(bus) == events
