"""Weekly statistics returns: what a partner posted for an ISO week and a subcontract, every version of it, and
the deadlines primes set for them (ADR 0013: a Core table and, beside it, its record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, ForeignKeyConstraint, Integer, String, Table, UniqueConstraint

from scx_persistence.types import UtcDateTime
from scx_subcontracts.models.base import metadata

weekly_returns = Table(
    "weekly_returns",
    metadata,
    Column("return_id", String(36), primary_key=True),
    Column("subcontract_id", ForeignKey("subcontracts.subcontract_id"), nullable=False),
    Column("contract_id", ForeignKey("contracts.contract_id"), nullable=False, index=True),
    Column("prime_id", String(64), nullable=False, index=True),
    Column("partner_id", String(64), nullable=False, index=True),
    Column("iso_week", String(8), nullable=False),
    Column("latest_version", Integer, nullable=False),
    Column("first_posted_at", UtcDateTime, nullable=False),
    Column("last_posted_at", UtcDateTime, nullable=False),
    # One return per subcontract and week: a second post is a correction, a new version of the same return.
    UniqueConstraint("subcontract_id", "iso_week"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class WeeklyReturn:
    """One subcontract's return for one ISO week (YYYY-Www, which sorts as text); its versions hold the figures."""

    return_id: str
    subcontract_id: str
    contract_id: str
    prime_id: str
    partner_id: str
    iso_week: str
    latest_version: int
    first_posted_at: datetime
    last_posted_at: datetime


weekly_return_versions = Table(
    "weekly_return_versions",
    metadata,
    Column("return_id", ForeignKey("weekly_returns.return_id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("referrals_received", Integer, nullable=False),
    Column("starts", Integer, nullable=False),
    Column("wfis_delivered", Integer, nullable=False),
    Column("fail_to_attends", Integer, nullable=False),
    Column("activities_delivered", Integer, nullable=False),
    Column("job_starts", Integer, nullable=False),
    Column("job_outcomes", Integer, nullable=False),
    Column("exits", Integer, nullable=False),
    Column("corrects_version", Integer, nullable=True),
    Column("reason", String(500), nullable=True),
    Column("source", String(8), nullable=False),
    Column("posted_at", UtcDateTime, nullable=False),
    Column("posted_by", String(64), nullable=False),
    Column("late", Boolean, nullable=True),
    Column("deadline", UtcDateTime, nullable=True),
    Column("deadline_revision", Integer, nullable=True),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnVersion:
    """One version of a return: version 1 as first posted, each later one a correction of the one before, with its
    reason. `late` was judged when it was posted, against `deadline` (revision `deadline_revision` of the contract's
    setting); all three are None when no deadline was set. `source` is `api` or `upload` (a CSV file)."""

    return_id: str
    version: int
    referrals_received: int
    starts: int
    wfis_delivered: int
    fail_to_attends: int
    activities_delivered: int
    job_starts: int
    job_outcomes: int
    exits: int
    corrects_version: int | None
    reason: str | None
    source: str
    posted_at: datetime
    posted_by: str
    late: bool | None
    deadline: datetime | None
    deadline_revision: int | None


weekly_return_deadlines = Table(
    "weekly_return_deadlines",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("prime_id", String(64), nullable=False),
    Column("days_after_week_end", Integer, nullable=False),
    Column("at_local_time", String(5), nullable=False),
    Column("set_at", UtcDateTime, nullable=False),
    Column("set_by", String(64), nullable=False),
    ForeignKeyConstraint(["contract_id"], ["contracts.contract_id"]),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnDeadline:
    """One revision of a contract's deadline for weekly returns: due at `at_local_time` (London) on the day
    `days_after_week_end` days after the week ends. The latest revision is in force from `set_at`."""

    contract_id: str
    revision: int
    prime_id: str
    days_after_week_end: int
    at_local_time: str
    set_at: datetime
    set_by: str
