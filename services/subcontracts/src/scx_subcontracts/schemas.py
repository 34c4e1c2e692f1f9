"""The API's shapes. Requests forbid unknown fields, so a misspelt field is an error, not silently dropped."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from scx_contracts.subcontracts import (
    ClientGroup,
    MonthlyProfile,
    OrganisationKind,
    SpecialistService,
    SubcontractEndReason,
    SupplyChainModel,
)

OrganisationId = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$", to_lower=False, strip_whitespace=True)
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


def end_after_start(end_date: date, info: ValidationInfo) -> date:
    # A field validator rather than a model validator, so that the problem document names body.end_date.
    start_date = info.data.get("start_date")
    if start_date is not None and end_date <= start_date:
        raise ValueError("end_date must be after start_date")
    return end_date


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterOrganisation(Request):
    organisation_id: OrganisationId = Field(description="a stable code, e.g. prime-northstar")
    name: Text
    kind: OrganisationKind


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    organisation_id: str
    name: str
    kind: OrganisationKind
    registered_at: datetime


class SetProfile(Request):
    months: list[MonthlyProfile] = Field(min_length=1, max_length=120)

    @field_validator("months")
    @classmethod
    def _distinct_months(cls, months: list[MonthlyProfile]) -> list[MonthlyProfile]:
        seen = [m.month for m in months]
        if len(seen) != len(set(seen)):
            raise ValueError("each month may appear once")
        return sorted(months, key=lambda m: m.month)


class AwardContract(Request):
    prime_id: OrganisationId
    contract_package_area: Text
    start_date: date
    end_date: date
    value_pence: int = Field(ge=0, le=10**13, description="contract value in pence")
    payment_model: Text = Field(description="e.g. pathways-30-50-20: 30% service fee, 50% job outcomes, 20% sustained")
    profile: list[MonthlyProfile] | None = Field(default=None, description="the original monthly profile")

    @field_validator("end_date")
    @classmethod
    def _after_start(cls, end_date: date, info: ValidationInfo) -> date:
        return end_after_start(end_date, info)


class ContractOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    contract_id: str
    prime_id: str
    contract_package_area: str
    start_date: date
    end_date: date
    value_pence: int
    payment_model: str
    profile_revision: int
    awarded_at: datetime


class ProfileOut(BaseModel):
    contract_id: str
    revision: int
    revisions: list[int]
    months: list[MonthlyProfile]


class SubcontractTermsIn(Request):
    client_group: ClientGroup | None = None
    share_of_targets_percent: int | None = Field(default=None, ge=1, le=100)
    services: list[SpecialistService] = Field(default_factory=list)
    monthly_capacity: int | None = Field(default=None, ge=1)
    start_date: date
    end_date: date

    @field_validator("end_date")
    @classmethod
    def _after_start(cls, end_date: date, info: ValidationInfo) -> date:
        return end_after_start(end_date, info)


class AgreeSubcontract(SubcontractTermsIn):
    partner_id: OrganisationId
    model: SupplyChainModel


class VarySubcontract(SubcontractTermsIn):
    reason: Text


class EndSubcontract(Request):
    ended_on: date
    reason: SubcontractEndReason
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class SubcontractOut(BaseModel):
    subcontract_id: str
    contract_id: str
    prime_id: str
    partner_id: str
    model: SupplyChainModel
    status: Literal["live", "ended"]
    variation: int
    client_group: ClientGroup | None
    share_of_targets_percent: int | None
    services: list[SpecialistService]
    monthly_capacity: int | None
    start_date: date
    end_date: date
    ended_on: date | None
    end_reason: str | None
    agreed_at: datetime
