"""Shapes of appointments, their summary, and fail-to-attend notices with their delay report."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field

from scx_contracts.case_tracking import AppointmentKind, CancellationReason, CancelledBy, FtaDecision, Minutes
from scx_servicekit.strict import IsoDate, Note, RequestModel, StrictBool

AppointmentStatus = Literal["booked", "attended", "failed_to_attend", "cancelled", "rebooked"]
NoticeStatus = Literal["awaiting_decision", "decided"]

_ISO_MOMENT = re.compile(
    r"(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})"
)


def _iso_moment_only(value: Any) -> Any:
    # pydantic would take a number as a Unix timestamp; a moment here is an ISO string with its offset, in a year
    # the programme can be in (a year 1 moment cannot even be moved to UTC).
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        return value
    raise ValueError("must be a date and time with its offset, written YYYY-MM-DDThh:mm[:ss]±hh:mm or ...Z")


Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_moment_only),
    Field(json_schema_extra={"pattern": _ISO_MOMENT.pattern}),
]


class BookAppointment(RequestModel):
    kind: AppointmentKind
    scheduled_at: Moment = Field(description="when it is, with its offset (e.g. 2027-01-04T10:00:00+00:00)")
    mandatory: StrictBool | None = Field(
        default=None, description="default: a WFI of a mandatory claimant is mandatory, anything else is not"
    )
    booked_on: IsoDate | None = Field(default=None, description="default: today")


class AttendAppointment(RequestModel):
    attended_on: IsoDate | None = Field(default=None, description="default: the appointment's day")
    minutes: Minutes | None = None


class MissAppointment(RequestModel):
    """A missed appointment: the day missed is the appointment's; a mandatory one's notice goes to JCP today."""


class CancelAppointment(RequestModel):
    cancelled_by: CancelledBy
    reason: CancellationReason
    note: Note | None = Field(default=None, description="kept in this service only, never in an event")
    cancelled_on: IsoDate | None = Field(default=None, description="default: today")


class RebookAppointment(RequestModel):
    scheduled_at: Moment
    requested_by: CancelledBy = Field(description="who asked for the new time")
    note: Note | None = Field(default=None, description="kept in this service only, never in an event")
    booked_on: IsoDate | None = Field(default=None, description="default: today")


class AppointmentOut(BaseModel):
    appointment_id: str
    case_id: str
    kind: AppointmentKind
    wfi_number: int | None
    mandatory: bool
    scheduled_at: datetime
    booked_on: date
    status: AppointmentStatus
    rebooks: str | None
    rebooked_by: str | None
    delivering_organisation_id: str
    attended_on: date | None
    minutes: int | None
    missed_on: date | None
    notice_id: str | None
    cancelled_by: CancelledBy | None
    cancellation_reason: CancellationReason | None
    cancellation_note: str | None
    cancelled_on: date | None
    recorded_by: str
    recorded_at: datetime


class WfiSummary(BaseModel):
    """The case's Work Focused Interviews: owed (five to a mandatory claimant), attended, booked and not yet
    settled, still owed, and the number the next one booked will take."""

    owed: int
    attended: int
    booked: int
    missed: int
    outstanding: int
    next_number: int


class AppointmentsPage(BaseModel):
    summary: WfiSummary
    items: list[AppointmentOut]
    next_cursor: str | None = None


class DecideNotice(RequestModel):
    decision: FtaDecision
    decided_on: IsoDate | None = Field(default=None, description="default: today")
    note: Note | None = Field(default=None, description="kept in this service, shown to the parties only")


class NoticeOut(BaseModel):
    notice_id: str
    case_id: str
    appointment_id: str
    kind: AppointmentKind
    wfi_number: int | None
    referrer_id: str
    prime_id: str
    delivering_organisation_id: str
    missed_on: date
    notified_on: date
    days_missed_to_notified: int
    status: NoticeStatus
    decision: FtaDecision | None
    decided_on: date | None
    days_notified_to_decided: int | None
    decision_note: str | None
    recorded_by: str


class DelayOut(BaseModel):
    count: int = Field(description="notices with this delay")
    median_days: float | None
    p90_days: int | None = Field(description="90th percentile, nearest rank")


class ProviderDelaysOut(BaseModel):
    delivering_organisation_id: str | None = Field(description="null in the total over every provider")
    notices: int
    decided: int
    awaiting_decision: int
    missed_to_notified: DelayOut
    notified_to_decided: DelayOut


class DelayReportOut(BaseModel):
    total: ProviderDelaysOut
    providers: list[ProviderDelaysOut]
