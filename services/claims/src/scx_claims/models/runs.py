"""Payment runs, their statements and lines, and the recoveries ledger.

- A **payment run** pays one month (its period): DWP's payments officer prepares it, freezing its inputs (the
  approved claims not yet paid, the service fee instalments due up to the period, the attachment fees payable, the
  outstanding recoveries, and the tariff versions each was priced under) with a SHA-256 digest of their canonical
  serialisation; another officer authorises it, and its lines are paid. A period has one run, unless that run was
  abandoned before authorisation (`live_period` is the period while the run stands, NULL once abandoned, and is
  unique).
- A **statement** is one prime's, for one contract, in one run: a line per referral and fee, the recoveries netted
  against it, gross, recovered, net and what is carried forward. Its id and digest are derived from its content, so
  the same inputs make the same statement, byte for byte.
- A **recovery** is money owed back by a prime (a claim that failed validation after payment, a sample's
  extrapolation, an overpaid outcome): its own ledger, netted run by run (`recovery_nettings`) until nothing is
  outstanding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Index, Integer, String, Table

from scx_claims.models.base import metadata
from scx_persistence.types import UtcDateTime

payment_runs = Table(
    "payment_runs",
    metadata,
    Column("run_id", String(36), primary_key=True),
    Column("period", String(7), nullable=False),  # YYYY-MM
    # The period while the run stands (prepared or authorised); NULL once abandoned: one standing run per period.
    Column("live_period", String(7), nullable=True, unique=True),
    Column("status", String(16), nullable=False),  # prepared | authorised | abandoned
    Column("inputs_digest", String(64), nullable=False),
    Column("statements", Integer, nullable=False),
    Column("lines", Integer, nullable=False),
    Column("gross_pence", BigInteger, nullable=False),
    Column("recoveries_pence", BigInteger, nullable=False),
    Column("net_pence", BigInteger, nullable=False),
    Column("prepared_by", String(64), nullable=False),  # the payments officer (user)
    Column("prepared_at", UtcDateTime, nullable=False),
    Column("authorised_by", String(64), nullable=True),
    Column("authorised_on", Date, nullable=True),
    Column("authorised_at", UtcDateTime, nullable=True),
    Column("abandoned_by", String(64), nullable=True),
    Column("abandoned_at", UtcDateTime, nullable=True),
    Column("abandon_reason", String(500), nullable=True),
)

run_statements = Table(
    "run_statements",
    metadata,
    Column("run_id", String(36), ForeignKey("payment_runs.run_id"), primary_key=True),
    Column("prime_id", String(64), primary_key=True),
    Column("contract_id", String(36), primary_key=True),
    Column("statement_id", String(36), nullable=False),  # derived from the statement's content, not random
    Column("period", String(7), nullable=False),
    Column("lines", Integer, nullable=False),
    Column("gross_pence", BigInteger, nullable=False),
    Column("recoveries_pence", BigInteger, nullable=False),
    Column("net_pence", BigInteger, nullable=False),
    Column("carried_forward_pence", BigInteger, nullable=False),
    Column("statement_digest", String(64), nullable=False),
    Index("ix_run_statements_prime", "prime_id", "run_id"),
)

# One row per payable thing in a run: its source (an instalment, an entitlement paid without a claim, an approved
# claim) and everything the statement line shows, frozen at preparation.
run_lines = Table(
    "run_lines",
    metadata,
    Column("run_id", String(36), ForeignKey("payment_runs.run_id"), primary_key=True),
    Column("prime_id", String(64), primary_key=True),
    Column("contract_id", String(36), primary_key=True),
    Column("line", Integer, primary_key=True),  # 1, 2, ... within the statement, in its canonical order
    Column("source", String(16), nullable=False),  # instalment | entitlement | claim
    Column("source_id", String(64), nullable=False),
    Column("case_id", String(36), nullable=True),  # the referral; none for a service fee instalment
    Column("kind", String(32), nullable=False),  # scx_contracts.claims.PayableKind
    Column("sequence", Integer, nullable=False),
    Column("month", String(7), nullable=True),  # an instalment's month
    Column("payable_from", Date, nullable=True),
    Column("tariff_model", String(100), nullable=False),
    Column("tariff_version", Integer, nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    Column("approved_by", String(64), nullable=True),  # the validating officer who approved the claim
    Index("ix_run_lines_source", "source", "source_id"),
    Index("ix_run_lines_case", "case_id"),
)

recoveries = Table(
    "recoveries",
    metadata,
    Column("recovery_id", String(36), primary_key=True),
    Column("prime_id", String(64), nullable=False),
    Column("contract_id", String(36), nullable=False),
    Column("case_id", String(36), nullable=True),
    Column("reason", String(32), nullable=False),  # scx_contracts.claims.RecoveryReason
    Column("explanation", String(500), nullable=True),  # kept here; events carry the code only
    Column("amount_pence", BigInteger, nullable=False),
    Column("outstanding_pence", BigInteger, nullable=False),  # less each authorised run's netting
    Column("claim_id", String(36), nullable=True),
    Column("sample_id", String(36), nullable=True),
    Column("raised_on", Date, nullable=False),
    Column("raised_by", String(64), nullable=False),  # the organisation
    Column("raised_user", String(64), nullable=False),
    Column("raised_at", UtcDateTime, nullable=False),
    Index("ix_recoveries_prime_contract", "prime_id", "contract_id", "outstanding_pence"),
)

# What a run nets of a recovery: planned at preparation, taken off the recovery when the run is authorised.
recovery_nettings = Table(
    "recovery_nettings",
    metadata,
    Column("run_id", String(36), ForeignKey("payment_runs.run_id"), primary_key=True),
    Column("recovery_id", String(36), ForeignKey("recoveries.recovery_id"), primary_key=True),
    Column("prime_id", String(64), nullable=False),
    Column("contract_id", String(36), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("raised_on", Date, nullable=False),
    Column("outstanding_pence", BigInteger, nullable=False),  # before this run
    Column("netted_pence", BigInteger, nullable=False),  # 0 when the statement had nothing left to net against
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentRun:
    run_id: str
    period: str
    live_period: str | None
    status: str
    inputs_digest: str
    statements: int
    lines: int
    gross_pence: int
    recoveries_pence: int
    net_pence: int
    prepared_by: str
    prepared_at: datetime
    authorised_by: str | None = None
    authorised_on: date | None = None
    authorised_at: datetime | None = None
    abandoned_by: str | None = None
    abandoned_at: datetime | None = None
    abandon_reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RunStatement:
    run_id: str
    prime_id: str
    contract_id: str
    statement_id: str
    period: str
    lines: int
    gross_pence: int
    recoveries_pence: int
    net_pence: int
    carried_forward_pence: int
    statement_digest: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RunLine:
    run_id: str
    prime_id: str
    contract_id: str
    line: int
    source: str
    source_id: str
    case_id: str | None
    kind: str
    sequence: int
    month: str | None
    payable_from: date | None
    tariff_model: str
    tariff_version: int
    amount_pence: int
    approved_by: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Recovery:
    recovery_id: str
    prime_id: str
    contract_id: str
    case_id: str | None
    reason: str
    explanation: str | None
    amount_pence: int
    outstanding_pence: int
    claim_id: str | None
    sample_id: str | None
    raised_on: date
    raised_by: str
    raised_user: str
    raised_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RecoveryNetting:
    run_id: str
    recovery_id: str
    prime_id: str
    contract_id: str
    reason: str
    raised_on: date
    outstanding_pence: int
    netted_pence: int
