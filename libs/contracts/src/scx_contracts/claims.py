"""Events published by the claims service: outcome claims and their validation by DWP, payment runs and their
statements, recoveries, and the flow-down of payments to partners.

Money is integer pence. A journey is named by its `case_id` (the referral's id). Events carry codes, dates,
amounts and ids only: a rejection's or recovery's explanation stays in the claims service.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from scx_contracts.bounds import Count, IsoDate, Label, Month, OrganisationId, Pence, PositiveCount, RecordId
from scx_contracts.registry import EventData, event

__all__ = [
    "ClaimApproved",
    "ClaimRejected",
    "ClaimRejectionReason",
    "ClaimSubmitted",
    "FeeKind",
    "OutcomeKind",
    "PartnerOwed",
    "PartnerPaid",
    "PayableKind",
    "PaymentRunAbandoned",
    "PaymentRunAuthorised",
    "PaymentRunPrepared",
    "RecoveryNetted",
    "RecoveryRaised",
    "RecoveryReason",
    "SampleConcluded",
    "SampleDrawn",
    "StatementIssued",
    "TariffVersionAdded",
    "ValidationStage",
]

# What a contract pays for. Fees need no claim; outcomes are claimed by the prime and validated by DWP.
FeeKind = Literal["service_fee", "attachment_fee"]
OutcomeKind = Literal["job_outcome", "sustained_job_outcome", "sustainment_payment"]
PayableKind = Literal["service_fee", "attachment_fee", "job_outcome", "sustained_job_outcome", "sustainment_payment"]
ClaimRejectionReason = Literal[
    "evidence_missing", "evidence_insufficient", "hours_not_met", "weeks_not_met", "not_eligible", "duplicate",
    "other",
]
ValidationStage = Literal["pre_payment", "post_payment"]
RecoveryReason = Literal["failed_validation", "extrapolated_from_sample", "overpaid_outcome", "other"]
FlowDownBasis = Literal["outcome_share", "service_price"]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$"), Field(description="SHA-256, lower-case hex")]


@event("claim.submitted", 1)
class ClaimSubmitted(EventData):
    """A prime claimed an outcome its journey made payable, citing evidence from its evidence register."""

    claim_id: RecordId
    case_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    kind: OutcomeKind
    sequence: PositiveCount = Field(description="1 for a job outcome; the nth sustainment payment")
    amount_pence: Pence
    tariff_model: Label
    tariff_version: PositiveCount
    payable_from: IsoDate
    evidence_ids: list[RecordId] = Field(min_length=1, max_length=52)
    submitted_on: IsoDate


@event("claim.approved", 1)
class ClaimApproved(EventData):
    """A DWP validating officer approved the claim for payment (maker: a payment run needs another officer)."""

    claim_id: RecordId
    case_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    stage: ValidationStage
    approved_on: IsoDate


@event("claim.rejected", 1)
class ClaimRejected(EventData):
    """A DWP validating officer rejected the claim, for a coded reason (its explanation stays in claims)."""

    claim_id: RecordId
    case_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    stage: ValidationStage
    reason: ClaimRejectionReason
    rejected_on: IsoDate


@event("claim.sample_drawn", 1)
class SampleDrawn(EventData):
    """DWP drew a validation sample of similar claims (one prime, period and outcome kind) at a rate, with a
    recorded seed, so the same sample can be drawn again."""

    sample_id: RecordId
    stage: ValidationStage
    prime_id: OrganisationId
    contract_id: RecordId
    period: Month
    kind: OutcomeKind
    rate_basis_points: int = Field(strict=True, ge=1, le=10_000, description="the sampling rate, 1/100 of a %")
    seed: str = Field(pattern=r"^[0-9a-f]{16,64}$")
    population: Count
    drawn: Count


@event("claim.sample_concluded", 1)
class SampleConcluded(EventData):
    """A sample's checks are done: how many failed, and the recovery its failure rate extrapolates to over the
    population of similar claims."""

    sample_id: RecordId
    prime_id: OrganisationId
    contract_id: RecordId
    checked: Count
    failed: Count
    population_paid_pence: Pence
    extrapolated_recovery_pence: Pence


@event("payment.run_prepared", 1)
class PaymentRunPrepared(EventData):
    """DWP prepared a payment run for a month: its inputs (approved claims, fee instalments due, recoveries,
    tariff versions) frozen, with their digest."""

    run_id: RecordId
    period: Month
    inputs_digest: Sha256
    statements: Count
    total_pence: int = Field(strict=True, description="net of recoveries; may be negative")


@event("payment.run_authorised", 1)
class PaymentRunAuthorised(EventData):
    """Another DWP officer than the one who approved its claims authorised the run: its statements are paid."""

    run_id: RecordId
    period: Month
    inputs_digest: Sha256
    authorised_on: IsoDate


@event("payment.run_abandoned", 1)
class PaymentRunAbandoned(EventData):
    """DWP abandoned a prepared run before its authorisation: nothing in it is paid, its recoveries stay
    outstanding, and its period may be prepared again."""

    run_id: RecordId
    period: Month
    inputs_digest: Sha256
    abandoned_on: IsoDate


@event("payment.statement_issued", 1)
class StatementIssued(EventData):
    """One prime's statement in a run: a line per referral and fee, gross, recoveries netted, net."""

    run_id: RecordId
    statement_id: RecordId
    prime_id: OrganisationId
    contract_id: RecordId
    period: Month
    lines: Count
    gross_pence: Pence
    recoveries_pence: Pence
    net_pence: int = Field(strict=True, description="gross less recoveries; a negative net carries forward")
    statement_digest: Sha256


