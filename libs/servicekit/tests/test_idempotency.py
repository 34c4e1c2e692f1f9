"""`Idempotency-Key` on any POST, from the service kit: the first answer replayed, nothing done twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import Request
from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import create_async_engine

from scx_messaging import LocalNatsServer
from scx_persistence import messaging_metadata
from scx_persistence.tables import idempotency_records, outbox
from scx_servicekit import Problem, ServiceSettings, create_service_app, idempotency
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.idempotency import IdempotencyKey
from scx_servicekit.routing import service_router
from scx_testing import example_envelope


class Order(BaseModel):
    secret: str
    amount: int


class Reversing:
    """A stand-in for a real sealing (the referral service's encrypts the NI number): visible in the table."""

    def fingerprint(self, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "secret": body["secret"][::-1]}

    def seal(self, response: dict[str, Any]) -> dict[str, Any]:
        return {**response, "secret": "sealed:" + response["secret"]}

    def open(self, stored: dict[str, Any]) -> dict[str, Any]:
        return {**stored, "secret": stored["secret"].removeprefix("sealed:")}


@pytest.fixture
async def client(empty_database_url: str, nats_server: LocalNatsServer) -> AsyncIterator[httpx.AsyncClient]:
    engine = create_async_engine(empty_database_url)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
    await engine.dispose()
    router = service_router()
    made = 0

    @router.post("/orders", status_code=201)
    async def place(
        body: Order, principal: CurrentPrincipal, uow: UoW, request: Request, key: IdempotencyKey = None
    ) -> Any:
        async def perform() -> idempotency.Answer:
            nonlocal made
            if body.amount < 0:
                raise Problem(422, "negative", "Negative amount")
            await asyncio.sleep(0.05)  # widen the window two racing requests share
            made += 1
            uow.record(example_envelope("organisation.registered"))
            out = {"order": made, "secret": body.secret, "amount": body.amount}
            return idempotency.Answer(201, out, headers={"Location": f"/orders/{made}"})

        return await idempotency.once(
            uow, principal, request, key, body, perform, sealing=Reversing(), location=lambda b: f"/orders/{b['order']}"
        )

    @router.post("/orders/{order}/ship")
    async def ship(
        order: int, body: Order, principal: CurrentPrincipal, uow: UoW, request: Request, key: IdempotencyKey = None
    ) -> Any:
        async def perform() -> idempotency.Answer:
            return idempotency.Answer(200, {"shipped": order, "secret": body.secret, "amount": body.amount})

        return await idempotency.once(uow, principal, request, key, body, perform, sealing=Reversing())

    @router.get("/counts")
    async def counts(uow: UoW) -> dict[str, int]:
        session = uow.session
        return {
            "events": await session.scalar(select(func.count()).select_from(outbox)) or 0,
            "records": await session.scalar(select(func.count()).select_from(idempotency_records)) or 0,
        }

    @router.get("/stored")
    async def stored(uow: UoW) -> list[dict[str, Any]]:
        return [dict(r) for r in (await uow.session.execute(select(idempotency_records.c.response))).mappings()]

    settings = ServiceSettings(database_url=empty_database_url, nats_servers=[nats_server.url], log_json=False)
    app = create_service_app(settings, title="t", description="d", routers=[router], run_relay=False)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://test"
    ) as http:
        yield http


@pytest.fixture
def headers(auth_headers: Any) -> dict[str, str]:
    return {**auth_headers("prime-1", "prime", ["manager"]), "Idempotency-Key": "key-1"}


