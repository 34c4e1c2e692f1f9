"""Driving a service's app in tests and checking what it answers and what it writes.

Shared by every service's tests: a probe over the running app and its database, the RFC 9457 problem-document
check, the event-schema check, and the set of bad tokens every endpoint must refuse.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import httpx
import jsonschema
import jwt
from fastapi import FastAPI
from sqlalchemy import MetaData, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from scx_contracts import catalogue
from scx_persistence.tables import idempotency_records, inbox, outbox
from scx_servicekit import TokenIssuer
from scx_servicekit.settings import DEV_JWT_SECRET

PROBLEM_JSON = "application/problem+json"


@dataclass
class ServiceProbe:
    """A running app, its HTTP client, and reads of its database for the assertions."""

    app: FastAPI
    client: httpx.AsyncClient
    metadata: MetaData

    @property
    def engine(self) -> AsyncEngine:
        engine: AsyncEngine = self.app.state.runtime.engine
        return engine

    async def counts(self) -> dict[str, int]:
        """Rows in each of the service's own tables, its outbox and its idempotency records."""
        tables = [*self.metadata.sorted_tables, outbox, idempotency_records]
        async with self.engine.connect() as conn:
            return {t.name: int(await conn.scalar(select(func.count()).select_from(t)) or 0) for t in tables}

    async def rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table the service has, the outbox and inbox included."""
        async with self.engine.connect() as conn:
            return {
                t.name: [dict(r._mapping) for r in (await conn.execute(select(t))).all()]
                for t in [*self.metadata.sorted_tables, outbox, inbox, idempotency_records]
            }

    async def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """The envelopes in the outbox, oldest first."""
        envelopes = [json.loads(p) for p in await self.raw_outbox()]
        return [e for e in envelopes if event_type is None or e["type"] == event_type]

    async def raw_outbox(self) -> list[str]:
        async with self.engine.connect() as conn:
            return list((await conn.scalars(select(outbox.c.payload).order_by(outbox.c.position))).all())

    async def applied(self) -> set[str]:
        """The event ids the service's consumer has applied (its inbox)."""
        async with self.engine.connect() as conn:
            return set((await conn.scalars(select(inbox.c.event_id))).all())

    @asynccontextmanager
    async def writes_nothing(self) -> AsyncIterator[None]:
        before = await self.counts()
        yield
        assert await self.counts() == before, "a rejected request changed the database"


@asynccontextmanager
async def serve(app: FastAPI, metadata: MetaData) -> AsyncIterator[ServiceProbe]:
    """Run the app's lifespan (engine, NATS, relay, consumer) and talk to it in-process."""
    transport = httpx.ASGITransport(app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield ServiceProbe(app, c, metadata)


def problem(response: httpx.Response, status: int, *, field: str | None = None) -> dict[str, Any]:
    """Assert an RFC 9457 problem document with `status` (naming `field`, if given) and return it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://")
    if field is not None:
        fields = [e["field"] for e in body.get("errors", [])]
        assert field in fields, f"{field} not named in {fields}"
    return body


def slug(body: dict[str, Any]) -> str:
    return str(body["type"]).rsplit("/", 1)[-1]


@cache
def _schema(event_type: str, version: int) -> dict[str, Any]:
    return catalogue.schema_for(event_type, version)


def assert_valid_events(envelopes: list[dict[str, Any]]) -> None:
    """Every envelope validates against its published JSON Schema (docs/events, kept equal to these by a test)."""
    assert envelopes, "no events to check"
    for envelope in envelopes:
        jsonschema.validate(
            envelope,
            _schema(envelope["type"], envelope["version"]),
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )


def bad_tokens(organisation_id: str, kind: str, role: str) -> dict[str, str | None]:
    """Authorization headers every endpoint must answer with 401, each for a different reason."""
    issuer = TokenIssuer()
    now = datetime.now(UTC)
    without_org = jwt.encode(
        {"sub": "someone", "iss": issuer.issuer, "aud": issuer.audience, "iat": now, "exp": now + timedelta(hours=1)},
        DEV_JWT_SECRET,
        algorithm="HS256",
    )
    return {
        "missing": None,
        "expired": f"Bearer {issuer.issue(organisation_id, kind, [role], lifetime=timedelta(seconds=-10))}",
        "another-secret": f"Bearer {TokenIssuer(secret='not-our-secret-' * 4).issue(organisation_id, kind, [role])}",
        "no-org-claims": f"Bearer {without_org}",
        "unknown-kind": f"Bearer {issuer.issue(organisation_id, 'council', [role])}",
        "another-audience": f"Bearer {TokenIssuer(audience='elsewhere').issue(organisation_id, kind, [role])}",
        "another-issuer": f"Bearer {TokenIssuer(issuer='elsewhere').issue(organisation_id, kind, [role])}",
        "not-a-jwt": "Bearer abc.def.ghi",
        "basic-scheme": "Basic c29tZW9uZTpzZWNyZXQ=",
    }
