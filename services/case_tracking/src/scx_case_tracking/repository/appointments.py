"""Statements about appointments and fail-to-attend notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, not_, or_, select

from scx_case_tracking.models.appointments import Appointment, FtaNotice, appointments, fta_notices
from scx_case_tracking.models.cases import cases
from scx_persistence import UnitOfWork
from scx_persistence.records import execute, fetch_all, fetch_one, insert_record, select_by, update_record

# What settling or rebooking an appointment may change; the rest is fixed when it is booked.
APPOINTMENT_CHANGES = (
    "status", "rebooked_by", "attended_on", "minutes", "missed_on", "notice_id", "cancelled_by",
    "cancellation_reason", "cancellation_note", "cancelled_on", "settled_by", "settled_at",
)
DECISION_CHANGES = (
    "decision", "decided_on", "days_notified_to_decided", "decision_note", "decided_by", "decided_at",
)


async def get_appointment(uow: UnitOfWork, appointment_id: str, *, for_update: bool = False) -> Appointment | None:
    query = select_by(appointments, "appointment_id", for_update=for_update)
    return await fetch_one(uow, Appointment, query, {"appointment_id": appointment_id})


async def add_appointment(uow: UnitOfWork, appointment: Appointment) -> None:
    await insert_record(uow, appointments, appointment)


async def update_appointment(uow: UnitOfWork, appointment: Appointment) -> None:
    await update_record(uow, appointments, appointment, columns=APPOINTMENT_CHANGES)


_HIGHEST_WFI = select(func.max(appointments.c.wfi_number)).where(appointments.c.case_id == bindparam("case_id"))


async def highest_wfi_number(uow: UnitOfWork, case_id: str) -> int | None:
    value = (await execute(uow, _HIGHEST_WFI, {"case_id": case_id})).scalar()
    return None if value is None else int(value)


@dataclass(frozen=True)
class AppointmentFilter:
    kind: str | None = None
    status: str | None = None
    recorded_by: str | None = None  # a former deliverer's own rows


def _status_is(status: str, recorded_by: str | None) -> ColumnElement[bool]:
    """The status as the reader sees it: to a former deliverer (`recorded_by`), what another organisation settled
    after the case passed on is still booked."""
    c = appointments.c
    if recorded_by is None:
        return c.status == status
    by_another = and_(c.settled_by.is_not(None), c.settled_by != recorded_by)
    if status == "booked":
        return or_(c.status == status, by_another)
    return and_(c.status == status, not_(by_another))


async def appointments_of(
    uow: UnitOfWork, case_id: str, where: AppointmentFilter, *, after: str | None, limit: int
) -> list[Appointment]:
    """The case's appointments in the order they were booked (ids are UUIDv7)."""
    c = appointments.c
    query = select(appointments).where(c.case_id == case_id).order_by(c.appointment_id).limit(limit)
    for column, value in ((c.kind, where.kind), (c.recorded_by, where.recorded_by)):
        if value is not None:
            query = query.where(column == value)
    if where.status is not None:
        query = query.where(_status_is(where.status, where.recorded_by))
    if after is not None:
        query = query.where(c.appointment_id > after)
    return await fetch_all(uow, Appointment, query)


async def recorders_of(uow: UnitOfWork, appointment_ids: list[str]) -> dict[str, str]:
    """Who recorded each of these appointments."""
    if not appointment_ids:
        return {}
    c = appointments.c
    query = select(c.appointment_id, c.recorded_by).where(c.appointment_id.in_(appointment_ids))
    return {str(a): str(by) for a, by in (await execute(uow, query)).all()}


async def wfi_counts(uow: UnitOfWork, case_id: str, *, recorded_by: str | None) -> dict[str, int]:
    """How many of the case's WFIs are in each status (only `recorded_by`'s, if given)."""
    c = appointments.c
    query = (
        select(c.status, func.count())
        .where(c.case_id == case_id, c.kind == "wfi")
        .group_by(c.status)
    )
    if recorded_by is not None:
        query = query.where(c.recorded_by == recorded_by)
    return {str(status): int(n) for status, n in (await execute(uow, query)).all()}


# Fail-to-attend notices


async def add_notice(uow: UnitOfWork, notice: FtaNotice) -> None:
    await insert_record(uow, fta_notices, notice)


async def get_notice(uow: UnitOfWork, notice_id: str, *, for_update: bool = False) -> FtaNotice | None:
    return await fetch_one(uow, FtaNotice, select_by(fta_notices, "notice_id", for_update=for_update),
                           {"notice_id": notice_id})


async def update_notice(uow: UnitOfWork, notice: FtaNotice) -> None:
    await update_record(uow, fta_notices, notice, columns=DECISION_CHANGES)


@dataclass(frozen=True)
class NoticeFilter:
    """Which notices a queue shows: the caller's scope narrowed by what it asked for."""

    referrer_id: str | None = None  # a JCP district's own
    prime_id: str | None = None  # a prime's cases'
    partner_id: str | None = None  # a partner's: the cases it delivers now, and the notices it recorded
    delivering_organisation_id: str | None = None  # the provider that delivered the case when it was missed
    decided: bool | None = None
    missed_from: date | None = None
    missed_to: date | None = None


def _conditions(where: NoticeFilter) -> list[ColumnElement[bool]]:
    n = fta_notices.c
    found: list[ColumnElement[bool]] = []
    for column, value in (
        (n.referrer_id, where.referrer_id),
        (n.prime_id, where.prime_id),
        (n.delivering_organisation_id, where.delivering_organisation_id),
    ):
        if value is not None:
            found.append(column == value)
    if where.partner_id is not None:
        delivered_now = select(cases.c.case_id).where(cases.c.delivering_organisation_id == where.partner_id)
        found.append(or_(n.recorded_by == where.partner_id, n.case_id.in_(delivered_now)))
    if where.decided is not None:
        found.append(n.decision.is_not(None) if where.decided else n.decision.is_(None))
    if where.missed_from is not None:
        found.append(n.missed_on >= where.missed_from)
    if where.missed_to is not None:
        found.append(n.missed_on <= where.missed_to)
    return found


def _notices(where: NoticeFilter) -> Select[tuple[FtaNotice]]:
    return select(fta_notices).where(*_conditions(where))


async def list_notices(uow: UnitOfWork, where: NoticeFilter, *, after: str | None, limit: int) -> list[FtaNotice]:
    """Notices in the order they were raised (ids are UUIDv7)."""
    n = fta_notices.c
    query = _notices(where).order_by(n.notice_id).limit(limit)
    if after is not None:
        query = query.where(n.notice_id > after)
    return await fetch_all(uow, FtaNotice, query)


@dataclass(frozen=True, slots=True)
class NoticeDelays:
    delivering_organisation_id: str
    days_missed_to_notified: int
    days_notified_to_decided: int | None


async def notice_delays(uow: UnitOfWork, where: NoticeFilter) -> list[NoticeDelays]:
    """The delays of every notice in scope: what the delay report is computed from."""
    n = fta_notices.c
    query = (
        select(n.delivering_organisation_id, n.days_missed_to_notified, n.days_notified_to_decided)
        .where(*_conditions(where))
        .order_by(n.delivering_organisation_id)
    )
    return [NoticeDelays(*row) for row in (await execute(uow, query)).all()]
