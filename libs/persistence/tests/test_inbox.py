"""Each consumed event is applied once: the inbox row and the effect commit together, so a redelivery, a
republish or a crash before the ack changes nothing."""

import asyncio

import pytest
from nats.aio.msg import Msg

from scx_contracts import Envelope
from scx_contracts.context import causation_id, correlation_id
from scx_contracts.subcontracts import ContractAwarded
from scx_messaging import Bus, Delivery, DurableConsumer, Outcome
from scx_persistence.inbox import CannotApply, InboxProcessor, MissingPredecessor
from scx_persistence.outbox import OutboxRelay
from scx_persistence.subscriptions import Subscriptions, on
from scx_persistence.tables import inbox
from scx_testing import eventually, example_envelope, read_stream, running

CONSUMER = "test-consumer"


def contract_awarded(n: int = 1, data: dict | None = None, **overrides) -> Envelope:
    return example_envelope("contract.awarded", data={"contract_id": f"contract-{n}", **(data or {})}, **overrides)


def delivery_of(envelope: Envelope, *, sequence: int = 1, attempt: int = 1, last: bool = False) -> Delivery:
    return Delivery(
        subject=envelope.subject,
        payload=envelope.model_dump_json().encode(),
        stream_sequence=sequence,
        num_delivered=attempt,
        last_delivery=last,
    )


class Recording:
    """Wraps a processor and remembers what it answered to each delivery."""

    def __init__(self, processor: InboxProcessor) -> None:
        self.processor = processor
        self.outcomes: list[tuple[int, int, Outcome]] = []

    async def __call__(self, delivery: Delivery) -> Outcome:
        outcome = await self.processor(delivery)
        self.outcomes.append((delivery.stream_sequence, delivery.num_delivered, outcome))
        return outcome


def inbox_for(db, handler, kind: type[InboxProcessor] = InboxProcessor) -> InboxProcessor:
    return kind(db.uow_factory, consumer=CONSUMER, subscriptions=Subscriptions(on(ContractAwarded, handler)))


@pytest.fixture
def processor(db) -> InboxProcessor:
    async def apply_contract(uow, envelope, data) -> None:
        await db.add_effect(uow, envelope.event_id, data.contract_id)

    return inbox_for(db, apply_contract)


def consumer(bus: Bus, process, **options) -> DurableConsumer:
    settings = {"durable": CONSUMER, "subjects": ["scx.>"], "retry_delay_seconds": 0.01, **options}
    return DurableConsumer(bus, process=process, **settings)


async def test_the_same_delivery_twice_applies_once(db, processor):
    event = contract_awarded()

    assert await processor(delivery_of(event)) is Outcome.APPLIED
    assert await processor(delivery_of(event, attempt=2)) is Outcome.DUPLICATE

    assert [(e.event_id, e.note) for e in await db.effects()] == [(event.event_id, "contract-1")]
    [row] = await db.inbox()
    assert (row.consumer, row.event_id, row.event_type, row.stream_sequence) == (
        CONSUMER,
        event.event_id,
        "contract.awarded",
        1,
    )


async def test_events_it_does_not_subscribe_to_are_acknowledged_and_ignored(db, processor):
    other = example_envelope("organisation.registered")

    assert await processor(delivery_of(other)) is Outcome.APPLIED
    assert await db.effects() == []
    assert await db.inbox() == []


async def test_the_handler_runs_with_the_event_as_cause(db):
    seen = []

    async def handler(uow, envelope, data) -> None:
        seen.append((correlation_id.get(), causation_id.get()))

    processor = inbox_for(db, handler)
    event = contract_awarded(correlation_id="corr-1")

    await processor(delivery_of(event))

    assert seen == [("corr-1", event.event_id)]


async def test_events_a_handler_causes_commit_with_its_inbox_record(db):
    async def handler(uow, envelope, data) -> None:
        uow.record(example_envelope("organisation.registered", causation_id=causation_id.get()))

    processor = inbox_for(db, handler)
    event = contract_awarded()

    await processor(delivery_of(event))
    await processor(delivery_of(event, attempt=2))

    [row] = await db.outbox()
    assert Envelope.model_validate_json(row.payload).causation_id == event.event_id


