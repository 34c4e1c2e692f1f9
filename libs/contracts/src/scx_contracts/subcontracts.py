"""Events published by the subcontracts service: the registry of organisations, contracts and supply chains, and
the weekly statistics partners post (their words are in `scx_contracts.weekly_stats`)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from scx_contracts.bounds import (
    MAX_POSTCODE_DISTRICTS,
    MAX_PROFILE_MONTHS,
    MAX_SPECIALIST_SERVICES,
    PAYMENT_GROUPS,
    BasisPoints,
    Count,
    IsoDate,
    Label,
    Month,
    Name,
    OrganisationId,
    PaymentGroup,
    Pence,
    Percent,
    PositiveCount,
    Reason,
    RecordId,
    Revision,
    StrictBool,
)
from scx_contracts.registry import ContractModel, EventData, event
from scx_contracts.vocabulary import (
    HEALTH_CONDITIONS,
    HealthCondition,
    OrganisationKind,
    PostcodeDistrict,
    SupplyChainModel,
)
from scx_contracts.weekly_stats import DaysAfterWeekEnd, DeadlineTimeZone, IsoWeek, LocalTime, WeeklyFigures

__all__ = [
    "ClientGroup",
    "ContractAwarded",
    "ContractMinimumPerformanceLevelsSet",
    "ContractProfileSet",
    "HealthCondition",
    "MinimumPerformanceLevel",
    "MonthlyProfile",
    "OrganisationKind",
    "OrganisationRegistered",
    "PostcodeDistrict",
    "SpecialistService",
    "SubcontractAgreed",
    "SubcontractEndReason",
    "SubcontractEnded",
    "SubcontractTerms",
    "SubcontractVaried",
    "SupplyChainModel",
    "WeeklyStatsDeadlineSet",
    "WeeklyStatsPosted",
]

SubcontractEndReason = Literal[
    "expired", "partner_underperformance", "partner_withdrew", "prime_took_in_house", "contract_ended", "other"
]


class MonthlyProfile(ContractModel):
    """One month's targets: what the contract manager holds the prime to."""

    month: Month = Field(description="calendar month, YYYY-MM")
    job_outcomes: Count
    sustained_job_outcomes: Count
    work_focused_interviews: Count


class ClientGroup(ContractModel):
    """Who an end-to-end (or SLA) partner serves: postcode districts and/or health-condition codes."""

    postcode_districts: list[PostcodeDistrict] = Field(
        default_factory=list, max_length=MAX_POSTCODE_DISTRICTS, description="outward codes, e.g. NE1"
    )
    health_conditions: list[HealthCondition] = Field(default_factory=list, max_length=len(HEALTH_CONDITIONS))


class SpecialistService(ContractModel):
    service: Label
    price_pence: Pence


class SubcontractTerms(ContractModel):
    """The terms that follow from the supply-chain model; the ones a model does not use stay empty.

    `outcome_payment_share_percent` (end-to-end only) is the percentage of each outcome payment DWP makes for a
    journey the partner delivered that the prime passes down to it. Optional, so it was added within v1 (ADR 0005):
    terms agreed before it existed, and older readers, simply do without it."""

    client_group: ClientGroup | None = None
    share_of_targets_percent: Percent | None = None
    outcome_payment_share_percent: Percent | None = None
    services: list[SpecialistService] = Field(default_factory=list, max_length=MAX_SPECIALIST_SERVICES)
    monthly_capacity: PositiveCount | None = None
    start_date: IsoDate
    end_date: IsoDate


@event("organisation.registered", 1)
class OrganisationRegistered(EventData):
    """DWP registered an organisation: DWP itself, a JCP district, a prime provider or a supply-chain partner."""

    organisation_id: OrganisationId
    name: Name
    kind: OrganisationKind


@event("contract.awarded", 1)
class ContractAwarded(EventData):
    """DWP awarded a prime a contract for a contract package area: its dates, value (pence) and payment model."""

    contract_id: RecordId
    prime_id: OrganisationId
    contract_package_area: Label
    start_date: IsoDate
    end_date: IsoDate
    value_pence: Pence
    payment_model: Label


@event("contract.profile_set", 1)
class ContractProfileSet(EventData):
    """DWP set the contract's monthly profile (targets); revision 1 is the original, later ones revisions."""

    contract_id: RecordId
    prime_id: OrganisationId
    revision: Revision = Field(description="1 is the original profile; later numbers are revisions")
    months: list[MonthlyProfile] = Field(max_length=MAX_PROFILE_MONTHS)


class MinimumPerformanceLevel(ContractModel):
    """The share of a payment group's monthly referral cohort that must have a job outcome within 12 months."""

    payment_group: PaymentGroup
    level_basis_points: BasisPoints


@event("contract.minimum_performance_levels_set", 1)
class ContractMinimumPerformanceLevelsSet(EventData):
    """DWP set minimum performance levels for payment groups of the contract, for the referral cohorts of
    `applies_from` and after: each level replaces its group's earlier one for those cohorts, and the groups not named
    keep theirs. Revision 1 is the first setting; every revision is kept."""

    contract_id: RecordId
    prime_id: OrganisationId
    revision: Revision
    applies_from: Month = Field(description="the first referral cohort (calendar month, YYYY-MM) the levels apply to")
    levels: list[MinimumPerformanceLevel] = Field(
        min_length=1, max_length=PAYMENT_GROUPS, description="at most one level per payment group"
    )


@event("subcontract.agreed", 1)
class SubcontractAgreed(EventData):
    """A prime agreed a subcontract with a partner under one of the four supply-chain models, with its terms."""

    subcontract_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    partner_id: OrganisationId
    model: SupplyChainModel
    terms: SubcontractTerms


@event("subcontract.varied", 1)
class SubcontractVaried(EventData):
    """A prime varied a live subcontract's terms, with a reason; `terms` are the full new terms."""

    subcontract_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    partner_id: OrganisationId
    variation: Revision
    reason: Reason
    terms: SubcontractTerms


@event("subcontract.ended", 1)
class SubcontractEnded(EventData):
    """A subcontract ended (or will end) on `ended_on`, for a coded reason."""

    subcontract_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    partner_id: OrganisationId
    ended_on: IsoDate
    reason: SubcontractEndReason


@event("weekly_stats.deadline_set", 1)
class WeeklyStatsDeadlineSet(EventData):
    """A prime set when its partners' weekly statistics are due under a contract: at `at_local_time` (in `time_zone`)
    on the day `days_after_week_end` days after the week ends (it ends as its Sunday does, so 0 is the Monday after
    it, 2 the Wednesday). It judges every version posted from now on, until the next revision."""

    contract_id: RecordId
    prime_id: OrganisationId
    revision: Revision = Field(description="1 is the first setting; each later one replaces it from when it is set")
    days_after_week_end: DaysAfterWeekEnd
    at_local_time: LocalTime
    time_zone: DeadlineTimeZone


@event("weekly_stats.posted", 1)
class WeeklyStatsPosted(EventData):
    """A partner posted its weekly statistics for an ISO week and a subcontract. Version 1 is the return; each later
    version corrects the one before (`corrects_version`), and the earlier ones are kept. `late`: posted after
    `deadline`, the deadline in force when it was posted (revision `deadline_revision`); both null when the prime had
    set none. The correction's reason stays in the subcontracts service."""

    return_id: RecordId
    subcontract_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    partner_id: OrganisationId
    iso_week: IsoWeek
    version: Revision
    corrects_version: Revision | None = None
    figures: WeeklyFigures
    late: StrictBool | None
    deadline: AwareDatetime | None
    deadline_revision: Revision | None
