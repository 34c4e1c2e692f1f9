"""Events published by the referral service: intake from JCP, start or rejection, allocation down the chain."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from scx_contracts.bounds import IsoDate, Label, OrganisationId, PaymentGroup, RecordId, StrictBool
from scx_contracts.registry import EventData, event
from scx_contracts.vocabulary import (
    HEALTH_CONDITIONS,
    BenefitType,
    Delivery,
    HealthCondition,
    PostcodeDistrict,
    SupplyChainModel,
)

__all__ = [
    "BenefitType",
    "Delivery",
    "ReallocationReason",
    "ReferralAllocated",
    "ReferralReallocated",
    "ReferralReceived",
    "ReferralRejected",
    "ReferralStarted",
    "ReferralWithdrawn",
    "RejectionReason",
    "WithdrawalReason",
]
RejectionReason = Literal[
    "ineligible",
    "already_on_provision",
    "already_in_work",
    "referred_twice",
    "referred_to_more_than_one_provider",
    "wrong_programme",
    "other",
]
ReallocationReason = Literal[
    "partner_capacity", "client_needs_changed", "client_moved", "subcontract_ended", "partner_performance", "other"
]
WithdrawalReason = Literal["left_benefit", "moved_out_of_area", "referred_in_error", "other"]


@event("referral.received", 1)
class ReferralReceived(EventData):
    """JCP referred a claimant to a prime's contract. The claimant is named only by `claimant_ref`."""

    referral_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    referrer_id: OrganisationId
    benefit_type: BenefitType
    payment_group: PaymentGroup
    mandatory: StrictBool
    needs: list[HealthCondition] = Field(
        max_length=len(HEALTH_CONDITIONS), description="coded health-condition categories; never free text"
    )
    postcode_district: PostcodeDistrict
    referral_date: IsoDate


@event("referral.started", 1)
class ReferralStarted(EventData):
    """The prime took the claimant onto its caseload: a start (in the Work Programme, an attachment)."""

    referral_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    started_on: IsoDate


@event("referral.rejected", 1)
class ReferralRejected(EventData):
    """The prime turned the referral down before a start. Any explanatory note stays in the referral service."""

    referral_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    reason: RejectionReason


@event("referral.allocated", 1)
class ReferralAllocated(EventData):
    """The prime allocated a started referral in-house or to a partner; records the supply-chain model."""

    referral_id: RecordId
    allocation_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    delivery: Delivery
    partner_id: OrganisationId | None = None
    subcontract_id: RecordId | None = None
    supply_chain_model: SupplyChainModel | None = None
    service: Label | None = None
    allocated_on: IsoDate


@event("referral.reallocated", 1)
class ReferralReallocated(EventData):
    """The prime moved a referral to another partner or in-house, for a coded reason."""

    referral_id: RecordId
    allocation_id: RecordId
    previous_allocation_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    delivery: Delivery
    partner_id: OrganisationId | None = None
    subcontract_id: RecordId | None = None
    supply_chain_model: SupplyChainModel | None = None
    service: Label | None = None
    previous_partner_id: OrganisationId | None = None
    reason: ReallocationReason
    allocated_on: IsoDate


@event("referral.withdrawn", 1)
class ReferralWithdrawn(EventData):
    """The prime or the referring JCP office withdrew the referral, for a coded reason."""

    referral_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    reason: WithdrawalReason
    withdrawn_on: IsoDate
