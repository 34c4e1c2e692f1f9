"""`Idempotency-Key` for any POST: a retry gets the first response, and nothing is done twice.

The key is claimed first, by inserting its record in the request's own transaction before anything is done, and
the record is completed with the answer; so it exists exactly when the effect does. A retry with the same key and
the same request (method, path and body) is answered with the stored response and `Idempotent-Replay: true`; the
same key on another request is a 422; two requests racing with one key are answered as one (on PostgreSQL the
second's claim waits for the first's commit, then fails on the key and replays the first's answer, before doing
anything itself). A failed request stores nothing, so retrying it is safe. Keys are per organisation.

A key is kept for `idempotency_retention_hours` (24 by default): past that, it answers nothing, is free for a new
request, and its record is deleted (by `purge_expired`, which the app runs every hour, or by its next use).

A service whose responses carry something sensitive supplies a `Sealing`: it fingerprints the request body
before hashing (a plain hash of a body holding an NI number could be reversed by trying every NI number), and
seals the stored response, opening it again on replay.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Protocol

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from scx_persistence import UnitOfWork, UnitOfWorkFactory
from scx_persistence.tables import idempotency_records
from scx_servicekit.auth import Principal
from scx_servicekit.problems import Problem

REPLAY_HEADER = "Idempotent-Replay"
log = logging.getLogger("scx.idempotency")

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="A retry-safe key of 1-200 printable characters (e.g. a UUID): a retry with the same key and "
        "body gets the first response back, and nothing is done twice.",
    ),
]


class Sealing(Protocol):
    def fingerprint(self, body: dict[str, Any]) -> dict[str, Any]: ...
    def seal(self, response: dict[str, Any]) -> dict[str, Any]: ...
    def open(self, stored: dict[str, Any]) -> dict[str, Any]: ...


class NoSealing:
    def fingerprint(self, body: dict[str, Any]) -> dict[str, Any]:
        return body

    def seal(self, response: dict[str, Any]) -> dict[str, Any]:
        return response

    def open(self, stored: dict[str, Any]) -> dict[str, Any]:
        return stored


@dataclass(frozen=True)
class Answer:
    """What a POST answers: its status, JSON body and headers."""

    status_code: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def check_key(key: str) -> None:
    if not 1 <= len(key) <= 200 or not key.isascii() or not key.isprintable():
        raise Problem(
            400, "invalid-idempotency-key", "The Idempotency-Key is not valid",
            "Send 1-200 printable ASCII characters, e.g. a UUID.",
            errors=[{"field": "header.Idempotency-Key", "message": "1-200 printable ASCII characters"}],
        )


def request_hash(request: Request, body: BaseModel, sealing: Sealing) -> str:
    """The request a key was used for: its method and path (so one key cannot answer for another record) and body."""
    fingerprint = {
        "method": request.method, "path": request.url.path, "body": sealing.fingerprint(body.model_dump(mode="json"))
    }
    canonical = json.dumps(fingerprint, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _earlier(
    uow: UnitOfWork, organisation_id: str, key: str, digest: str, kept_since: datetime
) -> dict[str, Any] | None:
    c = idempotency_records.c
    where = (c.organisation_id == organisation_id, c.key == key)
    connection = await uow.session.connection()
    row = (await connection.execute(select(idempotency_records).where(*where))).mappings().one_or_none()
    if row is None:
        return None
    if row["created_at"] < kept_since:
        await connection.execute(delete(idempotency_records).where(*where))  # expired: the key is free again
        return None
    if row["request_hash"] != digest:
        raise Problem(
            422, "idempotency-key-reused", "The Idempotency-Key was used for a different request",
            "A retry must send the same request (method, path and body) as the first; use a new key for a new request.",
            errors=[{"field": "header.Idempotency-Key", "message": "already used for another request"}],
        )
    return dict(row)


def _replay(record: dict[str, Any], sealing: Sealing, location: Callable[[dict[str, Any]], str] | None) -> JSONResponse:
    body = sealing.open(dict(record["response"]))
    headers = {REPLAY_HEADER: "true"}
    if location is not None and record["status_code"] == 201:
        headers["Location"] = location(body)
    return JSONResponse(body, status_code=record["status_code"], headers=headers)


async def once(
    uow: UnitOfWork,
    principal: Principal,
    request: Request,
    key: str | None,
    body: BaseModel,
    perform: Callable[[], Awaitable[Answer]],
    *,
    sealing: Sealing | None = None,
    location: Callable[[dict[str, Any]], str] | None = None,
) -> JSONResponse:
    """Do `perform` once per key: the first time for real, every retry as a replay of the first answer.

    Call it after the caller's own permission checks: a replay must never show a response to someone who may not
    make the request. `location` rebuilds the Location header of a replayed 201 from its body.
    """
    sealing = sealing or NoSealing()
    if key is None:
        answer = await perform()
        return JSONResponse(answer.body, status_code=answer.status_code, headers=answer.headers)
    check_key(key)
    digest = request_hash(request, body, sealing)
    kept_since = datetime.now(UTC) - timedelta(hours=request.app.state.settings.idempotency_retention_hours)
    earlier = await _earlier(uow, principal.organisation_id, key, digest, kept_since)
    if earlier is not None:
        return _replay(earlier, sealing, location)
    c = idempotency_records.c
    connection = await uow.session.connection()
    try:
        # The claim: the key's unique index is checked here, before anything is done (PostgreSQL makes a concurrent
        # claim wait for ours to commit or roll back), so a racing request never does the work at all.
        await connection.execute(insert(idempotency_records).values(
            organisation_id=principal.organisation_id, key=key, request_hash=digest, status_code=0, response={},
            created_at=datetime.now(UTC),
        ))
    except IntegrityError:
        await uow.rollback()
        earlier = await _earlier(uow, principal.organisation_id, key, digest, kept_since)
        if earlier is None:
            raise
        return _replay(earlier, sealing, location)
    answer = await perform()
    await connection.execute(
        update(idempotency_records)
        .where(c.organisation_id == principal.organisation_id, c.key == key)
        .values(status_code=answer.status_code, response=sealing.seal(answer.body))
    )
    return JSONResponse(answer.body, status_code=answer.status_code, headers=answer.headers)


async def purge_expired(factory: UnitOfWorkFactory, *, retention_hours: float) -> int:
    """Delete the records of keys older than the retention; how many."""
    kept_since = datetime.now(UTC) - timedelta(hours=retention_hours)
    async with factory() as uow:
        result = await (await uow.session.connection()).execute(
            delete(idempotency_records).where(idempotency_records.c.created_at < kept_since)
        )
        await uow.commit()
    return int(result.rowcount or 0)


async def purge_every(factory: UnitOfWorkFactory, *, retention_hours: float, interval_seconds: float = 3600) -> None:
    """The app's housekeeping: purge expired keys now and then, for as long as it runs; a failed purge is retried at
    the next interval (nothing depends on it but the deletion of copies)."""
    while True:
        try:
            purged = await purge_expired(factory, retention_hours=retention_hours)
            if purged:
                log.info("purged %d expired Idempotency-Key records", purged)
        except Exception:
            log.exception("purging expired Idempotency-Key records failed; trying again in %.0f s", interval_seconds)
        await asyncio.sleep(interval_seconds)
