"""Every query the referral service makes.

The journey's tables (referrals, allocations, idempotency records) and the read model's lookups on a request's
path are read and written with SQLAlchemy Core statements on the session's connection, not through the ORM's unit
of work: its flush was the largest single cost of a request (docs/benchmarks.md). The statements are built once,
with bound parameters, so SQLAlchemy neither builds them nor computes their cache keys again for each request.
Rows come back as transient
model objects, outside the session, so changing one changes nothing in the database: a change is saved by the
explicit UPDATE of `save_referral` or `save_allocation`. The read model's handlers keep the ORM
(`get_known_subcontract`), off the requests' path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import Executable, Insert, Select, Table, Update, bindparam, func, insert, select, update
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


_built: dict[tuple[object, ...], Any] = {}  # statements by what they were built from; a few dozen at most


def _select_by(table: Table, *columns: str, for_update: bool = False) -> Select[Any]:
    """SELECT * FROM table WHERE each named column = :that_column."""
    key = ("select", table, columns, for_update)
    if key not in _built:
        query = select(table).where(*(table.c[name] == bindparam(name) for name in columns))
        _built[key] = query.with_for_update() if for_update else query
    statement: Select[Any] = _built[key]
    return statement


def _insert_into(table: Table) -> Insert:
    key = ("insert", table)
    if key not in _built:
        _built[key] = insert(table)
    statement: Insert = _built[key]
    return statement


def _update_by(table: Table, key_column: str, columns: frozenset[str]) -> Update:
    """UPDATE table SET each named column = :v_column WHERE key_column = :b_key."""
    key = ("update", table, key_column, columns)
    if key not in _built:
        _built[key] = (
            update(table)
            .where(table.c[key_column] == bindparam("b_key"))
            .values({c: bindparam(f"v_{c}") for c in columns})
        )
    statement: Update = _built[key]
    return statement


async def _all(session: AsyncSession, model: type[M], query: Executable, **params: Any) -> list[M]:
    rows = (await (await session.connection()).execute(query, params)).mappings()
    return [model(**row) for row in rows]


async def _one(session: AsyncSession, model: type[M], query: Executable, **params: Any) -> M | None:
    row = (await (await session.connection()).execute(query, params)).mappings().one_or_none()
    return None if row is None else model(**row)


async def _insert(session: AsyncSession, table: Table, obj: object) -> None:
    values = {c.key: getattr(obj, c.key) for c in table.columns}
    await (await session.connection()).execute(_insert_into(table), values)


async def _save(session: AsyncSession, table: Table, key: str, obj: object, changes: dict[str, Any]) -> None:
    """Make the changes to the object and write them to its row."""
    for name, value in changes.items():
        setattr(obj, name, value)
    params = {"b_key": getattr(obj, key), **{f"v_{name}": value for name, value in changes.items()}}
    await (await session.connection()).execute(_update_by(table, key, frozenset(changes)), params)


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
    query = _select_by(referrals, "referral_id", for_update=for_update)
    return await _one(session, Referral, query, referral_id=referral_id)


async def add_referral(session: AsyncSession, referral: Referral) -> None:
    await _insert(session, referrals, referral)


async def save_referral(session: AsyncSession, referral: Referral, **changes: Any) -> None:
    """Make the changes to the referral and write them."""
    await _save(session, referrals, "referral_id", referral, changes)


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
    return await _one(session, Allocation, _select_by(allocations, "allocation_id"), allocation_id=allocation_id)


async def add_allocation(session: AsyncSession, allocation: Allocation) -> None:
    await _insert(session, allocations, allocation)


async def save_allocation(session: AsyncSession, allocation: Allocation, **changes: Any) -> None:
    """Make the changes to the allocation and write them."""
    await _save(session, allocations, "allocation_id", allocation, changes)


async def allocations_of(session: AsyncSession, referral_id: str) -> Sequence[Allocation]:
    query = select(allocations).where(allocations.c.referral_id == referral_id).order_by(allocations.c.allocation_id)
    return await _all(session, Allocation, query)


async def current_allocations(session: AsyncSession, allocation_ids: list[str]) -> dict[str, Allocation]:
    if not allocation_ids:
        return {}
    query = select(allocations).where(allocations.c.allocation_id.in_(allocation_ids))
    return {a.allocation_id: a for a in await _all(session, Allocation, query)}


_ALLOCATIONS_BETWEEN = select(func.count()).where(
    allocations.c.subcontract_id == bindparam("subcontract_id"),
    allocations.c.allocated_on >= bindparam("first"),
    allocations.c.allocated_on < bindparam("following"),
)


async def allocations_in_month(session: AsyncSession, subcontract_id: str, on: date) -> int:
    first = on.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    params = {"subcontract_id": subcontract_id, "first": first, "following": following}
    return int(await (await session.connection()).scalar(_ALLOCATIONS_BETWEEN, params) or 0)


async def get_idempotency_record(session: AsyncSession, organisation_id: str, key: str) -> IdempotencyRecord | None:
    query = _select_by(idempotency_records, "organisation_id", "key")
    return await _one(session, IdempotencyRecord, query, organisation_id=organisation_id, key=key)


async def add_idempotency_record(session: AsyncSession, record: IdempotencyRecord) -> None:
    await _insert(session, idempotency_records, record)


# The read model


async def get_known_organisation(session: AsyncSession, organisation_id: str) -> KnownOrganisation | None:
    query = _select_by(known_organisations, "organisation_id")
    return await _one(session, KnownOrganisation, query, organisation_id=organisation_id)


async def get_known_contract(session: AsyncSession, contract_id: str) -> KnownContract | None:
    return await _one(session, KnownContract, _select_by(known_contracts, "contract_id"), contract_id=contract_id)


async def get_known_subcontract(session: AsyncSession, subcontract_id: str) -> KnownSubcontract | None:
    """Through the ORM, in the session: the read model's handlers change what this returns."""
    return await session.get(KnownSubcontract, subcontract_id)


_SUBCONTRACTS_BETWEEN = _select_by(known_subcontracts, "contract_id", "prime_id", "partner_id").order_by(
    known_subcontracts.c.subcontract_id
)


async def subcontracts_between(
    session: AsyncSession, *, contract_id: str, prime_id: str, partner_id: str
) -> Sequence[KnownSubcontract]:
    return await _all(session, KnownSubcontract, _SUBCONTRACTS_BETWEEN, contract_id=contract_id,
                      prime_id=prime_id, partner_id=partner_id)
