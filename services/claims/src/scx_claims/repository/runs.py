"""Statements of the runs area: what a run would pay (read from the entitlements area's tables and, when it lands,
the claims area's), payment runs with their statements, lines and nettings, and the recoveries ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, bindparam, exists, func, select, update

from scx_claims.models.entitlements import entitlements, instalments
from scx_claims.models.runs import (
    PaymentRun,
    Recovery,
    RecoveryNetting,
    RunLine,
    RunStatement,
    payment_runs,
    recoveries,
    recovery_nettings,
    run_lines,
    run_statements,
)
from scx_claims.rules.runs import OutstandingRecovery, PayableInput
from scx_persistence import UnitOfWork
from scx_persistence.records import execute, fetch_all, fetch_one, insert_record, insert_records, scalar, select_by
from scx_persistence.records import update_record as _update_record

# What a use case may change on a run once prepared: its standing, and who authorised or abandoned it.
RUN_CHANGES = (
    "live_period", "status", "authorised_by", "authorised_on", "authorised_at", "abandoned_by", "abandoned_at",
    "abandon_reason",
)

# Sources: what each run reads (all of it, in one statement each)

_DUE_INSTALMENTS = select(instalments).where(
    instalments.c.status == "due", instalments.c.month <= bindparam("period")
)
_PAYABLE_FEES = select(entitlements).where(
    entitlements.c.kind == "attachment_fee", entitlements.c.status == "payable",
    entitlements.c.payable_from <= bindparam("last_day"),
)


async def due_instalments(uow: UnitOfWork, period: str) -> list[PayableInput]:
    """The service fee instalments due up to and including the period, not yet paid."""
    rows = (await execute(uow, _DUE_INSTALMENTS, {"period": period})).mappings()
    return [
        PayableInput(source="instalment", source_id=f"{r['contract_id']}:{r['month']}", prime_id=r["prime_id"],
                     contract_id=r["contract_id"], case_id=None, kind="service_fee", sequence=1, month=r["month"],
                     payable_from=None, tariff_model=r["tariff_model"], tariff_version=r["tariff_version"],
                     amount_pence=r["amount_pence"])
        for r in rows
    ]


async def payable_attachment_fees(uow: UnitOfWork, last_day: date) -> list[PayableInput]:
    """Attachment fees (they need no claim) payable on or before the period's last day, not yet paid."""
    rows = (await execute(uow, _PAYABLE_FEES, {"last_day": last_day})).mappings()
    return [
        PayableInput(source="entitlement", source_id=r["entitlement_id"], prime_id=r["prime_id"],
                     contract_id=r["contract_id"], case_id=r["case_id"], kind=r["kind"], sequence=r["sequence"],
                     month=None, payable_from=r["payable_from"], tariff_model=r["tariff_model"],
                     tariff_version=r["tariff_version"], amount_pence=r["amount_pence"])
        for r in rows
    ]


def _lines_of_source(source: str) -> object:
    return select(run_lines.c.source_id).where(run_lines.c.run_id == bindparam("run_id"),
                                               run_lines.c.source == source)


_PAY_ENTITLEMENTS = update(entitlements).where(
    entitlements.c.status == "payable", entitlements.c.entitlement_id.in_(_lines_of_source("entitlement")),
).values(status="paid")
_PAY_INSTALMENTS = update(instalments).where(
    instalments.c.status == "due",
    exists().where(
        run_lines.c.run_id == bindparam("run_id"), run_lines.c.source == "instalment",
        run_lines.c.contract_id == instalments.c.contract_id, run_lines.c.month == instalments.c.month,
    ),
).values(status="paid")


async def pay_entitlements(uow: UnitOfWork, run_id: str) -> int:
    """Mark paid the entitlements the run's lines pay that are still payable; how many."""
    return int((await execute(uow, _PAY_ENTITLEMENTS, {"run_id": run_id})).rowcount)


async def pay_instalments(uow: UnitOfWork, run_id: str) -> int:
    """Mark paid the instalments the run's lines pay that are still due; how many."""
    return int((await execute(uow, _PAY_INSTALMENTS, {"run_id": run_id})).rowcount)


# Runs


async def add_run(uow: UnitOfWork, run: PaymentRun) -> None:
    await insert_record(uow, payment_runs, run)


async def get_run(uow: UnitOfWork, run_id: str, *, for_update: bool = False) -> PaymentRun | None:
    return await fetch_one(uow, PaymentRun, select_by(payment_runs, "run_id", for_update=for_update),
                           {"run_id": run_id})


async def update_run(uow: UnitOfWork, run: PaymentRun) -> None:
    await _update_record(uow, payment_runs, run, columns=RUN_CHANGES)


async def standing_run_of(uow: UnitOfWork, period: str) -> PaymentRun | None:
    """The period's run unless abandoned."""
    return await fetch_one(uow, PaymentRun, select_by(payment_runs, "live_period"), {"live_period": period})


async def open_runs(uow: UnitOfWork) -> list[PaymentRun]:
    """Runs prepared and neither authorised nor abandoned."""
    return await fetch_all(uow, PaymentRun, select_by(payment_runs, "status"), {"status": "prepared"})


async def last_authorised_period(uow: UnitOfWork) -> str | None:
    query = select(func.max(payment_runs.c.period)).where(payment_runs.c.status == "authorised")
    return await scalar(uow, query)


