import asyncio

import pytest

from scx_messaging import Bus, BusSettings, Outgoing, PublishFailed, connect
from scx_messaging.bus import _chunks
from scx_testing import read_stream


async def stream_config(bus: Bus):
    return (await bus.js.stream_info(bus.settings.stream)).config


async def test_ensure_stream_is_idempotent(bus: Bus):
    await bus.ensure_stream()
    await bus.ensure_stream()

    config = await stream_config(bus)
    streams = await bus.js.streams_info()
    assert [s.config.name for s in streams] == ["SCX"]
    assert config.subjects == ["scx.>"]
    assert config.duplicate_window == 120


async def test_ensure_stream_brings_the_configuration_up_to_date_and_keeps_the_events(bus: Bus, bus_settings):
    await bus.publish("scx.referral.received.v1", b"{}", msg_id="e-1")
    changed = BusSettings(
        servers=bus_settings.servers, subjects=("scx.>", "scx_legacy.>"), duplicate_window_seconds=30.0
    )
    other = await connect(changed)
    try:
        await other.ensure_stream()
        await other.ensure_stream()
    finally:
        await other.close()

    config = await stream_config(bus)
    assert config.subjects == ["scx.>", "scx_legacy.>"]
    assert config.duplicate_window == 30
    assert [m.msg_id for m in await read_stream(bus)] == ["e-1"]


async def test_processes_starting_together_both_get_the_stream(bus_settings):
    buses = [await connect(bus_settings) for _ in range(3)]
    try:
        await asyncio.gather(*(b.ensure_stream() for b in buses))
        assert (await buses[0].js.stream_info("SCX")).config.subjects == ["scx.>"]
    finally:
        await asyncio.gather(*(b.close() for b in buses))


async def test_publish_returns_the_stream_sequence(bus: Bus):
    sequences = [await bus.publish(f"scx.referral.received.v{n}", b"{}", msg_id=f"e-{n}") for n in (1, 2, 3)]

    assert sequences == [1, 2, 3]


async def test_the_same_msg_id_is_stored_once(bus: Bus):
    first = await bus.publish("scx.referral.received.v1", b'{"n": 1}', msg_id="same")
    second = await bus.publish("scx.referral.received.v1", b'{"n": 1}', msg_id="same")
    other = await bus.publish("scx.referral.received.v1", b'{"n": 1}', msg_id="different")

    assert first == second == 1
    assert other == 2
    stored = await read_stream(bus)
    assert [(m.sequence, m.msg_id, m.data) for m in stored] == [(1, "same", b'{"n": 1}'), (2, "different", b'{"n": 1}')]


async def test_a_subject_no_stream_captures_is_not_acknowledged(bus: Bus):
    with pytest.raises(PublishFailed, match=r"elsewhere\.thing"):
        await bus.publish("elsewhere.thing", b"{}", msg_id="lost")


async def test_publish_on_a_closed_connection_fails_loudly(bus_settings):
    closed = await connect(bus_settings)
    await closed.ensure_stream()
    await closed.close()

    assert not await closed.ping()
    with pytest.raises(PublishFailed):
        await closed.publish("scx.referral.received.v1", b"{}", msg_id="e-1")


async def test_connect_gives_up_at_its_deadline():
    settings = BusSettings(servers=["nats://127.0.0.1:1"], connect_timeout_seconds=0.3)

    with pytest.raises(ConnectionError, match="could not reach NATS"):
        await connect(settings)


async def test_publish_many_pipelines_in_order_and_returns_each_sequence(bus):
    messages = [Outgoing(f"scx.test.many.{n}", f"m{n}".encode(), msg_id=f"many-{n}") for n in range(50)]
    sequences = await bus.publish_many(messages)
    assert sequences == list(range(sequences[0], sequences[0] + 50))
    stored = [await bus.js.get_msg(bus.settings.stream, seq) for seq in sequences]
    assert [m.data for m in stored] == [m.payload for m in messages]
    # A republish of the same ids inside the duplicate window stores nothing new and answers the same sequences.
    assert await bus.publish_many(messages) == sequences


async def test_publish_many_sends_nothing_from_a_message_over_the_size_limit(bus):
    before = Outgoing("scx.test.big.before", b"before", msg_id="big-before")
    too_big = Outgoing("scx.test.big.it", b"x" * bus.nc.max_payload, msg_id="big-it")
    after = Outgoing("scx.test.big.after", b"after", msg_id="big-after")
    with pytest.raises(PublishFailed) as failure:
        await bus.publish_many([before, too_big, after])
    assert len(failure.value.acknowledged) == 1
    assert "big-it" in str(failure.value) and "limit" in str(failure.value)
    # Nothing after it went out, so its retry cannot land behind a later message.
    assert [m.subject for m in await read_stream(bus)] == ["scx.test.big.before"]
    assert bus.js.publish_async_pending() == 0


