"""Every query the referral service makes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scx_referral.models import (
    Allocation,
    IdempotencyRecord,
    KnownContract,
    KnownOrganisation,
    KnownSubcontract,
    Referral,
)


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
    query = select(Referral).where(Referral.referral_id == referral_id)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


async def list_referrals(
    session: AsyncSession, where: ReferralFilter, *, after: str | None, limit: int
) -> Sequence[Referral]:
    query = select(Referral).order_by(Referral.referral_id).limit(limit)
    for column, value in (
        (Referral.prime_id, where.prime_id),
        (Referral.referrer_id, where.referrer_id),
        (Referral.current_partner_id, where.current_partner_id),
        (Referral.contract_id, where.contract_id),
        (Referral.status, where.status),
        (Referral.payment_group, where.payment_group),
        (Referral.benefit_type, where.benefit_type),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.referred_from:
        query = query.where(Referral.referral_date >= where.referred_from)
    if where.referred_to:
        query = query.where(Referral.referral_date <= where.referred_to)
    if after:
        query = query.where(Referral.referral_id > after)
    return (await session.scalars(query)).all()


async def get_allocation(session: AsyncSession, allocation_id: str) -> Allocation | None:
    return await session.get(Allocation, allocation_id)


async def allocations_of(session: AsyncSession, referral_id: str) -> Sequence[Allocation]:
    query = select(Allocation).where(Allocation.referral_id == referral_id).order_by(Allocation.allocation_id)
    return (await session.scalars(query)).all()


async def current_allocations(session: AsyncSession, allocation_ids: list[str]) -> dict[str, Allocation]:
    if not allocation_ids:
        return {}
    rows = await session.scalars(select(Allocation).where(Allocation.allocation_id.in_(allocation_ids)))
    return {a.allocation_id: a for a in rows}


async def allocations_in_month(session: AsyncSession, subcontract_id: str, on: date) -> int:
    first = on.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    query = select(func.count()).where(
        Allocation.subcontract_id == subcontract_id,
        Allocation.allocated_on >= first,
        Allocation.allocated_on < following,
    )
    return int(await session.scalar(query) or 0)


async def get_idempotency_record(session: AsyncSession, organisation_id: str, key: str) -> IdempotencyRecord | None:
    return await session.get(IdempotencyRecord, (organisation_id, key))


# The read model


async def get_known_organisation(session: AsyncSession, organisation_id: str) -> KnownOrganisation | None:
    return await session.get(KnownOrganisation, organisation_id)


async def get_known_contract(session: AsyncSession, contract_id: str) -> KnownContract | None:
    return await session.get(KnownContract, contract_id)


async def get_known_subcontract(session: AsyncSession, subcontract_id: str) -> KnownSubcontract | None:
    return await session.get(KnownSubcontract, subcontract_id)


async def subcontracts_between(
    session: AsyncSession, *, contract_id: str, prime_id: str, partner_id: str
) -> Sequence[KnownSubcontract]:
    query = (
        select(KnownSubcontract)
        .where(
            KnownSubcontract.contract_id == contract_id,
            KnownSubcontract.prime_id == prime_id,
            KnownSubcontract.partner_id == partner_id,
        )
        .order_by(KnownSubcontract.subcontract_id)
    )
    return (await session.scalars(query)).all()
