"""The referral API's shapes. Requests forbid unknown fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from scx_contracts.referral import (
    BenefitType,
    Delivery,
    ReallocationReason,
    RejectionReason,
    WithdrawalReason,
)
from scx_contracts.subcontracts import HealthCondition, SupplyChainModel
from scx_referral.claimant import InvalidNino, normalise_nino
from scx_referral.rules import PAYMENT_GROUPS, payment_group_fits

Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
OrganisationId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")]
ReferralStatus = Literal["referred", "started", "rejected", "withdrawn"]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReferClaimant(Request):
    contract_id: str = Field(min_length=1, max_length=36)
    national_insurance_number: str = Field(
        min_length=9, max_length=13, description="e.g. AB 12 34 56 C; stored only encrypted, never published"
    )
    benefit_type: BenefitType
    payment_group: int = Field(ge=1, le=9, description="Work Programme payment group 1-9")
    mandatory: bool
    needs: list[HealthCondition] = Field(default_factory=list, max_length=10)
    postcode_district: Annotated[
        str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
    ] = Field(description="the outward code only, e.g. NE1 — never the full postcode")
    referral_date: date

    @field_validator("national_insurance_number")
    @classmethod
    def _nino(cls, value: str) -> str:
        try:
            return normalise_nino(value)
        except InvalidNino as exc:
            raise ValueError(str(exc)) from None

    @field_validator("needs")
    @classmethod
    def _distinct(cls, needs: list[str]) -> list[str]:
        return sorted(set(needs))

    @model_validator(mode="after")
    def _group_fits_benefit(self) -> ReferClaimant:
        if not payment_group_fits(self.payment_group, self.benefit_type):
            name, benefits = PAYMENT_GROUPS[self.payment_group]
            raise ValueError(
                f"payment group {self.payment_group} ({name}) is for {'/'.join(sorted(benefits))} claimants, "
                f"not {self.benefit_type}"
            )
        return self


class StartReferral(Request):
    started_on: date


class RejectReferral(Request):
    reason: RejectionReason
    note: Note | None = Field(default=None, description="kept in this service only; required when reason is other")

    @model_validator(mode="after")
    def _other_needs_note(self) -> RejectReferral:
        if self.reason == "other" and not self.note:
            raise ValueError("a rejection for reason 'other' needs a note saying why")
        return self


class AllocateReferral(Request):
    delivery: Delivery
    partner_id: OrganisationId | None = None
    subcontract_id: str | None = Field(default=None, description="which subcontract, when there is more than one")
    service: str | None = Field(default=None, max_length=100, description="for specialist provision")
    allocated_on: date | None = Field(default=None, description="default: today")

    @model_validator(mode="after")
    def _partner_iff_partner_delivery(self) -> AllocateReferral:
        if self.delivery == "partner" and not self.partner_id:
            raise ValueError("partner_id is required when delivery is partner")
        if self.delivery == "in_house" and (self.partner_id or self.subcontract_id or self.service):
            raise ValueError("in-house delivery names no partner, subcontract or service")
        return self


class ReallocateReferral(AllocateReferral):
    reason: ReallocationReason
    note: Note | None = None


class WithdrawReferral(Request):
    reason: WithdrawalReason
    note: Note | None = None
    withdrawn_on: date | None = None


class AllocationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    allocation_id: str
    delivery: Delivery
    partner_id: str | None
    subcontract_id: str | None
    supply_chain_model: SupplyChainModel | None
    service: str | None
    allocated_on: date
    allocated_at: datetime
    ended_at: datetime | None
    end_reason: str | None


class ReferralOut(BaseModel):
    referral_id: str
    contract_id: str
    prime_id: str
    referrer_id: str
    claimant_ref: str
    national_insurance_number: str = Field(description="in full to the referring JCP and the prime; else masked")
    benefit_type: BenefitType
    payment_group: int
    mandatory: bool
    needs: list[HealthCondition]
    postcode_district: str
    referral_date: date
    status: ReferralStatus
    started_on: date | None
    rejection_reason: RejectionReason | None
    withdrawal_reason: WithdrawalReason | None
    allocation: AllocationOut | None
    received_at: datetime
