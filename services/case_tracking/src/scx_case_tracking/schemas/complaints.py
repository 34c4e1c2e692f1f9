"""Shapes of complaints, their steps, and feedback. The free text (a complaint's words, an answer, a step's note) is
kept in this service only and shown only to the complaint's parties; no event carries it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, get_args

from pydantic import BaseModel, Field, Strict, field_validator

from scx_case_tracking.rules.complaints import ComplaintLevel, ComplaintStatus, StepKind
from scx_contracts.case_tracking import (
    ComplaintCategory,
    ComplaintOutcome,
    ComplaintRaisedWith,
    EscalationLevel,
    FeedbackTopic,
)
from scx_servicekit.strict import IsoDate, Note, RequestModel

KEPT_HERE = "kept in case tracking only, shown only to the complaint's parties, never published"


class RaiseComplaint(RequestModel):
    raised_with: ComplaintRaisedWith = Field(
        description="provider: recorded by the delivering organisation's staff; jcp: by the referring district's"
    )
    category: ComplaintCategory
    raised_on: IsoDate = Field(description="the day the claimant complained; not before the referral nor after today")
    words: Note = Field(description=f"the complaint in the claimant's words: {KEPT_HERE}")


class EscalateComplaint(RequestModel):
    level: EscalationLevel = Field(description="the next level: tppm after the provider, contract_manager after it")
    escalated_on: IsoDate = Field(description="not before the complaint's last step nor after today")
    note: Note | None = Field(default=None, description=f"why: {KEPT_HERE}")


class AnswerComplaint(RequestModel):
    answered_on: IsoDate = Field(description="not before the complaint reached its level nor after today")
    answer: Note = Field(description=f"the answer given to the complainant: {KEPT_HERE}")


class ResolveComplaint(RequestModel):
    outcome: ComplaintOutcome
    resolved_on: IsoDate = Field(description="not before the complaint's last step nor after today")
    note: Note | None = Field(default=None, description=KEPT_HERE)


FEEDBACK_TOPICS = len(get_args(FeedbackTopic))


class GiveFeedback(RequestModel):
    score: Annotated[int, Strict(), Field(ge=1, le=5, description="1 (poor) to 5 (excellent)")]
    topics: list[FeedbackTopic] = Field(default_factory=list, max_length=FEEDBACK_TOPICS)
    given_on: IsoDate = Field(description="not before the start nor after today")

    @field_validator("topics")
    @classmethod
    def _distinct(cls, topics: list[str]) -> list[str]:
        return sorted(set(topics))


class ComplaintOut(BaseModel):
    """A complaint and where it stands; days are calendar days."""

    complaint_id: str
    case_id: str
    prime_id: str
    referrer_id: str
    provider_id: str = Field(description="the provider complained about: the organisation delivering when raised")
    raised_with: ComplaintRaisedWith
    category: ComplaintCategory
    raised_on: date
    words: str
    status: ComplaintStatus
    level: ComplaintLevel
    level_since: date = Field(description="when the level holding it received it")
    held_by: str = Field(description="who holds it at its level: they answer, resolve or escalate it")
    escalations: int
    answered_on: date | None = Field(description="when the level holding it answered")
    days_to_answer: int | None = Field(description="days from the level receiving it to its answer")
    outcome: ComplaintOutcome | None
    resolved_on: date | None
    days_open: int | None = Field(description="days from raised to resolved")
    recorded_by: str
    recorded_at: datetime


class ComplaintStepOut(BaseModel):
    sequence: int
    kind: StepKind
    level: ComplaintLevel = Field(description="the level holding the complaint once the step was done")
    occurred_on: date
    days_since_previous: int
    days_since_raised: int
    outcome: ComplaintOutcome | None
    note: str | None
    recorded_by: str
    user: str
    recorded_at: datetime


class ComplaintDetailOut(ComplaintOut):
    steps: list[ComplaintStepOut]


class FeedbackOut(BaseModel):
    feedback_id: str
    case_id: str
    provider_id: str = Field(description="the organisation delivering the case when the feedback was given")
    score: int
    topics: list[FeedbackTopic]
    given_on: date
    recorded_by: str
    recorded_at: datetime
