"""A fetch's deliveries applied in one transaction, one inbox row each, in stream order; anything failing in the
batch rolls it back and each delivery is applied alone, with exactly the outcome it would have had alone."""

from __future__ import annotations

import asyncio

import pytest

from scx_contracts import Envelope
from scx_contracts.context import causation_id, correlation_id
from scx_contracts.subcontracts import ContractAwarded
from scx_messaging import Bus, Delivery, DurableConsumer, Outcome
from scx_persistence.inbox import CannotApply, InboxProcessor, MissingPredecessor
from scx_persistence.subscriptions import Subscriptions, on
from scx_testing import eventually, example_envelope, running

CONSUMER = "test-consumer"


def contract_awarded(n: int, **overrides) -> Envelope:
    return example_envelope("contract.awarded", data={"contract_id": f"contract-{n}"}, **overrides)


def delivery_of(envelope: Envelope, *, sequence: int, attempt: int = 1, last: bool = False) -> Delivery:
    payload = envelope.model_dump_json().encode()
    return Delivery(envelope.subject, payload, sequence, attempt, last)


def deliveries_of(*envelopes: Envelope) -> list[Delivery]:
    return [delivery_of(e, sequence=n) for n, e in enumerate(envelopes, start=1)]


def inbox_for(db, handler) -> InboxProcessor:
    return InboxProcessor(db.uow_factory, consumer=CONSUMER, subscriptions=Subscriptions(on(ContractAwarded, handler)))


def recording_handler(db, *, fail=None):
    """Writes an effect per event; `fail(data)` may raise instead, after the effect, to show it is rolled back."""
    calls: list[str] = []

    async def handler(uow, envelope, data: ContractAwarded) -> None:
        calls.append(data.contract_id)
        await db.add_effect(uow, envelope.event_id, data.contract_id)
        if fail is not None:
            fail(data)

    return handler, calls


async def test_a_batch_is_applied_in_one_transaction_in_stream_order(db):
    handler, _calls = recording_handler(db)
    events = [contract_awarded(n) for n in range(1, 6)]
    commits = 0
    processor = inbox_for(db, handler)
    real_factory = processor.uow_factory

    def counting_factory():
        uow = real_factory()
        real_commit = uow.commit

        async def commit() -> None:
            nonlocal commits
            commits += 1
            await real_commit()

        uow.commit = commit  # type: ignore[method-assign]
        return uow

    processor.uow_factory = counting_factory  # type: ignore[assignment]

    outcomes = await processor.apply_batch(deliveries_of(*events))

    assert outcomes == [Outcome.APPLIED] * 5
    assert commits == 1
    assert [e.note for e in await db.effects()] == [f"contract-{n}" for n in range(1, 6)]
    assert sorted((r.stream_sequence, r.event_id) for r in await db.inbox()) == [
        (n, e.event_id) for n, e in enumerate(events, start=1)
    ]


async def test_duplicates_in_the_batch_and_in_the_inbox_are_skipped(db):
    handler, calls = recording_handler(db)
    processor = inbox_for(db, handler)
    old, new = contract_awarded(1), contract_awarded(2)
    assert await processor(delivery_of(old, sequence=1)) is Outcome.APPLIED

    outcomes = await processor.apply_batch(
        [delivery_of(old, sequence=1, attempt=2), delivery_of(new, sequence=2), delivery_of(new, sequence=3)]
    )

    assert outcomes == [Outcome.DUPLICATE, Outcome.APPLIED, Outcome.DUPLICATE]
    assert calls == ["contract-1", "contract-2"]
    assert len(await db.inbox()) == 2


async def test_events_it_does_not_subscribe_to_are_acknowledged_in_a_batch(db):
    handler, calls = recording_handler(db)
    other = example_envelope("organisation.registered")

    outcomes = await inbox_for(db, handler).apply_batch(deliveries_of(other, contract_awarded(1)))

    assert outcomes == [Outcome.APPLIED, Outcome.APPLIED]
    assert calls == ["contract-1"]
    assert [r.event_type for r in await db.inbox()] == ["contract.awarded"]


