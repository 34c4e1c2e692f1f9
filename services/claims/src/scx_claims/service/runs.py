"""Payment runs: DWP prepares a month's run, another officer authorises it, and its statements are paid.

- **Prepare** (a payments officer): the run's inputs are read from every source (`SOURCES`: the service fee
  instalments due up to the period, the attachment fees payable by its last day, and, when the claims area lands,
  the approved claims not yet paid) with the outstanding recoveries, and frozen as the run's lines and nettings,
  with their digest; a statement per prime and contract (the arithmetic is `rules.runs`). A period has one run
  unless it was abandoned; one run is open at a time (so nothing is in two runs); runs go forward.
- **Authorise** (a payments officer who approved no claim in the run: maker-checker; stating the inputs digest they
  checked): every line's source is marked paid (entitlements, instalments, claims), what each statement nets is
  taken off its recoveries, and payment.run_authorised, payment.statement_issued per statement and
  payment.recovery_netted per recovery netted are recorded. If an input no longer stands (paid or withdrawn since,
  a recovery changed) nothing is paid: the run is abandoned and prepared again.
- **Abandon** (a payments officer): a prepared run is set aside unpaid; its period may be prepared again.
- **Read**: DWP every run and statement; a prime the runs it has a statement in, and only its own statements;
  partners and JCP nothing (404).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date
from itertools import groupby

from scx_claims.access import is_dwp, require_payments_officer
from scx_claims.models.runs import PaymentRun, RecoveryNetting, RunLine, RunStatement
from scx_claims.problems import runs as problems
from scx_claims.repository import runs as repository
from scx_claims.rules import runs as rules
from scx_claims.rules.runs import Netted, PayableInput, Statement
from scx_claims.schemas.runs import AbandonRun, AuthoriseRun, PrepareRun
from scx_claims.service.events import new_id, now, record, today
from scx_contracts.claims import (
    PaymentRunAbandoned,
    PaymentRunAuthorised,
    PaymentRunPrepared,
    RecoveryNetted,
    StatementIssued,
)
from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found


@dataclass(frozen=True)
class InputSource:
    """One source of what a run pays: how to read what is payable up to a period, and how to mark paid what a run
    froze of it (returning how many it marked: fewer than the run's lines from it means an input changed)."""

    name: str  # the lines' `source`
    read: Callable[[UnitOfWork, str, date], Awaitable[list[PayableInput]]]  # (uow, period, its last day)
    pay: Callable[[UnitOfWork, str], Awaitable[int]]  # (uow, run_id)


async def _instalments(uow: UnitOfWork, period: str, _: date) -> list[PayableInput]:
    return await repository.due_instalments(uow, period)


async def _attachment_fees(uow: UnitOfWork, _: str, last_day: date) -> list[PayableInput]:
    return await repository.payable_attachment_fees(uow, last_day)


SOURCES: tuple[InputSource, ...] = (
    InputSource("instalment", _instalments, repository.pay_instalments),
    InputSource("entitlement", _attachment_fees, repository.pay_entitlements),
)


@dataclass(frozen=True)
class RunView:
    run: PaymentRun
    statements: list[RunStatement]


def current_period() -> str:
    return today().strftime("%Y-%m")


# Reading


def _visible_statements(principal: Principal, statements: list[RunStatement]) -> list[RunStatement] | None:
    """The run's statements the caller may see; None when it may not see the run at all."""
    if is_dwp(principal):
        return statements
    if principal.kind == "prime":
        own = [s for s in statements if s.prime_id == principal.organisation_id]
        return own or None
    return None


async def _visible_run(uow: UnitOfWork, principal: Principal, run_id: str, *, for_update: bool = False) -> RunView:
    run = await repository.get_run(uow, run_id, for_update=for_update)
    if run is None:
        raise not_found("Payment run", run_id)
    shown = _visible_statements(principal, await repository.statements_of(uow, run_id))
    if shown is None:
        raise not_found("Payment run", run_id)
    return RunView(run, shown)


async def get_run(uow: UnitOfWork, principal: Principal, *, run_id: str) -> RunView:
    return await _visible_run(uow, principal, run_id)


async def list_runs(
    uow: UnitOfWork, principal: Principal, *, period: str | None, status: str | None, page: PageRequest
) -> list[RunView]:
    """Runs oldest first: DWP all, a prime those it has a statement in (showing its own), anyone else none."""
    if not is_dwp(principal) and principal.kind != "prime":
        return []
    prime_id = None if is_dwp(principal) else principal.organisation_id
    runs = await repository.list_runs(uow, prime_id=prime_id, period=period, status=status, after=page.after,
                                      limit=page.limit + 1)
    views = []
    for run in runs:
        statements = await repository.statements_of(uow, run.run_id, prime_id=prime_id)
        views.append(RunView(run, statements))
    return views


async def statements_of_prime(
    uow: UnitOfWork, principal: Principal, *, run_id: str, prime_id: str
) -> tuple[PaymentRun, list[Statement]]:
    """A prime's statements in a run, rebuilt from the frozen lines and nettings (for DWP, or that prime)."""
    view = await _visible_run(uow, principal, run_id)
    rows = [s for s in view.statements if s.prime_id == prime_id]
    if not rows:
        raise not_found("Statement", f"of {prime_id} in run {run_id}")
    lines = await repository.lines_of(uow, run_id, prime_id=prime_id)
    nettings = await repository.nettings_of(uow, run_id, prime_id=prime_id)
    by_contract = {k: list(g) for k, g in groupby(lines, key=lambda line: line.contract_id)}
    netted = {k: list(g) for k, g in groupby(nettings, key=lambda n: n.contract_id)}
    statements = [
        Statement(
            period=row.period, prime_id=prime_id, contract_id=row.contract_id,
            lines=tuple((line.line, _input_of(line)) for line in by_contract.get(row.contract_id, [])),
            recoveries=tuple(
                Netted(recovery_id=n.recovery_id, reason=n.reason, raised_on=n.raised_on,
                       outstanding_pence=n.outstanding_pence, netted_pence=n.netted_pence)
                for n in netted.get(row.contract_id, [])
            ),
            statement_id=row.statement_id, statement_digest=row.statement_digest,
        )
        for row in rows
    ]
    return view.run, statements


def _input_of(line: RunLine) -> PayableInput:
    return PayableInput(
        source=line.source, source_id=line.source_id, prime_id=line.prime_id, contract_id=line.contract_id,
        case_id=line.case_id, kind=line.kind, sequence=line.sequence, month=line.month,
        payable_from=line.payable_from, tariff_model=line.tariff_model, tariff_version=line.tariff_version,
        amount_pence=line.amount_pence, approved_by=line.approved_by,
    )


# Preparing


async def _check_period(uow: UnitOfWork, period: str) -> None:
    if period > current_period():
        raise problems.period_in_future(period, current_period())
    standing = await repository.standing_run_of(uow, period)
    if standing is not None:
        raise problems.period_has_run(period, standing.run_id, standing.status)
    open_runs = await repository.open_runs(uow)
    if open_runs:
        raise problems.run_open(open_runs[0].run_id, open_runs[0].period)
    last = await repository.last_authorised_period(uow)
    if last is not None and period <= last:
        raise problems.period_passed(period, last)


async def plan(uow: UnitOfWork, period: str) -> rules.RunPlan:
    """What a run for the period would pay and net, read from every source now (no writes)."""
    inputs: list[PayableInput] = []
    for source in SOURCES:
        inputs.extend(await source.read(uow, period, rules.last_day_of(period)))
    return rules.plan_run(period, inputs, await repository.outstanding_recoveries(uow))


async def prepare_run(uow: UnitOfWork, principal: Principal, *, command: PrepareRun) -> RunView:
    """Freeze the period's inputs as a run, with a statement per prime and contract, and record
    payment.run_prepared."""
    require_payments_officer(principal)
    await _check_period(uow, command.period)
    planned = await plan(uow, command.period)
    if not planned.statements:
        raise problems.nothing_payable(command.period)
    run = PaymentRun(
        run_id=new_id(), period=command.period, live_period=command.period, status="prepared",
        inputs_digest=planned.inputs_digest, statements=len(planned.statements), lines=planned.lines,
        gross_pence=planned.gross_pence, recoveries_pence=planned.recoveries_pence, net_pence=planned.net_pence,
        prepared_by=principal.user, prepared_at=now(),
    )
    await repository.add_run(uow, run)
    statements = [
        RunStatement(
            run_id=run.run_id, prime_id=s.prime_id, contract_id=s.contract_id, statement_id=s.statement_id,
            period=s.period, lines=len(s.lines), gross_pence=s.gross_pence, recoveries_pence=s.recoveries_pence,
            net_pence=s.net_pence, carried_forward_pence=s.carried_forward_pence,
            statement_digest=s.statement_digest,
        )
        for s in planned.statements
    ]
    await repository.add_statements(uow, statements)
    await repository.add_lines(uow, [
        RunLine(run_id=run.run_id, line=number, **{f: getattr(i, f) for f in _LINE_FIELDS})
        for s in planned.statements for number, i in s.lines
    ])
    await repository.add_nettings(uow, [
        RecoveryNetting(run_id=run.run_id, recovery_id=n.recovery_id, prime_id=s.prime_id,
                        contract_id=s.contract_id, reason=n.reason, raised_on=n.raised_on,
                        outstanding_pence=n.outstanding_pence, netted_pence=n.netted_pence)
        for s in planned.statements for n in s.recoveries
    ])
    record(uow, principal, PaymentRunPrepared(
        run_id=run.run_id, period=run.period, inputs_digest=run.inputs_digest, statements=run.statements,
        total_pence=run.net_pence,
    ))
    return RunView(run, statements)


_LINE_FIELDS = (
    "prime_id", "contract_id", "source", "source_id", "case_id", "kind", "sequence", "month", "payable_from",
    "tariff_model", "tariff_version", "amount_pence", "approved_by",
)


# Authorising and abandoning


async def _prepared_run(uow: UnitOfWork, principal: Principal, run_id: str) -> RunView:
    view = await _visible_run(uow, principal, run_id, for_update=True)
    require_payments_officer(principal)
    if view.run.status != "prepared":
        raise problems.run_not_prepared(run_id, view.run.status)
    return view


async def authorise_run(uow: UnitOfWork, principal: Principal, *, run_id: str, command: AuthoriseRun) -> RunView:
    """Pay the run: by a payments officer who approved none of its claims, for the digest they checked."""
    view = await _prepared_run(uow, principal, run_id)
    run = view.run
    if command.inputs_digest != run.inputs_digest:
        raise problems.digest_mismatch(run_id)
    if principal.user in await repository.approvers_in(uow, run_id):
        raise problems.approver_cannot_authorise(principal.user)
    frozen = await repository.lines_by_source(uow, run_id)
    for source in SOURCES:
        paid = await source.pay(uow, run_id)
        if paid != frozen.get(source.name, 0):
            raise problems.inputs_changed(run_id, f"{frozen.get(source.name, 0) - paid} of its {source.name} lines "
                                                  "were paid or withdrawn")
    nettings = await repository.nettings_of(uow, run_id)
    for netting in nettings:
        if netting.netted_pence and not await repository.take_off(uow, netting):
            raise problems.inputs_changed(run_id, f"recovery {netting.recovery_id} changed")
    at = now()
    authorised = replace(run, status="authorised", authorised_by=principal.user, authorised_on=at.date(),
                         authorised_at=at)
    await repository.update_run(uow, authorised)
    record(uow, principal, PaymentRunAuthorised(
        run_id=run_id, period=run.period, inputs_digest=run.inputs_digest, authorised_on=at.date(),
    ))
    for s in view.statements:
        record(uow, principal, StatementIssued(
            run_id=run_id, statement_id=s.statement_id, prime_id=s.prime_id, contract_id=s.contract_id,
            period=s.period, lines=s.lines, gross_pence=s.gross_pence, recoveries_pence=s.recoveries_pence,
            net_pence=s.net_pence, statement_digest=s.statement_digest,
        ))
    for netting in nettings:
        if netting.netted_pence:
            record(uow, principal, RecoveryNetted(
                recovery_id=netting.recovery_id, run_id=run_id, prime_id=netting.prime_id,
                amount_pence=netting.netted_pence,
            ))
    return RunView(authorised, view.statements)


async def abandon_run(uow: UnitOfWork, principal: Principal, *, run_id: str, command: AbandonRun) -> RunView:
    """Set a prepared run aside unpaid: its period is free to be prepared again."""
    view = await _prepared_run(uow, principal, run_id)
    at = now()
    abandoned = replace(view.run, status="abandoned", live_period=None, abandoned_by=principal.user,
                        abandoned_at=at, abandon_reason=command.reason)
    await repository.update_run(uow, abandoned)
    record(uow, principal, PaymentRunAbandoned(
        run_id=run_id, period=view.run.period, inputs_digest=view.run.inputs_digest, abandoned_on=at.date(),
    ))
    return RunView(abandoned, view.statements)
