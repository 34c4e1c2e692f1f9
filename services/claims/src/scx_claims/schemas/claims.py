"""Shapes of the evidence register, claims and their validation, and validation samples. Free text (evidence's
description, a decision's or a check's note) is kept in the claims service only; no event carries it. Money is
integer pence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, Strict, field_validator

from scx_claims.schemas import Period
from scx_contracts.claims import (
    ClaimEvidenceKind,
    ClaimRejectionReason,
    EvidenceObtainedHow,
    OutcomeKind,
    PayableKind,
    ValidationStage,
)
from scx_servicekit.strict import IsoDate, Note, OrganisationId, RecordId, RequestModel, StrictBool

KEPT_HERE = "kept in the claims service only, never published"
MAX_EVIDENCE_CITED = 52  # a year of weekly evidence: as the event allows


class RecordEvidence(RequestModel):
    case_id: RecordId = Field(description="the journey (the referral's id) the evidence is for")
    kind: ClaimEvidenceKind
    job_id: RecordId | None = Field(default=None, description="the job it covers, one of the journey's")
    covers_from: IsoDate | None = Field(
        default=None, description="first day of the weeks covered; with covers_to, or neither"
    )
    covers_to: IsoDate | None = Field(default=None, description="last day of the weeks covered; not after today")
    obtained_how: EvidenceObtainedHow
    obtained_on: IsoDate = Field(description="not before the referral nor after today")
    description: Note | None = Field(default=None, description=KEPT_HERE)


class EvidenceOut(BaseModel):
    evidence_id: str
    case_id: str
    prime_id: str
    kind: ClaimEvidenceKind
    job_id: str | None
    covers_from: date | None
    covers_to: date | None
    obtained_how: EvidenceObtainedHow
    obtained_on: date
    description: str | None
    recorded_by: str
    user: str = Field(description="who recorded it, from the token")
    recorded_at: datetime


class SubmitClaim(RequestModel):
    entitlement_id: RecordId = Field(description="a payable outcome of one of the prime's journeys")
    evidence_ids: list[RecordId] = Field(
        min_length=1, max_length=MAX_EVIDENCE_CITED,
        description="evidence from the prime's register for the same journey, each once",
    )

    @field_validator("evidence_ids")
    @classmethod
    def _each_once(cls, evidence_ids: list[str]) -> list[str]:
        if len(set(evidence_ids)) != len(evidence_ids):
            raise ValueError("cite each piece of evidence once")
        return evidence_ids


class ApproveClaim(RequestModel):
    note: Note | None = Field(default=None, description=KEPT_HERE)


class RejectClaim(RequestModel):
    reason: ClaimRejectionReason = Field(
        description="evidence_missing, evidence_insufficient and other leave the outcome claimable again; the rest "
        "refuse it"
    )
    note: Note | None = Field(default=None, description=KEPT_HERE)


class ClaimOut(BaseModel):
    claim_id: str
    entitlement_id: str
    case_id: str
    contract_id: str
    prime_id: str
    kind: PayableKind
    sequence: int
    amount_pence: int = Field(description="the entitlement's amount, in pence")
    tariff_model: str
    tariff_version: int
    payable_from: date
    evidence_ids: list[str]
    status: str = Field(description="submitted, approved (then paid by a run) or rejected")
    submitted_on: date
    submitted_by: str
    submitted_at: datetime
    decided_on: date | None
    decided_by: str | None
    approved_by: str | None = Field(description="the validating officer who approved it: never its run's authoriser")
    rejection_reason: ClaimRejectionReason | None
    decision_note: str | None
    decided_at: datetime | None


RateBasisPoints = Annotated[int, Strict(), Field(ge=1, le=10_000, description="the sampling rate, 1/100 of a %")]


class DrawSample(RequestModel):
    stage: ValidationStage
    prime_id: OrganisationId
    contract_id: RecordId
    period: Period = Field(description="the month the claims were submitted in")
    kind: OutcomeKind
    rate_basis_points: RateBasisPoints


class CheckClaim(RequestModel):
    claim_id: RecordId
    passed: StrictBool
    reason: ClaimRejectionReason | None = Field(default=None, description="required when the check failed")
    note: Note | None = Field(default=None, description=KEPT_HERE)


class ConcludeSample(RequestModel):
    pass


class SampleClaimOut(BaseModel):
    claim_id: str
    amount_pence: int
    drawn_rank: int = Field(description="1 for the claim drawn first")
    passed: bool | None = Field(description="None until checked")
    reason: ClaimRejectionReason | None
    note: str | None
    checked_by: str | None
    checked_at: datetime | None


class SampleOut(BaseModel):
    sample_id: str
    stage: ValidationStage
    prime_id: str
    contract_id: str
    period: str
    kind: OutcomeKind
    rate_basis_points: int
    seed: str = Field(description="draws the same claims again from the same population (rules.sampling)")
    population: int
    population_pence: int
    population_digest: str = Field(description="SHA-256 of the population's sorted claim ids, one a line")
    drawn: int
    status: str = Field(description="open or concluded")
    drawn_by: str
    drawn_at: datetime
    checked: int | None
    failed: int | None
    extrapolated_recovery_pence: int | None = Field(
        description="floor(undrawn pence x failed / checked); raised as a recovery after payment"
    )
    concluded_by: str | None
    concluded_at: datetime | None


class SampleDetailOut(SampleOut):
    claims: list[SampleClaimOut] = Field(description="the claims drawn, in the order drawn")


class RedrawOut(BaseModel):
    sample_id: str
    seed: str
    population: int
    population_digest: str
    drawn: list[str] = Field(description="the claims the seed draws from the recorded population, in order")
    same_as_recorded: bool