async def test_a_failing_handler_leaves_no_effect_and_no_inbox_record(db):
    async def handler(uow, envelope, data) -> None:
        await db.add_effect(uow, envelope.event_id, "half done")
        raise RuntimeError("read model unavailable")

    processor = inbox_for(db, handler)

    with pytest.raises(RuntimeError, match="read model unavailable"):
        await processor(delivery_of(contract_awarded()))

    assert await db.effects() == []
    assert await db.inbox() == []
    assert await processor(delivery_of(contract_awarded(), last=True)) is Outcome.DEAD_LETTER
    [letter] = await db.dead_letters()
    assert "failed on every delivery" in letter.error


async def test_a_missing_predecessor_waits_then_gives_up_on_the_last_delivery(db):
    async def handler(uow, envelope, data) -> None:
        raise MissingPredecessor("no contract.awarded for prime-1 yet")

    processor = inbox_for(db, handler)
    event = contract_awarded()

    assert await processor(delivery_of(event)) is Outcome.RETRY
    assert await db.dead_letters() == []
    assert await processor(delivery_of(event, attempt=10, last=True)) is Outcome.DEAD_LETTER
    [letter] = await db.dead_letters()
    assert (letter.event_id, letter.deliveries) == (event.event_id, 10)
    assert await db.inbox() == []


async def test_an_event_that_cannot_apply_is_dead_lettered_at_once(db):
    async def handler(uow, envelope, data) -> None:
        raise CannotApply("contract-1 is already awarded to another prime")

    processor = inbox_for(db, handler)

    assert await processor(delivery_of(contract_awarded())) is Outcome.DEAD_LETTER
    [letter] = await db.dead_letters()
    assert letter.error == "contract-1 is already awarded to another prime"


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b'{"type": "contract.awarded"}',
        contract_awarded(data={"value_pence": -1}).model_dump_json().encode(),
        # What the envelope says it is must be what it was published as: a consumer filters by subject.
        example_envelope("organisation.registered").model_dump_json().encode(),
        # An id no inbox column holds (nor should a log line carry).
        contract_awarded().model_dump_json().encode().replace(b'"event_id":"', b'"event_id":"' + b"x" * 300, 1),
        # NUL bytes, which PostgreSQL refuses in text: the dead letter must still be kept.
        b'{"type": "contract.awarded", "note": "\x00"}',
    ],
    ids=["not-json", "not-an-envelope", "data-off-schema", "another-type-than-its-subject", "event-id-too-long",
         "nul-bytes"],
)
async def test_an_unreadable_event_is_dead_lettered_once_however_often_it_comes(db, processor, payload):
    delivery = Delivery(
        subject="scx.contract.awarded.v1", payload=payload, stream_sequence=7, num_delivered=1, last_delivery=False
    )

    assert await processor(delivery) is Outcome.DEAD_LETTER
    assert await processor(delivery) is Outcome.DEAD_LETTER  # its term was lost and it came back

    [letter] = await db.dead_letters()
    assert (letter.consumer, letter.stream_sequence, letter.subject) == (CONSUMER, 7, "scx.contract.awarded.v1")
    assert await db.effects() == []


async def test_replicas_applying_the_same_event_at_once_apply_it_once(db, backend):
    both_inside = asyncio.Barrier(2)

    async def handler(uow, envelope, data) -> None:
        await db.add_effect(uow, envelope.event_id, "applied")
        if backend == "postgres":  # SQLite serialises writers at BEGIN, so only PostgreSQL can overlap here
            await asyncio.wait_for(both_inside.wait(), timeout=5)

    replicas = [
        inbox_for(db, handler) for _ in range(2)
    ]
    event = contract_awarded()

    outcomes = await asyncio.gather(*(replica(delivery_of(event)) for replica in replicas))

    assert sorted(o.value for o in outcomes) == ["applied", "duplicate"]
    assert len(await db.effects()) == 1
    assert len(await db.inbox()) == 1


# --- over a real stream ------------------------------------------------------------------------------------


