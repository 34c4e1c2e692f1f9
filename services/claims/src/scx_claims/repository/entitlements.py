"""Statements about entitlements and instalments: written by the eligibility area, read by claims and runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from scx_claims.models.entitlements import Entitlement, Instalment, entitlements, instalments
from scx_persistence import UnitOfWork
from scx_persistence.records import fetch_all, fetch_one, insert_if_new, select_by, update_record


async def get_entitlement(uow: UnitOfWork, entitlement_id: str, *, for_update: bool = False) -> Entitlement | None:
    query = select_by(entitlements, "entitlement_id", for_update=for_update)
    return await fetch_one(uow, Entitlement, query, {"entitlement_id": entitlement_id})


async def add_entitlement(uow: UnitOfWork, entitlement: Entitlement) -> bool:
    """False when the journey already has this kind and sequence (one job outcome per claimant per referral)."""
    return await insert_if_new(uow, entitlements, entitlement)


async def update_entitlement(uow: UnitOfWork, entitlement: Entitlement, *, columns: Sequence[str]) -> None:
    await update_record(uow, entitlements, entitlement, columns=columns)


async def entitlements_of(uow: UnitOfWork, case_id: str) -> list[Entitlement]:
    e = entitlements.c
    query = select(entitlements).where(e.case_id == case_id).order_by(e.payable_from, e.kind, e.sequence)
    return await fetch_all(uow, Entitlement, query)


async def entitlements_of_contract(
    uow: UnitOfWork, contract_id: str, *, kinds: Sequence[str], statuses: Sequence[str], payable_by: date
) -> list[Entitlement]:
    """A contract's entitlements of these kinds and statuses payable on or before `payable_by`, in a stable order."""
    e = entitlements.c
    query = select(entitlements).where(
        e.contract_id == contract_id, e.kind.in_(kinds), e.status.in_(statuses), e.payable_from <= payable_by,
    ).order_by(e.payable_from, e.case_id, e.kind, e.sequence)
    return await fetch_all(uow, Entitlement, query)


async def add_instalment(uow: UnitOfWork, instalment: Instalment) -> bool:
    return await insert_if_new(uow, instalments, instalment)


async def instalments_of(uow: UnitOfWork, contract_id: str) -> list[Instalment]:
    i = instalments.c
    return await fetch_all(uow, Instalment, select(instalments).where(i.contract_id == contract_id).order_by(i.month))


async def update_instalment(uow: UnitOfWork, instalment: Instalment, *, columns: Sequence[str]) -> None:
    await update_record(uow, instalments, instalment, columns=columns)
