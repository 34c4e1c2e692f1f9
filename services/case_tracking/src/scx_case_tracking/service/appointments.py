"""Appointments: book them (WFIs numbered), then settle each once — attended, failed to attend, cancelled or
rebooked — keeping the case's summaries current (the first meeting, the needs assessment, WFIs attended, contact
time, the last contact). A missed mandatory appointment raises a fail-to-attend notice to the referring JCP
district, which decides it (`service.fail_to_attend`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime

from scx_case_tracking import problems
from scx_case_tracking.access import Standing
from scx_case_tracking.models.appointments import Appointment, FtaNotice
from scx_case_tracking.models.cases import Case
from scx_case_tracking.problems import appointments as appointment_problems
from scx_case_tracking.repository import appointments as repository
from scx_case_tracking.repository import cases as case_repository
from scx_case_tracking.repository.appointments import AppointmentFilter
from scx_case_tracking.rules import appointments as rules
from scx_case_tracking.schemas.appointments import (
    AttendAppointment,
    BookAppointment,
    CancelAppointment,
    RebookAppointment,
)
from scx_case_tracking.service.cases import case_to_act_on, case_to_read, earliest_record_date
from scx_case_tracking.service.journey import new_id, now, record, today
from scx_contracts.case_tracking import (
    AppointmentAttended,
    AppointmentBooked,
    AppointmentCancelled,
    CaseFailedToAttend,
)
from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.auth import forbidden
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found


def not_in_future(field: str, value: date) -> None:
    if value > today():
        raise problems.date_in_future(field, value)


def not_before(field: str, value: date, earliest: date, what: str) -> None:
    if value < earliest:
        raise problems.date_too_early(field, value, earliest, what)


async def _appointment_to_act_on(
    uow: UnitOfWork, principal: Principal, case_id: str, appointment_id: str
) -> tuple[Case, Appointment]:
    case = await case_to_act_on(uow, principal, case_id)
    appointment = await repository.get_appointment(uow, appointment_id, for_update=True)
    if appointment is None or appointment.case_id != case.case_id:
        raise not_found("Appointment", appointment_id)
    return case, appointment


# Booking


async def _book(
    uow: UnitOfWork, principal: Principal, case: Case, *, kind: str, scheduled_at: datetime, mandatory: bool,
    booked_on: date | None, wfi_number: int | None, rebooks: str | None,
) -> Appointment:
    on = booked_on or today()
    not_in_future("booked_on", on)
    earliest, what = await earliest_record_date(uow, case)
    not_before("booked_on", on, earliest, what)
    not_before("scheduled_at", rules.day_of(scheduled_at), on, "the booking")
    appointment = Appointment(
        appointment_id=new_id(), case_id=case.case_id, kind=kind, wfi_number=wfi_number, mandatory=mandatory,
        scheduled_at=scheduled_at, booked_on=on, status=rules.BOOKED, rebooks=rebooks,
        delivering_organisation_id=case.delivering_organisation_id, recorded_by=principal.organisation_id,
        recorded_at=now(),
    )
    await repository.add_appointment(uow, appointment)
    await record(uow, principal, case, AppointmentBooked(
        case_id=case.case_id, appointment_id=appointment.appointment_id, kind=kind, wfi_number=wfi_number,
        mandatory=mandatory, scheduled_at=scheduled_at, rebooks=rebooks,
        delivering_organisation_id=case.delivering_organisation_id,
    ), occurred_on=on)
    return appointment


async def book(uow: UnitOfWork, principal: Principal, *, case_id: str, command: BookAppointment) -> Appointment:
    """The delivering organisation books an appointment with the claimant; a WFI takes the case's next number."""
    case = await case_to_act_on(uow, principal, case_id)
    mandatory = command.mandatory
    if mandatory is None:
        mandatory = rules.default_mandatory(command.kind, case.mandatory)
    elif mandatory and not case.mandatory:
        raise appointment_problems.not_a_mandatory_claimant(case.case_id)
    elif not mandatory and command.kind == "wfi" and case.mandatory:
        # Booking it voluntary would let a missed WFI go without its fail-to-attend notice.
        raise appointment_problems.wfi_mandatory_for_mandatory_claimant(case.case_id)
    wfi_number = None
    if command.kind == "wfi":
        highest = await repository.highest_wfi_number(uow, case.case_id)
        wfi_number = rules.next_wfi_number([highest])
        if wfi_number > rules.MAX_WFI_NUMBER:
            raise appointment_problems.too_many_wfis(case.case_id, highest or 0)
    return await _book(
        uow, principal, case, kind=command.kind, scheduled_at=command.scheduled_at, mandatory=mandatory,
        booked_on=command.booked_on, wfi_number=wfi_number, rebooks=None,
    )


