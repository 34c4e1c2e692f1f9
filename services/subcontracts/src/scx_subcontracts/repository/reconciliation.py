"""Statements of reconciliation: which subcontracts should post for a range of weeks, and the history's counts of
their weeks (ADR 0013, 0022). A page of a listing reads a bounded number of subcontracts and only their weeks, from
the occurrences' (subcontract, week, figure) index, never the history in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, select

from scx_contracts.weekly_stats import WEEKLY_FIGURES
from scx_persistence import UnitOfWork
from scx_persistence.records import execute, fetch_all
from scx_subcontracts.models.history import occurrences
from scx_subcontracts.models.registry import Subcontract, subcontracts
from scx_subcontracts.repository.returns import Scope


@cache
def _posting(given: frozenset[str], models: tuple[str, ...]) -> Select[Any]:
    s = subcontracts.c
    query = (
        select(subcontracts)
        .where(
            s.model.in_(models),
            s.start_date <= bindparam("last_day"),
            func.coalesce(s.ended_on, s.end_date) >= bindparam("first_day"),
        )
        .order_by(s.subcontract_id)
        .limit(bindparam("limit", type_=Integer))
    )
    for name in ("prime_id", "partner_id", "contract_id", "subcontract_id"):
        if name in given:
            query = query.where(s[name] == bindparam(name))
    return query.where(s.subcontract_id >= bindparam("from_id")) if "from_id" in given else query


async def subcontracts_to_post(
    uow: UnitOfWork, where: Scope, *, models: tuple[str, ...], first_day: date, last_day: date,
    from_id: str | None, limit: int,
) -> list[Subcontract]:
    """Subcontracts in scope whose model posts and whose live dates meet `first_day`..`last_day`, by id, from
    `from_id` (inclusive)."""
    params = {
        name: value
        for name, value in (
            ("prime_id", where.prime_id), ("partner_id", where.partner_id), ("contract_id", where.contract_id),
            ("subcontract_id", where.subcontract_id), ("from_id", from_id),
        )
        if value is not None
    }
    return await fetch_all(uow, Subcontract, _posting(frozenset(params), models), {
        **params, "first_day": first_day, "last_day": last_day, "limit": limit,
    })


_COUNTS = (
    select(occurrences.c.subcontract_id, occurrences.c.iso_week, occurrences.c.figure, func.count())
    .where(
        occurrences.c.subcontract_id.in_(bindparam("subcontract_ids", expanding=True)),
        occurrences.c.iso_week >= bindparam("first_week"),
        occurrences.c.iso_week <= bindparam("last_week"),
        occurrences.c.figure.in_(WEEKLY_FIGURES),
    )
    .group_by(occurrences.c.subcontract_id, occurrences.c.iso_week, occurrences.c.figure)
)


async def derived_counts(
    uow: UnitOfWork, *, subcontract_ids: Sequence[str], first_week: str, last_week: str
) -> dict[tuple[str, str], dict[str, int]]:
    """The history's count of each weekly figure, by (subcontract, week); a figure counted nowhere is absent."""
    if not subcontract_ids:
        return {}
    counts: dict[tuple[str, str], dict[str, int]] = {}
    result = await execute(uow, _COUNTS, {
        "subcontract_ids": sorted(set(subcontract_ids)), "first_week": first_week, "last_week": last_week,
    })
    for subcontract_id, iso_week, figure, count in result.all():
        counts.setdefault((subcontract_id, iso_week), {})[figure] = int(count)
    return counts
