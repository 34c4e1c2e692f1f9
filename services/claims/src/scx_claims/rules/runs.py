"""A payment run's arithmetic, alone: from its frozen inputs to its statements, their digests and their bytes.

The rules, in pence (integers throughout; nothing is divided, so nothing is rounded):

- **Inputs.** Whatever a run pays is one `PayableInput` (a service fee instalment due, an attachment fee payable, an
  approved claim), from whichever source; with the prime's outstanding recoveries they are the run's inputs. Their
  canonical order is by prime, contract, source, month, payable-from date, referral, kind, sequence and source id,
  so the order they were read in never matters. The **inputs digest** is the SHA-256 of their canonical
  serialisation (`canonical`: JSON, keys sorted, no spaces, ASCII) with the period.
- **Statements.** One per prime and contract with anything to pay or recover: a line per input, numbered from 1
  in the canonical order. Gross is the sum of its lines.
- **Netting.** The contract's outstanding recoveries are netted against the statement's gross, oldest first (by the
  day raised, then the recovery's id), each for as much of its outstanding amount as the gross not yet netted
  allows. A recovery is never netted for more than is outstanding on it, and a statement never nets more than its
  gross: its net is never negative. What is not netted stays outstanding on the recovery (the carried-forward
  balance, shown on the statement) and is netted in the next run with anything to pay on that contract.
- **Ids and digests from content.** A statement's digest is the SHA-256 of its canonical document without its id;
  its id is a UUID (version 5) of the period, prime, contract and that digest. Nothing random and no clock enters a
  statement, so the same inputs make the same statement byte for byte, as JSON and as CSV.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

# Sources in the order a statement lists them: the service fee, then what journeys made payable.
SOURCES = ("instalment", "entitlement", "claim")
KINDS = ("service_fee", "attachment_fee", "job_outcome", "sustained_job_outcome", "sustainment_payment")
STATEMENT_NAMESPACE = uuid.UUID("6d0f4c1e-2b7a-5c3e-9f10-5c1a1ee5a7e5")
CSV_COLUMNS = (
    "period", "prime_id", "contract_id", "statement_id", "line", "source", "source_id", "case_id", "kind",
    "sequence", "month", "payable_from", "tariff_model", "tariff_version", "amount_pence",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PayableInput:
    """One thing a run would pay, as frozen: the line it makes, less its number."""

    source: str  # instalment | entitlement | claim
    source_id: str
    prime_id: str
    contract_id: str
    case_id: str | None
    kind: str
    sequence: int
    month: str | None
    payable_from: date | None
    tariff_model: str
    tariff_version: int
    amount_pence: int
    approved_by: str | None = None  # the officer who approved the claim (maker-checker)


@dataclass(frozen=True, slots=True, kw_only=True)
class OutstandingRecovery:
    recovery_id: str
    prime_id: str
    contract_id: str
    reason: str
    raised_on: date
    outstanding_pence: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Netted:
    """What a statement nets of one recovery (possibly nothing, when its gross was used up)."""

    recovery_id: str
    reason: str
    raised_on: date
    outstanding_pence: int  # before this run
    netted_pence: int

    @property
    def carried_forward_pence(self) -> int:
        return self.outstanding_pence - self.netted_pence


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    period: str
    prime_id: str
    contract_id: str
    lines: tuple[tuple[int, PayableInput], ...]  # (line number, what it pays)
    recoveries: tuple[Netted, ...]
    statement_id: str
    statement_digest: str

    @property
    def gross_pence(self) -> int:
        return sum(i.amount_pence for _, i in self.lines)

    @property
    def recoveries_pence(self) -> int:
        return sum(n.netted_pence for n in self.recoveries)

    @property
    def net_pence(self) -> int:
        return self.gross_pence - self.recoveries_pence

    @property
    def carried_forward_pence(self) -> int:
        return sum(n.carried_forward_pence for n in self.recoveries)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunPlan:
    period: str
    inputs_digest: str
    statements: tuple[Statement, ...]

    @property
    def lines(self) -> int:
        return sum(len(s.lines) for s in self.statements)

    @property
    def gross_pence(self) -> int:
        return sum(s.gross_pence for s in self.statements)

    @property
    def recoveries_pence(self) -> int:
        return sum(s.recoveries_pence for s in self.statements)

    @property
    def net_pence(self) -> int:
        return sum(s.net_pence for s in self.statements)


def last_day_of(period: str) -> date:
    """The last day of a month written YYYY-MM."""
    year, month = int(period[:4]), int(period[5:])
    return date(year, month, calendar.monthrange(year, month)[1])


def canonical(document: Any) -> bytes:
    """The one serialisation digests and statements are made of: JSON, keys sorted, no spaces, ASCII only."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def sha256(document: Any) -> str:
    return hashlib.sha256(canonical(document)).hexdigest()


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def input_order(i: PayableInput) -> tuple[Any, ...]:
    return (
        i.prime_id, i.contract_id, SOURCES.index(i.source), i.month or "", _iso(i.payable_from) or "",
        i.case_id or "", KINDS.index(i.kind) if i.kind in KINDS else len(KINDS), i.kind, i.sequence, i.source_id,
    )


