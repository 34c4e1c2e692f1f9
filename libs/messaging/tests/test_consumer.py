import asyncio
from collections.abc import Awaitable, Callable

from nats.js.errors import NotFoundError

from scx_messaging import Bus, Delivery, DurableConsumer, Outcome
from scx_testing import eventually, running

Processor = Callable[[Delivery], Awaitable[Outcome]]


def consumer(bus: Bus, process: Processor, **options) -> DurableConsumer:
    settings = {"durable": "test", "subjects": ["scx.>"], "retry_delay_seconds": 0.01, **options}
    return DurableConsumer(bus, process=process, **settings)


class Recorder:
    """A processor that answers from a script (default APPLIED) and remembers every delivery."""

    def __init__(self, script: Callable[[Delivery], Outcome] | None = None) -> None:
        self.deliveries: list[Delivery] = []
        self.script = script or (lambda _: Outcome.APPLIED)

    async def __call__(self, delivery: Delivery) -> Outcome:
        self.deliveries.append(delivery)
        return self.script(delivery)

    def seen(self) -> list[tuple[int, int]]:
        return [(d.stream_sequence, d.num_delivered) for d in self.deliveries]


async def settled(bus: Bus, durable: str = "test") -> bool:
    """Nothing left to deliver and every delivery answered; wait for the deliveries themselves first, since a new
    consumer may report nothing pending before it has counted the stream."""
    try:
        info = await bus.js.consumer_info(bus.settings.stream, durable)
    except NotFoundError:  # the consumer's run() has not created it yet
        return False
    return info.num_pending == 0 and info.num_ack_pending == 0


async def publish(bus: Bus, count: int, subject: str = "scx.referral.received.v1") -> None:
    for n in range(count):
        await bus.publish(subject, f'{{"n": {n}}}'.encode(), msg_id=f"{subject}-{n}")


async def test_delivers_in_stream_order(bus: Bus):
    for n in range(30):
        subject = "scx.referral.received.v1" if n % 2 else "scx.contract.awarded.v1"
        await bus.publish(subject, str(n).encode(), msg_id=f"e-{n}")
    recorder = Recorder()

    async with running(consumer(bus, recorder, batch=7)):
        await eventually(lambda: len(recorder.deliveries) == 30)
        await eventually(lambda: settled(bus))

    assert [d.payload for d in recorder.deliveries] == [str(n).encode() for n in range(30)]
    assert [d.stream_sequence for d in recorder.deliveries] == list(range(1, 31))
    assert {d.num_delivered for d in recorder.deliveries} == {1}


async def test_only_the_filtered_subjects_are_delivered(bus: Bus):
    await publish(bus, 2, "scx.contract.awarded.v1")
    await publish(bus, 2, "scx.referral.received.v1")
    recorder = Recorder()

    async with running(consumer(bus, recorder, subjects=["scx.referral.>"])):
        await eventually(lambda: len(recorder.deliveries) == 2)
        await eventually(lambda: settled(bus))

    assert {d.subject for d in recorder.deliveries} == {"scx.referral.received.v1"}
    assert len(recorder.deliveries) == 2


async def test_retry_leads_to_redelivery(bus: Bus):
    await publish(bus, 2)
    recorder = Recorder(lambda d: Outcome.RETRY if d.num_delivered == 1 and d.stream_sequence == 1 else Outcome.APPLIED)

    async with running(consumer(bus, recorder)):
        await eventually(lambda: len(recorder.deliveries) == 3)
        await eventually(lambda: settled(bus))

    assert sorted(recorder.seen()) == [(1, 1), (1, 2), (2, 1)]


async def test_an_exception_in_the_processor_leads_to_redelivery(bus: Bus):
    await publish(bus, 1)
    recorder = Recorder()

    async def fails_once(delivery: Delivery) -> Outcome:
        outcome = await recorder(delivery)
        if delivery.num_delivered == 1:
            raise RuntimeError("database unavailable")
        return outcome

    async with running(consumer(bus, fails_once)):
        await eventually(lambda: (1, 2) in recorder.seen())
        await eventually(lambda: settled(bus))

    assert recorder.seen() == [(1, 1), (1, 2)]


