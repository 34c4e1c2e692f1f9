"""The yardstick `scx bench` measures the referral service against: a bare FastAPI endpoint doing one async
SQLAlchemy ORM insert into a SQLite (WAL) table, a commit, then one JetStream publish awaiting its ack.

No auth, no validation beyond the body's shape, no outbox, no idempotency: the least a service can do that
both stores a thing and tells the bus about it. SCX_BASELINE_ENGINE=inline swaps SQLAlchemy's stock aiosqlite
engine for the services' SQLite writer (ADR 0011), to compare like with like. Run as its own uvicorn process,
like the services:

    SCX_BASELINE_DATABASE=/tmp/b.db SCX_BASELINE_NATS=nats://127.0.0.1:4222 \
        uvicorn scx_cli.baseline:create_app --factory --port 8009 --no-access-log
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import nats
import uuid_utils
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from nats.js.api import StorageType, StreamConfig
from pydantic import BaseModel
from sqlalchemy import DateTime, String, Text, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from scx_persistence.sqlite_inline import inline_creator

STREAM = "SCXBENCH"
SUBJECT = "scxbench.item.created"


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"

    item_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ItemIn(BaseModel):
    kind: str
    body: dict[str, Any]


def create_app() -> FastAPI:
    database = os.environ["SCX_BASELINE_DATABASE"]
    nats_url = os.environ["SCX_BASELINE_NATS"]

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = make_url(f"sqlite+aiosqlite:///{database}")
        if os.environ.get("SCX_BASELINE_ENGINE", "stock") == "inline":
            engine = create_async_engine(url, pool_size=1, max_overflow=0, async_creator=inline_creator(url))
        else:
            engine = create_async_engine(url, pool_size=5, max_overflow=10)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            # The same durability as the services' SQLite: WAL, fsync at checkpoints.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        nc = await nats.connect(nats_url, name="scx-baseline")
        js = nc.jetstream(timeout=5.0)
        config = StreamConfig(name=STREAM, subjects=["scxbench.>"], storage=StorageType.FILE, duplicate_window=120.0)
        try:
            await js.add_stream(config)
        except Exception:
            await js.update_stream(config)
        app.state.sessions = async_sessionmaker(engine, expire_on_commit=False)
        app.state.js = js
        try:
            yield
        finally:
            await nc.drain()
            await engine.dispose()

    app = FastAPI(title="scx bench baseline", lifespan=lifespan)

    @app.post("/items", status_code=201)
    async def create_item(item: ItemIn, request: Request) -> JSONResponse:
        row = Item(
            item_id=str(uuid_utils.uuid7()), kind=item.kind, body=json.dumps(item.body),
            created_at=datetime.now(UTC),
        )
        async with request.app.state.sessions() as session:
            session.add(row)
            await session.commit()
        payload = json.dumps({"item_id": row.item_id, "kind": row.kind, "body": item.body}).encode()
        ack = await request.app.state.js.publish(SUBJECT, payload, headers={"Nats-Msg-Id": row.item_id})
        return JSONResponse({"item_id": row.item_id, "stream_sequence": ack.seq}, status_code=201)

    @app.get("/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ready"}

    return app