async def test_each_handler_runs_with_its_own_event_as_cause_and_sees_the_ones_before(db):
    seen = []

    async def handler(uow, envelope, data) -> None:
        before = len(await db.effects_in(uow))
        seen.append((correlation_id.get(), causation_id.get(), before))
        await db.add_effect(uow, envelope.event_id, data.contract_id)

    events = [contract_awarded(n, correlation_id=f"corr-{n}") for n in (1, 2, 3)]

    await inbox_for(db, handler).apply_batch(deliveries_of(*events))

    assert seen == [(f"corr-{n}", e.event_id, n - 1) for n, e in enumerate(events, start=1)]


def fails_on(contract_id: str, error: Exception, *, times: int = 1):
    left = times

    def fail(data: ContractAwarded) -> None:
        nonlocal left
        if data.contract_id == contract_id and left > 0:
            left -= 1
            raise error

    return fail


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (MissingPredecessor("no prime yet"), Outcome.RETRY),
        (CannotApply("contradicts the registry"), Outcome.DEAD_LETTER),
        (RuntimeError("read model unavailable"), Outcome.RETRY),
    ],
    ids=["missing-predecessor", "cannot-apply", "handler-error"],
)
async def test_one_failing_event_falls_back_to_one_at_a_time_and_the_others_apply(db, error, outcome):
    handler, calls = recording_handler(db, fail=fails_on("contract-3", error, times=99))
    events = [contract_awarded(n) for n in range(1, 6)]

    outcomes = await inbox_for(db, handler).apply_batch(deliveries_of(*events))

    assert outcomes == [Outcome.APPLIED, Outcome.APPLIED, outcome, Outcome.APPLIED, Outcome.APPLIED]
    # The batch's transaction rolled back whole: the first two were applied again, alone, and only once in all.
    assert calls == ["contract-1", "contract-2", "contract-3", "contract-1", "contract-2", "contract-3",
                     "contract-4", "contract-5"]
    assert [e.note for e in await db.effects()] == ["contract-1", "contract-2", "contract-4", "contract-5"]
    assert len(await db.inbox()) == 4
    assert len(await db.dead_letters()) == (1 if outcome is Outcome.DEAD_LETTER else 0)


async def test_an_unreadable_event_in_a_batch_is_dead_lettered_and_the_others_apply(db):
    handler, _calls = recording_handler(db)
    good = [contract_awarded(n) for n in (1, 2)]
    unreadable = Delivery("scx.contract.awarded.v1", b"not json", 2, 1, False)

    outcomes = await inbox_for(db, handler).apply_batch(
        [delivery_of(good[0], sequence=1), unreadable, delivery_of(good[1], sequence=3)]
    )

    assert outcomes == [Outcome.APPLIED, Outcome.DEAD_LETTER, Outcome.APPLIED]
    assert [e.note for e in await db.effects()] == ["contract-1", "contract-2"]
    [letter] = await db.dead_letters()
    assert letter.stream_sequence == 2


async def test_a_failure_on_the_last_delivery_dead_letters_only_that_event(db):
    handler, _ = recording_handler(db, fail=fails_on("contract-2", RuntimeError("still broken"), times=99))
    events = [contract_awarded(n) for n in (1, 2)]

    outcomes = await inbox_for(db, handler).apply_batch(
        [delivery_of(events[0], sequence=1), delivery_of(events[1], sequence=2, attempt=10, last=True)]
    )

    assert outcomes == [Outcome.APPLIED, Outcome.DEAD_LETTER]
    [letter] = await db.dead_letters()
    assert "failed on every delivery" in letter.error