async def list_runs(
    uow: UnitOfWork, *, prime_id: str | None, period: str | None, status: str | None, after: str | None, limit: int
) -> list[PaymentRun]:
    """Runs oldest first (ids are UUIDv7); only those with a statement of `prime_id`, when given."""
    r = payment_runs.c
    query = select(payment_runs).order_by(r.run_id).limit(limit)
    if prime_id is not None:
        query = query.where(exists().where(run_statements.c.run_id == r.run_id,
                                           run_statements.c.prime_id == prime_id))
    if period is not None:
        query = query.where(r.period == period)
    if status is not None:
        query = query.where(r.status == status)
    if after is not None:
        query = query.where(r.run_id > after)
    return await fetch_all(uow, PaymentRun, query)


async def add_statements(uow: UnitOfWork, statements: Sequence[RunStatement]) -> None:
    await insert_records(uow, run_statements, statements)


async def statements_of(uow: UnitOfWork, run_id: str, *, prime_id: str | None = None) -> list[RunStatement]:
    s = run_statements.c
    query = select(run_statements).where(s.run_id == run_id).order_by(s.prime_id, s.contract_id)
    if prime_id is not None:
        query = query.where(s.prime_id == prime_id)
    return await fetch_all(uow, RunStatement, query)


async def add_lines(uow: UnitOfWork, lines: Sequence[RunLine]) -> None:
    await insert_records(uow, run_lines, lines)


async def lines_of(uow: UnitOfWork, run_id: str, *, prime_id: str | None = None) -> list[RunLine]:
    """The run's lines (the prime's only, when given), by statement and number."""
    c = run_lines.c
    query = select(run_lines).where(c.run_id == run_id).order_by(c.prime_id, c.contract_id, c.line)
    if prime_id is not None:
        query = query.where(c.prime_id == prime_id)
    return await fetch_all(uow, RunLine, query)


async def lines_by_source(uow: UnitOfWork, run_id: str) -> dict[str, int]:
    c = run_lines.c
    query = select(c.source, func.count()).where(c.run_id == run_id).group_by(c.source)
    return {source: int(n) for source, n in (await execute(uow, query)).all()}


async def approvers_in(uow: UnitOfWork, run_id: str) -> set[str]:
    """The officers who approved a claim the run pays."""
    c = run_lines.c
    query = select(c.approved_by).where(c.run_id == run_id, c.approved_by.is_not(None)).distinct()
    return {str(a) for a in (await execute(uow, query)).scalars()}


async def add_nettings(uow: UnitOfWork, nettings: Sequence[RecoveryNetting]) -> None:
    await insert_records(uow, recovery_nettings, nettings)


async def nettings_of(uow: UnitOfWork, run_id: str, *, prime_id: str | None = None) -> list[RecoveryNetting]:
    n = recovery_nettings.c
    query = select(recovery_nettings).where(n.run_id == run_id).order_by(
        n.prime_id, n.contract_id, n.raised_on, n.recovery_id
    )
    if prime_id is not None:
        query = query.where(n.prime_id == prime_id)
    return await fetch_all(uow, RecoveryNetting, query)


# Recoveries

_TAKE_OFF = update(recoveries).where(
    recoveries.c.recovery_id == bindparam("k_recovery_id"),
    recoveries.c.outstanding_pence == bindparam("k_outstanding"),
).values(outstanding_pence=recoveries.c.outstanding_pence - bindparam("v_netted"))


async def add_recovery(uow: UnitOfWork, recovery: Recovery) -> None:
    await insert_record(uow, recoveries, recovery)


async def get_recovery(uow: UnitOfWork, recovery_id: str) -> Recovery | None:
    return await fetch_one(uow, Recovery, select_by(recoveries, "recovery_id"), {"recovery_id": recovery_id})


async def outstanding_recoveries(uow: UnitOfWork) -> list[OutstandingRecovery]:
    r = recoveries.c
    query = select(r.recovery_id, r.prime_id, r.contract_id, r.reason, r.raised_on, r.outstanding_pence).where(
        r.outstanding_pence > 0
    )
    return [OutstandingRecovery(**row) for row in (await execute(uow, query)).mappings()]


async def take_off(uow: UnitOfWork, netting: RecoveryNetting) -> bool:
    """Take what a run netted off the recovery, if it still has what the run saw outstanding; whether it did."""
    params = {"k_recovery_id": netting.recovery_id, "k_outstanding": netting.outstanding_pence,
              "v_netted": netting.netted_pence}
    return (await execute(uow, _TAKE_OFF, params)).rowcount == 1


@dataclass(frozen=True)
class RecoveryFilter:
    prime_id: str | None = None
    contract_id: str | None = None
    outstanding: bool | None = None  # True: something left to recover; False: recovered in full


async def list_recoveries(uow: UnitOfWork, where: RecoveryFilter, *, after: str | None, limit: int) -> list[Recovery]:
    r = recoveries.c
    query = select(recoveries).order_by(r.recovery_id).limit(limit)
    conditions = []
    if where.prime_id is not None:
        conditions.append(r.prime_id == where.prime_id)
    if where.contract_id is not None:
        conditions.append(r.contract_id == where.contract_id)
    if where.outstanding is not None:
        conditions.append(r.outstanding_pence > 0 if where.outstanding else r.outstanding_pence == 0)
    if after is not None:
        conditions.append(r.recovery_id > after)
    return await fetch_all(uow, Recovery, query.where(and_(True, *conditions)))
