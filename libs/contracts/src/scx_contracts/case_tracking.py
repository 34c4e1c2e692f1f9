"""Events published by the case tracking service: the claimant's journey after allocation.

A case is keyed by its journey: `case_id` is the referral's id, so every service names one claimant journey the
same way. Events carry codes, dates, counts and organisation ids only: no name, no NI number, no free text (a
complaint's words, a cancellation's explanation and the like stay in the case tracking service's database).
Employment events use the `employment.` prefix, complaints `complaint.`, feedback `feedback.`; all are produced by
case tracking.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal, get_args

from pydantic import AwareDatetime, Field

from scx_contracts.bounds import Count, IsoDate, Label, OrganisationId, PaymentGroup, RecordId, StrictBool
from scx_contracts.registry import EventData, event
from scx_contracts.vocabulary import Delivery, SupplyChainModel

__all__ = [
    "ACTIVITY_KINDS",
    "ActionPlanGoal",
    "ActivityKind",
    "AppointmentAttended",
    "AppointmentBooked",
    "AppointmentCancelled",
    "AppointmentKind",
    "CancelledBy",
    "CaseActionPlanAgreed",
    "CaseActivityDelivered",
    "CaseAdviserAssigned",
    "CaseClassified",
    "CaseClosed",
    "CaseDeliveryChanged",
    "CaseExited",
    "CaseFailedToAttend",
    "CaseFtaDecided",
    "CaseInWorkSupportGiven",
    "CaseOpened",
    "ComplaintAnswered",
    "ComplaintCategory",
    "ComplaintEscalated",
    "ComplaintRaised",
    "ComplaintResolved",
    "EmploymentType",
    "EvidenceKind",
    "ExitReason",
    "FeedbackGiven",
    "FtaDecision",
    "Hours",
    "HoursReported",
    "JobEndReason",
    "JobEnded",
    "JobStarted",
    "TrafficLight",
]

# The kinds of appointment a provider books. A mandatory claimant is owed five Work Focused Interviews.
AppointmentKind = Literal["wfi", "cmp_session", "needs_assessment", "review"]
WFIS_OWED_TO_MANDATORY = 5
CancelledBy = Literal["provider", "claimant", "jcp"]
CancellationReason = Literal[
    "claimant_ill", "claimant_in_work", "claimant_request", "adviser_unavailable", "jcp_request", "rebooked", "other"
]
FtaDecision = Literal["good_cause_accepted", "referred_for_sanction_decision", "no_action"]
TrafficLight = Literal["green", "amber", "red"]
ClassificationReason = Literal[
    "job_ready", "needs_support", "health_barrier", "skills_barrier", "confidence", "caring_responsibilities",
    "housing_or_debt", "substance_misuse", "reassessed", "other",
]
ActionPlanGoal = Literal[
    "find_work", "improve_health", "build_confidence", "gain_qualification", "work_experience", "manage_condition",
    "job_search_skills", "stable_housing", "manage_debt", "self_employment",
]
ActivityKind = Literal[
    "diagnostic", "cv", "interview_skills", "confidence", "job_club", "vocational_training", "work_placement",
    "cmp", "debt_advice", "housing_advice", "specialist_service", "job_search", "other",
]
ACTIVITY_KINDS: tuple[str, ...] = get_args(ActivityKind)
EmploymentType = Literal["employed", "self_employed"]
EvidenceKind = Literal["payslip", "employer_confirmation", "hmrc_record", "self_declaration"]
JobEndReason = Literal["dismissed", "resigned", "contract_ended", "health", "redundancy", "other"]
InWorkSupportKind = Literal["phone", "meeting", "employer_contact", "in_work_coaching", "other"]
ExitKind = Literal["completion", "early_exit"]
ExitReason = Literal["found_fit_for_work_at_wca", "moved_area", "declined", "deceased", "other"]
ComplaintRaisedWith = Literal["provider", "jcp"]
ComplaintCategory = Literal[
    "service_quality", "staff_conduct", "appointment_arrangements", "accessibility", "sanction_referral",
    "data_protection", "contractual", "other",
]
EscalationLevel = Literal["tppm", "contract_manager"]
ComplaintOutcome = Literal["upheld", "partly_upheld", "not_upheld", "withdrawn"]
FeedbackTopic = Literal[
    "adviser", "appointments", "activities", "job_search", "health_support", "premises", "communication", "other",
]
CaseCloseReason = Literal["referral_withdrawn"]

# Hours worked in a week, to the hundredth of an hour: claims decides 7.9 against 8 and 15.9 against 16 on these.
Hours = Annotated[Decimal, Field(ge=0, le=168, max_digits=5, decimal_places=2)]
Minutes = Annotated[int, Field(strict=True, ge=1, le=1440, description="minutes of contact")]
Score = Annotated[int, Field(strict=True, ge=0, le=100, description="a provider's numeric job-readiness score")]


@event("case.opened", 1)
class CaseOpened(EventData):
    """A started referral became a case, held by the prime until it allocates it. `case_id` is the referral's id."""

    case_id: RecordId
    contract_id: RecordId
    prime_id: OrganisationId
    referrer_id: OrganisationId
    payment_group: PaymentGroup
    mandatory: StrictBool
    referral_date: IsoDate
    started_on: IsoDate