async def test_publish_many_names_the_broken_order_when_jetstream_refuses_one_and_stores_the_next(bus, caplog):
    ok = Outgoing("scx.test.prefix.ok", b"ok", msg_id="prefix-ok")
    nowhere = Outgoing("not-in-the-stream", b"x", msg_id="prefix-nowhere")  # no stream takes this subject
    after = Outgoing("scx.test.prefix.after", b"after", msg_id="prefix-after")
    with pytest.raises(PublishFailed) as failure:
        await bus.publish_many([ok, nowhere, after])
    assert len(failure.value.acknowledged) == 1
    assert "prefix-nowhere" in str(failure.value)
    assert bus.js.publish_async_pending() == 0  # nothing left waiting
    assert any("stream order broken" in r.getMessage() and "prefix-after" in r.getMessage() for r in caplog.records)


async def test_publish_many_on_a_closed_connection_acknowledges_nothing(bus_settings):
    closed = await connect(bus_settings)
    await closed.close()
    with pytest.raises(PublishFailed) as failure:
        await closed.publish_many([Outgoing("scx.test.closed", b"x", msg_id="closed-1")])
    assert failure.value.acknowledged == []


async def test_a_send_that_raises_midway_leaves_no_pending_slot_taken(bus, monkeypatch):
    real_publish, calls = bus.nc.publish, []

    async def publish_failing_on_the_second(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise ConnectionResetError("the socket went away")
        return await real_publish(*args, **kwargs)

    await bus.publish_many([Outgoing("scx.test.slot.warm", b"w", msg_id="slot-warm")])  # sets up the reply inbox
    calls.clear()
    monkeypatch.setattr(bus.nc, "publish", publish_failing_on_the_second)
    messages = [Outgoing(f"scx.test.slot.{n}", b"s", msg_id=f"slot-{n}") for n in range(3)]
    with pytest.raises(PublishFailed) as failure:
        await bus.publish_many(messages)
    assert len(failure.value.acknowledged) == 1
    assert "ConnectionResetError" in str(failure.value)
    assert bus.js.publish_async_pending() == 0
    assert bus.js._publish_async_pending_semaphore._value == 4000  # every slot free again


async def test_publish_many_sends_a_large_batch_in_acknowledged_chunks_in_order(bus):
    big = b"y" * 100_000  # 30 of these are about 3 MB: more than nats-py buffers before it must flush
    messages = [Outgoing(f"scx.test.chunk.{n}", big, msg_id=f"chunk-{n}") for n in range(30)]
    sequences = await bus.publish_many(messages)
    assert sequences == list(range(sequences[0], sequences[0] + 30))
    assert [m.subject for m in await read_stream(bus)] == [m.subject for m in messages]


def test_chunks_keep_order_and_put_an_oversized_message_alone():
    # On the wire each is its payload plus 102 bytes (subject, id, protocol): 105, 105, 107, 103, 111, 104.
    messages = [Outgoing("s", b"x" * n, msg_id=str(i)) for i, n in enumerate([3, 3, 5, 1, 9, 2])]
    chunks = _chunks(messages, most_bytes=210, most_messages=100)
    assert [[m.msg_id for m in c] for c in chunks] == [["0", "1"], ["2", "3"], ["4"], ["5"]]
    chunks = _chunks(messages[:5], most_bytes=10_000, most_messages=2)
    assert [[m.msg_id for m in c] for c in chunks] == [["0", "1"], ["2", "3"], ["4"]]


async def test_concurrent_callers_take_turns_and_one_failure_is_not_the_others(bus, monkeypatch):
    real_publish, calls = bus.nc.publish, []

    async def publish_failing_on_the_fifth(*args, **kwargs):
        calls.append(args)
        if len(calls) == 5:
            raise ConnectionResetError("the socket went away")
        return await real_publish(*args, **kwargs)

    await bus.publish_many([Outgoing("scx.test.turns.warm", b"w", msg_id="turns-warm")])
    calls.clear()
    monkeypatch.setattr(bus.nc, "publish", publish_failing_on_the_fifth)
    first = [Outgoing(f"scx.test.turns.a{n}", b"a", msg_id=f"turns-a{n}") for n in range(3)]
    second = [Outgoing(f"scx.test.turns.b{n}", b"b", msg_id=f"turns-b{n}") for n in range(3)]
    results = await asyncio.gather(bus.publish_many(first), bus.publish_many(second), return_exceptions=True)
    assert isinstance(results[0], list) and len(results[0]) == 3  # untouched by the other's failure
    assert isinstance(results[1], PublishFailed) and len(results[1].acknowledged) == 1
    assert bus.js.publish_async_pending() == 0
