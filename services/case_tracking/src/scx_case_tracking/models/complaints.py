"""Complaints and feedback: each complaint with the parties it is between and where it stands, its steps (raised,
escalated, answered, resolved: each dated and timed), and the claimant's feedback (a score and coded topics).

The complaint's words and each step's note are free text: they are kept here, shown only to the complaint's
parties, and never put in an event (the events carry codes, dates and day counts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, Index, Integer, String, Table, Text, UniqueConstraint

from scx_case_tracking.models.base import metadata
from scx_persistence.types import UtcDateTime

complaints = Table(
    "complaints",
    metadata,
    Column("complaint_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    # The parties, fixed when it is raised: the prime, the referring JCP district, and the provider complained
    # about (the organisation delivering the case that day).
    Column("prime_id", String(64), nullable=False),
    Column("referrer_id", String(64), nullable=False),
    Column("provider_id", String(64), nullable=False),
    Column("raised_with", String(16), nullable=False),
    Column("category", String(32), nullable=False),
    Column("raised_on", Date, nullable=False),
    Column("words", Text, nullable=False),
    # Where it stands: open | answered | resolved, at the level holding it (provider | tppm | contract_manager).
    Column("status", String(16), nullable=False),
    Column("level", String(16), nullable=False),
    Column("level_since", Date, nullable=False),
    Column("escalations", Integer, nullable=False),
    Column("answered_on", Date, nullable=True),
    Column("days_to_answer", Integer, nullable=True),
    Column("outcome", String(16), nullable=True),
    Column("resolved_on", Date, nullable=True),
    Column("days_open", Integer, nullable=True),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_complaints_case", "case_id", "complaint_id"),
    Index("ix_complaints_prime", "prime_id", "status"),
    Index("ix_complaints_referrer", "referrer_id", "status"),
    Index("ix_complaints_provider", "provider_id", "status"),
)

complaint_steps = Table(
    "complaint_steps",
    metadata,
    Column("complaint_id", String(36), primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # raised | escalated | answered | resolved
    Column("level", String(16), nullable=False),  # the level holding it once the step is done
    Column("occurred_on", Date, nullable=False),
    Column("days_since_previous", Integer, nullable=False),
    Column("days_since_raised", Integer, nullable=False),
    Column("outcome", String(16), nullable=True),
    Column("note", Text, nullable=True),
    Column("event_id", String(36), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("user", String(200), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("event_id"),
)

feedback = Table(
    "feedback",
    metadata,
    Column("feedback_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("provider_id", String(64), nullable=False),
    Column("score", Integer, nullable=False),
    Column("topics", JSON, nullable=False),
    Column("given_on", Date, nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_feedback_case", "case_id", "feedback_id"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Complaint:
    """A claimant's complaint about the service, and where it stands: the level holding it and since when, whether
    that level has answered, and the outcome once resolved. Day counts are calendar days."""

    complaint_id: str
    case_id: str
    prime_id: str
    referrer_id: str
    provider_id: str
    raised_with: str
    category: str
    raised_on: date
    words: str
    status: str
    level: str
    level_since: date
    escalations: int = 0
    answered_on: date | None = None
    days_to_answer: int | None = None
    outcome: str | None = None
    resolved_on: date | None = None
    days_open: int | None = None
    recorded_by: str
    recorded_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplaintStep:
    """One step of a complaint, in order: what was done at which level, on what date, how many days after the step
    before it and after the complaint was raised, and by whom; its note stays here."""

    complaint_id: str
    sequence: int
    kind: str
    level: str
    occurred_on: date
    days_since_previous: int
    days_since_raised: int
    outcome: str | None = None
    note: str | None = None
    event_id: str
    recorded_by: str
    user: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Feedback:
    """The claimant's feedback on the service of `provider_id` (who delivered the case that day)."""

    feedback_id: str
    case_id: str
    provider_id: str
    score: int
    topics: list[str]
    given_on: date
    recorded_by: str
    recorded_at: datetime
