"""Appointments (`/cases/{case_id}/appointments`: book, list with the WFI summary, one, attend, fail to attend,
cancel, rebook) and fail-to-attend notices (`/fail-to-attend-notices`: JCP's queue, one notice, JCP's decision, the
delay report)."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

from fastapi import Depends, Query, Response, status

from scx_case_tracking.models.appointments import Appointment, FtaNotice
from scx_case_tracking.repository.appointments import NoticeFilter
from scx_case_tracking.rules.appointments import DelayFigures
from scx_case_tracking.schemas.appointments import (
    AppointmentOut,
    AppointmentsPage,
    AppointmentStatus,
    AttendAppointment,
    BookAppointment,
    CancelAppointment,
    DecideNotice,
    DelayOut,
    DelayReportOut,
    MissAppointment,
    NoticeOut,
    NoticeStatus,
    ProviderDelaysOut,
    RebookAppointment,
    WfiSummary,
)
from scx_case_tracking.service import appointments, fail_to_attend
from scx_case_tracking.service.fail_to_attend import ProviderDelays
from scx_contracts.case_tracking import AppointmentKind
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.openapi import problems
from scx_servicekit.paging import Page, PageRequest, page_of, page_request
from scx_servicekit.routing import service_router
from scx_servicekit.strict import IsoDate, OrganisationId

Paging = Annotated[PageRequest, Depends(page_request)]
LISTING = problems({400: "the cursor is not one this service issued", 404: "no such case that the caller can see"})
ONE = problems({404: "no such case or appointment that the caller can see"})
ACTING = problems({
    404: "no such case or appointment that the caller can see",
    409: "the case is exited or closed, or the appointment is settled already",
    422: "a field is wrong, or a date is in the future or before what it follows (the problem names it)",
})
NOTICE = problems({404: "no such notice that the caller can see"})
DECIDING = problems({
    404: "no such notice that the caller can see",
    409: "the notice is decided already",
    422: "a field is wrong, or the date is in the future or before the notice",
})
router = service_router()
APPOINTMENTS = "/cases/{case_id}/appointments"
ONE_APPOINTMENT = APPOINTMENTS + "/{appointment_id}"
NOTICES = "/fail-to-attend-notices"
TAGS: list[str | Enum] = ["appointments"]


def appointment_out(a: Appointment) -> AppointmentOut:
    return AppointmentOut.model_validate(a, from_attributes=True)


def _json(body: AppointmentOut | NoticeOut) -> Response:
    """Serialised once, here: FastAPI would otherwise validate the model a second time on the way out."""
    return Response(body.model_dump_json(), media_type="application/json")


def _created(body: AppointmentOut) -> Response:
    return Response(
        body.model_dump_json(), status_code=status.HTTP_201_CREATED, media_type="application/json",
        headers={"Location": f"/cases/{body.case_id}/appointments/{body.appointment_id}"},
    )


@router.post(APPOINTMENTS, status_code=201, response_model=AppointmentOut, responses=ACTING, tags=TAGS)
async def book_appointment(case_id: str, body: BookAppointment, principal: CurrentPrincipal, uow: UoW) -> Response:
    """The delivering organisation books an appointment; a WFI takes the case's next number."""
    return _created(appointment_out(await appointments.book(uow, principal, case_id=case_id, command=body)))


@router.get(APPOINTMENTS, responses=LISTING, tags=TAGS)
async def list_appointments(
    case_id: str,
    principal: CurrentPrincipal,
    uow: UoW,
    paging: Paging,
    kind: AppointmentKind | None = None,
    status: AppointmentStatus | None = None,
) -> AppointmentsPage:
    """The case's appointments in booking order with its WFI summary (owed, attended, booked); a former deliverer
    sees those it booked."""
    found = await appointments.list_appointments(
        uow, principal, case_id=case_id, kind=kind, status=status, page=paging
    )
    page = page_of(found.appointments, paging, "appointment_id")
    s = found.summary
    return AppointmentsPage(
        summary=WfiSummary(owed=s.owed, attended=s.attended, booked=s.booked, missed=s.missed,
                           outstanding=s.outstanding, next_number=s.next_number),
        items=[appointment_out(a) for a in page.items], next_cursor=page.next_cursor,
    )