@event("case.delivery_changed", 1)
class CaseDeliveryChanged(EventData):
    """The referral was allocated or re-allocated: the case passes to a new delivering organisation, which may act
    from now on; the previous one keeps read access to what it recorded, and nothing after."""

    case_id: RecordId
    allocation_id: RecordId
    delivery: Delivery
    delivering_organisation_id: OrganisationId
    previous_organisation_id: OrganisationId
    subcontract_id: RecordId | None = None
    supply_chain_model: SupplyChainModel | None = None
    changed_on: IsoDate


@event("case.adviser_assigned", 1)
class CaseAdviserAssigned(EventData):
    """The delivering organisation assigned the case to one of its advisers (a user id of its own, never a name)."""

    case_id: RecordId
    adviser: str = Field(
        min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}$",
        description="the adviser's user id, as the tokens name users (never a name with spaces)",
    )
    delivering_organisation_id: OrganisationId
    assigned_on: IsoDate


@event("case.closed", 1)
class CaseClosed(EventData):
    """The case ended without an exit of its own: the referral was withdrawn."""

    case_id: RecordId
    reason: CaseCloseReason
    closed_on: IsoDate


@event("case.appointment_booked", 1)
class AppointmentBooked(EventData):
    """An appointment booked with the claimant; WFIs are numbered (1-5 owed to a mandatory claimant, more allowed)."""

    case_id: RecordId
    appointment_id: RecordId
    kind: AppointmentKind
    wfi_number: int | None = Field(default=None, strict=True, ge=1, le=99)
    mandatory: StrictBool
    scheduled_at: AwareDatetime
    rebooks: RecordId | None = Field(default=None, description="the appointment this one replaces")
    delivering_organisation_id: OrganisationId


@event("case.appointment_attended", 1)
class AppointmentAttended(EventData):
    """The claimant attended the appointment."""

    case_id: RecordId
    appointment_id: RecordId
    kind: AppointmentKind
    wfi_number: int | None = Field(default=None, strict=True, ge=1, le=99)
    attended_on: IsoDate
    minutes: Minutes | None = None
    delivering_organisation_id: OrganisationId


@event("case.appointment_cancelled", 1)
class AppointmentCancelled(EventData):
    """An appointment was cancelled before it happened, by whom and for a coded reason."""

    case_id: RecordId
    appointment_id: RecordId
    cancelled_by: CancelledBy
    reason: CancellationReason
    cancelled_on: IsoDate


@event("case.failed_to_attend", 1)
class CaseFailedToAttend(EventData):
    """The claimant missed an appointment. A missed mandatory one raises a notice to the referring JCP district
    (`referrer_id`), notified that day; a missed voluntary one raises none (`notice_id` and `notified_on` null)."""

    case_id: RecordId
    appointment_id: RecordId
    notice_id: RecordId | None = Field(default=None, description="the fail-to-attend notice, when one was raised")
    kind: AppointmentKind
    mandatory: StrictBool = True
    referrer_id: OrganisationId
    missed_on: IsoDate
    notified_on: IsoDate | None = None
    delivering_organisation_id: OrganisationId


@event("case.fta_decided", 1)
class CaseFtaDecided(EventData):
    """The referring JCP district decided a fail-to-attend notice."""

    case_id: RecordId
    notice_id: RecordId
    decision: FtaDecision
    decided_on: IsoDate
    days_missed_to_notified: Count
    days_notified_to_decided: Count


@event("case.classified", 1)
class CaseClassified(EventData):
    """The provider classified the claimant's job-readiness: the traffic light, with an optional numeric score."""

    case_id: RecordId
    traffic_light: TrafficLight
    score: Score | None = None
    reason: ClassificationReason
    classified_on: IsoDate
    delivering_organisation_id: OrganisationId


