"""The progress area of the journey: the traffic-light classifications of a case (history kept whole), its action
plans (a later one supersedes, history kept), the activities delivered, and its exit.

Every row carries the organisation that recorded it (`recorded_by`), when (`recorded_at`) and the user named by the
token (`recorded_by_user`), so a former deliverer's reads can be filtered to its own rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, Index, Integer, String, Table

from scx_case_tracking.models.base import metadata
from scx_persistence.types import UtcDateTime

classifications = Table(
    "classifications",
    metadata,
    Column("classification_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("traffic_light", String(8), nullable=False),
    Column("score", Integer, nullable=True),
    Column("reason", String(40), nullable=False),
    Column("classified_on", Date, nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_by_user", String(200), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_classifications_case", "case_id", "classification_id"),
)

action_plans = Table(
    "action_plans",
    metadata,
    Column("action_plan_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("agreed_on", Date, nullable=False),
    Column("goals", JSON, nullable=False),
    Column("superseded_by", String(36), nullable=True),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_by_user", String(200), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_action_plans_case", "case_id", "action_plan_id"),
)

activities = Table(
    "activities",
    metadata,
    Column("activity_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("activity", String(32), nullable=False),
    Column("delivered_on", Date, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("delivered_by", String(64), nullable=False),
    Column("subcontract_id", String(36), nullable=True),
    Column("service", String(100), nullable=True),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_by_user", String(200), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_activities_case", "case_id", "activity_id"),
    Index("ix_activities_subcontract", "subcontract_id", "delivered_on"),
)

exits = Table(
    "exits",
    metadata,
    Column("case_id", String(36), primary_key=True),  # one exit per case
    Column("kind", String(16), nullable=False),
    Column("reason", String(40), nullable=True),
    Column("exited_on", Date, nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_by_user", String(200), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Classification:
    """The claimant's job-readiness as the provider judged it on a date: green, amber or red, an optional score."""

    classification_id: str
    case_id: str
    traffic_light: str
    score: int | None
    reason: str
    classified_on: date
    recorded_by: str
    recorded_by_user: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionPlan:
    """An action plan agreed with the claimant: its coded goals; `superseded_by` names the later plan replacing it."""

    action_plan_id: str
    case_id: str
    agreed_on: date
    goals: list[str]
    superseded_by: str | None = None
    recorded_by: str
    recorded_by_user: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """An activity of the catalogue delivered to the claimant: when, minutes of contact, by whom. A specialist
    partner's delivery names its specialist subcontract and the service."""

    activity_id: str
    case_id: str
    activity: str
    delivered_on: date
    minutes: int
    delivered_by: str
    subcontract_id: str | None = None
    service: str | None = None
    recorded_by: str
    recorded_by_user: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Exit:
    """How the claimant left the programme: completion, or an early exit with a coded reason."""

    case_id: str
    kind: str
    reason: str | None
    exited_on: date
    recorded_by: str
    recorded_by_user: str
    recorded_at: datetime