def recovery_order(r: OutstandingRecovery | Netted) -> tuple[str, str]:
    return (r.raised_on.isoformat(), r.recovery_id)


def input_document(i: PayableInput) -> dict[str, Any]:
    return {
        "source": i.source, "source_id": i.source_id, "prime_id": i.prime_id, "contract_id": i.contract_id,
        "case_id": i.case_id, "kind": i.kind, "sequence": i.sequence, "month": i.month,
        "payable_from": _iso(i.payable_from), "tariff_model": i.tariff_model, "tariff_version": i.tariff_version,
        "amount_pence": i.amount_pence, "approved_by": i.approved_by,
    }


def inputs_digest(period: str, inputs: Iterable[PayableInput], recoveries: Iterable[OutstandingRecovery]) -> str:
    """The SHA-256 of the period and every input, in canonical order (the order they were read in never counts)."""
    return sha256({
        "period": period,
        "inputs": [input_document(i) for i in sorted(inputs, key=input_order)],
        "recoveries": [
            {"recovery_id": r.recovery_id, "prime_id": r.prime_id, "contract_id": r.contract_id, "reason": r.reason,
             "raised_on": r.raised_on.isoformat(), "outstanding_pence": r.outstanding_pence}
            for r in sorted(recoveries, key=lambda r: (r.prime_id, r.contract_id, *recovery_order(r)))
        ],
    })


def net(gross_pence: int, outstanding: Sequence[OutstandingRecovery]) -> tuple[Netted, ...]:
    """Net the recoveries against a gross, oldest first, never more than outstanding nor more than the gross."""
    left = gross_pence
    netted = []
    for r in sorted(outstanding, key=recovery_order):
        take = max(0, min(r.outstanding_pence, left))
        left -= take
        netted.append(Netted(recovery_id=r.recovery_id, reason=r.reason, raised_on=r.raised_on,
                             outstanding_pence=r.outstanding_pence, netted_pence=take))
    return tuple(netted)


def _line_document(number: int, i: PayableInput) -> dict[str, Any]:
    return {
        "line": number, "source": i.source, "source_id": i.source_id, "case_id": i.case_id, "kind": i.kind,
        "sequence": i.sequence, "month": i.month, "payable_from": _iso(i.payable_from),
        "tariff_model": i.tariff_model, "tariff_version": i.tariff_version, "amount_pence": i.amount_pence,
    }


def _content(period: str, prime_id: str, contract_id: str, lines: Sequence[tuple[int, PayableInput]],
             recoveries: Sequence[Netted]) -> dict[str, Any]:
    gross = sum(i.amount_pence for _, i in lines)
    recovered = sum(n.netted_pence for n in recoveries)
    return {
        "period": period, "prime_id": prime_id, "contract_id": contract_id,
        "lines": [_line_document(n, i) for n, i in lines],
        "recoveries": [
            {"recovery_id": n.recovery_id, "reason": n.reason, "raised_on": n.raised_on.isoformat(),
             "outstanding_pence": n.outstanding_pence, "netted_pence": n.netted_pence,
             "carried_forward_pence": n.carried_forward_pence}
            for n in recoveries
        ],
        "gross_pence": gross, "recoveries_pence": recovered, "net_pence": gross - recovered,
        "carried_forward_pence": sum(n.carried_forward_pence for n in recoveries),
    }