async def rebook(
    uow: UnitOfWork, principal: Principal, *, case_id: str, appointment_id: str, command: RebookAppointment
) -> Appointment:
    """A new time for an appointment: a new appointment that `rebooks` it, keeping its kind and WFI number. A booked
    one becomes `rebooked` (cancelled for that reason); a missed or cancelled one keeps its status."""
    case, old = await _appointment_to_act_on(uow, principal, case_id, appointment_id)
    if old.rebooked_by is not None:
        raise appointment_problems.already_rebooked(old)
    if old.status not in rules.REBOOKABLE:
        raise appointment_problems.appointment_settled(old, "rebooked")
    if old.status == rules.BOOKED and old.scheduled_at <= now():
        # Its time has passed: it was attended or missed, and a missed mandatory one owes JCP a notice.
        raise appointment_problems.settle_before_rebooking(old)
    not_before("booked_on", command.booked_on or today(), old.booked_on, "the booking it replaces")
    new = await _book(
        uow, principal, case, kind=old.kind, scheduled_at=command.scheduled_at, mandatory=old.mandatory,
        booked_on=command.booked_on, wfi_number=old.wfi_number, rebooks=old.appointment_id,
    )
    if old.status == rules.BOOKED:
        on = new.booked_on
        await repository.update_appointment(uow, replace(
            old, status=rules.REBOOKED, rebooked_by=new.appointment_id, cancelled_by=command.requested_by,
            cancellation_reason="rebooked", cancellation_note=command.note, cancelled_on=on,
            settled_by=principal.organisation_id, settled_at=now(),
        ))
        await record(uow, principal, case, AppointmentCancelled(
            case_id=case.case_id, appointment_id=old.appointment_id, cancelled_by=command.requested_by,
            reason="rebooked", cancelled_on=on,
        ), occurred_on=on)
    else:
        await repository.update_appointment(uow, replace(old, rebooked_by=new.appointment_id))
    return new


# Settling


async def attend(
    uow: UnitOfWork, principal: Principal, *, case_id: str, appointment_id: str, command: AttendAppointment
) -> Appointment:
    """The claimant attended: the case's first meeting, needs assessment, WFIs attended, contact time and last
    contact follow."""
    case, appointment = await _appointment_to_act_on(uow, principal, case_id, appointment_id)
    if appointment.status != rules.BOOKED:
        raise appointment_problems.appointment_settled(appointment, "attended")
    at = now()
    if appointment.scheduled_at > at:
        raise appointment_problems.appointment_not_due(appointment, at)
    day = rules.day_of(appointment.scheduled_at)
    on = command.attended_on or day
    not_in_future("attended_on", on)
    not_before("attended_on", on, appointment.booked_on, "the booking")
    not_before("attended_on", on, day, "the appointment's day")
    earliest, what = await earliest_record_date(uow, case)
    not_before("attended_on", on, earliest, what)
    attended = replace(
        appointment, status=rules.ATTENDED, attended_on=on, minutes=command.minutes,
        settled_by=principal.organisation_id, settled_at=at,
    )
    await repository.update_appointment(uow, attended)
    case = await _met(uow, case, attended)
    await record(uow, principal, case, AppointmentAttended(
        case_id=case.case_id, appointment_id=appointment.appointment_id, kind=appointment.kind,
        wfi_number=appointment.wfi_number, attended_on=on, minutes=command.minutes,
        delivering_organisation_id=case.delivering_organisation_id,
    ), occurred_on=on)
    return attended


def _earliest(current: date | None, on: date) -> date:
    return on if current is None or on < current else current


