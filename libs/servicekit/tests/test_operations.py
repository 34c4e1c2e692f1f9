"""Dead letters are visible and can be replayed after a fix: /ready reports them (degraded, still 200), a DWP
operator lists them and replays one through the service's own inbox, which marks it replayed."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from scx_contracts.subcontracts import ContractAwarded
from scx_messaging import Bus, LocalNatsServer
from scx_persistence import messaging_metadata
from scx_persistence.inbox import CannotApply
from scx_persistence.subscriptions import Subscriptions, on
from scx_persistence.tables import inbox
from scx_servicekit import ServiceSettings, create_service_app
from scx_testing import eventually, example_envelope

effects_metadata = MetaData()
effects = Table("effects", effects_metadata, Column("id", Integer, primary_key=True), Column("note", String(100)))


class Fixable:
    """A handler that refuses contract-2 until the fix is deployed."""

    def __init__(self) -> None:
        self.fixed = False

    async def __call__(self, uow, envelope, data: ContractAwarded) -> None:
        if data.contract_id == "contract-2" and not self.fixed:
            raise CannotApply("contract-2 refers to a prime we do not handle yet")
        await uow.session.execute(insert(effects).values(note=data.contract_id))


@pytest.fixture
async def service(empty_database_url: str, nats_server: LocalNatsServer):
    engine = create_async_engine(empty_database_url)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
        await conn.run_sync(effects_metadata.create_all)
    handler = Fixable()
    settings = ServiceSettings(
        service_name="ops-test", database_url=empty_database_url, nats_servers=[nats_server.url], log_json=False
    )
    app = create_service_app(
        settings, title="t", description="d", routers=[], subscriptions=Subscriptions(on(ContractAwarded, handler))
    )
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://test"
    ) as client:
        yield client, handler, engine
    await engine.dispose()


async def count(engine, table: Table) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def test_a_dead_letter_is_reported_listed_and_replayed_after_a_fix(service, bus: Bus, auth_headers):
    client, handler, engine = service
    operator = auth_headers("dwp", "dwp", ["operator"], user="ops-1")
    events = [example_envelope("contract.awarded", data={"contract_id": f"contract-{n}"}) for n in (1, 2, 3)]
    for event in events:
        await bus.publish(event.subject, event.model_dump_json().encode(), msg_id=event.event_id)

    async def dead_letter_count() -> int:
        return int((await client.get("/ready")).json()["dead_letters"]["count"])

    await eventually(dead_letter_count)
    ready = await client.get("/ready")
    assert ready.status_code == 200  # degraded, not unready: it still applies everything else
    assert ready.json()["dead_letters"]["status"] == "degraded"
    assert ready.json()["dead_letters"]["oldest"] is not None
    await eventually(lambda: _equals(count(engine, effects), 2))

    listed = await client.get("/operations/dead-letters", headers=operator)
    assert listed.status_code == 200, listed.text
    [letter] = listed.json()
    assert (letter["event_id"], letter["replayed_at"]) == (events[1].event_id, None)
    assert "prime we do not handle" in letter["error"]
    detail = await client.get(f"/operations/dead-letters/{letter['id']}", headers=operator)
    assert '"contract-2"' in detail.json()["payload"]

    refused = await client.post(f"/operations/dead-letters/{letter['id']}/replay", headers=operator)
    assert refused.status_code == 409  # not fixed yet: it stays outstanding
    assert await dead_letter_count() == 1

    handler.fixed = True
    replayed = await client.post(f"/operations/dead-letters/{letter['id']}/replay", headers=operator)
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["outcome"] == "applied"
    assert replayed.json()["dead_letter"]["replayed_by"] == "ops-1"
    assert await count(engine, effects) == 3
    assert await count(engine, inbox) == 3
    assert await dead_letter_count() == 0
    assert (await client.get("/ready")).json()["dead_letters"]["status"] == "ok"
    assert (await client.get("/operations/dead-letters", headers=operator)).json() == []
    assert len((await client.get("/operations/dead-letters?include_replayed=true", headers=operator)).json()) == 1

    again = await client.post(f"/operations/dead-letters/{letter['id']}/replay", headers=operator)
    assert again.status_code == 409
    assert await count(engine, effects) == 3


async def test_two_replays_of_one_dead_letter_apply_it_once_and_record_one(service, bus: Bus, auth_headers):
    client, handler, engine = service
    event = example_envelope("contract.awarded", data={"contract_id": "contract-2"})
    await bus.publish(event.subject, event.model_dump_json().encode(), msg_id=event.event_id)
    await eventually(lambda: _equals(_count_letters(client, auth_headers), 1))
    [letter] = (await client.get("/operations/dead-letters", headers=auth_headers("dwp", "dwp", ["operator"]))).json()
    handler.fixed = True

    first, second = await asyncio.gather(*(
        client.post(f"/operations/dead-letters/{letter['id']}/replay",
                    headers=auth_headers("dwp", "dwp", ["operator"], user=user))
        for user in ("ops-1", "ops-2")
    ))

    assert sorted([first.status_code, second.status_code]) == [200, 409]
    winner = first if first.status_code == 200 else second
    [marked] = (await client.get("/operations/dead-letters?include_replayed=true",
                                 headers=auth_headers("dwp", "dwp", ["operator"]))).json()
    assert marked["replayed_by"] == winner.json()["dead_letter"]["replayed_by"]
    assert await count(engine, effects) == 1


async def _count_letters(client, auth_headers) -> int:
    return len((await client.get("/operations/dead-letters", headers=auth_headers("dwp", "dwp", ["operator"]))).json())


async def _equals(awaitable, expected) -> bool:
    return await awaitable == expected


@pytest.mark.parametrize(
    ("org", "kind", "roles"),
    [("dwp", "dwp", ["auditor"]), ("dwp", "dwp", ["contract_manager"]), ("prime-1", "prime", ["operator"])],
)
async def test_only_a_dwp_operator_sees_or_replays_dead_letters(service, auth_headers, org, kind, roles):
    client, _, _ = service
    headers = auth_headers(org, kind, roles)

    assert (await client.get("/operations/dead-letters", headers=headers)).status_code == 403
    assert (await client.post("/operations/dead-letters/1/replay", headers=headers)).status_code == 403
    assert (await client.get("/operations/dead-letters")).status_code == 401


async def test_a_missing_dead_letter_is_not_found(service, auth_headers):
    client, _, _ = service
    operator = auth_headers("dwp", "dwp", ["operator"])

    assert (await client.post("/operations/dead-letters/99/replay", headers=operator)).status_code == 404


async def test_the_operations_queries_are_as_strict_as_any_other(service, auth_headers):
    client, _, _ = service
    operator = auth_headers("dwp", "dwp", ["operator"])
    for query in ("include_replayed=yes", "include_replayed=1", "limit=6.0", "limit=+6", "after_id=1e3"):
        response = await client.get(f"/operations/dead-letters?{query}", headers=operator)
        assert response.status_code == 422, query
    assert (await client.get("/operations/dead-letters?include_replayed=true&limit=6", headers=operator)).is_success
