"""Events published by the subcontracts service: the registry of organisations, contracts and supply chains."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from scx_contracts.registry import ContractModel, EventData, event

OrganisationKind = Literal["dwp", "jcp", "prime", "partner"]
SupplyChainModel = Literal["end_to_end", "specialist", "sla", "signposting"]
# Coded health-condition categories: events and read models carry these codes, never free-text health detail.
HealthCondition = Literal[
    "mental_health",
    "musculoskeletal",
    "cardiovascular",
    "respiratory",
    "neurological",
    "learning_disability",
    "hearing_impairment",
    "visual_impairment",
    "substance_misuse",
    "other_condition",
]
PostcodeDistrict = Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")]
SubcontractEndReason = Literal[
    "expired", "partner_underperformance", "partner_withdrew", "prime_took_in_house", "contract_ended", "other"
]


class MonthlyProfile(ContractModel):
    """One month's targets: what the contract manager holds the prime to."""

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="calendar month, YYYY-MM")
    job_outcomes: int = Field(ge=0)
    sustained_job_outcomes: int = Field(ge=0)
    work_focused_interviews: int = Field(ge=0)


class ClientGroup(ContractModel):
    """Who an end-to-end (or SLA) partner serves: postcode districts and/or health-condition codes."""

    postcode_districts: list[PostcodeDistrict] = Field(default_factory=list, description="outward codes, e.g. NE1")
    health_conditions: list[HealthCondition] = Field(default_factory=list)


class SpecialistService(ContractModel):
    service: str
    price_pence: int = Field(ge=0)


class SubcontractTerms(ContractModel):
    """The terms that follow from the supply-chain model; the ones a model does not use stay empty."""

    client_group: ClientGroup | None = None
    share_of_targets_percent: int | None = Field(default=None, ge=0, le=100)
    services: list[SpecialistService] = Field(default_factory=list)
    monthly_capacity: int | None = Field(default=None, ge=1)
    start_date: date
    end_date: date


@event("organisation.registered", 1)
class OrganisationRegistered(EventData):
    """DWP registered an organisation: DWP itself, a JCP district, a prime provider or a supply-chain partner."""

    organisation_id: str
    name: str
    kind: OrganisationKind


@event("contract.awarded", 1)
class ContractAwarded(EventData):
    """DWP awarded a prime a contract for a contract package area: its dates, value (pence) and payment model."""

    contract_id: str
    prime_id: str
    contract_package_area: str
    start_date: date
    end_date: date
    value_pence: int = Field(ge=0)
    payment_model: str


@event("contract.profile_set", 1)
class ContractProfileSet(EventData):
    """DWP set the contract's monthly profile (targets); revision 1 is the original, later ones revisions."""

    contract_id: str
    prime_id: str
    revision: int = Field(ge=1, description="1 is the original profile; later numbers are revisions")
    months: list[MonthlyProfile]


@event("subcontract.agreed", 1)
class SubcontractAgreed(EventData):
    """A prime agreed a subcontract with a partner under one of the four supply-chain models, with its terms."""

    subcontract_id: str
    contract_id: str
    prime_id: str
    partner_id: str
    model: SupplyChainModel
    terms: SubcontractTerms


@event("subcontract.varied", 1)
class SubcontractVaried(EventData):
    """A prime varied a live subcontract's terms, with a reason; `terms` are the full new terms."""

    subcontract_id: str
    contract_id: str
    prime_id: str
    partner_id: str
    variation: int = Field(ge=1)
    reason: str
    terms: SubcontractTerms


@event("subcontract.ended", 1)
class SubcontractEnded(EventData):
    """A subcontract ended (or will end) on `ended_on`, for a coded reason."""

    subcontract_id: str
    contract_id: str
    prime_id: str
    partner_id: str
    ended_on: date
    reason: SubcontractEndReason