async def test_a_retry_gets_the_first_answer_and_nothing_is_done_twice(client, headers) -> None:
    first = await client.post("/orders", json={"secret": "abc", "amount": 5}, headers=headers)
    again = await client.post("/orders", json={"secret": "abc", "amount": 5}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() == {"order": 1, "secret": "abc", "amount": 5}
    assert again.headers["idempotent-replay"] == "true" and again.headers["location"] == "/orders/1"
    assert "idempotent-replay" not in first.headers
    assert (await client.get("/counts", headers=headers)).json() == {"events": 1, "records": 1}
    [stored] = (await client.get("/stored", headers=headers)).json()
    assert stored["response"]["secret"] == "sealed:abc"  # never in the clear at rest


async def test_the_same_key_with_another_body_is_refused(client, headers) -> None:
    await client.post("/orders", json={"secret": "abc", "amount": 5}, headers=headers)
    reused = await client.post("/orders", json={"secret": "abc", "amount": 6}, headers=headers)

    assert reused.status_code == 422
    assert reused.json()["type"].endswith("/idempotency-key-reused")


async def test_a_bad_key_is_a_400(client, headers) -> None:
    for bad in ("", "x" * 201, "tab\tkey", "caf\u00e9".encode("latin-1")):
        response = await client.post("/orders", json={"secret": "a", "amount": 1},
                                     headers={**headers, "Idempotency-Key": bad})
        assert response.status_code == 400, bad
        assert response.json()["errors"][0]["field"] == "header.Idempotency-Key"


async def test_a_failed_request_is_not_remembered(client, headers) -> None:
    failed = await client.post("/orders", json={"secret": "a", "amount": -1}, headers=headers)
    fixed = await client.post("/orders", json={"secret": "a", "amount": -1}, headers=headers)

    assert failed.status_code == fixed.status_code == 422
    assert (await client.get("/counts", headers=headers)).json() == {"events": 0, "records": 0}


async def test_racing_requests_with_one_key_are_answered_as_one(client, headers, backend: str) -> None:
    body = {"secret": "abc", "amount": 5}
    answers = await asyncio.gather(*(client.post("/orders", json=body, headers=headers) for _ in range(4)))

    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["order"] for a in answers}) == 1
    assert sum(a.headers.get("idempotent-replay") == "true" for a in answers) == 3
    assert (await client.get("/counts", headers=headers)).json() == {"events": 1, "records": 1}


async def test_a_key_answers_only_for_the_request_it_was_used_on(client, headers) -> None:
    body = {"secret": "abc", "amount": 5}
    first = await client.post("/orders/1/ship", json=body, headers=headers)
    other_order = await client.post("/orders/2/ship", json=body, headers=headers)
    other_route = await client.post("/orders", json=body, headers=headers)

    assert first.status_code == 200 and first.json()["shipped"] == 1
    assert other_order.status_code == other_route.status_code == 422
    assert other_order.json()["type"].endswith("/idempotency-key-reused")


async def _age_records(client, hours: float) -> None:
    app = client._transport.app  # type: ignore[attr-defined]
    async with app.state.runtime.uow_factory() as uow:
        await uow.session.execute(update(idempotency_records).values(
            created_at=datetime.now(UTC) - timedelta(hours=hours)
        ))
        await uow.commit()


async def test_a_key_past_its_retention_is_free_again_and_its_old_answer_gone(client, headers) -> None:
    body = {"secret": "abc", "amount": 5}
    first = await client.post("/orders", json=body, headers=headers)
    await _age_records(client, 25)  # past the default 24 hours

    again = await client.post("/orders", json=body, headers=headers)

    assert again.status_code == 201 and "idempotent-replay" not in again.headers
    assert again.json()["order"] == first.json()["order"] + 1  # done again: the key no longer answers
    assert (await client.get("/counts", headers=headers)).json() == {"events": 2, "records": 1}


async def test_expired_records_are_purged(client, headers) -> None:
    await client.post("/orders", json={"secret": "abc", "amount": 5}, headers=headers)
    await client.post("/orders", json={"secret": "abc", "amount": 5}, headers={**headers, "Idempotency-Key": "k2"})
    await _age_records(client, 25)
    await client.post("/orders", json={"secret": "abc", "amount": 5}, headers={**headers, "Idempotency-Key": "k3"})
    app = client._transport.app  # type: ignore[attr-defined]

    purged = await idempotency.purge_expired(app.state.runtime.uow_factory, retention_hours=24)

    assert purged == 2
    assert (await client.get("/counts", headers=headers)).json()["records"] == 1