@router.get(ONE_APPOINTMENT, response_model=AppointmentOut, responses=ONE, tags=TAGS)
async def get_appointment(case_id: str, appointment_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    found = await appointments.get_appointment(uow, principal, case_id=case_id, appointment_id=appointment_id)
    return _json(appointment_out(found))


@router.post(ONE_APPOINTMENT + "/attend", response_model=AppointmentOut, responses=ACTING, tags=TAGS)
async def attend_appointment(
    case_id: str, appointment_id: str, body: AttendAppointment, principal: CurrentPrincipal, uow: UoW
) -> Response:
    """The claimant attended (not before the appointment's time, nor before it was booked)."""
    attended = await appointments.attend(
        uow, principal, case_id=case_id, appointment_id=appointment_id, command=body
    )
    return _json(appointment_out(attended))


@router.post(ONE_APPOINTMENT + "/fail-to-attend", response_model=AppointmentOut, responses=ACTING, tags=TAGS)
async def fail_to_attend_appointment(
    case_id: str, appointment_id: str, body: MissAppointment, principal: CurrentPrincipal, uow: UoW
) -> Response:
    """The claimant did not come (the body is `{}`). A missed mandatory appointment raises a notice to the referring
    JCP district."""
    missed = await appointments.fail_to_attend(uow, principal, case_id=case_id, appointment_id=appointment_id)
    return _json(appointment_out(missed))


@router.post(ONE_APPOINTMENT + "/cancel", response_model=AppointmentOut, responses=ACTING, tags=TAGS)
async def cancel_appointment(
    case_id: str, appointment_id: str, body: CancelAppointment, principal: CurrentPrincipal, uow: UoW
) -> Response:
    """Called off before it happens, by the provider, the claimant or JCP, for a coded reason."""
    cancelled = await appointments.cancel(
        uow, principal, case_id=case_id, appointment_id=appointment_id, command=body
    )
    return _json(appointment_out(cancelled))


@router.post(ONE_APPOINTMENT + "/rebook", status_code=201, response_model=AppointmentOut, responses=ACTING,
             tags=TAGS)
async def rebook_appointment(
    case_id: str, appointment_id: str, body: RebookAppointment, principal: CurrentPrincipal, uow: UoW
) -> Response:
    """A new time: a new appointment that rebooks this one, keeping its kind and WFI number."""
    new = await appointments.rebook(uow, principal, case_id=case_id, appointment_id=appointment_id, command=body)
    return _created(appointment_out(new))


# Fail-to-attend notices

NOTICE_TAGS: list[str | Enum] = ["fail to attend"]


def notice_out(n: FtaNotice) -> NoticeOut:
    return NoticeOut(
        notice_id=n.notice_id, case_id=n.case_id, appointment_id=n.appointment_id, kind=n.kind,
        wfi_number=n.wfi_number, referrer_id=n.referrer_id, prime_id=n.prime_id,
        delivering_organisation_id=n.delivering_organisation_id, missed_on=n.missed_on, notified_on=n.notified_on,
        days_missed_to_notified=n.days_missed_to_notified,
        status="decided" if n.decision is not None else "awaiting_decision",
        decision=n.decision, decided_on=n.decided_on,
        days_notified_to_decided=n.days_notified_to_decided, decision_note=n.decision_note,
        recorded_by=n.recorded_by,
    )


def _notice_filter(
    status: NoticeStatus | None, provider: str | None, missed_from: date | None, missed_to: date | None
) -> NoticeFilter:
    return NoticeFilter(
        decided=None if status is None else status == "decided", delivering_organisation_id=provider,
        missed_from=missed_from, missed_to=missed_to,
    )


Provider = Annotated[
    OrganisationId | None, Query(description="the organisation delivering the case when it was missed")
]


@router.get(NOTICES, responses=problems({400: "the cursor is not one this service issued"}), tags=NOTICE_TAGS)
async def list_notices(
    principal: CurrentPrincipal,
    uow: UoW,
    paging: Paging,
    status: NoticeStatus | None = None,
    provider: Provider = None,
    missed_from: IsoDate | None = None,
    missed_to: IsoDate | None = None,
) -> Page[NoticeOut]:
    """The fail-to-attend queue: a JCP district sees the notices sent to it, a prime its cases', a partner those of
    the cases it delivers and those it recorded, DWP all."""
    wanted = _notice_filter(status, provider, missed_from, missed_to)
    found = await fail_to_attend.list_notices(uow, principal, wanted=wanted, page=paging)
    page = page_of(found, paging, "notice_id")
    return Page[NoticeOut](items=[notice_out(n) for n in page.items], next_cursor=page.next_cursor)


def _delays_out(d: ProviderDelays) -> ProviderDelaysOut:
    def figures(f: DelayFigures) -> DelayOut:
        return DelayOut(count=f.count, median_days=f.median_days, p90_days=f.p90_days)

    return ProviderDelaysOut(
        delivering_organisation_id=d.delivering_organisation_id, notices=d.notices, decided=d.decided,
        awaiting_decision=d.awaiting_decision, missed_to_notified=figures(d.missed_to_notified),
        notified_to_decided=figures(d.notified_to_decided),
    )


@router.get(NOTICES + "/delays", tags=NOTICE_TAGS)
async def notice_delays(
    principal: CurrentPrincipal,
    uow: UoW,
    provider: Provider = None,
    missed_from: IsoDate | None = None,
    missed_to: IsoDate | None = None,
) -> DelayReportOut:
    """How long notices take, in days, missed → notified and notified → decided: counts, median and 90th
    percentile, in total and per delivering organisation, over the notices the caller sees."""
    wanted = _notice_filter(None, provider, missed_from, missed_to)
    total, providers = await fail_to_attend.notice_delays(uow, principal, wanted=wanted)
    return DelayReportOut(total=_delays_out(total), providers=[_delays_out(p) for p in providers])


@router.get(NOTICES + "/{notice_id}", response_model=NoticeOut, responses=NOTICE, tags=NOTICE_TAGS)
async def get_notice(notice_id: str, principal: CurrentPrincipal, uow: UoW) -> Response:
    return _json(notice_out(await fail_to_attend.get_notice(uow, principal, notice_id=notice_id)))


@router.post(NOTICES + "/{notice_id}/decision", response_model=NoticeOut, responses=DECIDING, tags=NOTICE_TAGS)
async def decide_notice(notice_id: str, body: DecideNotice, principal: CurrentPrincipal, uow: UoW) -> Response:
    """The referring JCP district decides: good cause accepted, doubt referred for a sanction decision, or no
    action; once, dated not before the notice."""
    decided = await fail_to_attend.decide_notice(uow, principal, notice_id=notice_id, command=body)
    return _json(notice_out(decided))
