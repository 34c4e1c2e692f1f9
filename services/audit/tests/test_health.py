"""The audit service starts on a migrated database and says so."""

from __future__ import annotations

from scx_testing.api import ServiceProbe


async def test_it_is_alive_and_ready(service: ServiceProbe) -> None:
    assert (await service.client.get("/health")).status_code == 200
    ready = await service.client.get("/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"
