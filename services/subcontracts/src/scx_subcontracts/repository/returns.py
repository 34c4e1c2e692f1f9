"""Statements of weekly returns, their versions and the deadlines primes set for them (ADR 0013)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.exc import IntegrityError

from scx_persistence import UnitOfWork
from scx_persistence.records import (
    Narrowable,
    fetch_all,
    fetch_one,
    insert_record,
    insert_records,
    select_by,
    update_record,
)
from scx_subcontracts.models.registry import Subcontract, subcontracts
from scx_subcontracts.models.returns import (
    ReturnDeadline,
    ReturnVersion,
    WeeklyReturn,
    weekly_return_deadlines,
    weekly_return_versions,
    weekly_returns,
)

# What a correction changes on the return; who, which week and when it was first posted never change.
RETURN_CHANGES = ("latest_version", "last_posted_at")


class AlreadyPosted(Exception):
    """Another transaction posted the same subcontract's week first. The transaction can only roll back now."""


@dataclass(frozen=True)
class Scope(Narrowable):
    """Which returns a list shows: the caller's (DWP all, a prime its partners', a partner its own) narrowed by what
    it asked for."""

    prime_id: str | None = None
    partner_id: str | None = None
    contract_id: str | None = None
    subcontract_id: str | None = None


@dataclass(frozen=True)
class Weeks:
    """An inclusive range of ISO weeks, YYYY-Www (which sort as text); None at an end leaves it open."""

    first: str | None = None
    last: str | None = None


# Returns and their versions


async def get_return(uow: UnitOfWork, *, return_id: str) -> WeeklyReturn | None:
    return await fetch_one(uow, WeeklyReturn, select_by(weekly_returns, "return_id"), {"return_id": return_id})


async def returns_of_weeks(
    uow: UnitOfWork, *, keys: Sequence[tuple[str, str]], for_update: bool = False
) -> dict[tuple[str, str], WeeklyReturn]:
    """The returns of these (subcontract, week) pairs that exist, by pair; taken FOR UPDATE when a post follows."""
    if not keys:
        return {}
    r = weekly_returns.c
    # Two IN lists, not a list of pairs: SQLite answers pairs by scanning the table, the lists from its unique index.
    # The cross product's extra pairs are dropped below.
    query = select(weekly_returns).where(
        r.subcontract_id.in_(sorted({k[0] for k in keys})), r.iso_week.in_(sorted({k[1] for k in keys}))
    )
    found = await fetch_all(uow, WeeklyReturn, query.with_for_update() if for_update else query)
    wanted = set(keys)
    return {(row.subcontract_id, row.iso_week): row for row in found if (row.subcontract_id, row.iso_week) in wanted}


async def add_returns(uow: UnitOfWork, returns: Sequence[WeeklyReturn]) -> None:
    """First returns of their weeks; AlreadyPosted when another transaction posted one of those weeks meanwhile."""
    try:
        await insert_records(uow, weekly_returns, returns)
    except IntegrityError:
        raise AlreadyPosted from None


async def update_return(uow: UnitOfWork, weekly_return: WeeklyReturn) -> None:
    await update_record(uow, weekly_returns, weekly_return, columns=RETURN_CHANGES)


async def add_versions(uow: UnitOfWork, versions: Sequence[ReturnVersion]) -> None:
    try:
        await insert_records(uow, weekly_return_versions, versions)
    except IntegrityError:
        raise AlreadyPosted from None  # a concurrent correction wrote the same version number first


_VERSIONS = select_by(weekly_return_versions, "return_id").order_by(weekly_return_versions.c.version)


async def versions_of(uow: UnitOfWork, *, return_id: str) -> list[ReturnVersion]:
    return await fetch_all(uow, ReturnVersion, _VERSIONS, {"return_id": return_id})


