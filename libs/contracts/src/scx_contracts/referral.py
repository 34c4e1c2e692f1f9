"""Events published by the referral service: intake from JCP, start or rejection, allocation down the chain."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from scx_contracts.registry import EventData, event
from scx_contracts.subcontracts import HealthCondition, PostcodeDistrict, SupplyChainModel

BenefitType = Literal["ESA", "IB", "JSA", "IS"]
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
Delivery = Literal["in_house", "partner"]


@event("referral.received", 1)
class ReferralReceived(EventData):
    """JCP referred a claimant to a prime's contract. The claimant is named only by `claimant_ref`."""

    referral_id: str
    contract_id: str
    prime_id: str
    referrer_id: str
    benefit_type: BenefitType
    payment_group: int = Field(ge=1, le=9)
    mandatory: bool
    needs: list[HealthCondition] = Field(description="coded health-condition categories; never free text")
    postcode_district: PostcodeDistrict
    referral_date: date


@event("referral.started", 1)
class ReferralStarted(EventData):
    """The prime took the claimant onto its caseload: a start (in the Work Programme, an attachment)."""

    referral_id: str
    contract_id: str
    prime_id: str
    started_on: date


@event("referral.rejected", 1)
class ReferralRejected(EventData):
    """The prime turned the referral down before a start. Any explanatory note stays in the referral service."""

    referral_id: str
    contract_id: str
    prime_id: str
    reason: RejectionReason


@event("referral.allocated", 1)
class ReferralAllocated(EventData):
    """The prime allocated a started referral in-house or to a partner; records the supply-chain model."""

    referral_id: str
    allocation_id: str
    contract_id: str
    prime_id: str
    delivery: Delivery
    partner_id: str | None = None
    subcontract_id: str | None = None
    supply_chain_model: SupplyChainModel | None = None
    service: str | None = None
    allocated_on: date


@event("referral.reallocated", 1)
class ReferralReallocated(EventData):
    """The prime moved a referral to another partner or in-house, for a coded reason."""

    referral_id: str
    allocation_id: str
    previous_allocation_id: str
    contract_id: str
    prime_id: str
    delivery: Delivery
    partner_id: str | None = None
    subcontract_id: str | None = None
    supply_chain_model: SupplyChainModel | None = None
    service: str | None = None
    previous_partner_id: str | None = None
    reason: ReallocationReason
    allocated_on: date


@event("referral.withdrawn", 1)
class ReferralWithdrawn(EventData):
    """The prime or the referring JCP office withdrew the referral, for a coded reason."""

    referral_id: str
    contract_id: str
    prime_id: str
    reason: WithdrawalReason
    withdrawn_on: date
