"""Statements of the claims area: the evidence register and the claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from scx_claims.models.claims import Claim, Evidence, claims, evidence
from scx_persistence import UnitOfWork
from scx_persistence.records import (
    Narrowable,
    fetch_all,
    fetch_one,
    insert_if_new,
    insert_record,
    select_by,
    update_record,
)

# What a decision changes; the rest of a claim is fixed when it is submitted.
CLAIM_DECISION = (
    "status", "decided_on", "decided_by", "approved_by", "rejection_reason", "decision_note", "decided_at",
)


@dataclass(frozen=True)
class Scope(Narrowable):
    """Which rows a list shows: the caller's scope (DWP all; a prime its own) narrowed by what it asked for."""

    prime_id: str | None = None
    case_id: str | None = None
    contract_id: str | None = None
    kind: str | None = None
    status: str | None = None
    job_id: str | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None



# The evidence register


async def add_evidence(uow: UnitOfWork, held: Evidence) -> None:
    await insert_record(uow, evidence, held)


async def get_evidence(uow: UnitOfWork, evidence_id: str) -> Evidence | None:
    return await fetch_one(uow, Evidence, select_by(evidence, "evidence_id"), {"evidence_id": evidence_id})


async def evidence_by_ids(uow: UnitOfWork, evidence_ids: Sequence[str]) -> dict[str, Evidence]:
    query = select(evidence).where(evidence.c.evidence_id.in_(list(evidence_ids)))
    return {e.evidence_id: e for e in await fetch_all(uow, Evidence, query)}


async def list_evidence(uow: UnitOfWork, where: Scope, *, after: str | None, limit: int) -> list[Evidence]:
    e = evidence.c
    query = select(evidence).order_by(e.evidence_id).limit(limit)
    for column, value in ((e.prime_id, where.prime_id), (e.case_id, where.case_id), (e.kind, where.kind),
                          (e.job_id, where.job_id)):
        if value is not None:
            query = query.where(column == value)
    if after is not None:
        query = query.where(e.evidence_id > after)
    return await fetch_all(uow, Evidence, query)


# Claims


async def add_claim(uow: UnitOfWork, claim: Claim) -> bool:
    """False when the entitlement already has a live (not rejected) claim: the unique index decides, so a
    concurrent duplicate that passed every check before it makes no second claim."""
    return await insert_if_new(uow, claims, claim)


async def get_claim(uow: UnitOfWork, claim_id: str, *, for_update: bool = False) -> Claim | None:
    query = select_by(claims, "claim_id", for_update=for_update)
    return await fetch_one(uow, Claim, query, {"claim_id": claim_id})


async def update_claim(uow: UnitOfWork, claim: Claim) -> None:
    await update_record(uow, claims, claim, columns=CLAIM_DECISION)


async def list_claims(uow: UnitOfWork, where: Scope, *, after: str | None, limit: int) -> list[Claim]:
    c = claims.c
    query = select(claims).order_by(c.claim_id).limit(limit)
    for column, value in ((c.prime_id, where.prime_id), (c.case_id, where.case_id),
                          (c.contract_id, where.contract_id), (c.kind, where.kind), (c.status, where.status)):
        if value is not None:
            query = query.where(column == value)
    if where.submitted_from is not None:
        query = query.where(c.submitted_on >= where.submitted_from)
    if where.submitted_to is not None:
        query = query.where(c.submitted_on <= where.submitted_to)
    if after is not None:
        query = query.where(c.claim_id > after)
    return await fetch_all(uow, Claim, query)