async def test_a_republished_event_relay_crash_is_applied_once_downstream(db, bus, processor):
    """Crash (b) end to end: the relay dies after the publish, a new one republishes, the consumer applies once."""

    class CrashAfterFirstPublish(OutboxRelay):
        async def after_publish(self, event_id: str) -> None:
            raise RuntimeError("killed")

    events = [contract_awarded(n) for n in range(1, 4)]
    await db.commit_events(*events)
    with pytest.raises(RuntimeError, match="killed"):
        await CrashAfterFirstPublish(db.engine, bus, asyncio.Event()).publish_pending()
    await OutboxRelay(db.engine, bus, asyncio.Event()).publish_pending()
    recording = Recording(processor)

    async with running(consumer(bus, recording)):
        await eventually(lambda: len(recording.outcomes) == 3)

    assert len(await read_stream(bus)) == 3
    assert [o for *_, o in recording.outcomes] == [Outcome.APPLIED] * 3
    assert [e.event_id for e in await db.effects() if e.note != "state"] == [e.event_id for e in events]


async def test_the_same_event_under_two_msg_ids_is_applied_once(db, bus, processor):
    """Crash (c): a republish outside the duplicate window reaches the stream twice; the inbox absorbs it."""
    event = contract_awarded()
    payload = event.model_dump_json().encode()
    await bus.publish(event.subject, payload, msg_id=event.event_id)
    await bus.publish(event.subject, payload, msg_id=f"{event.event_id}-again")
    recording = Recording(processor)

    async with running(consumer(bus, recording)):
        await eventually(lambda: len(recording.outcomes) == 2)

    assert recording.outcomes == [(1, 1, Outcome.APPLIED), (2, 1, Outcome.DUPLICATE)]
    assert [e.event_id for e in await db.effects()] == [event.event_id]


async def test_a_lost_ack_after_the_commit_is_redelivered_and_absorbed(db, bus, processor, monkeypatch):
    """Crash (d): the handler's transaction committed but the ack never reached the server."""
    real_ack = Msg.ack
    acks = 0

    async def first_ack_lost(msg: Msg) -> None:
        nonlocal acks
        acks += 1
        if acks == 1:
            raise ConnectionError("connection dropped before the ack")
        await real_ack(msg)

    monkeypatch.setattr(Msg, "ack", first_ack_lost)
    event = contract_awarded()
    await bus.publish(event.subject, event.model_dump_json().encode(), msg_id=event.event_id)
    recording = Recording(processor)

    async with running(consumer(bus, recording, ack_wait_seconds=0.5)):
        await eventually(lambda: len(recording.outcomes) == 2)

    assert recording.outcomes == [(1, 1, Outcome.APPLIED), (1, 2, Outcome.DUPLICATE)]
    assert [e.event_id for e in await db.effects()] == [event.event_id]


async def test_a_crash_between_commit_and_ack_is_redelivered_and_absorbed(db, bus, processor):
    """Crash (d), the other way: the processor applied and committed, then died before returning."""
    recording = Recording(processor)

    async def apply_then_die(delivery: Delivery) -> Outcome:
        outcome = await recording(delivery)
        if delivery.num_delivered == 1:
            raise RuntimeError("process died after the commit")
        return outcome

    event = contract_awarded()
    await bus.publish(event.subject, event.model_dump_json().encode(), msg_id=event.event_id)

    async with running(consumer(bus, apply_then_die)):
        await eventually(lambda: len(recording.outcomes) == 2)

    assert recording.outcomes == [(1, 1, Outcome.APPLIED), (1, 2, Outcome.DUPLICATE)]
    assert [e.event_id for e in await db.effects()] == [event.event_id]


class DeadLettersUnwritable(InboxProcessor):
    async def dead_letter(self, delivery: Delivery, event_id: str | None, error: str) -> None:
        raise OSError("disk full")


async def test_a_dead_letter_that_cannot_be_written_is_retried_and_shouted_about_on_the_last_delivery(db, caplog):
    async def handler(uow, envelope, data):
        raise CannotApply("contradicts the registry")

    processor = inbox_for(db, handler, DeadLettersUnwritable)
    event = contract_awarded()

    assert await processor(delivery_of(event, attempt=1)) is Outcome.RETRY  # the record is tried again
    with caplog.at_level("CRITICAL", logger="scx.inbox"):
        assert await processor(delivery_of(event, attempt=10, last=True)) is Outcome.DEAD_LETTER
    assert any("replay it from the stream" in r.getMessage() for r in caplog.records if r.levelname == "CRITICAL")
    assert await db.count(inbox) == 0