async def _met(uow: UnitOfWork, case: Case, attended: Appointment) -> Case:
    """The case's summaries after an attended appointment."""
    on = attended.attended_on
    assert on is not None
    columns = ["first_met_on", "contact_minutes", "last_contact_on"]
    changed = replace(
        case, first_met_on=_earliest(case.first_met_on, on),
        contact_minutes=case.contact_minutes + (attended.minutes or 0),
        last_contact_on=on if case.last_contact_on is None or on > case.last_contact_on else case.last_contact_on,
    )
    if attended.kind == "wfi":
        changed = replace(changed, wfis_attended=case.wfis_attended + 1)
        columns.append("wfis_attended")
    if attended.kind == "needs_assessment":
        changed = replace(changed, needs_assessed_on=_earliest(case.needs_assessed_on, on))
        columns.append("needs_assessed_on")
    await case_repository.update_case(uow, changed, columns=columns)
    return changed


async def fail_to_attend(uow: UnitOfWork, principal: Principal, *, case_id: str, appointment_id: str) -> Appointment:
    """The claimant missed the appointment. A mandatory one raises a notice to the referring JCP district, notified
    today."""
    case, appointment = await _appointment_to_act_on(uow, principal, case_id, appointment_id)
    if appointment.status != rules.BOOKED:
        raise appointment_problems.appointment_settled(appointment, "missed")
    at = now()
    if appointment.scheduled_at > at:
        raise appointment_problems.appointment_not_due(appointment, at)
    missed_on, notified_on = rules.day_of(appointment.scheduled_at), today()
    notice = None
    if appointment.mandatory:
        notice = FtaNotice(
            notice_id=new_id(), case_id=case.case_id, appointment_id=appointment.appointment_id,
            kind=appointment.kind, wfi_number=appointment.wfi_number, referrer_id=case.referrer_id,
            prime_id=case.prime_id, delivering_organisation_id=case.delivering_organisation_id, missed_on=missed_on,
            notified_on=notified_on, days_missed_to_notified=rules.days_between(missed_on, notified_on),
            recorded_by=principal.organisation_id, recorded_at=at,
        )
        await repository.add_notice(uow, notice)
    missed = replace(
        appointment, status=rules.FAILED_TO_ATTEND, missed_on=missed_on,
        notice_id=notice.notice_id if notice else None, settled_by=principal.organisation_id, settled_at=at,
    )
    await repository.update_appointment(uow, missed)
    await record(uow, principal, case, CaseFailedToAttend(
        case_id=case.case_id, appointment_id=appointment.appointment_id,
        notice_id=notice.notice_id if notice else None, kind=appointment.kind,
        mandatory=appointment.mandatory, referrer_id=case.referrer_id, missed_on=missed_on,
        notified_on=notified_on if notice else None, delivering_organisation_id=case.delivering_organisation_id,
    ), occurred_on=missed_on)
    return missed


async def cancel(
    uow: UnitOfWork, principal: Principal, *, case_id: str, appointment_id: str, command: CancelAppointment
) -> Appointment:
    """The appointment is called off before it happens, by the provider, the claimant or JCP, for a coded reason."""
    case, appointment = await _appointment_to_act_on(uow, principal, case_id, appointment_id)
    if appointment.status != rules.BOOKED:
        raise appointment_problems.appointment_settled(appointment, "cancelled")
    on = command.cancelled_on or today()
    day = rules.day_of(appointment.scheduled_at)
    not_in_future("cancelled_on", on)
    not_before("cancelled_on", on, appointment.booked_on, "the booking")
    earliest, what = await earliest_record_date(uow, case)
    not_before("cancelled_on", on, earliest, what)
    if on > day:
        raise appointment_problems.cancelled_after_appointment(on, day)
    cancelled = replace(
        appointment, status=rules.CANCELLED, cancelled_by=command.cancelled_by, cancellation_reason=command.reason,
        cancellation_note=command.note, cancelled_on=on, settled_by=principal.organisation_id, settled_at=now(),
    )
    await repository.update_appointment(uow, cancelled)
    await record(uow, principal, case, AppointmentCancelled(
        case_id=case.case_id, appointment_id=appointment.appointment_id, cancelled_by=command.cancelled_by,
        reason=command.reason, cancelled_on=on,
    ), occurred_on=on)
    return cancelled


