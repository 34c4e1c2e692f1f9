"""What primes owe their partners and what they paid them (issue 9, item 6).

A line is owed per outcome payment an end-to-end partner has a share of, and per service a specialist partner
delivered, once DWP has paid the prime (a run authorised); never twice for the same payment or service (the unique
`basis, source_id`). A payment the prime records settles whole lines; `settled_by` names it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Date, Index, Integer, String, Table, UniqueConstraint

from scx_claims.models.base import metadata
from scx_persistence.types import UtcDateTime

partner_owed = Table(
    "partner_owed",
    metadata,
    Column("owed_id", String(36), primary_key=True),
    Column("run_id", String(36), nullable=False),
    Column("prime_id", String(64), nullable=False),
    Column("contract_id", String(36), nullable=False),
    Column("partner_id", String(64), nullable=False),
    Column("subcontract_id", String(36), nullable=False),
    Column("case_id", String(36), nullable=False),
    Column("basis", String(16), nullable=False),  # outcome_share | service_price
    Column("source_id", String(36), nullable=False),  # the entitlement paid, or the specialist activity delivered
    Column("gross_pence", BigInteger, nullable=False),  # the outcome payment, or the service's price
    Column("share_percent", Integer, nullable=True),  # the outcome payment share applied; null for a service
    Column("amount_pence", BigInteger, nullable=False),
    Column("terms_variation", Integer, nullable=False),  # the subcontract variation whose terms applied
    Column("dwp_paid_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("settled_by", String(36), nullable=True),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("basis", "source_id", name="uq_partner_owed_basis_source"),
    Index("ix_partner_owed_partner", "partner_id", "prime_id", "owed_id"),
    Index("ix_partner_owed_prime", "prime_id", "partner_id"),
)

partner_payments = Table(
    "partner_payments",
    metadata,
    Column("payment_id", String(36), primary_key=True),
    Column("prime_id", String(64), nullable=False),
    Column("partner_id", String(64), nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Index("ix_partner_payments_chain", "prime_id", "partner_id", "paid_on"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnerOwedLine:
    owed_id: str
    run_id: str
    prime_id: str
    contract_id: str
    partner_id: str
    subcontract_id: str
    case_id: str
    basis: str
    source_id: str
    gross_pence: int
    share_percent: int | None
    amount_pence: int
    terms_variation: int
    dwp_paid_on: date
    due_on: date
    settled_by: str | None
    recorded_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnerPayment:
    payment_id: str
    prime_id: str
    partner_id: str
    amount_pence: int
    paid_on: date
    recorded_at: datetime
    recorded_by: str
