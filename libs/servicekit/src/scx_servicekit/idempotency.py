"""`Idempotency-Key` for any POST: a retry gets the first response, and nothing is done twice.

The record of the first response is written in the request's own transaction, so it exists exactly when the
effect does. A retry with the same key and body is answered with the stored response and `Idempotent-Replay:
true`; the same key with another body is a 422; two requests racing with one key are both answered as the first
(on PostgreSQL the second's INSERT waits for the first's commit, then fails on the key and replays it). A failed
request stores nothing, so retrying it is safe. Keys are per organisation.

A service whose responses carry something sensitive supplies a `Sealing`: it fingerprints the request body
before hashing (a plain hash of a body holding an NI number could be reversed by trying every NI number), and
seals the stored response, opening it again on replay.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Protocol

from fastapi import Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from scx_persistence import UnitOfWork
from scx_persistence.tables import idempotency_records
from scx_servicekit.auth import Principal
from scx_servicekit.problems import Problem

REPLAY_HEADER = "Idempotent-Replay"

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
    """What a POST answers: its status, JSON body and headers. `stored`, when given, is the body already sealed for
    storage (so a service need not seal twice what it sealed once for its own tables)."""

    status_code: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    stored: dict[str, Any] | None = None


def check_key(key: str) -> None:
    if not 1 <= len(key) <= 200 or not key.isascii() or not key.isprintable():
        raise Problem(
            400, "invalid-idempotency-key", "The Idempotency-Key is not valid",
            "Send 1-200 printable ASCII characters, e.g. a UUID.",
            errors=[{"field": "header.Idempotency-Key", "message": "1-200 printable ASCII characters"}],
        )


def request_hash(body: BaseModel, sealing: Sealing) -> str:
    canonical = json.dumps(sealing.fingerprint(body.model_dump(mode="json")), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def _earlier(uow: UnitOfWork, organisation_id: str, key: str, digest: str) -> dict[str, Any] | None:
    c = idempotency_records.c
    query = select(idempotency_records).where(c.organisation_id == organisation_id, c.key == key)
    row = (await (await uow.session.connection()).execute(query)).mappings().one_or_none()
    if row is None:
        return None
    if row["request_hash"] != digest:
        raise Problem(
            422, "idempotency-key-reused", "The Idempotency-Key was used for a different request",
            "A retry must send the same body as the first request; use a new key for a new request.",
            errors=[{"field": "header.Idempotency-Key", "message": "already used with another body"}],
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
    digest = request_hash(body, sealing)
    earlier = await _earlier(uow, principal.organisation_id, key, digest)
    if earlier is not None:
        return _replay(earlier, sealing, location)
    answer = await perform()
    stored = answer.stored if answer.stored is not None else sealing.seal(answer.body)
    try:
        # The key is checked at this INSERT (PostgreSQL makes a concurrent one wait for the other's commit).
        await (await uow.session.connection()).execute(insert(idempotency_records).values(
            organisation_id=principal.organisation_id, key=key, request_hash=digest,
            status_code=answer.status_code, response=stored, created_at=datetime.now(UTC),
        ))
    except IntegrityError:
        await uow.rollback()  # our effect goes; the racing request's stands, and we answer with its response
        earlier = await _earlier(uow, principal.organisation_id, key, digest)
        if earlier is None:
            raise
        return _replay(earlier, sealing, location)
    return JSONResponse(answer.body, status_code=answer.status_code, headers=answer.headers)