# Reading


@dataclass(frozen=True)
class WfiSummary:
    owed: int
    attended: int
    booked: int
    missed: int
    next_number: int

    @property
    def outstanding(self) -> int:
        return max(self.owed - self.attended, 0)


@dataclass(frozen=True)
class AppointmentList:
    summary: WfiSummary
    appointments: list[Appointment]


async def _readable_case(uow: UnitOfWork, principal: Principal, case_id: str) -> tuple[Case, str | None]:
    readable = await case_to_read(uow, principal, case_id)
    if readable.scope.standing is Standing.REFERRER:
        raise forbidden("The referring JCP district sees this case's summary and its fail-to-attend notices, not its "
                        "appointments.")
    return readable.case, readable.scope.recorded_by


def as_recorded_by(appointment: Appointment, organisation_id: str, recorders: dict[str, str]) -> Appointment:
    """The appointment as a former deliverer recorded it: what another organisation did to it after the case passed
    on (settled it, rebooked it) is not shown."""
    if appointment.settled_by is not None and appointment.settled_by != organisation_id:
        appointment = replace(
            appointment, status=rules.BOOKED, rebooked_by=None, attended_on=None, minutes=None, missed_on=None,
            notice_id=None, cancelled_by=None, cancellation_reason=None, cancellation_note=None, cancelled_on=None,
            settled_by=None, settled_at=None,
        )
    if appointment.rebooked_by is not None and recorders.get(appointment.rebooked_by) != organisation_id:
        appointment = replace(appointment, rebooked_by=None)
    return appointment


async def _as_recorded(uow: UnitOfWork, found: list[Appointment], recorded_by: str | None) -> list[Appointment]:
    if recorded_by is None:
        return found
    recorders = await repository.recorders_of(uow, [a.rebooked_by for a in found if a.rebooked_by])
    return [as_recorded_by(a, recorded_by, recorders) for a in found]


async def _summary(uow: UnitOfWork, case: Case, recorded_by: str | None) -> WfiSummary:
    owed = rules.wfis_owed(case.mandatory)
    if recorded_by is None:
        counts = await repository.wfi_counts(uow, case.case_id, recorded_by=None)
        highest = await repository.highest_wfi_number(uow, case.case_id)
    else:  # a former deliverer: its own WFIs, as it recorded them
        where = AppointmentFilter(kind="wfi", recorded_by=recorded_by)
        own = await _as_recorded(uow, await repository.appointments_of(
            uow, case.case_id, where, after=None, limit=rules.MAX_WFI_NUMBER * 10), recorded_by)
        counts = Counter(a.status for a in own)
        highest = max((a.wfi_number or 0 for a in own), default=None)
    return WfiSummary(
        owed=owed, attended=counts.get(rules.ATTENDED, 0), booked=counts.get(rules.BOOKED, 0),
        missed=counts.get(rules.FAILED_TO_ATTEND, 0), next_number=rules.next_wfi_number([highest]),
    )


async def list_appointments(
    uow: UnitOfWork, principal: Principal, *, case_id: str, kind: str | None, status: str | None, page: PageRequest
) -> AppointmentList:
    """The case's appointments in booking order, with its WFI summary; a former deliverer sees those it booked, as
    it recorded them, and a summary of them."""
    case, recorded_by = await _readable_case(uow, principal, case_id)
    where = AppointmentFilter(kind=kind, status=status, recorded_by=recorded_by)
    found = await repository.appointments_of(uow, case.case_id, where, after=page.after, limit=page.limit + 1)
    return AppointmentList(await _summary(uow, case, recorded_by), await _as_recorded(uow, found, recorded_by))


async def get_appointment(uow: UnitOfWork, principal: Principal, *, case_id: str, appointment_id: str) -> Appointment:
    case, recorded_by = await _readable_case(uow, principal, case_id)
    appointment = await repository.get_appointment(uow, appointment_id)
    if (
        appointment is None or appointment.case_id != case.case_id
        or (recorded_by is not None and appointment.recorded_by != recorded_by)
    ):
        raise not_found("Appointment", appointment_id)
    return (await _as_recorded(uow, [appointment], recorded_by))[0]
