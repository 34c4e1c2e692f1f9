"""Strict writers, tolerant readers (ADR 0005): a v1 event from a newer producer, carrying a field this consumer's
code does not know yet, is applied; the same field recorded by a producer of this code is refused."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from scx_contracts import Envelope
from scx_contracts.subcontracts import SubcontractAgreed
from scx_messaging import Bus, Delivery, DurableConsumer
from scx_persistence.inbox import InboxProcessor
from scx_persistence.subscriptions import Subscriptions, on
from scx_persistence.tables import inbox
from scx_testing import EXAMPLES, eventually, example_envelope, running


def with_extra(envelope: Envelope, where: str) -> bytes:
    """The envelope as a newer producer would publish it: one optional field more, at `where`."""
    document = json.loads(envelope.model_dump_json())
    if where == "data":
        document["data"]["preferred_language"] = "cy"
    elif where == "nested":
        document["data"]["terms"]["client_group"]["age_band"] = "25-49"
        document["data"]["terms"]["services"][0]["delivery"] = "remote"
    elif where == "envelope":
        document["trace_parent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        document["actor"]["on_behalf_of"] = "jcp-leeds"
    return json.dumps(document).encode()


@pytest.mark.parametrize("where", ["data", "nested", "envelope"])
async def test_a_v1_event_with_a_field_the_consumer_does_not_know_is_applied(db, bus: Bus, where):
    applied: list[SubcontractAgreed] = []

    async def handler(uow, envelope, data: SubcontractAgreed) -> None:
        applied.append(data)
        await db.add_effect(uow, envelope.event_id, data.subcontract_id)

    processor = InboxProcessor(
        db.uow_factory, consumer="tolerant", subscriptions=Subscriptions(on(SubcontractAgreed, handler))
    )
    terms = {**EXAMPLES[("subcontract.agreed", 1)]["terms"], "services": [{"service": "cv", "price_pence": 100}]}
    event = example_envelope("subcontract.agreed", data={"terms": terms})
    await bus.publish(event.subject, with_extra(event, where), msg_id=event.event_id)
    consumer = DurableConsumer(
        bus, durable="tolerant", subjects=processor.subjects, process=processor, process_batch=processor.apply_batch
    )

    async with running(consumer):
        await eventually(lambda: db.count(inbox))

    assert [e.event_id for e in await db.effects()] == [event.event_id]
    assert await db.dead_letters() == []
    [data] = applied
    assert data == SubcontractAgreed.model_validate(event.data)


async def test_a_producer_still_refuses_a_field_its_schema_lacks(db):
    async with db.uow_factory() as uow:
        with pytest.raises(ValidationError, match="preferred_language"):
            uow.record(example_envelope("subcontract.agreed", data={"preferred_language": "cy"}))
        terms = {**example_envelope("subcontract.agreed").data["terms"], "age_band": "25-49"}
        with pytest.raises(ValidationError, match="age_band"):
            uow.record(example_envelope("subcontract.agreed", data={"terms": terms}))
        assert uow.events == []
    with pytest.raises(ValidationError, match="trace_parent"):
        example_envelope("subcontract.agreed", trace_parent="00-4bf9")


async def test_a_tolerant_read_still_refuses_a_known_field_off_its_schema(db):
    async def handler(uow, envelope, data: SubcontractAgreed) -> None:
        raise AssertionError("never applied")

    processor = InboxProcessor(
        db.uow_factory, consumer="tolerant", subscriptions=Subscriptions(on(SubcontractAgreed, handler))
    )
    event = example_envelope("subcontract.agreed", data={"model": "franchise", "preferred_language": "cy"})
    delivery = Delivery(event.subject, event.model_dump_json().encode(), 1, 1, False)

    with pytest.raises(ValidationError, match="model"):
        processor.read(delivery)
