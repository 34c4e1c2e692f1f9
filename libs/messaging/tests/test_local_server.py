import socket

from scx_messaging import BusSettings, LocalNatsServer, connect
from scx_testing import read_stream


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


async def test_acknowledged_events_survive_a_restart(tmp_path):
    store = tmp_path / "jetstream"
    with LocalNatsServer(store) as server:
        bus = await connect(BusSettings(servers=[server.url], connect_timeout_seconds=5))
        await bus.ensure_stream()
        await bus.publish("scx.referral.received.v1", b"kept", msg_id="e-1")
        await bus.close()
    assert not listening(server.port)

    with LocalNatsServer(store, port=server.port) as restarted:
        bus = await connect(BusSettings(servers=[restarted.url], connect_timeout_seconds=5))
        try:
            assert [m.data for m in await read_stream(bus)] == [b"kept"]
        finally:
            await bus.close()
