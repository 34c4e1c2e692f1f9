"""Statements of the flowdown area: what a paid run leaves to pass down, the lines owed, the payments that settle
them, and a partner's statement and timeliness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, exists, func, select, update

from scx_claims.models.entitlements import Entitlement, entitlements
from scx_claims.models.flowdown import PartnerOwedLine, PartnerPayment, partner_owed, partner_payments
from scx_claims.models.journeys import SpecialistDelivery, specialist_deliveries
from scx_claims.rules.flowdown import OUTCOME_KINDS, PaidLine
from scx_persistence import UnitOfWork
from scx_persistence.records import execute, fetch_all, insert_if_new

o = partner_owed.c


def _not_owed_yet(basis: str, source: ColumnElement[str]) -> ColumnElement[bool]:
    return ~exists().where(o.basis == basis, o.source_id == source)


async def paid_outcomes_to_flow_down(uow: UnitOfWork, *, paid_by: date) -> list[Entitlement]:
    """Outcome payments DWP has paid (entitlements `paid`, payable by `paid_by`) that no line is owed for yet, in a
    stable order. When the runs area records which run paid what, this reads that run's outcome lines instead."""
    e = entitlements.c
    query = select(entitlements).where(
        e.status == "paid", e.kind.in_(OUTCOME_KINDS), e.payable_from <= paid_by,
        _not_owed_yet("outcome_share", e.entitlement_id),
    ).order_by(e.payable_from, e.case_id, e.kind, e.sequence)
    return await fetch_all(uow, Entitlement, query)


async def services_to_flow_down(uow: UnitOfWork, *, delivered_by: date) -> list[SpecialistDelivery]:
    """Specialist services delivered by `delivered_by` that no line is owed for yet, in a stable order."""
    s = specialist_deliveries.c
    query = select(specialist_deliveries).where(
        s.delivered_on <= delivered_by, _not_owed_yet("service_price", s.activity_id),
    ).order_by(s.delivered_on, s.activity_id)
    return await fetch_all(uow, SpecialistDelivery, query)


async def add_owed(uow: UnitOfWork, line: PartnerOwedLine) -> bool:
    """False when a line is already owed for this outcome payment or service: nothing is owed twice."""
    return await insert_if_new(uow, partner_owed, line)


async def owed_lines(uow: UnitOfWork, owed_ids: Sequence[str]) -> list[PartnerOwedLine]:
    return await fetch_all(uow, PartnerOwedLine, select(partner_owed).where(o.owed_id.in_(owed_ids)))


async def settle(uow: UnitOfWork, owed_ids: Sequence[str], *, payment_id: str) -> int:
    """Mark the lines settled by the payment, each only if still unsettled; how many were."""
    statement = update(partner_owed).where(o.owed_id.in_(owed_ids), o.settled_by.is_(None)).values(
        settled_by=payment_id
    )
    return int((await execute(uow, statement)).rowcount)


async def add_payment(uow: UnitOfWork, payment: PartnerPayment) -> None:
    await insert_if_new(uow, partner_payments, payment)


async def payments(uow: UnitOfWork, payment_ids: Sequence[str]) -> list[PartnerPayment]:
    p = partner_payments.c
    return await fetch_all(uow, PartnerPayment, select(partner_payments).where(p.payment_id.in_(payment_ids)))


def _statement_of(partner_id: str, prime_id: str | None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [o.partner_id == partner_id]
    if prime_id is not None:
        where.append(o.prime_id == prime_id)
    return where


async def statement_lines(
    uow: UnitOfWork, *, partner_id: str, prime_id: str | None, after: str | None, limit: int
) -> list[PartnerOwedLine]:
    """A page of the partner's lines (from one prime, when given), in the order they were owed."""
    where = _statement_of(partner_id, prime_id)
    if after is not None:
        where.append(o.owed_id > after)
    query = select(partner_owed).where(*where).order_by(o.owed_id).limit(limit)
    return await fetch_all(uow, PartnerOwedLine, query)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementTotals:
    lines: int
    owed_pence: int
    paid_pence: int
    outstanding_pence: int
    overdue_pence: int
    overdue_lines: int


async def statement_totals(uow: UnitOfWork, *, partner_id: str, prime_id: str | None, today: date) -> StatementTotals:
    """The statement's totals over all its lines: owed, paid (settled), outstanding and overdue (unsettled, due
    before today)."""
    unsettled = o.settled_by.is_(None)
    overdue = and_(unsettled, o.due_on < today)
    query = select(
        func.count(),
        func.coalesce(func.sum(o.amount_pence), 0),
        func.coalesce(func.sum(case((unsettled, 0), else_=o.amount_pence)), 0),
        func.coalesce(func.sum(case((overdue, o.amount_pence), else_=0)), 0),
        func.coalesce(func.sum(case((overdue, 1), else_=0)), 0),
    ).where(*_statement_of(partner_id, prime_id))
    row = (await execute(uow, query)).one()
    lines, owed, paid, overdue_pence, overdue_lines = (int(v) for v in row)
    return StatementTotals(
        lines=lines, owed_pence=owed, paid_pence=paid, outstanding_pence=owed - paid, overdue_pence=overdue_pence,
        overdue_lines=overdue_lines,
    )


async def lines_for_timeliness(uow: UnitOfWork, *, prime_id: str | None, partner_id: str | None) -> list[PaidLine]:
    """Each line's dates (owed, due, paid), for the primes and partners asked for (None: all)."""
    p = partner_payments.c
    query = select(o.prime_id, o.partner_id, o.dwp_paid_on, o.due_on, p.paid_on).select_from(
        partner_owed.outerjoin(partner_payments, p.payment_id == o.settled_by)
    )
    if prime_id is not None:
        query = query.where(o.prime_id == prime_id)
    if partner_id is not None:
        query = query.where(o.partner_id == partner_id)
    return await fetch_all(uow, PaidLine, query)
