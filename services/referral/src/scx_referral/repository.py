"""Every query the referral service makes of its own tables (ADR 0013). The registry's are in `scx_registry`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select

from scx_persistence import UnitOfWork
from scx_persistence.records import Narrowable, fetch_all, fetch_one, insert_record, scalar, select_by, update_record
from scx_referral.models import Allocation, Referral, allocations, referrals


@dataclass(frozen=True)
class ReferralFilter(Narrowable):
    prime_id: str | None = None
    referrer_id: str | None = None
    current_partner_id: str | None = None
    contract_id: str | None = None
    status: str | None = None
    payment_group: int | None = None
    benefit_type: str | None = None
    referred_from: date | None = None
    referred_to: date | None = None



async def get_referral(uow: UnitOfWork, referral_id: str, *, for_update: bool = False) -> Referral | None:
    query = select_by(referrals, "referral_id", for_update=for_update)
    return await fetch_one(uow, Referral, query, {"referral_id": referral_id})


async def add_referral(uow: UnitOfWork, referral: Referral) -> None:
    await insert_record(uow, referrals, referral)


# What a use case may change; the rest of a referral is fixed when JCP makes it.
REFERRAL_CHANGES = (
    "status", "started_on", "rejection_reason", "rejection_note", "withdrawal_reason", "withdrawal_note",
    "withdrawn_on", "current_allocation_id", "current_partner_id", "updated_at",
)
ALLOCATION_CHANGES = ("ended_at", "end_reason", "end_note")


async def update_referral(uow: UnitOfWork, referral: Referral) -> None:
    await update_record(uow, referrals, referral, columns=REFERRAL_CHANGES)


async def list_referrals(uow: UnitOfWork, where: ReferralFilter, *, after: str | None, limit: int) -> list[Referral]:
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
    return await fetch_all(uow, Referral, query)


async def get_allocation(uow: UnitOfWork, allocation_id: str) -> Allocation | None:
    return await fetch_one(uow, Allocation, select_by(allocations, "allocation_id"), {"allocation_id": allocation_id})


async def add_allocation(uow: UnitOfWork, allocation: Allocation) -> None:
    await insert_record(uow, allocations, allocation)


async def update_allocation(uow: UnitOfWork, allocation: Allocation) -> None:
    await update_record(uow, allocations, allocation, columns=ALLOCATION_CHANGES)


_ALLOCATIONS_OF = select(allocations).where(allocations.c.referral_id == bindparam("referral_id")).order_by(
    allocations.c.allocation_id
)


async def allocations_of(uow: UnitOfWork, referral_id: str) -> list[Allocation]:
    return await fetch_all(uow, Allocation, _ALLOCATIONS_OF, {"referral_id": referral_id})


async def current_allocations(uow: UnitOfWork, allocation_ids: Sequence[str]) -> dict[str, Allocation]:
    if not allocation_ids:
        return {}
    query = select(allocations).where(allocations.c.allocation_id.in_(allocation_ids))
    return {a.allocation_id: a for a in await fetch_all(uow, Allocation, query)}


_ALLOCATIONS_BETWEEN = select(func.count()).where(
    allocations.c.subcontract_id == bindparam("subcontract_id"),
    allocations.c.allocated_on >= bindparam("first"),
    allocations.c.allocated_on < bindparam("following"),
)


async def allocations_in_month(uow: UnitOfWork, subcontract_id: str, on: date) -> int:
    first = on.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    params = {"subcontract_id": subcontract_id, "first": first, "following": following}
    return int(await scalar(uow, _ALLOCATIONS_BETWEEN, params) or 0)
