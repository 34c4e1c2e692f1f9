"""Statements about entitlements and instalments: written by the eligibility area, read by claims and runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import bindparam, select, update

from scx_claims.models.entitlements import Entitlement, Instalment, entitlements, instalments
from scx_claims.models.journeys import journeys
from scx_persistence import UnitOfWork
from scx_persistence.records import (
    execute,
    fetch_all,
    fetch_one,
    insert_if_new,
    scalar,
    select_by,
    update_record,
    values,
)


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


# The eligibility area's own statements (added beside the shared ones above).

_ENTITLEMENT_CHANGES = (
    "amount_pence", "tariff_model", "tariff_version", "payable_from", "evidence_weeks", "status", "computed_at",
)


async def update_entitlement_if(uow: UnitOfWork, entitlement: Entitlement, *, status_was: str) -> bool:
    """Write the entitlement's changeable columns if its row still has the status `status_was`; whether it did. A
    reassessment never overwrites what a claim changed meanwhile (claimed, approved, paid)."""
    e = entitlements.c
    statement = (
        update(entitlements)
        .where(e.entitlement_id == bindparam("k_entitlement_id"), e.status == bindparam("k_status"))
        .values({c: bindparam(f"v_{c}") for c in _ENTITLEMENT_CHANGES})
    )
    row = values(entitlement)
    params = {"k_entitlement_id": entitlement.entitlement_id, "k_status": status_was,
              **{f"v_{c}": row[c] for c in _ENTITLEMENT_CHANGES}}
    return bool((await execute(uow, statement, params)).rowcount == 1)


async def entitlements_page(
    uow: UnitOfWork, case_id: str, *, after: str | None, limit: int
) -> list[Entitlement]:
    """A journey's entitlements in the order they were first computed (their ids are UUIDv7), after `after`."""
    e = entitlements.c
    query = select(entitlements).where(e.case_id == case_id).order_by(e.entitlement_id).limit(limit)
    if after is not None:
        query = query.where(e.entitlement_id > after)
    return await fetch_all(uow, Entitlement, query)


async def instalments_page(uow: UnitOfWork, contract_id: str, *, after: str | None, limit: int) -> list[Instalment]:
    """A contract's instalments month by month, after the month `after` (YYYY-MM)."""
    i = instalments.c
    query = select(instalments).where(i.contract_id == contract_id).order_by(i.month).limit(limit)
    if after is not None:
        query = query.where(i.month > after)
    return await fetch_all(uow, Instalment, query)


async def has_instalments(uow: UnitOfWork, contract_id: str) -> bool:
    i = instalments.c
    return await scalar(uow, select(i.month).where(i.contract_id == contract_id).limit(1)) is not None


async def journeys_of_contract(uow: UnitOfWork, contract_id: str) -> list[str]:
    """The case ids of a contract's journeys, to reassess when its award or first profile arrives."""
    j = journeys.c
    query = select(j.case_id).where(j.contract_id == contract_id).order_by(j.case_id)
    return [str(case_id) for case_id in (await execute(uow, query)).scalars()]
