"""The referral API's shapes. Requests forbid unknown fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from scx_contracts.referral import ReallocationReason, RejectionReason, WithdrawalReason
from scx_contracts.vocabulary import HEALTH_CONDITIONS, BenefitType, Delivery, HealthCondition, SupplyChainModel
from scx_referral.claimant import InvalidNino, normalise_nino
from scx_referral.rules import PAYMENT_GROUPS, payment_group_fits
from scx_servicekit.strict import IsoDate, Label, Note, OrganisationId, PaymentGroup, RecordId, RequestModel, StrictBool

ReferralStatus = Literal["referred", "started", "rejected", "withdrawn"]
# ASCII letters and digits, and the ASCII white space a pasted number brings (normalising removes it): other
# scripts' digits (Arabic-Indic, full-width) would make one claimant two pseudonyms, or fail further in.
NationalInsuranceNumber = Annotated[
    str, Strict(), StringConstraints(min_length=9, max_length=20, pattern=r"^[A-Za-z0-9 \t\r\n]+$")
]
# Lower case and surrounding spaces are accepted and normalised; the pattern documents exactly that (pydantic's own
# strip_whitespace would strip any Unicode space, which the documented pattern could not say).
PostcodeDistrictIn = Annotated[
    str,
    Strict(),
    StringConstraints(max_length=20, pattern=r"^ *[A-Za-z]{1,2}[0-9][A-Za-z0-9]? *$"),
    AfterValidator(lambda district: district.strip(" ").upper()),
]

class Request(RequestModel):
    """Unknown fields are refused, and every field is bounded to the column it is kept in (scx_contracts.bounds)."""


class ReferClaimant(Request):
    contract_id: RecordId
    national_insurance_number: NationalInsuranceNumber = Field(
        description="e.g. AB 12 34 56 C; stored only encrypted, never published"
    )
    benefit_type: BenefitType
    payment_group: PaymentGroup
    mandatory: StrictBool
    needs: list[HealthCondition] = Field(default_factory=list, max_length=len(HEALTH_CONDITIONS))
    postcode_district: PostcodeDistrictIn = Field(
        description="the outward code only, e.g. NE1 — never the full postcode"
    )
    referral_date: IsoDate

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

    # A field validator (benefit_type is validated first) so that the problem document names body.payment_group.
    @field_validator("payment_group")
    @classmethod
    def _group_fits_benefit(cls, payment_group: int, info: ValidationInfo) -> int:
        benefit_type = info.data.get("benefit_type")
        if benefit_type is not None and not payment_group_fits(payment_group, benefit_type):
            name, benefits = PAYMENT_GROUPS[payment_group]
            raise ValueError(
                f"payment group {payment_group} ({name}) is for {'/'.join(sorted(benefits))} claimants, "
                f"not {benefit_type}"
            )
        return payment_group


class StartReferral(Request):
    started_on: IsoDate


class RejectReferral(Request):
    reason: RejectionReason
    note: Note | None = Field(
        default=None, validate_default=True, description="kept in this service only; required when reason is other"
    )

    # Field validators (run even when the field is left out) rather than model validators, so that the problem
    # document names the field at fault.
    @field_validator("note")
    @classmethod
    def _other_needs_note(cls, note: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("reason") == "other" and not note:
            raise ValueError("a rejection for reason 'other' needs a note saying why")
        return note


class AllocateReferral(Request):
    delivery: Delivery
    partner_id: OrganisationId | None = Field(default=None, validate_default=True)
    subcontract_id: RecordId | None = Field(
        default=None, validate_default=True, description="which subcontract, when there is more than one"
    )
    service: Label | None = Field(default=None, validate_default=True, description="for specialist provision")
    allocated_on: IsoDate | None = Field(default=None, description="default: today")

    @field_validator("partner_id", "subcontract_id", "service")
    @classmethod
    def _partner_iff_partner_delivery(cls, value: str | None, info: ValidationInfo) -> str | None:
        delivery = info.data.get("delivery")
        if info.field_name == "partner_id" and delivery == "partner" and not value:
            raise ValueError("partner_id is required when delivery is partner")
        if delivery == "in_house" and value:
            raise ValueError("in-house delivery names no partner, subcontract or service")
        return value


class ReallocateReferral(AllocateReferral):
    reason: ReallocationReason
    note: Note | None = None


class WithdrawReferral(Request):
    reason: WithdrawalReason
    note: Note | None = None
    withdrawn_on: IsoDate | None = None


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
