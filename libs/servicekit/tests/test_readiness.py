"""/ready: the database, NATS, and the background work that moves events (the outbox relay, the consumer)."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from sqlalchemy.ext.asyncio import create_async_engine

from scx_messaging import LocalNatsServer
from scx_persistence import messaging_metadata
from scx_servicekit import ServiceSettings, create_service_app


async def test_ready_until_the_outbox_relay_stops(empty_database_url: str, nats_server: LocalNatsServer) -> None:
    engine = create_async_engine(empty_database_url)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
    await engine.dispose()
    settings = ServiceSettings(database_url=empty_database_url, nats_servers=[nats_server.url], log_json=False)
    app = create_service_app(settings, title="t", description="d", routers=[])

    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://test"
    ) as client:
        ready = await client.get("/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "nats": "ok", "outbox_relay": "ok"}

        [relay] = app.state.runtime.tasks
        relay.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relay

        stopped = await client.get("/ready")
        assert stopped.status_code == 503
        assert stopped.headers["content-type"] == "application/problem+json"
        assert stopped.json()["checks"]["outbox_relay"] == "stopped"
