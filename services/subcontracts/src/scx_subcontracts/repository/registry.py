"""Every statement the subcontracts service runs, and the only module of it that touches the session (ADR 0013).

Statements are built once, with bound parameters, so SQLAlchemy neither builds them again nor recomputes their
cache keys for each request (ADR 0012's measurement); a listing's statement is built once for each combination of
filters it is given. Rows come back as records; a change is written by `update_<thing>` with the whole record.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Integer, Select, Table, bindparam, or_, select
from sqlalchemy.exc import IntegrityError

from scx_persistence import UnitOfWork
from scx_persistence.records import (
    delete_by,
    execute,
    fetch_all,
    fetch_one,
    insert_into,
    select_by,
    update_record,
    values,
)
from scx_subcontracts.models.registry import (
    Contract,
    Organisation,
    ProfileMonth,
    Subcontract,
    SubcontractVariation,
    contracts,
    organisations,
    profile_months,
    subcontract_variations,
    subcontracts,
)

# What an update may change; the rest of a row is fixed when it is written (who the parties are, the model, when).
CONTRACT_CHANGES = ("profile_revision",)
SUBCONTRACT_CHANGES = (
    "terms", "start_date", "end_date", "status", "variation", "ended_on", "end_reason", "end_note",
)


class AlreadyExists(Exception):
    """Another transaction wrote a row with the same key first. The transaction can only roll back now."""


# Building statements


def _paged(table: Table, key: str, given: frozenset[str]) -> Select[Any]:
    query = select(table).order_by(table.c[key]).limit(bindparam("limit", type_=Integer))
    return query.where(table.c[key] > bindparam("after")) if "after" in given else query


def _given(**filters: object) -> dict[str, object]:
    """The filters a caller set; an empty one filters nothing, as an absent one."""
    return {name: value for name, value in filters.items() if value}


# Organisations


async def get_organisation(uow: UnitOfWork, *, organisation_id: str) -> Organisation | None:
    query = select_by(organisations, "organisation_id")
    return await fetch_one(uow, Organisation, query, {"organisation_id": organisation_id})


async def add_organisation(uow: UnitOfWork, organisation: Organisation) -> None:
    try:
        await execute(uow, insert_into(organisations), values(organisation))
    except IntegrityError:
        raise AlreadyExists(organisation.organisation_id) from None


@cache
def _organisations_listing(given: frozenset[str]) -> Select[Any]:
    query = _paged(organisations, "organisation_id", given)
    return query.where(organisations.c.kind == bindparam("kind")) if "kind" in given else query


async def list_organisations(uow: UnitOfWork, *, kind: str | None, after: str | None, limit: int) -> list[Organisation]:
    params = _given(kind=kind, after=after)
    return await fetch_all(uow, Organisation, _organisations_listing(frozenset(params)), {**params, "limit": limit})


# Contracts and their profiles


async def get_contract(uow: UnitOfWork, *, contract_id: str, for_update: bool = False) -> Contract | None:
    query = select_by(contracts, "contract_id", for_update=for_update)
    return await fetch_one(uow, Contract, query, {"contract_id": contract_id})


async def add_contract(uow: UnitOfWork, contract: Contract) -> None:
    await execute(uow, insert_into(contracts), values(contract))


async def update_contract(uow: UnitOfWork, contract: Contract) -> None:
    await update_record(uow, contracts, contract, columns=CONTRACT_CHANGES)


@cache
def _contracts_listing(given: frozenset[str]) -> Select[Any]:
    c = contracts.c
    query = _paged(contracts, "contract_id", given)
    if "prime_id" in given:
        query = query.where(c.prime_id == bindparam("prime_id"))
    if "partner_id" in given:
        held = select(subcontracts.c.contract_id).where(subcontracts.c.partner_id == bindparam("partner_id"))
        query = query.where(c.contract_id.in_(held))
    if "area" in given:
        query = query.where(c.contract_package_area == bindparam("area"))
    return query


async def list_contracts(
    uow: UnitOfWork,
    *,
    prime_id: str | None,
    partner_id: str | None,
    area: str | None,
    after: str | None,
    limit: int,
) -> list[Contract]:
    """Contracts of the prime, or those the partner holds a subcontract under, in the area."""
    params = _given(prime_id=prime_id, partner_id=partner_id, area=area, after=after)
    return await fetch_all(uow, Contract, _contracts_listing(frozenset(params)), {**params, "limit": limit})


_PROFILE_MONTHS = select_by(profile_months, "contract_id", "revision").order_by(profile_months.c.month)
_PROFILE_REVISIONS = (
    select(profile_months.c.revision)
    .where(profile_months.c.contract_id == bindparam("contract_id"))
    .distinct()
    .order_by(profile_months.c.revision)
)


async def profile_months_of(uow: UnitOfWork, *, contract_id: str, revision: int) -> list[ProfileMonth]:
    return await fetch_all(uow, ProfileMonth, _PROFILE_MONTHS, {"contract_id": contract_id, "revision": revision})


async def profile_revisions(uow: UnitOfWork, *, contract_id: str) -> list[int]:
    return list((await execute(uow, _PROFILE_REVISIONS, {"contract_id": contract_id})).scalars())


async def replace_profile(uow: UnitOfWork, months: Sequence[ProfileMonth]) -> None:
    """Write the months of one revision of one contract's profile in place of any it had."""
    if not months:
        return
    revision = {"contract_id": months[0].contract_id, "revision": months[0].revision}
    await execute(uow, delete_by(profile_months, "contract_id", "revision"), revision)
    await execute(uow, insert_into(profile_months), [values(m) for m in months])


