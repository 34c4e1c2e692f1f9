"""Idempotency-Key for POST /referrals: a retry gets the first response; the same key on another body is a 422."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from scx_persistence import UnitOfWork
from scx_referral import repository
from scx_referral.models import IdempotencyRecord
from scx_servicekit import Principal, Problem


def request_hash(body: BaseModel) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> None:
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise Problem(
            400, "invalid-idempotency-key", "The Idempotency-Key is not valid",
            "Send 1-200 printable characters, e.g. a UUID.",
            errors=[{"field": "header.Idempotency-Key", "message": "1-200 printable characters"}],
        )


async def replay(uow: UnitOfWork, principal: Principal, key: str, digest: str) -> IdempotencyRecord | None:
    record = await repository.get_idempotency_record(uow.session, principal.organisation_id, key)
    if record is not None and record.request_hash != digest:
        raise Problem(
            422, "idempotency-key-reused", "The Idempotency-Key was used for a different request",
            "A retry must send the same body as the first request; use a new key for a new referral.",
            errors=[{"field": "header.Idempotency-Key", "message": "already used with another body"}],
        )
    return record


def remember(
    uow: UnitOfWork, principal: Principal, key: str, digest: str, status_code: int, response: dict[str, Any]
) -> None:
    uow.session.add(IdempotencyRecord(
        organisation_id=principal.organisation_id, key=key, request_hash=digest, status_code=status_code,
        response=response, created_at=datetime.now(UTC),
    ))
