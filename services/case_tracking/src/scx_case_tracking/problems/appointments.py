"""The appointments area's problems (the common date problems, `date-in-future` and `date-too-early`, are in the
package's `__init__`).

| slug | status | when |
| --- | --- | --- |
| `appointment-settled` | 409 | attending, missing, cancelling or rebooking an appointment already settled that way |
| `already-rebooked` | 409 | rebooking an appointment that was rebooked already |
| `appointment-not-due` | 422 | marking attended or missed an appointment whose time has not come |
| `cancelled-after-appointment` | 422 | a cancellation dated after the appointment's day (it was missed or attended) |
| `not-a-mandatory-claimant` | 422 | a mandatory appointment booked for a voluntary claimant |
| `wfi-is-mandatory` | 422 | a WFI of a mandatory claimant booked as voluntary (its miss would send JCP no notice) |
| `settle-before-rebooking` | 409 | rebooking a booked appointment whose time has passed: record what happened first |
| `too-many-wfis` | 409 | a WFI beyond the 99th of a case |
| `notice-decided` | 409 | deciding a fail-to-attend notice that JCP has decided already |
"""

from __future__ import annotations

from datetime import date, datetime

from scx_case_tracking.models.appointments import Appointment, FtaNotice
from scx_servicekit import Problem


def appointment_settled(appointment: Appointment, doing: str) -> Problem:
    return Problem(
        409, "appointment-settled", "The appointment is settled",
        f"Appointment {appointment.appointment_id} is {appointment.status.replace('_', ' ')}: it cannot be {doing}.",
    )


def already_rebooked(appointment: Appointment) -> Problem:
    return Problem(
        409, "already-rebooked", "The appointment was rebooked already",
        f"Appointment {appointment.appointment_id} was replaced by {appointment.rebooked_by}: rebook that one.",
    )


def appointment_not_due(appointment: Appointment, now: datetime) -> Problem:
    return Problem(
        422, "appointment-not-due", "The appointment has not happened yet",
        f"Appointment {appointment.appointment_id} is at {appointment.scheduled_at.isoformat()}, after now "
        f"({now.isoformat(timespec='seconds')}): it cannot be attended or missed yet.",
        errors=[{"field": "path.appointment_id", "message": "scheduled in the future"}],
    )


def cancelled_after_appointment(cancelled_on: date, day: date) -> Problem:
    return Problem(
        422, "cancelled-after-appointment", "Cancelled after the appointment",
        f"cancelled_on is {cancelled_on}, after the appointment's day ({day}): an appointment that has passed was "
        "attended or missed, not cancelled.",
        errors=[{"field": "body.cancelled_on", "message": f"must not be after the appointment's day ({day})"}],
    )


def not_a_mandatory_claimant(case_id: str) -> Problem:
    return Problem(
        422, "not-a-mandatory-claimant", "The claimant is not mandatory",
        f"The claimant of case {case_id} joined voluntarily: none of their appointments is mandatory.",
        errors=[{"field": "body.mandatory", "message": "must be false for a voluntary claimant"}],
    )


def wfi_mandatory_for_mandatory_claimant(case_id: str) -> Problem:
    return Problem(
        422, "wfi-is-mandatory", "A mandatory claimant's WFI is mandatory",
        f"The claimant of case {case_id} is mandatory: their Work Focused Interviews are mandatory, and a missed "
        "one is notified to JCP.",
        errors=[{"field": "body.mandatory", "message": "must be true (or left out) for a mandatory claimant's WFI"}],
    )


def settle_before_rebooking(appointment: Appointment) -> Problem:
    return Problem(
        409, "settle-before-rebooking", "Record what happened first",
        f"Appointment {appointment.appointment_id} was due at {appointment.scheduled_at.isoformat()}: record it "
        "attended or missed before rebooking it (a missed mandatory appointment is notified to JCP).",
    )


def too_many_wfis(case_id: str, highest: int) -> Problem:
    return Problem(
        409, "too-many-wfis", "No more WFIs can be numbered",
        f"Case {case_id} has had {highest} Work Focused Interviews numbered: rebook one instead.",
    )


def notice_decided(notice: FtaNotice) -> Problem:
    return Problem(
        409, "notice-decided", "The notice is decided",
        f"Fail-to-attend notice {notice.notice_id} was decided on {notice.decided_on} ({notice.decision}).",
    )
