"""The benchmark's yardstick (`scx_cli.baseline`) works on either SQLite engine: it stores the item and the
stream holds its event."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from scx_cli import baseline
from scx_messaging import LocalNatsServer


@pytest.mark.parametrize("engine", ["stock", "inline"])
async def test_the_baseline_stores_an_item_and_publishes_it(
    engine: str, nats_server: LocalNatsServer, tmp_path, monkeypatch
) -> None:
    database = tmp_path / "baseline.db"
    monkeypatch.setenv("SCX_BASELINE_DATABASE", str(database))
    monkeypatch.setenv("SCX_BASELINE_NATS", nats_server.url)
    monkeypatch.setenv("SCX_BASELINE_ENGINE", engine)
    app = baseline.create_app()
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://test"
    ) as client:
        first = await client.post("/items", json={"kind": "note", "body": {"n": 1}})
        second = await client.post("/items", json={"kind": "note", "body": {"n": 2}})
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["stream_sequence"] == first.json()["stream_sequence"] + 1
    with sqlite3.connect(database) as conn:
        stored = {row[0] for row in conn.execute("SELECT item_id FROM items")}
    assert stored == {first.json()["item_id"], second.json()["item_id"]}
