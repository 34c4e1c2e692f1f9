"""The journey as claims knows it, from case tracking's events: the case (its contract, prime, payment group and
start), who delivered it when, each job and its weeks of hours with their evidence, the specialist services
delivered, and the exit. Nothing is payable that these rows do not support."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Boolean, Column, Date, Index, Integer, String, Table

from scx_claims.models.base import metadata

journeys = Table(
    "journeys",
    metadata,
    Column("case_id", String(36), primary_key=True),  # the referral's id
    Column("contract_id", String(36), nullable=False),
    Column("prime_id", String(64), nullable=False),
    Column("claimant_ref", String(40), nullable=False),
    Column("payment_group", Integer, nullable=False),
    Column("mandatory", Boolean, nullable=False),
    Column("referral_date", Date, nullable=False),
    Column("started_on", Date, nullable=False),
    Column("exited_on", Date, nullable=True),
    Column("closed_on", Date, nullable=True),
    Index("ix_journeys_contract_started", "contract_id", "started_on"),
    Index("ix_journeys_prime", "prime_id"),
)

# Each organisation's spell delivering the journey: the prime from the start, then each allocation.
journey_deliveries = Table(
    "journey_deliveries",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("organisation_id", String(64), nullable=False),
    Column("subcontract_id", String(36), nullable=True),
    Column("supply_chain_model", String(16), nullable=True),
    Column("from_on", Date, nullable=False),
    Column("until_on", Date, nullable=True),
)

jobs = Table(
    "jobs",
    metadata,
    Column("job_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False, index=True),
    Column("started_on", Date, nullable=False),
    Column("ended_on", Date, nullable=True),
    Column("employment_type", String(16), nullable=False),
    Column("expected_hundredths", Integer, nullable=False),  # expected hours a week times 100
)

# Every revision of every week reported (the latest revision of a week is the one that counts).
job_weeks = Table(
    "job_weeks",
    metadata,
    Column("job_id", String(36), primary_key=True),
    Column("week_commencing", Date, primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("hundredths", Integer, nullable=False),  # hours worked times 100: exact, 7.99 is not 8
    Column("earnings_pence", Integer, nullable=True),
    Column("evidence_kind", String(32), nullable=False),
    Column("evidence_obtained_on", Date, nullable=False),
    Index("ix_job_weeks_case", "case_id", "week_commencing"),
)

specialist_deliveries = Table(
    "specialist_deliveries",
    metadata,
    Column("activity_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("delivered_by", String(64), nullable=False),
    Column("subcontract_id", String(36), nullable=False),
    Column("service", String(100), nullable=True),
    Column("delivered_on", Date, nullable=False),
    Index("ix_specialist_deliveries_subcontract", "subcontract_id", "delivered_on"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Journey:
    case_id: str
    contract_id: str
    prime_id: str
    claimant_ref: str
    payment_group: int
    mandatory: bool
    referral_date: date
    started_on: date
    exited_on: date | None = None
    closed_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class JourneyDelivery:
    case_id: str
    sequence: int
    organisation_id: str
    subcontract_id: str | None
    supply_chain_model: str | None
    from_on: date
    until_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    job_id: str
    case_id: str
    started_on: date
    ended_on: date | None
    employment_type: str
    expected_hundredths: int


@dataclass(frozen=True, slots=True, kw_only=True)
class JobWeek:
    job_id: str
    week_commencing: date
    revision: int
    case_id: str
    hundredths: int
    earnings_pence: int | None
    evidence_kind: str
    evidence_obtained_on: date


@dataclass(frozen=True, slots=True, kw_only=True)
class SpecialistDelivery:
    activity_id: str
    case_id: str
    delivered_by: str
    subcontract_id: str
    service: str | None
    delivered_on: date