async def test_dead_letter_terminates_without_redelivery(bus: Bus):
    await publish(bus, 3)
    recorder = Recorder(lambda d: Outcome.DEAD_LETTER if d.stream_sequence == 2 else Outcome.APPLIED)

    async with running(consumer(bus, recorder, ack_wait_seconds=30.0)):
        await eventually(lambda: len(recorder.deliveries) == 3)
        await eventually(lambda: settled(bus))
        info = await bus.js.consumer_info("SCX", "test")

    assert recorder.seen() == [(1, 1), (2, 1), (3, 1)]
    assert info.num_redelivered == 0
    assert info.ack_floor.stream_seq == 3


async def test_duplicate_is_acknowledged_like_applied(bus: Bus):
    await publish(bus, 2)
    recorder = Recorder(lambda d: Outcome.DUPLICATE)

    async with running(consumer(bus, recorder)):
        await eventually(lambda: len(recorder.deliveries) == 2)
        await eventually(lambda: settled(bus))

    assert recorder.seen() == [(1, 1), (2, 1)]


async def test_the_last_delivery_is_flagged(bus: Bus):
    await publish(bus, 1)
    recorder = Recorder(lambda d: Outcome.RETRY)

    async with running(consumer(bus, recorder, max_deliver=3)):
        await eventually(lambda: len(recorder.deliveries) == 3)

    assert [(d.num_delivered, d.last_delivery) for d in recorder.deliveries] == [(1, False), (2, False), (3, True)]


async def test_a_restarted_consumer_resumes_after_what_it_acknowledged(bus: Bus):
    await publish(bus, 3)
    first = Recorder()
    async with running(consumer(bus, first)):
        await eventually(lambda: len(first.deliveries) == 3)
        await eventually(lambda: settled(bus))

    await bus.publish("scx.referral.received.v1", b"late", msg_id="late")
    second = Recorder()
    async with running(consumer(bus, second)):
        await eventually(lambda: len(second.deliveries) == 1)
        await eventually(lambda: settled(bus))

    assert first.seen() == [(1, 1), (2, 1), (3, 1)]
    assert second.seen() == [(4, 1)]


async def test_replicas_sharing_a_durable_split_the_work(bus: Bus):
    await publish(bus, 40)
    recorders = [Recorder(), Recorder()]

    async def slow(recorder: Recorder, delivery: Delivery) -> Outcome:
        await asyncio.sleep(0)  # yield, so that the replicas interleave
        return await recorder(delivery)

    replicas = [consumer(bus, lambda d, r=r: slow(r, d), batch=5) for r in recorders]
    async with running(*replicas):
        await eventually(lambda: sum(len(r.deliveries) for r in recorders) == 40)
        await eventually(lambda: settled(bus))

    sequences = sorted(seq for r in recorders for seq, _ in r.seen())
    assert sequences == list(range(1, 41))


async def test_a_consumer_started_before_its_stream_exists_waits_for_it_instead_of_ending(bus_settings):
    from dataclasses import replace

    from scx_messaging import connect

    later = await connect(replace(bus_settings, stream="LATER", subjects=("later.>",)))
    recorder = Recorder()
    worker = consumer(later, recorder, subjects=["later.>"])
    try:
        async with running(worker):
            await asyncio.sleep(0.3)  # it has failed to subscribe at least once by now, and must still be trying
            await later.ensure_stream()
            await later.publish("later.event.v1", b"{}", msg_id="later-1")
            await eventually(lambda: _delivered(recorder, 1), timeout=15)
    finally:
        await later.close()


async def _delivered(recorder: Recorder, count: int) -> bool:
    return len(recorder.deliveries) == count
