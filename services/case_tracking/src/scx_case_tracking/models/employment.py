"""The employment area's tables: the jobs a claimant started, the hours of each week of a job with their evidence
(every revision kept), and in-work support. Every row names the organisation that recorded it, so a former
deliverer reads back only its own. Hours are whole hundredths of an hour (`rules.employment`): exact on every
backend, where a float or SQLite's NUMERIC would not be."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Column, Date, Index, Integer, String, Table, UniqueConstraint

from scx_case_tracking.models.base import metadata
from scx_persistence.types import UtcDateTime

jobs = Table(
    "jobs",
    metadata,
    Column("job_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("employment_type", String(16), nullable=False),
    Column("expected_hundredths", Integer, nullable=False),
    Column("employer_ref", String(36), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_user", String(64), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("ended_on", Date, nullable=True),
    Column("end_reason", String(16), nullable=True),
    Column("ended_by", String(64), nullable=True),
    Column("ended_at", UtcDateTime, nullable=True),
    Index("ix_jobs_case", "case_id", "job_id"),
)

# One row per report of a week: a correction is a new revision; the latest revision is the week's figure.
job_weeks = Table(
    "job_weeks",
    metadata,
    Column("report_id", String(36), primary_key=True),
    Column("job_id", String(36), nullable=False),
    Column("case_id", String(36), nullable=False),
    Column("week_commencing", Date, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("hundredths", Integer, nullable=False),
    Column("earnings_pence", Integer, nullable=True),
    Column("evidence_kind", String(32), nullable=False),
    Column("evidence_obtained_on", Date, nullable=False),
    Column("evidence_obtained_by", String(64), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("job_id", "week_commencing", "revision"),
)

in_work_support = Table(
    "in_work_support",
    metadata,
    Column("support_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("job_id", String(36), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("given_on", Date, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("given_by", String(64), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_in_work_support_case", "case_id", "support_id"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """A job the claimant started: employed or self-employed, the hours a week expected, the employer by reference
    (never a person's name); ended once, for a coded reason."""

    job_id: str
    case_id: str
    started_on: date
    employment_type: str
    expected_hundredths: int
    employer_ref: str
    recorded_by: str
    recorded_user: str
    recorded_at: datetime
    ended_on: date | None = None
    end_reason: str | None = None
    ended_by: str | None = None
    ended_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekReport:
    """One revision of the hours worked in one week of a job, with the evidence behind them and who obtained it."""

    report_id: str
    job_id: str
    case_id: str
    week_commencing: date
    revision: int
    hundredths: int
    earnings_pence: int | None
    evidence_kind: str
    evidence_obtained_on: date
    evidence_obtained_by: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class InWorkSupport:
    """A contact with a claimant in a job: its kind, date and length, and the adviser who gave it."""

    support_id: str
    case_id: str
    job_id: str
    kind: str
    given_on: date
    minutes: int
    given_by: str
    recorded_by: str
    recorded_at: datetime