@event("payment.recovery_raised", 1)
class RecoveryRaised(EventData):
    """Money to recover from a prime: a claim that failed validation after payment, a sample's extrapolation, or an
    overpaid outcome. Kept in the recoveries ledger and netted in the next run."""

    recovery_id: RecordId
    prime_id: OrganisationId
    contract_id: RecordId
    amount_pence: Pence
    reason: RecoveryReason
    claim_id: RecordId | None = None
    sample_id: RecordId | None = None
    raised_on: IsoDate


@event("payment.recovery_netted", 1)
class RecoveryNetted(EventData):
    """A recovery (or part of it) was netted against a prime's statement in a run."""

    recovery_id: RecordId
    run_id: RecordId
    prime_id: OrganisationId
    amount_pence: Pence


@event("payment.partner_owed", 1)
class PartnerOwed(EventData):
    """What a prime owes a partner for one journey after a paid run: an end-to-end partner its share of an outcome
    payment, a specialist partner its price for a service delivered."""

    owed_id: RecordId
    run_id: RecordId
    prime_id: OrganisationId
    partner_id: OrganisationId
    subcontract_id: RecordId
    case_id: RecordId
    basis: FlowDownBasis
    amount_pence: Pence
    due_on: IsoDate


@event("payment.partner_paid", 1)
class PartnerPaid(EventData):
    """The prime recorded a payment to a partner, against what it owed."""

    payment_id: RecordId
    prime_id: OrganisationId
    partner_id: OrganisationId
    amount_pence: Pence
    paid_on: IsoDate
    owed_ids: list[RecordId] = Field(min_length=1, max_length=1000)


@event("tariff.version_added", 1)
class TariffVersionAdded(EventData):
    """A DWP contract manager added a version of a payment model's tariff, effective from a future date: it decides
    what becomes payable from that date and never reprices what was payable before. The body stays in claims; its
    digest names it."""

    model: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,46}[a-z0-9]$")]
    version: PositiveCount
    effective_from: IsoDate
    body_digest: Sha256
    assumptions: Count = Field(description="how many of its figures are assumptions rather than published")
