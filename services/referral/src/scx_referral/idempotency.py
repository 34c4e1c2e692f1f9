"""Idempotency-Key for POST /referrals: a retry gets the first response; the same key on another body is a 422."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from scx_persistence import UnitOfWork
from scx_referral import repository
from scx_referral.claimant import NinoVault
from scx_referral.models import IdempotencyRecord
from scx_servicekit import Principal, Problem

NINO = "national_insurance_number"


def request_hash(body: BaseModel, vault: NinoVault) -> str:
    # The NI number enters the hash as its keyed pseudonym: a plain hash of a body holding it could be reversed
    # by trying every NI number.
    fields = body.model_dump(mode="json")
    if NINO in fields:
        fields[NINO] = vault.ref(fields[NINO])
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
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


async def remember(
    uow: UnitOfWork,
    principal: Principal,
    key: str,
    digest: str,
    status_code: int,
    response: dict[str, Any],
    vault: NinoVault,
) -> None:
    # The NI number is stored only sealed, here as in the referral itself.
    stored = {**response, NINO: vault.seal(response[NINO])} if NINO in response else response
    await repository.add_idempotency_record(uow.session, IdempotencyRecord(
        organisation_id=principal.organisation_id, key=key, request_hash=digest, status_code=status_code,
        response=stored, created_at=datetime.now(UTC),
    ))


def replayed_response(record: IdempotencyRecord, vault: NinoVault) -> dict[str, Any]:
    response = dict(record.response)
    if NINO in response:
        response[NINO] = vault.open(response[NINO])
    return response
