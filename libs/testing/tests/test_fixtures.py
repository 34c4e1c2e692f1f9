import pytest

from scx_messaging import Bus
from scx_servicekit import ServiceSettings
from scx_servicekit.auth import TokenVerifier
from scx_testing import eventually


async def test_nats_server_and_bus_are_live(nats_server, bus: Bus):
    assert nats_server.url.startswith("nats://127.0.0.1:")
    assert await bus.ping()
    info = await bus.js.stream_info(bus.settings.stream)
    assert info.config.subjects == ["scx.>"]


def test_auth_headers_verify_with_default_service_settings(auth_headers):
    headers = auth_headers("partner-7", "partner", ["adviser"], user="ann")

    scheme, token = headers["Authorization"].split(" ")
    principal = TokenVerifier(ServiceSettings()).verify(token)

    assert scheme == "Bearer"
    assert (principal.organisation_id, principal.kind, principal.roles, principal.user) == (
        "partner-7",
        "partner",
        frozenset({"adviser"}),
        "ann",
    )


async def test_eventually_returns_the_first_truthy_value():
    values = iter([0, None, [], 42])

    assert await eventually(lambda: next(values), timeout=1) == 42


async def test_eventually_accepts_async_probes():
    calls = 0

    async def probe() -> bool:
        nonlocal calls
        calls += 1
        return calls == 3

    assert await eventually(probe, timeout=1) is True


async def test_eventually_fails_at_the_deadline_with_the_last_value():
    with pytest.raises(AssertionError, match=r"not within 0.05s: never \(last value 0\)"):
        await eventually(lambda: 0, timeout=0.05, message="never")
