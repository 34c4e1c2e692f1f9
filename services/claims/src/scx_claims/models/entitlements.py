"""What the recorded journey makes payable, computed by the eligibility rules from the tariff the contract is paid
under: an entitlement per journey and payable thing (an attachment fee, the job outcome, a sustained job outcome,
the nth sustainment payment), and the service fee's monthly instalments per contract. Claims and payment runs
read these; only the eligibility area writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, Index, Integer, String, Table, UniqueConstraint

from scx_claims.models.base import metadata
from scx_persistence.types import UtcDateTime

entitlements = Table(
    "entitlements",
    metadata,
    Column("entitlement_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("contract_id", String(36), nullable=False),
    Column("prime_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),  # scx_contracts.claims.PayableKind
    Column("sequence", Integer, nullable=False),  # 1, or the nth sustainment payment
    Column("amount_pence", BigInteger, nullable=False),
    Column("tariff_model", String(100), nullable=False),
    Column("tariff_version", Integer, nullable=False),
    Column("payable_from", Date, nullable=False),
    Column("evidence_weeks", JSON, nullable=False),  # the weeks (Mondays) the entitlement rests on
    # payable → (claimed →) paid; withdrawn when the journey no longer supports it before payment
    Column("status", String(16), nullable=False),
    Column("computed_at", UtcDateTime, nullable=False),
    # One job outcome per claimant per referral; one of anything else per sequence.
    UniqueConstraint("case_id", "kind", "sequence", name="uq_entitlements_case_kind_sequence"),
    Index("ix_entitlements_contract_status", "contract_id", "status", "payable_from"),
)

# The service fee: a contract's share of its value in monthly instalments that need no claim.
instalments = Table(
    "instalments",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("month", String(7), primary_key=True),  # YYYY-MM
    Column("prime_id", String(64), nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    Column("tariff_model", String(100), nullable=False),
    Column("tariff_version", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # due | paid
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Entitlement:
    entitlement_id: str
    case_id: str
    contract_id: str
    prime_id: str
    kind: str
    sequence: int
    amount_pence: int
    tariff_model: str
    tariff_version: int
    payable_from: date
    evidence_weeks: list[Any]
    status: str
    computed_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Instalment:
    contract_id: str
    month: str
    prime_id: str
    amount_pence: int
    tariff_model: str
    tariff_version: int
    status: str