def make_statement(period: str, prime_id: str, contract_id: str, lines: Sequence[tuple[int, PayableInput]],
                   recoveries: Sequence[Netted]) -> Statement:
    """The statement with its digest and its id, both derived from its content."""
    digest = sha256(_content(period, prime_id, contract_id, lines, recoveries))
    statement_id = str(uuid.uuid5(STATEMENT_NAMESPACE, f"{period}/{prime_id}/{contract_id}/{digest}"))
    return Statement(period=period, prime_id=prime_id, contract_id=contract_id, lines=tuple(lines),
                     recoveries=tuple(recoveries), statement_id=statement_id, statement_digest=digest)


def plan_run(period: str, inputs: Iterable[PayableInput], recoveries: Iterable[OutstandingRecovery]) -> RunPlan:
    """The run's statements from its inputs: one per prime and contract with lines or an outstanding recovery."""
    ordered = sorted(inputs, key=input_order)
    owed = [r for r in recoveries if r.outstanding_pence > 0]
    by_statement: dict[tuple[str, str], list[PayableInput]] = {
        key: list(group) for key, group in groupby(ordered, key=lambda i: (i.prime_id, i.contract_id))
    }
    for r in owed:
        by_statement.setdefault((r.prime_id, r.contract_id), [])
    statements = []
    for (prime_id, contract_id), payable in sorted(by_statement.items()):
        lines = list(enumerate(payable, start=1))
        outstanding = [r for r in owed if (r.prime_id, r.contract_id) == (prime_id, contract_id)]
        netted = net(sum(i.amount_pence for i in payable), outstanding)
        statements.append(make_statement(period, prime_id, contract_id, lines, netted))
    return RunPlan(period=period, inputs_digest=inputs_digest(period, ordered, owed), statements=tuple(statements))


def statement_document(statement: Statement) -> dict[str, Any]:
    content = _content(statement.period, statement.prime_id, statement.contract_id, statement.lines,
                       statement.recoveries)
    return {**content, "statement_id": statement.statement_id, "statement_digest": statement.statement_digest}


def prime_document(period: str, prime_id: str, statements: Sequence[Statement]) -> dict[str, Any]:
    """A prime's statements in a run, one per contract, with their totals."""
    ordered = sorted(statements, key=lambda s: s.contract_id)
    return {
        "period": period, "prime_id": prime_id,
        "statements": [statement_document(s) for s in ordered],
        "gross_pence": sum(s.gross_pence for s in ordered),
        "recoveries_pence": sum(s.recoveries_pence for s in ordered),
        "net_pence": sum(s.net_pence for s in ordered),
        "carried_forward_pence": sum(s.carried_forward_pence for s in ordered),
    }


def render_json(period: str, prime_id: str, statements: Sequence[Statement]) -> bytes:
    return canonical(prime_document(period, prime_id, statements))


def render_csv(period: str, prime_id: str, statements: Sequence[Statement]) -> bytes:
    """A row per line (amount positive) and per recovery (amount the negative of what was netted): the amounts of
    a statement's rows sum to its net."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for s in sorted(statements, key=lambda s: s.contract_id):
        head = (period, prime_id, s.contract_id, s.statement_id)
        for number, i in s.lines:
            writer.writerow((*head, number, i.source, i.source_id, i.case_id or "", i.kind, i.sequence,
                             i.month or "", _iso(i.payable_from) or "", i.tariff_model, i.tariff_version,
                             i.amount_pence))
        for number, n in enumerate(s.recoveries, start=len(s.lines) + 1):
            writer.writerow((*head, number, "recovery", n.recovery_id, "", n.reason, 1, "",
                             n.raised_on.isoformat(), "", "", -n.netted_pence))
    return out.getvalue().encode("utf-8")
