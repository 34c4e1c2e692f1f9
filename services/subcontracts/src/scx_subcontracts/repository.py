"""Every query the subcontracts service makes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from scx_subcontracts.models import Contract, Organisation, ProfileMonth, Subcontract


async def get_organisation(session: AsyncSession, organisation_id: str) -> Organisation | None:
    return await session.get(Organisation, organisation_id)


async def list_organisations(
    session: AsyncSession, *, kind: str | None, after: str | None, limit: int
) -> Sequence[Organisation]:
    query = select(Organisation).order_by(Organisation.organisation_id).limit(limit)
    if kind:
        query = query.where(Organisation.kind == kind)
    if after:
        query = query.where(Organisation.organisation_id > after)
    return (await session.scalars(query)).all()


async def get_contract(session: AsyncSession, contract_id: str, *, for_update: bool = False) -> Contract | None:
    query = select(Contract).where(Contract.contract_id == contract_id)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


async def list_contracts(
    session: AsyncSession,
    *,
    prime_id: str | None,
    partner_id: str | None,
    area: str | None,
    after: str | None,
    limit: int,
) -> Sequence[Contract]:
    query: Select[tuple[Contract]] = select(Contract).order_by(Contract.contract_id).limit(limit)
    if prime_id:
        query = query.where(Contract.prime_id == prime_id)
    if partner_id:
        query = query.where(
            Contract.contract_id.in_(select(Subcontract.contract_id).where(Subcontract.partner_id == partner_id))
        )
    if area:
        query = query.where(Contract.contract_package_area == area)
    if after:
        query = query.where(Contract.contract_id > after)
    return (await session.scalars(query)).all()


async def profile_months(session: AsyncSession, contract_id: str, revision: int) -> Sequence[ProfileMonth]:
    query = (
        select(ProfileMonth)
        .where(ProfileMonth.contract_id == contract_id, ProfileMonth.revision == revision)
        .order_by(ProfileMonth.month)
    )
    return (await session.scalars(query)).all()


async def profile_revisions(session: AsyncSession, contract_id: str) -> list[int]:
    query = select(ProfileMonth.revision).where(ProfileMonth.contract_id == contract_id).distinct()
    return sorted((await session.scalars(query)).all())


async def replace_profile(session: AsyncSession, rows: list[ProfileMonth]) -> None:
    if rows:
        await session.execute(
            delete(ProfileMonth).where(
                ProfileMonth.contract_id == rows[0].contract_id, ProfileMonth.revision == rows[0].revision
            )
        )
    session.add_all(rows)
    await session.flush()  # read back in the same transaction before the commit


async def get_subcontract(
    session: AsyncSession, subcontract_id: str, *, for_update: bool = False
) -> Subcontract | None:
    query = select(Subcontract).where(Subcontract.subcontract_id == subcontract_id)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


async def list_subcontracts(
    session: AsyncSession,
    *,
    party: str | None,
    contract_id: str | None,
    partner_id: str | None,
    model: str | None,
    status: str | None,
    after: str | None,
    limit: int,
) -> Sequence[Subcontract]:
    query = select(Subcontract).order_by(Subcontract.subcontract_id).limit(limit)
    if party:
        query = query.where(or_(Subcontract.prime_id == party, Subcontract.partner_id == party))
    for column, value in (
        (Subcontract.contract_id, contract_id),
        (Subcontract.partner_id, partner_id),
        (Subcontract.model, model),
        (Subcontract.status, status),
    ):
        if value:
            query = query.where(column == value)
    if after:
        query = query.where(Subcontract.subcontract_id > after)
    return (await session.scalars(query)).all()


async def live_end_to_end_shares(session: AsyncSession, contract_id: str, *, excluding: str | None = None) -> list[int]:
    query = select(Subcontract).where(
        Subcontract.contract_id == contract_id, Subcontract.model == "end_to_end", Subcontract.status == "live"
    )
    if excluding:
        query = query.where(Subcontract.subcontract_id != excluding)
    return [int(s.terms.get("share_of_targets_percent") or 0) for s in (await session.scalars(query)).all()]
