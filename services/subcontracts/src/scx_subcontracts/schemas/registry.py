"""The API's shapes. Requests forbid unknown fields, so a misspelt field is an error, not silently dropped."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from scx_contracts.bounds import MAX_PROFILE_MONTHS, MAX_SPECIALIST_SERVICES
from scx_contracts.subcontracts import ClientGroup, MonthlyProfile, SpecialistService, SubcontractEndReason
from scx_contracts.vocabulary import OrganisationKind, SupplyChainModel
from scx_servicekit.strict import (
    MAX_PENCE,
    IsoDate,
    Label,
    Name,
    Note,
    OrganisationId,
    Pence,
    Percent,
    PositiveCount,
    Reason,
    RequestModel,
)


def end_after_start(end_date: date, info: ValidationInfo) -> date:
    # A field validator rather than a model validator, so that the problem document names body.end_date.
    start_date = info.data.get("start_date")
    if start_date is not None and end_date <= start_date:
        raise ValueError("end_date must be after start_date")
    return end_date


class Request(RequestModel):
    """Unknown fields are refused, and every field is bounded to the column it is kept in (scx_contracts.bounds)."""


class RegisterOrganisation(Request):
    organisation_id: OrganisationId = Field(description="a stable code, e.g. prime-northstar")
    name: Name
    kind: OrganisationKind


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    organisation_id: str
    name: str
    kind: OrganisationKind
    registered_at: datetime


class SetProfile(Request):
    months: list[MonthlyProfile] = Field(min_length=1, max_length=MAX_PROFILE_MONTHS)

    @field_validator("months")
    @classmethod
    def _distinct_months(cls, months: list[MonthlyProfile]) -> list[MonthlyProfile]:
        seen = [m.month for m in months]
        if len(seen) != len(set(seen)):
            raise ValueError("each month may appear once")
        return sorted(months, key=lambda m: m.month)


class AwardContract(Request):
    prime_id: OrganisationId
    contract_package_area: Label
    start_date: IsoDate
    end_date: IsoDate
    value_pence: Pence = Field(description=f"contract value in pence, at most {MAX_PENCE}")
    payment_model: Label = Field(description="e.g. pathways-30-50-20: 30% service fee, 50% job outcomes, 20% sustained")
    profile: list[MonthlyProfile] | None = Field(
        default=None, min_length=1, max_length=MAX_PROFILE_MONTHS, description="the original monthly profile"
    )

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
    share_of_targets_percent: Percent | None = Field(default=None, ge=1)
    outcome_payment_share_percent: Percent | None = Field(
        default=None,
        description="end-to-end only: the percentage (0-100) of each outcome payment for a journey the partner "
        "delivered that the prime passes down to it",
    )
    services: list[SpecialistService] = Field(default_factory=list, max_length=MAX_SPECIALIST_SERVICES)
    monthly_capacity: PositiveCount | None = None
    start_date: IsoDate
    end_date: IsoDate

    @field_validator("end_date")
    @classmethod
    def _after_start(cls, end_date: date, info: ValidationInfo) -> date:
        return end_after_start(end_date, info)


class AgreeSubcontract(SubcontractTermsIn):
    partner_id: OrganisationId
    model: SupplyChainModel


class VarySubcontract(SubcontractTermsIn):
    reason: Reason


class EndSubcontract(Request):
    ended_on: IsoDate
    reason: SubcontractEndReason
    note: Note | None = None


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
    outcome_payment_share_percent: int | None
    services: list[SpecialistService]
    monthly_capacity: int | None
    start_date: date
    end_date: date
    ended_on: date | None
    end_reason: str | None
    agreed_at: datetime
