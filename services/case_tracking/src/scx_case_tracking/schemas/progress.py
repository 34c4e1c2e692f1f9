"""Shapes of the progress area: classifications (traffic light), action plans, activities and the exit."""

from __future__ import annotations

from datetime import date, datetime
from typing import get_args

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from scx_contracts.case_tracking import (
    ActionPlanGoal,
    ActivityKind,
    ClassificationReason,
    ExitKind,
    ExitReason,
    Minutes,
    Score,
    TrafficLight,
)
from scx_servicekit.strict import IsoDate, Label, OrganisationId, RecordId, RequestModel

GOALS = len(get_args(ActionPlanGoal))


class ClassifyCase(RequestModel):
    """The provider's judgement of the claimant's job-readiness; who made it comes from the token."""

    traffic_light: TrafficLight
    score: Score | None = Field(default=None, description="an optional numeric job-readiness score, 0-100")
    reason: ClassificationReason
    classified_on: IsoDate = Field(description="not in the future, nor before the start or the current one")


class AgreeActionPlan(RequestModel):
    """An action plan agreed with the claimant; it supersedes the current one."""

    agreed_on: IsoDate = Field(description="not in the future, nor before the start or the current plan")
    goals: list[ActionPlanGoal] = Field(min_length=1, max_length=GOALS, description="each goal once")

    @field_validator("goals")
    @classmethod
    def _each_once(cls, goals: list[str]) -> list[str]:
        repeated = sorted({g for g in goals if goals.count(g) > 1})
        if repeated:
            raise ValueError(f"each goal once: {', '.join(repeated)} appears more than once")
        return goals


class RecordActivity(RequestModel):
    """An activity from the catalogue delivered to the claimant, with its minutes of contact."""

    activity: ActivityKind
    delivered_on: IsoDate = Field(description="not in the future, nor before the start or the case passed to you")
    minutes: Minutes
    delivered_by: OrganisationId | None = Field(
        default=None,
        description="the organisation delivering the case (the default), or a specialist partner of its prime",
    )
    subcontract_id: RecordId | None = Field(
        default=None, description="the specialist's subcontract, when it has more than one"
    )
    service: Label | None = Field(default=None, description="the specialist service, as its subcontract names it")


class ExitCase(RequestModel):
    """The claimant leaves the programme: completion, or an early exit with a coded reason."""

    kind: ExitKind
    reason: ExitReason | None = Field(
        default=None, validate_default=True, description="required for an early exit; none for a completion"
    )
    exited_on: IsoDate = Field(description="not in the future, nor before the start or the case's last event")

    # A field validator (kind is validated first) so that the problem document names body.reason.
    @field_validator("reason")
    @classmethod
    def _reason_iff_early(cls, reason: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind == "early_exit" and reason is None:
            raise ValueError("an early exit needs a reason")
        if kind == "completion" and reason is not None:
            raise ValueError("a completion has no reason: it is not an early exit")
        return reason


class ClassificationOut(BaseModel):
    classification_id: str
    traffic_light: TrafficLight
    score: int | None
    reason: ClassificationReason
    classified_on: date
    recorded_by: str
    recorded_by_user: str
    recorded_at: datetime


class ActionPlanOut(BaseModel):
    action_plan_id: str
    agreed_on: date
    goals: list[ActionPlanGoal]
    current: bool = Field(description="false once a later plan superseded it")
    superseded_by: str | None
    recorded_by: str
    recorded_by_user: str
    recorded_at: datetime


class ActivityOut(BaseModel):
    activity_id: str
    activity: ActivityKind
    delivered_on: date
    minutes: int
    delivered_by: str
    subcontract_id: str | None
    service: str | None
    recorded_by: str
    recorded_by_user: str
    recorded_at: datetime


class ActivityPage(BaseModel):
    """A page of the case's activities, with its contact time over all of them (all pages; for a former deliverer,
    those it recorded)."""

    items: list[ActivityOut]
    next_cursor: str | None = None
    contact_minutes: int = Field(description="minutes of contact in all")
    contact_minutes_by_activity: dict[ActivityKind, int]


class ExitOut(BaseModel):
    case_id: str
    kind: ExitKind
    reason: ExitReason | None
    exited_on: date
    recorded_by: str
    recorded_by_user: str
    recorded_at: datetime
