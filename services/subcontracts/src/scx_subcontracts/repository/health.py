"""Reads and writes of supply-chain health (ADR 0024): the flow-down's owed lines and their tallies, and the reads
of the history's monthly tallies and the registry's variations that a contract's health is made of."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Select, Table, bindparam, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from scx_persistence import UnitOfWork
from scx_persistence.records import execute, fetch_all, insert_if_new, update_record, values
from scx_subcontracts.models.health import (
    UNPAID,
    OwedLine,
    PaymentDelay,
    PaymentTally,
    owed_lines,
    payment_delays,
    payment_tallies,
)
from scx_subcontracts.models.history import monthly_tallies
from scx_subcontracts.models.registry import Subcontract, subcontract_variations, subcontracts

OWED_LINE_CHANGES = ("payment_id", "paid_on")
SHARED_FIGURES = ("referrals_received", "job_outcomes")

# Owed lines


async def add_owed_line(uow: UnitOfWork, line: OwedLine) -> bool:
    """Keep the line once (its key is its owed id); whether it was new."""
    return await insert_if_new(uow, owed_lines, line)


@cache
def _named(for_update: bool) -> Select[Any]:
    query = select(owed_lines).where(owed_lines.c.owed_id.in_(bindparam("owed_ids", expanding=True)))
    return query.with_for_update() if for_update else query


async def owed_lines_named(uow: UnitOfWork, owed_ids: Sequence[str], *, for_update: bool = False) -> list[OwedLine]:
    return await fetch_all(uow, OwedLine, _named(for_update), {"owed_ids": list(owed_ids)})


async def settle_owed_line(uow: UnitOfWork, line: OwedLine) -> None:
    await update_record(uow, owed_lines, line, columns=OWED_LINE_CHANGES)


# Tallies


@cache
def _adding(table: Table, columns: tuple[str, ...], dialect: str) -> Insert:
    keys = [c.name for c in table.primary_key.columns]
    statement = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return statement.on_conflict_do_update(
        index_elements=keys, set_={c: table.c[c] + statement.excluded[c] for c in columns},
    )


async def _add(uow: UnitOfWork, table: Table, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    """Add the rows' `columns` to their tallies: rows of one key merged first (one statement may not change a row
    twice), then in key order (one lock order between replicas)."""
    keys = [c.name for c in table.primary_key.columns]
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        if key in merged:
            merged[key] = {**merged[key], **{c: merged[key][c] + row[c] for c in columns}}
        else:
            merged[key] = dict(row)
    if not merged:
        return
    connection = await uow.session.connection()
    batch = [merged[key] for key in sorted(merged, key=lambda k: tuple(str(v) for v in k))]
    await connection.execute(_adding(table, columns, connection.dialect.name), batch)


async def add_payment_tallies(uow: UnitOfWork, tallies: Sequence[PaymentTally]) -> None:
    await _add(uow, payment_tallies, ("count", "pence"), [values(t) for t in tallies])


async def add_payment_delays(uow: UnitOfWork, delays: Sequence[PaymentDelay]) -> None:
    await _add(uow, payment_delays, ("count",), [values(d) for d in delays])


# Reading a contract's health


@cache
def _payment_sums(with_partner: bool) -> Select[Any]:
    t = payment_tallies.c
    query = select(t.partner_id, t.measure, func.sum(t.count).label("count"), func.sum(t.pence).label("pence")).where(
        t.contract_id == bindparam("contract_id"), t.month >= bindparam("first"), t.month <= bindparam("last"),
    )
    if with_partner:
        query = query.where(t.partner_id == bindparam("partner_id"))
    return query.group_by(t.partner_id, t.measure)


@dataclass(frozen=True, slots=True)
class Summed:
    partner_id: str
    measure: str
    count: int
    pence: int


async def payment_sums(
    uow: UnitOfWork, *, contract_id: str, first: str, last: str, partner_id: str | None,
) -> list[Summed]:
    params = _params(contract_id=contract_id, first=first, last=last, partner_id=partner_id)
    rows = await execute(uow, _payment_sums(partner_id is not None), params)
    return [Summed(row.partner_id, row.measure, int(row.count), int(row.pence)) for row in rows]


@cache
def _days_to_pay(with_partner: bool) -> Select[Any]:
    d = payment_delays.c
    query = select(d.partner_id, d.days, func.sum(d.count).label("count")).where(
        d.contract_id == bindparam("contract_id"), d.month >= bindparam("first"), d.month <= bindparam("last"),
    )
    if with_partner:
        query = query.where(d.partner_id == bindparam("partner_id"))
    return query.group_by(d.partner_id, d.days)


async def days_to_pay(
    uow: UnitOfWork, *, contract_id: str, first: str, last: str, partner_id: str | None,
) -> list[tuple[str, int, int]]:
    """(partner, days from owed to paid, lines) for the lines paid in the months."""
    params = _params(contract_id=contract_id, first=first, last=last, partner_id=partner_id)
    return [(row.partner_id, int(row.days), int(row.count))
            for row in await execute(uow, _days_to_pay(partner_id is not None), params)]


@cache
def _unpaid(with_partner: bool) -> Select[Any]:
    o = owed_lines.c
    overdue = o.due_on < bindparam("today")
    query = select(
        o.partner_id, func.count().label("lines"), func.sum(o.amount_pence).label("pence"),
        func.sum(case((overdue, 1), else_=0)).label("overdue_lines"),
        func.sum(case((overdue, o.amount_pence), else_=0)).label("overdue_pence"),
    ).where(UNPAID, o.contract_id == bindparam("contract_id"))
    if with_partner:
        query = query.where(o.partner_id == bindparam("partner_id"))
    return query.group_by(o.partner_id)


@dataclass(frozen=True, slots=True)
class Unpaid:
    partner_id: str
    lines: int
    pence: int
    overdue_lines: int
    overdue_pence: int


async def unpaid(uow: UnitOfWork, *, contract_id: str, today: date, partner_id: str | None) -> list[Unpaid]:
    """What is owed and not yet paid under the contract, now, by partner; and of it, what is past its due date."""
    params = _params(contract_id=contract_id, today=today, partner_id=partner_id)
    return [
        Unpaid(row.partner_id, int(row.lines), int(row.pence), int(row.overdue_lines), int(row.overdue_pence))
        for row in await execute(uow, _unpaid(partner_id is not None), params)
    ]


_SHARED = (
    select(
        monthly_tallies.c.subcontract_id, monthly_tallies.c.month, monthly_tallies.c.figure,
        func.sum(monthly_tallies.c.count).label("count"),
    )
    .where(
        monthly_tallies.c.contract_id == bindparam("contract_id"),
        monthly_tallies.c.figure.in_(SHARED_FIGURES),
        monthly_tallies.c.month >= bindparam("first"), monthly_tallies.c.month <= bindparam("last"),
    )
    .group_by(monthly_tallies.c.subcontract_id, monthly_tallies.c.month, monthly_tallies.c.figure)
)


async def shared_figures(
    uow: UnitOfWork, *, contract_id: str, first: str, last: str,
) -> list[tuple[str, str, str, int]]:
    """(subcontract, month, figure, count) of referrals received and job outcomes under the contract, every
    subcontract's and the prime's own (subcontract '')."""
    rows = await execute(uow, _SHARED, {"contract_id": contract_id, "first": first, "last": last})
    return [(row.subcontract_id, row.month, row.figure, int(row.count)) for row in rows]


_SUBCONTRACTS_OF = select(subcontracts).where(subcontracts.c.contract_id == bindparam("contract_id")).order_by(
    subcontracts.c.partner_id, subcontracts.c.subcontract_id,
)


async def subcontracts_of(uow: UnitOfWork, *, contract_id: str) -> list[Subcontract]:
    return await fetch_all(uow, Subcontract, _SUBCONTRACTS_OF, {"contract_id": contract_id})


_VARIATIONS = select(
    subcontract_variations.c.subcontract_id, subcontract_variations.c.variation, subcontract_variations.c.varied_at,
    subcontract_variations.c.terms,
).where(subcontract_variations.c.subcontract_id.in_(bindparam("subcontract_ids", expanding=True)))


async def variations_of(uow: UnitOfWork, *, subcontract_ids: Sequence[str]) -> list[tuple[str, int, date, Any]]:
    """(subcontract, variation, the UTC day it was agreed, its terms) of every recorded variation."""
    if not subcontract_ids:
        return []
    rows = await execute(uow, _VARIATIONS, {"subcontract_ids": list(subcontract_ids)})
    return [(row.subcontract_id, int(row.variation), row.varied_at.date(), row.terms) for row in rows]


def _params(**given: Any) -> dict[str, Any]:
    return {name: value for name, value in given.items() if value is not None}
