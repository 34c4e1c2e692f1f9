"""Shapes of cases, their clocks, summaries and timelines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, Strict, StringConstraints

from scx_contracts.case_tracking import TrafficLight
from scx_contracts.claimant import looks_like_nino
from scx_contracts.clocks import Clock, ClockState
from scx_contracts.vocabulary import Delivery, SupplyChainModel
from scx_servicekit.strict import RequestModel

CaseStatus = Literal["open", "exited", "closed"]


class ClockOut(BaseModel):
    clock: Clock
    due_by: date
    done_on: date | None
    state: ClockState


class CaseOut(BaseModel):
    """A case as those who read all of it see it. `case_id` is the referral's id (the journey)."""

    case_id: str
    contract_id: str
    prime_id: str
    referrer_id: str
    claimant_ref: str
    benefit_type: str
    payment_group: int
    mandatory: bool
    referral_date: date
    started_on: date
    status: CaseStatus
    delivery: Delivery | None = Field(description="in_house or partner; null until the prime allocates it")
    delivering_organisation_id: str
    allocation_id: str | None
    subcontract_id: str | None
    supply_chain_model: SupplyChainModel | None
    adviser: str | None
    clocks: list[ClockOut]
    traffic_light: TrafficLight | None
    traffic_light_score: int | None
    classified_on: date | None
    wfis_attended: int
    wfis_owed: int = Field(description="Work Focused Interviews a mandatory claimant is owed (five), 0 otherwise")
    contact_minutes: int
    last_contact_on: date | None
    needs_assessed_on: date | None
    action_plan_agreed_on: date | None
    exited_on: date | None
    exit_kind: str | None
    closed_on: date | None
    opened_at: datetime


class CaseSummaryOut(BaseModel):
    """What the referring JCP district sees of a case: where the claimant's journey stands."""

    case_id: str
    referrer_id: str
    prime_id: str
    delivering_organisation_id: str
    status: CaseStatus
    started_on: date
    wfis_attended: int
    wfis_owed: int
    exited_on: date | None
    exit_kind: str | None
    closed_on: date | None


class TimelineEntryOut(BaseModel):
    event_id: str
    type: str
    occurred_on: date
    recorded_at: datetime
    recorded_by: str
    user: str
    data: dict[str, Any]


def _a_user_id(value: str) -> str:
    if looks_like_nino(value):
        raise ValueError("an adviser's user id must not be shaped like a National Insurance number")
    return value


# A user id as tokens carry it (letters, digits and . _ @ : -), never a name with spaces nor an NI number: it goes
# into an event.
AdviserId = Annotated[
    str,
    Strict(),
    StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}$"),
    AfterValidator(_a_user_id),
]


class AssignAdviser(RequestModel):
    adviser: AdviserId = Field(description="the adviser's user id, as your organisation's tokens name them")
