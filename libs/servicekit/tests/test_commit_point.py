"""One commit point: a route's unit of work commits when its endpoint returns, and only then."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from scx_messaging import LocalNatsServer
from scx_persistence import UnitOfWork, messaging_metadata
from scx_persistence.tables import outbox
from scx_servicekit import Problem, ServiceSettings, create_service_app
from scx_servicekit.app import UoW
from scx_servicekit.routing import service_router
from scx_testing import example_envelope


async def through_a_dependency(uow: UoW) -> UnitOfWork:
    return uow  # as a dependency that loads an entity (or raises 404) would hold it


Held = Annotated[UnitOfWork, Depends(through_a_dependency)]


@pytest.fixture
async def client(empty_database_url: str, nats_server: LocalNatsServer) -> AsyncIterator[httpx.AsyncClient]:
    engine = create_async_engine(empty_database_url)
    async with engine.begin() as conn:
        await conn.run_sync(messaging_metadata.create_all)
    await engine.dispose()

    router = service_router()

    @router.post("/recorded")
    async def recorded(uow: UoW) -> dict[str, str]:
        uow.record(example_envelope("organisation.registered"))
        return {"status": "ok"}

    @router.post("/refused")
    async def refused(uow: UoW) -> dict[str, str]:
        uow.record(example_envelope("organisation.registered"))
        raise Problem(409, "refused", "Refused after recording")

    @router.post("/indirect")
    async def indirect(held: Held) -> dict[str, str]:
        held.record(example_envelope("organisation.registered"))
        return {"status": "ok"}

    @router.post("/bad-answer", response_model=dict[str, int])
    async def bad_answer(uow: UoW) -> Any:
        uow.record(example_envelope("organisation.registered"))
        return {"status": "not an int"}

    @router.get("/outbox")
    async def count(uow: UoW) -> dict[str, int]:
        return {"rows": await uow.session.scalar(select(func.count()).select_from(outbox)) or 0}

    settings = ServiceSettings(database_url=empty_database_url, nats_servers=[nats_server.url], log_json=False)
    app = create_service_app(settings, title="t", description="d", routers=[router], run_relay=False)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://test"
    ) as http:
        yield http


async def test_a_route_that_returns_commits_without_saying_so(client: httpx.AsyncClient) -> None:
    assert (await client.post("/recorded")).status_code == 200
    assert (await client.get("/outbox")).json() == {"rows": 1}


async def test_a_unit_of_work_reached_through_another_dependency_commits_too(client: httpx.AsyncClient) -> None:
    assert (await client.post("/indirect")).status_code == 200
    assert (await client.get("/outbox")).json() == {"rows": 1}


async def test_an_answer_that_breaks_its_own_schema_commits_nothing(client: httpx.AsyncClient) -> None:
    # The unit of work commits once the response is built, before it is sent: an answer that cannot be built
    # (here, one outside its response model) is a 500 and leaves nothing behind.
    answer = await client.post("/bad-answer")
    assert answer.status_code == 500
    assert "may or may not have taken effect" in answer.json()["detail"]
    assert (await client.get("/outbox")).json() == {"rows": 0}


async def test_a_route_that_raises_commits_nothing(client: httpx.AsyncClient) -> None:
    assert (await client.post("/refused")).status_code == 409
    assert (await client.get("/outbox")).json() == {"rows": 0}


def test_an_app_with_a_route_that_would_never_commit_is_refused(empty_database_url: str) -> None:
    plain = APIRouter()

    @plain.post("/forgets")
    async def forgets(uow: UoW) -> None:
        uow.record(example_envelope("organisation.registered"))

    settings = ServiceSettings(database_url=empty_database_url, log_json=False)
    with pytest.raises(TypeError, match="/forgets"):  # its JSON would not be parsed strictly
        create_service_app(settings, title="t", description="d", routers=[plain])