async def first_and_latest_versions(
    uow: UnitOfWork, *, return_ids: Sequence[str]
) -> dict[str, tuple[ReturnVersion, ReturnVersion]]:
    """Each return's version 1 and its latest version (the same one for a return never corrected)."""
    if not return_ids:
        return {}
    r, v = weekly_returns.c, weekly_return_versions.c
    query = (
        select(weekly_return_versions)
        .join(weekly_returns, r.return_id == v.return_id)
        .where(v.return_id.in_(list(return_ids)), (v.version == 1) | (v.version == r.latest_version))
        .order_by(v.return_id, v.version)
    )
    found: dict[str, list[ReturnVersion]] = {}
    for version in await fetch_all(uow, ReturnVersion, query):
        found.setdefault(version.return_id, []).append(version)
    return {return_id: (versions[0], versions[-1]) for return_id, versions in found.items()}


@cache
def _returns_listing(given: frozenset[str]) -> Select[Any]:
    r = weekly_returns.c
    query = select(weekly_returns).order_by(r.return_id).limit(bindparam("limit", type_=Integer))
    for name in ("prime_id", "partner_id", "contract_id", "subcontract_id"):
        if name in given:
            query = query.where(r[name] == bindparam(name))
    if "first" in given:
        query = query.where(r.iso_week >= bindparam("first"))
    if "last" in given:
        query = query.where(r.iso_week <= bindparam("last"))
    if "after" in given:
        query = query.where(r.return_id > bindparam("after"))
    return query


async def list_returns(
    uow: UnitOfWork, where: Scope, weeks: Weeks, *, after: str | None, limit: int
) -> list[WeeklyReturn]:
    params = {
        name: value
        for name, value in (
            ("prime_id", where.prime_id), ("partner_id", where.partner_id), ("contract_id", where.contract_id),
            ("subcontract_id", where.subcontract_id), ("first", weeks.first), ("last", weeks.last), ("after", after),
        )
        if value is not None
    }
    return await fetch_all(uow, WeeklyReturn, _returns_listing(frozenset(params)), {**params, "limit": limit})


async def subcontracts_by_id(
    uow: UnitOfWork, *, subcontract_ids: Sequence[str], for_update: bool = False
) -> dict[str, Subcontract]:
    """The subcontracts of these ids that exist. FOR UPDATE when returns are posted on them: a subcontract's row is
    what two posts for one of its weeks queue on, so the second sees the first's version."""
    if not subcontract_ids:
        return {}
    query = select(subcontracts).where(subcontracts.c.subcontract_id.in_(sorted(set(subcontract_ids))))
    if for_update:
        query = query.order_by(subcontracts.c.subcontract_id).with_for_update()
    return {s.subcontract_id: s for s in await fetch_all(uow, Subcontract, query)}


# Deadlines


_DEADLINES = select_by(weekly_return_deadlines, "contract_id").order_by(weekly_return_deadlines.c.revision)


async def deadlines_of(uow: UnitOfWork, *, contract_id: str) -> list[ReturnDeadline]:
    """Every revision of the contract's deadline, the first first."""
    return await fetch_all(uow, ReturnDeadline, _DEADLINES, {"contract_id": contract_id})


async def current_deadlines(uow: UnitOfWork, *, contract_ids: Sequence[str]) -> dict[str, ReturnDeadline]:
    """The deadline in force for each contract that has one: its latest revision."""
    if not contract_ids:
        return {}
    d = weekly_return_deadlines.c
    query = (
        select(weekly_return_deadlines)
        .where(d.contract_id.in_(sorted(set(contract_ids))))
        .order_by(d.contract_id, d.revision)
    )
    # A contract's settings are few (a prime changes its deadline now and then): the last of each is in force.
    return {row.contract_id: row for row in await fetch_all(uow, ReturnDeadline, query)}


async def add_deadline(uow: UnitOfWork, deadline: ReturnDeadline) -> None:
    await insert_record(uow, weekly_return_deadlines, deadline)

