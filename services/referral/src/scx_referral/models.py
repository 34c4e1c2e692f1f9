"""The referral service's tables and their records (ADR 0013). The registry's read model lives in `scx_registry`,
the idempotency records in the service kit's tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Column, Date, Index, Integer, String, Table, Text

from scx_persistence import new_metadata
from scx_persistence.types import UtcDateTime

metadata = new_metadata()

referrals = Table(
    "referrals",
    metadata,
    Column("referral_id", String(36), primary_key=True),
    Column("contract_id", String(36), nullable=False, index=True),
    Column("prime_id", String(64), nullable=False),
    Column("referrer_id", String(64), nullable=False, index=True),
    Column("claimant_ref", String(40), nullable=False, index=True),
    Column("nino_sealed", Text, nullable=False),
    Column("benefit_type", String(4), nullable=False),
    Column("payment_group", Integer, nullable=False),
    Column("mandatory", Boolean, nullable=False),
    Column("needs", JSON, nullable=False),
    Column("postcode_district", String(4), nullable=False),
    Column("referral_date", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("started_on", Date, nullable=True),
    Column("rejection_reason", String(40), nullable=True),
    Column("rejection_note", Text, nullable=True),
    Column("withdrawal_reason", String(40), nullable=True),
    Column("withdrawal_note", Text, nullable=True),
    Column("withdrawn_on", Date, nullable=True),
    Column("current_allocation_id", String(36), nullable=True),
    Column("current_partner_id", String(64), nullable=True),
    Column("received_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_referrals_prime_status", "prime_id", "status"),
    Index("ix_referrals_current_partner", "current_partner_id"),
)

allocations = Table(
    "allocations",
    metadata,
    Column("allocation_id", String(36), primary_key=True),
    Column("referral_id", String(36), nullable=False, index=True),
    Column("delivery", String(16), nullable=False),
    Column("partner_id", String(64), nullable=True),
    Column("subcontract_id", String(36), nullable=True),
    Column("supply_chain_model", String(16), nullable=True),
    Column("service", String(100), nullable=True),
    Column("allocated_on", Date, nullable=False),
    Column("allocated_at", UtcDateTime, nullable=False),
    Column("allocated_by", String(100), nullable=False),
    Column("ended_at", UtcDateTime, nullable=True),
    Column("end_reason", String(40), nullable=True),
    Column("end_note", Text, nullable=True),
    Index("ix_allocations_subcontract_month", "subcontract_id", "allocated_on"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Referral:
    """One claimant's referral by JCP to a prime's contract: the journey every later event belongs to."""

    referral_id: str
    contract_id: str
    prime_id: str
    referrer_id: str
    claimant_ref: str
    nino_sealed: str
    benefit_type: str
    payment_group: int
    mandatory: bool
    needs: list[str]
    postcode_district: str
    referral_date: date
    status: str
    started_on: date | None = None
    rejection_reason: str | None = None
    rejection_note: str | None = None
    withdrawal_reason: str | None = None
    withdrawal_note: str | None = None
    withdrawn_on: date | None = None
    current_allocation_id: str | None = None
    current_partner_id: str | None = None
    received_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Allocation:
    """Who delivers for the referral: in-house or a partner, under which model; ended when re-allocated."""

    allocation_id: str
    referral_id: str
    delivery: str
    partner_id: str | None
    subcontract_id: str | None
    supply_chain_model: str | None
    service: str | None
    allocated_on: date
    allocated_at: datetime
    allocated_by: str
    ended_at: datetime | None = None
    end_reason: str | None = None
    end_note: str | None = None