@event("case.action_plan_agreed", 1)
class CaseActionPlanAgreed(EventData):
    """The claimant and adviser agreed an action plan with coded goals (a later plan replaces it)."""

    case_id: RecordId
    action_plan_id: RecordId
    agreed_on: IsoDate
    goals: list[ActionPlanGoal] = Field(min_length=1, max_length=len(get_args(ActionPlanGoal)))
    delivering_organisation_id: OrganisationId


@event("case.activity_delivered", 1)
class CaseActivityDelivered(EventData):
    """An activity from the catalogue, its contact time and who delivered it; a specialist partner's delivery names
    the specialist subcontract it was delivered under (what claims pays per service)."""

    case_id: RecordId
    activity_id: RecordId
    activity: ActivityKind
    delivered_on: IsoDate
    minutes: Minutes
    delivered_by: OrganisationId
    subcontract_id: RecordId | None = None
    service: Label | None = Field(default=None, description="the specialist service, as its subcontract names it")


@event("employment.job_started", 1)
class JobStarted(EventData):
    """The claimant started a job. The employer is a reference the provider keeps, never a person's name."""

    case_id: RecordId
    job_id: RecordId
    started_on: IsoDate
    employment_type: EmploymentType
    expected_hours_per_week: Hours
    employer_ref: RecordId
    delivering_organisation_id: OrganisationId


@event("employment.hours_reported", 1)
class HoursReported(EventData):
    """Hours worked in one week (commencing Monday) of a job, with the evidence behind them. A later report of the
    same job and week replaces an earlier one (`revision`)."""

    case_id: RecordId
    job_id: RecordId
    week_commencing: IsoDate
    hours: Hours
    earnings_pence: Count | None = None
    evidence_kind: EvidenceKind
    evidence_obtained_on: IsoDate
    revision: int = Field(default=1, strict=True, ge=1, le=1000)


@event("employment.job_ended", 1)
class JobEnded(EventData):
    """A job ended, for a coded reason."""

    case_id: RecordId
    job_id: RecordId
    ended_on: IsoDate
    reason: JobEndReason


@event("case.in_work_support_given", 1)
class CaseInWorkSupportGiven(EventData):
    """In-work support for a claimant in a job: the kind of contact and its length."""

    case_id: RecordId
    support_id: RecordId
    job_id: RecordId
    kind: InWorkSupportKind
    given_on: IsoDate
    minutes: Minutes
    delivering_organisation_id: OrganisationId


@event("case.exited", 1)
class CaseExited(EventData):
    """The claimant left the programme: completion, or an early exit with a coded reason. Nothing more is recorded
    after it but the weeks of a job already started."""

    case_id: RecordId
    kind: ExitKind
    reason: ExitReason | None = None
    exited_on: IsoDate
    delivering_organisation_id: OrganisationId


@event("complaint.raised", 1)
class ComplaintRaised(EventData):
    """A complaint about the service, raised with the provider or with JCP (its words stay in case tracking)."""

    complaint_id: RecordId
    case_id: RecordId
    raised_with: ComplaintRaisedWith
    category: ComplaintCategory
    raised_on: IsoDate
    provider_id: OrganisationId


@event("complaint.escalated", 1)
class ComplaintEscalated(EventData):
    """A complaint went up a level: the provider → JCP's TPPM → the DWP contract manager."""

    complaint_id: RecordId
    case_id: RecordId
    level: EscalationLevel
    escalated_on: IsoDate


@event("complaint.answered", 1)
class ComplaintAnswered(EventData):
    """The party holding the complaint answered the complainant."""

    complaint_id: RecordId
    case_id: RecordId
    answered_on: IsoDate
    days_to_answer: Count


@event("complaint.resolved", 1)
class ComplaintResolved(EventData):
    """The complaint was closed with a coded outcome."""

    complaint_id: RecordId
    case_id: RecordId
    outcome: ComplaintOutcome
    resolved_on: IsoDate
    days_open: Count


@event("feedback.given", 1)
class FeedbackGiven(EventData):
    """The claimant's feedback on the service: a score 1-5 and coded topics."""

    feedback_id: RecordId
    case_id: RecordId
    score: int = Field(strict=True, ge=1, le=5)
    topics: list[FeedbackTopic] = Field(default_factory=list, max_length=len(get_args(FeedbackTopic)))
    given_on: IsoDate
    provider_id: OrganisationId
