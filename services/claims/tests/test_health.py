"""The claims service starts on a migrated database and says so."""

from __future__ import annotations

from .builders import Stack


async def test_it_is_alive_and_ready(stack: Stack) -> None:
    assert (await stack.client.get("/health")).status_code == 200
    ready = await stack.client.get("/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"
