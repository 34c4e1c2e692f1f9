"""Every query the referral service makes.

The journey's tables (referrals, allocations, idempotency records) and the read model's lookups on a request's
path are read and written with SQLAlchemy Core statements on the session's connection, not through the ORM's unit
of work: its flush was the largest single cost of a request (docs/benchmarks.md). Rows come back as transient
model objects, outside the session, so changing one changes nothing in the database: a change is saved by the
explicit UPDATE of `save_referral` or `save_allocation`. The read model's handlers keep the ORM
(`get_known_subcontract`), off the requests' path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import Select, Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scx_referral.models import (
    Allocation,
    IdempotencyRecord,
    KnownContract,
    KnownOrganisation,
    KnownSubcontract,
    Referral,
)

referrals = cast(Table, Referral.__table__)
allocations = cast(Table, Allocation.__table__)
idempotency_records = cast(Table, IdempotencyRecord.__table__)
known_organisations = cast(Table, KnownOrganisation.__table__)
known_contracts = cast(Table, KnownContract.__table__)
known_subcontracts = cast(Table, KnownSubcontract.__table__)

M = TypeVar("M")


async def _all(session: AsyncSession, model: type[M], query: Select[Any]) -> list[M]:
    rows = (await (await session.connection()).execute(query)).mappings()
    return [model(**row) for row in rows]


async def _one(session: AsyncSession, model: type[M], query: Select[Any]) -> M | None:
    row = (await (await session.connection()).execute(query)).mappings().one_or_none()
    return None if row is None else model(**row)


async def _insert(session: AsyncSession, table: Table, obj: object) -> None:
    await (await session.connection()).execute(insert(table), {c.key: getattr(obj, c.key) for c in table.columns})


@dataclass(frozen=True)
class ReferralFilter:
    prime_id: str | None = None
    referrer_id: str | None = None
    current_partner_id: str | None = None
    contract_id: str | None = None
    status: str | None = None
    payment_group: int | None = None
    benefit_type: str | None = None
    referred_from: date | None = None
    referred_to: date | None = None


async def get_referral(session: AsyncSession, referral_id: str, *, for_update: bool = False) -> Referral | None:
    query = select(referrals).where(referrals.c.referral_id == referral_id)
    if for_update:
        query = query.with_for_update()
    return await _one(session, Referral, query)


async def add_referral(session: AsyncSession, referral: Referral) -> None:
    await _insert(session, referrals, referral)


async def save_referral(session: AsyncSession, referral: Referral, **changes: Any) -> None:
    """Make the changes to the referral and write them."""
    for name, value in changes.items():
        setattr(referral, name, value)
    statement = update(referrals).where(referrals.c.referral_id == referral.referral_id).values(changes)
    await (await session.connection()).execute(statement)


async def list_referrals(
    session: AsyncSession, where: ReferralFilter, *, after: str | None, limit: int
) -> Sequence[Referral]:
    c = referrals.c
    query = select(referrals).order_by(c.referral_id).limit(limit)
    for column, value in (
        (c.prime_id, where.prime_id),
        (c.referrer_id, where.referrer_id),
        (c.current_partner_id, where.current_partner_id),
        (c.contract_id, where.contract_id),
        (c.status, where.status),
        (c.payment_group, where.payment_group),
        (c.benefit_type, where.benefit_type),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.referred_from:
        query = query.where(c.referral_date >= where.referred_from)
    if where.referred_to:
        query = query.where(c.referral_date <= where.referred_to)
    if after:
        query = query.where(c.referral_id > after)
    return await _all(session, Referral, query)


async def get_allocation(session: AsyncSession, allocation_id: str) -> Allocation | None:
    return await _one(session, Allocation, select(allocations).where(allocations.c.allocation_id == allocation_id))


async def add_allocation(session: AsyncSession, allocation: Allocation) -> None:
    await _insert(session, allocations, allocation)


async def save_allocation(session: AsyncSession, allocation: Allocation, **changes: Any) -> None:
    """Make the changes to the allocation and write them."""
    for name, value in changes.items():
        setattr(allocation, name, value)
    statement = update(allocations).where(allocations.c.allocation_id == allocation.allocation_id).values(changes)
    await (await session.connection()).execute(statement)


async def allocations_of(session: AsyncSession, referral_id: str) -> Sequence[Allocation]:
    query = select(allocations).where(allocations.c.referral_id == referral_id).order_by(allocations.c.allocation_id)
    return await _all(session, Allocation, query)


async def current_allocations(session: AsyncSession, allocation_ids: list[str]) -> dict[str, Allocation]:
    if not allocation_ids:
        return {}
    query = select(allocations).where(allocations.c.allocation_id.in_(allocation_ids))
    return {a.allocation_id: a for a in await _all(session, Allocation, query)}


async def allocations_in_month(session: AsyncSession, subcontract_id: str, on: date) -> int:
    first = on.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    query = select(func.count()).where(
        allocations.c.subcontract_id == subcontract_id,
        allocations.c.allocated_on >= first,
        allocations.c.allocated_on < following,
    )
    return int(await (await session.connection()).scalar(query) or 0)


async def get_idempotency_record(session: AsyncSession, organisation_id: str, key: str) -> IdempotencyRecord | None:
    c = idempotency_records.c
    query = select(idempotency_records).where(c.organisation_id == organisation_id, c.key == key)
    return await _one(session, IdempotencyRecord, query)


async def add_idempotency_record(session: AsyncSession, record: IdempotencyRecord) -> None:
    await _insert(session, idempotency_records, record)


# The read model


async def get_known_organisation(session: AsyncSession, organisation_id: str) -> KnownOrganisation | None:
    query = select(known_organisations).where(known_organisations.c.organisation_id == organisation_id)
    return await _one(session, KnownOrganisation, query)


async def get_known_contract(session: AsyncSession, contract_id: str) -> KnownContract | None:
    query = select(known_contracts).where(known_contracts.c.contract_id == contract_id)
    return await _one(session, KnownContract, query)


async def get_known_subcontract(session: AsyncSession, subcontract_id: str) -> KnownSubcontract | None:
    """Through the ORM, in the session: the read model's handlers change what this returns."""
    return await session.get(KnownSubcontract, subcontract_id)


async def subcontracts_between(
    session: AsyncSession, *, contract_id: str, prime_id: str, partner_id: str
) -> Sequence[KnownSubcontract]:
    c = known_subcontracts.c
    query = (
        select(known_subcontracts)
        .where(c.contract_id == contract_id, c.prime_id == prime_id, c.partner_id == partner_id)
        .order_by(c.subcontract_id)
    )
    return await _all(session, KnownSubcontract, query)
