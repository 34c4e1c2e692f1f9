import pytest
from pydantic import ValidationError

from scx_contracts import Envelope, UnknownEventType
from scx_persistence import UncommittedWork
from scx_testing import example_envelope


def organisation_registered(n: int) -> Envelope:
    return example_envelope("organisation.registered", data={"organisation_id": f"org-{n}", "name": f"Org {n}"})


async def test_commit_writes_the_state_and_its_events_together(db):
    events = [organisation_registered(n) for n in range(3)]

    await db.commit_events(*events)

    assert [e.note for e in await db.effects()] == ["state"]
    rows = await db.outbox()
    assert [r.event_id for r in rows] == [e.event_id for e in events]
    assert [r.subject for r in rows] == ["scx.organisation.registered.v1"] * 3
    assert [Envelope.model_validate_json(r.payload) for r in rows] == events
    assert all(r.sent_at is None and r.attempts == 0 for r in rows)


async def test_leaving_without_commit_rolls_back_the_state_and_the_events_and_says_so(db):
    with pytest.raises(UncommittedWork, match="1 recorded event"):
        async with db.uow_factory() as uow:
            await db.add_effect(uow, "e-1", "state")
            uow.record(organisation_registered(1))
            await uow.flush_events()  # written inside the transaction, so the rollback is what removes them

    assert await db.effects() == []
    assert await db.outbox() == []


async def test_leaving_without_commit_having_recorded_nothing_is_a_quiet_rollback(db):
    async with db.uow_factory() as uow:
        await db.add_effect(uow, "e-1", "state")

    assert await db.effects() == []


async def test_an_exception_rolls_back_the_state_and_the_events(db):
    with pytest.raises(RuntimeError, match="use case failed"):
        async with db.uow_factory() as uow:
            await db.add_effect(uow, "e-1", "state")
            uow.record(organisation_registered(1))
            await uow.flush_events()
            raise RuntimeError("use case failed")

    assert await db.effects() == []
    assert await db.outbox() == []


async def test_an_explicit_rollback_forgets_the_queued_events(db):
    async with db.uow_factory() as uow:
        await db.add_effect(uow, "e-1", "discarded")
        uow.record(organisation_registered(1))
        await uow.rollback()
        kept = organisation_registered(2)
        await db.add_effect(uow, kept.event_id, "kept")
        uow.record(kept)
        await uow.commit()

    assert [e.note for e in await db.effects()] == ["kept"]
    assert [r.event_id for r in await db.outbox()] == [kept.event_id]


async def test_events_keep_the_order_they_were_committed_in(db):
    first, second = [organisation_registered(n) for n in range(2)], [organisation_registered(n) for n in range(2, 5)]

    await db.commit_events(*first)
    await db.commit_events(*second)

    rows = await db.outbox()
    assert [r.event_id for r in rows] == [e.event_id for e in first + second]
    assert [r.position for r in rows] == sorted(r.position for r in rows)


async def test_commit_wakes_the_relay(db):
    db.uow_factory.outbox_signal.clear()

    await db.commit_events(organisation_registered(1))

    assert db.uow_factory.outbox_signal.is_set()


async def test_an_event_that_does_not_fit_its_schema_is_refused_before_it_is_written(db):
    async with db.uow_factory() as uow:
        with pytest.raises(ValidationError, match="kind"):
            uow.record(example_envelope("organisation.registered", data={"kind": "charity"}))
        with pytest.raises(UnknownEventType):
            uow.record(example_envelope("organisation.registered", type="organisation.renamed"))
        assert uow.events == []