# Subcontracts


async def get_subcontract(uow: UnitOfWork, *, subcontract_id: str, for_update: bool = False) -> Subcontract | None:
    query = select_by(subcontracts, "subcontract_id", for_update=for_update)
    return await fetch_one(uow, Subcontract, query, {"subcontract_id": subcontract_id})


async def add_subcontract(uow: UnitOfWork, subcontract: Subcontract) -> None:
    await execute(uow, insert_into(subcontracts), values(subcontract))


async def update_subcontract(uow: UnitOfWork, subcontract: Subcontract) -> None:
    await update_record(uow, subcontracts, subcontract, columns=SUBCONTRACT_CHANGES)


async def add_subcontract_variation(uow: UnitOfWork, variation: SubcontractVariation) -> None:
    await execute(uow, insert_into(subcontract_variations), values(variation))


_EQUAL_FILTERS = ("contract_id", "partner_id", "model", "status")


@cache
def _subcontracts_listing(given: frozenset[str]) -> Select[Any]:
    c = subcontracts.c
    query = _paged(subcontracts, "subcontract_id", given)
    if "party" in given:
        party: BindParameter[str] = bindparam("party")
        query = query.where(or_(c.prime_id == party, c.partner_id == party))
    for name in _EQUAL_FILTERS:
        if name in given:
            query = query.where(c[name] == bindparam(name))
    return query


async def list_subcontracts(
    uow: UnitOfWork,
    *,
    party: str | None,
    contract_id: str | None,
    partner_id: str | None,
    model: str | None,
    status: str | None,
    after: str | None,
    limit: int,
) -> list[Subcontract]:
    """Subcontracts the party (prime or partner) is in, narrowed by the other filters."""
    params = _given(
        party=party, contract_id=contract_id, partner_id=partner_id, model=model, status=status, after=after
    )
    return await fetch_all(uow, Subcontract, _subcontracts_listing(frozenset(params)), {**params, "limit": limit})


@cache
def _live_end_to_end(*, excluding: bool) -> Select[Any]:
    c = subcontracts.c
    query = select(subcontracts).where(
        c.contract_id == bindparam("contract_id"), c.model == "end_to_end", c.status == "live"
    )
    return query.where(c.subcontract_id != bindparam("excluding")) if excluding else query


async def live_end_to_end_subcontracts(
    uow: UnitOfWork, *, contract_id: str, excluding: str | None = None
) -> list[Subcontract]:
    params = {"contract_id": contract_id, **_given(excluding=excluding)}
    return await fetch_all(uow, Subcontract, _live_end_to_end(excluding="excluding" in params), params)
