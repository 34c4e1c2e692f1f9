"""The appointments area's tables: the appointments booked with the claimant, and the fail-to-attend notices a
missed mandatory one raises to the referring JCP district.

Every row carries `recorded_by` (the organisation that recorded it) and `recorded_at`, so that a former deliverer
reads only its own rows. Free text (a cancellation's note, JCP's note on its decision) is kept here and never goes
into an event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, Index, Integer, String, Table, Text, UniqueConstraint

from scx_case_tracking.models.base import metadata
from scx_persistence.types import UtcDateTime

appointments = Table(
    "appointments",
    metadata,
    Column("appointment_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("wfi_number", Integer, nullable=True),  # WFIs only; a rebooking keeps the number it replaces
    Column("mandatory", Boolean, nullable=False),
    Column("scheduled_at", UtcDateTime, nullable=False),
    Column("booked_on", Date, nullable=False),
    Column("status", String(20), nullable=False),  # booked | attended | failed_to_attend | cancelled | rebooked
    Column("rebooks", String(36), nullable=True),  # the appointment this one replaces
    Column("rebooked_by", String(36), nullable=True),  # the appointment that replaced this one
    Column("delivering_organisation_id", String(64), nullable=False),
    Column("attended_on", Date, nullable=True),
    Column("minutes", Integer, nullable=True),
    Column("missed_on", Date, nullable=True),
    Column("notice_id", String(36), nullable=True),
    Column("cancelled_by", String(16), nullable=True),
    Column("cancellation_reason", String(32), nullable=True),
    Column("cancellation_note", Text, nullable=True),
    Column("cancelled_on", Date, nullable=True),
    Column("settled_by", String(64), nullable=True),
    Column("settled_at", UtcDateTime, nullable=True),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    UniqueConstraint("rebooks", name="uq_appointments_rebooks"),  # an appointment is rebooked once
    Index("ix_appointments_case", "case_id", "appointment_id"),
)

fta_notices = Table(
    "fta_notices",
    metadata,
    Column("notice_id", String(36), primary_key=True),
    Column("case_id", String(36), nullable=False),
    Column("appointment_id", String(36), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("wfi_number", Integer, nullable=True),
    Column("referrer_id", String(64), nullable=False),  # the JCP district the notice went to
    Column("prime_id", String(64), nullable=False),
    Column("delivering_organisation_id", String(64), nullable=False),  # who delivered the case when it was missed
    Column("missed_on", Date, nullable=False),
    Column("notified_on", Date, nullable=False),
    Column("days_missed_to_notified", Integer, nullable=False),
    Column("decision", String(32), nullable=True),
    Column("decided_on", Date, nullable=True),
    Column("days_notified_to_decided", Integer, nullable=True),
    Column("decision_note", Text, nullable=True),
    Column("decided_by", String(64), nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Index("ix_fta_notices_referrer", "referrer_id", "notice_id"),
    Index("ix_fta_notices_prime", "prime_id", "notice_id"),
    Index("ix_fta_notices_case", "case_id"),
    Index("ix_fta_notices_recorded_by", "recorded_by", "notice_id"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Appointment:
    """An appointment booked with the claimant: a Work Focused Interview (numbered), a Condition Management
    Programme session, a needs assessment or a review. Booked, then settled once: attended, failed to attend,
    cancelled, or rebooked (replaced by a new appointment that `rebooks` it)."""

    appointment_id: str
    case_id: str
    kind: str
    wfi_number: int | None = None
    mandatory: bool
    scheduled_at: datetime
    booked_on: date
    status: str
    rebooks: str | None = None
    rebooked_by: str | None = None
    delivering_organisation_id: str
    attended_on: date | None = None
    minutes: int | None = None
    missed_on: date | None = None
    notice_id: str | None = None
    cancelled_by: str | None = None
    cancellation_reason: str | None = None
    cancellation_note: str | None = None
    cancelled_on: date | None = None
    settled_by: str | None = None
    settled_at: datetime | None = None
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class FtaNotice:
    """A fail-to-attend notice: a missed mandatory appointment reported to the referring JCP district, which decides
    it once. The delays (missed → notified, notified → decided, in days) are kept for reporting."""

    notice_id: str
    case_id: str
    appointment_id: str
    kind: str
    wfi_number: int | None = None
    referrer_id: str
    prime_id: str
    delivering_organisation_id: str
    missed_on: date
    notified_on: date
    days_missed_to_notified: int
    decision: str | None = None
    decided_on: date | None = None
    days_notified_to_decided: int | None = None
    decision_note: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    recorded_by: str
    recorded_at: datetime
