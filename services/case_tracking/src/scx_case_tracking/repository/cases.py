"""Statements about referrals known, cases, their deliveries and their timelines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, or_, select

from scx_case_tracking.models.cases import (
    Case,
    Delivery,
    KnownReferral,
    TimelineEntry,
    cases,
    deliveries,
    referrals,
    timeline,
)
from scx_contracts.clocks import Clock, ClockState
from scx_persistence import UnitOfWork
from scx_persistence.records import (
    Narrowable,
    fetch_all,
    fetch_one,
    insert_if_new,
    insert_record,
    scalar,
    select_by,
    update_record,
)


async def add_known_referral(uow: UnitOfWork, referral: KnownReferral) -> None:
    await insert_if_new(uow, referrals, referral)


async def get_known_referral(uow: UnitOfWork, referral_id: str) -> KnownReferral | None:
    return await fetch_one(uow, KnownReferral, select_by(referrals, "referral_id"), {"referral_id": referral_id})


async def get_case(uow: UnitOfWork, case_id: str, *, for_update: bool = False) -> Case | None:
    return await fetch_one(uow, Case, select_by(cases, "case_id", for_update=for_update), {"case_id": case_id})


async def add_case(uow: UnitOfWork, case: Case) -> None:
    await insert_record(uow, cases, case)


ASSESSMENT_PARTS = ("needs_assessed_on", "action_plan_agreed_on")


async def update_case(uow: UnitOfWork, case: Case, *, columns: Sequence[str]) -> None:
    """Write the named columns of `case` (and `updated_at`, always); fails when the case is not there.

    `assessed_on` follows its two parts: written whenever either is, as the later of them once both are done."""
    columns = (*columns, "updated_at")
    if any(part in columns for part in ASSESSMENT_PARTS):
        done = case.needs_assessed_on, case.action_plan_agreed_on
        case = replace(case, assessed_on=max(done) if None not in done else None)
        columns = (*columns, "assessed_on")
    await update_record(uow, cases, case, columns=columns)


# Deliveries


async def deliveries_of(uow: UnitOfWork, case_id: str) -> list[Delivery]:
    query = select(deliveries).where(deliveries.c.case_id == case_id).order_by(deliveries.c.sequence)
    return await fetch_all(uow, Delivery, query)


async def add_delivery(uow: UnitOfWork, delivery: Delivery) -> None:
    await insert_record(uow, deliveries, delivery)


async def end_delivery(uow: UnitOfWork, delivery: Delivery) -> None:
    await update_record(uow, deliveries, delivery, columns=("until_on",))


async def has_delivered(uow: UnitOfWork, case_id: str, organisation_id: str) -> bool:
    c = deliveries.c
    query = select(exists().where(c.case_id == case_id, c.organisation_id == organisation_id))
    return bool(await scalar(uow, query))


# Timeline


async def add_timeline_entry(uow: UnitOfWork, entry: TimelineEntry) -> None:
    await insert_record(uow, timeline, entry)


async def timeline_of(
    uow: UnitOfWork, case_id: str, *, recorded_by: str | None, after: str | None, limit: int
) -> list[TimelineEntry]:
    """The case's entries in the order they were recorded (event ids are UUIDv7); only `recorded_by`'s if given."""
    c = timeline.c
    query = select(timeline).where(c.case_id == case_id).order_by(c.event_id).limit(limit)
    if recorded_by is not None:
        query = query.where(c.recorded_by == recorded_by)
    if after is not None:
        query = query.where(c.event_id > after)
    return await fetch_all(uow, TimelineEntry, query)


# Caseloads


@dataclass(frozen=True)
class CaseFilter(Narrowable):
    """Which cases a list shows: the caller's scope (prime, deliverer) narrowed by what it asked for."""

    prime_id: str | None = None
    delivering_organisation_id: str | None = None
    contract_id: str | None = None
    status: str | None = None
    traffic_light: str | None = None
    adviser: str | None = None
    clock: Clock | None = None
    clock_state: ClockState | None = None



def _clock_columns(clock: Clock) -> tuple[ColumnElement[date], ColumnElement[date]]:
    c = cases.c
    return {
        Clock.ACKNOWLEDGEMENT: (c.acknowledge_by, c.acknowledged_on),
        Clock.FIRST_MEETING: (c.first_meeting_by, c.first_met_on),
        Clock.ASSESSMENT: (c.assessment_by, c.assessed_on),
    }[clock]


def clock_condition(clock: Clock, wanted: ClockState, today: date) -> ColumnElement[bool]:
    """`scx_contracts.clocks.state(...) == wanted`, as SQL on the case's columns."""
    by, done = _clock_columns(clock)
    if wanted is ClockState.MET:
        return and_(done.is_not(None), done <= by)
    if wanted is ClockState.DUE:
        return and_(done.is_(None), by >= today)
    return or_(and_(done.is_not(None), done > by), and_(done.is_(None), by < today))


async def list_cases(
    uow: UnitOfWork, where: CaseFilter, *, today: date, after: str | None, limit: int
) -> list[Case]:
    c = cases.c
    query = select(cases).order_by(c.case_id).limit(limit)
    for column, value in (
        (c.prime_id, where.prime_id),
        (c.delivering_organisation_id, where.delivering_organisation_id),
        (c.contract_id, where.contract_id),
        (c.status, where.status),
        (c.traffic_light, where.traffic_light),
        (c.adviser, where.adviser),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.clock_state is not None:
        clocks = [where.clock] if where.clock is not None else list(Clock)
        query = query.where(or_(*(clock_condition(clock, where.clock_state, today) for clock in clocks)))
    if after is not None:
        query = query.where(c.case_id > after)
    return await fetch_all(uow, Case, query)
