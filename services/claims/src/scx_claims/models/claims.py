"""Tables of the claims area: each prime's evidence register, its outcome claims and their validation by DWP, the
validation samples DWP draws (every claim of the population, and the checks of those drawn). The recoveries a
failed sample raises are on the runs area's ledger (`models.runs.recoveries`), raised through
`service.recoveries.raise_recovery`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    text,
)

from scx_claims.models.base import metadata
from scx_persistence.types import UtcDateTime

# A prime's evidence register: what it holds for a journey, how and when it got it, and who recorded it.
evidence = Table(
    "evidence",
    metadata,
    Column("evidence_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("prime_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),  # scx_contracts.claims.ClaimEvidenceKind
    Column("job_id", String(36), nullable=True),
    Column("covers_from", Date, nullable=True),
    Column("covers_to", Date, nullable=True),
    Column("obtained_how", String(32), nullable=False),
    Column("obtained_on", Date, nullable=False),
    Column("description", String(2000), nullable=True),  # kept here only, never published
    Column("recorded_by", String(64), nullable=False),
    Column("user", String(64), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_evidence_prime_case", "prime_id", "case_id"),
)

claims = Table(
    "claims",
    metadata,
    Column("claim_id", String(36), primary_key=True),
    Column("entitlement_id", String(36), nullable=False),
    Column("case_id", String(36), nullable=False),
    Column("contract_id", String(36), nullable=False),
    Column("prime_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("amount_pence", BigInteger, nullable=False),  # the entitlement's, never the caller's
    Column("tariff_model", String(100), nullable=False),
    Column("tariff_version", Integer, nullable=False),
    Column("payable_from", Date, nullable=False),
    Column("evidence_ids", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # submitted → approved → paid (by a run) | rejected
    Column("submitted_on", Date, nullable=False),
    Column("submitted_by", String(64), nullable=False),  # the prime's user
    Column("submitted_at", UtcDateTime, nullable=False),
    Column("decided_on", Date, nullable=True),
    Column("decided_by", String(64), nullable=True),  # the validating officer (user)
    Column("approved_by", String(64), nullable=True),  # set on approval: runs refuse this user as authoriser
    Column("rejection_reason", String(32), nullable=True),
    Column("decision_note", String(2000), nullable=True),  # kept here only
    Column("decided_at", UtcDateTime, nullable=True),
    # One live claim per entitlement: a retried, resubmitted or concurrent claim finds this row and makes none.
    # A rejected claim no longer counts, so a corrected claim may follow it.
    Index(
        "uq_claims_live_entitlement", "entitlement_id", unique=True,
        sqlite_where=text("status != 'rejected'"), postgresql_where=text("status != 'rejected'"),
    ),
    Index("ix_claims_contract_kind_submitted", "contract_id", "kind", "submitted_on"),
    Index("ix_claims_prime", "prime_id", "claim_id"),
)

samples = Table(
    "samples",
    metadata,
    Column("sample_id", String(36), primary_key=True),
    Column("stage", String(16), nullable=False),  # pre_payment | post_payment
    Column("prime_id", String(64), nullable=False),
    Column("contract_id", String(36), nullable=False),
    Column("period", String(7), nullable=False),  # YYYY-MM: the month the claims were submitted
    Column("kind", String(32), nullable=False),
    Column("rate_basis_points", Integer, nullable=False),
    Column("seed", String(64), nullable=False),
    Column("population", Integer, nullable=False),
    Column("population_pence", BigInteger, nullable=False),
    Column("population_digest", String(64), nullable=False),  # SHA-256 of the sorted claim ids, one a line
    Column("drawn", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # open → concluded
    Column("drawn_by", String(64), nullable=False),
    Column("drawn_at", UtcDateTime, nullable=False),
    Column("checked", Integer, nullable=True),
    Column("failed", Integer, nullable=True),
    Column("extrapolated_recovery_pence", BigInteger, nullable=True),
    Column("concluded_by", String(64), nullable=True),
    Column("concluded_at", UtcDateTime, nullable=True),
    # One sample of a stage per contract, month and outcome kind: two would extrapolate over one population twice.
    UniqueConstraint("stage", "contract_id", "period", "kind", name="uq_samples_stage_contract_period_kind"),
)

# Every claim of a sample's population as it stood when drawn; those drawn carry their rank and their check.
sample_claims = Table(
    "sample_claims",
    metadata,
    Column("sample_id", String(36), primary_key=True),
    Column("claim_id", String(36), primary_key=True),
    Column("amount_pence", BigInteger, nullable=False),
    Column("drawn_rank", Integer, nullable=True),  # 1 = drawn first; None = not drawn
    Column("passed", Boolean, nullable=True),  # None until checked
    Column("reason", String(32), nullable=True),
    Column("note", String(2000), nullable=True),  # kept here only
    Column("checked_by", String(64), nullable=True),
    Column("checked_at", UtcDateTime, nullable=True),
    Index("ix_sample_claims_claim", "claim_id"),
)

@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    evidence_id: str
    case_id: str
    prime_id: str
    kind: str
    job_id: str | None
    covers_from: date | None
    covers_to: date | None
    obtained_how: str
    obtained_on: date
    description: str | None
    recorded_by: str
    user: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    claim_id: str
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
    evidence_ids: list[Any]
    status: str
    submitted_on: date
    submitted_by: str
    submitted_at: datetime
    decided_on: date | None = None
    decided_by: str | None = None
    approved_by: str | None = None
    rejection_reason: str | None = None
    decision_note: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    sample_id: str
    stage: str
    prime_id: str
    contract_id: str
    period: str
    kind: str
    rate_basis_points: int
    seed: str
    population: int
    population_pence: int
    population_digest: str
    drawn: int
    status: str
    drawn_by: str
    drawn_at: datetime
    checked: int | None = None
    failed: int | None = None
    extrapolated_recovery_pence: int | None = None
    concluded_by: str | None = None
    concluded_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleClaim:
    sample_id: str
    claim_id: str
    amount_pence: int
    drawn_rank: int | None
    passed: bool | None = None
    reason: str | None = None
    note: str | None = None
    checked_by: str | None = None
    checked_at: datetime | None = None