async def test_a_batch_killed_midway_leaves_nothing_applied(db):
    """The process dies (here: the task is cancelled) inside the batch's transaction, after two handlers ran."""

    def die(data: ContractAwarded) -> None:
        if data.contract_id == "contract-3":
            raise asyncio.CancelledError

    handler, calls = recording_handler(db, fail=die)

    with pytest.raises(asyncio.CancelledError):
        await inbox_for(db, handler).apply_batch(deliveries_of(*(contract_awarded(n) for n in range(1, 6))))

    assert calls == ["contract-1", "contract-2", "contract-3"]
    assert await db.effects() == []
    assert await db.inbox() == []


# --- over a real stream ------------------------------------------------------------------------------------


def consumer(bus: Bus, processor: InboxProcessor, process_batch=None, **options) -> DurableConsumer:
    return DurableConsumer(
        bus, durable=CONSUMER, subjects=["scx.>"], process=processor,
        process_batch=process_batch or processor.apply_batch, retry_delay_seconds=0.01, **options,
    )


async def publish(bus: Bus, *events: Envelope) -> None:
    for event in events:
        await bus.publish(event.subject, event.model_dump_json().encode(), msg_id=event.event_id)


async def test_a_backlog_is_applied_in_batches_in_stream_order(db, bus):
    handler, calls = recording_handler(db)
    events = [contract_awarded(n) for n in range(1, 101)]
    await publish(bus, *events)
    batches: list[int] = []
    processor = inbox_for(db, handler)

    async def batch(deliveries):
        batches.append(len(deliveries))
        return await processor.apply_batch(deliveries)

    async with running(consumer(bus, processor, batch, batch=32)):
        await eventually(lambda: len(calls) == 100)

    assert calls == [f"contract-{n}" for n in range(1, 101)]
    assert max(batches) > 1
    assert len(await db.inbox()) == 100


async def test_a_batch_killed_after_its_commit_before_its_acks_is_redelivered_and_absorbed(db, bus):
    handler, _calls = recording_handler(db)
    processor = inbox_for(db, handler)
    seen: list[tuple[int, int, Outcome]] = []
    died: list[int] = []

    async def commit_then_die(deliveries):
        outcomes = await processor.apply_batch(deliveries)
        seen.extend((d.stream_sequence, d.num_delivered, o) for d, o in zip(deliveries, outcomes, strict=True))
        if not died:
            died.extend(d.stream_sequence for d in deliveries)
            raise RuntimeError("process died after the commit, before the acks")
        return outcomes

    events = [contract_awarded(n) for n in range(1, 6)]
    await publish(bus, *events)

    async with running(consumer(bus, processor, commit_then_die)):
        await eventually(lambda: len(seen) == 5 + len(died))

    assert sorted(seen) == sorted(
        [(n, 1, Outcome.APPLIED) for n in range(1, 6)] + [(n, 2, Outcome.DUPLICATE) for n in died]
    )
    assert [e.note for e in await db.effects()] == [f"contract-{n}" for n in range(1, 6)]
    assert len(await db.inbox()) == 5


async def test_a_batch_that_outlasts_the_ack_wait_is_not_delivered_again_meanwhile(db, bus):
    handler, calls = recording_handler(db)
    processor = inbox_for(db, handler)
    deliveries_seen: list[int] = []

    async def slow(deliveries):
        deliveries_seen.extend(d.num_delivered for d in deliveries)
        await asyncio.sleep(2.0)  # well past the 0.6 s ack wait: only "in progress" keeps the server from redelivering
        return await processor.apply_batch(deliveries)

    await publish(bus, *(contract_awarded(n) for n in range(1, 4)))
    async with running(consumer(bus, processor, slow, ack_wait_seconds=0.6)):
        await eventually(lambda: len(calls) == 3, timeout=20)
        await asyncio.sleep(1.0)  # a redelivery, had there been one, would have arrived by now

    assert set(deliveries_seen) == {1}
    assert len(await db.inbox()) == 3
