"""Statements about the journeys claims knows: cases, deliveries, jobs, weeks and specialist deliveries."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from scx_claims.models.journeys import (
    Job,
    JobWeek,
    Journey,
    JourneyDelivery,
    SpecialistDelivery,
    job_weeks,
    jobs,
    journey_deliveries,
    journeys,
    specialist_deliveries,
)
from scx_persistence import UnitOfWork
from scx_persistence.records import fetch_all, fetch_one, insert_if_new, select_by, update_record


async def get_journey(uow: UnitOfWork, case_id: str, *, for_update: bool = False) -> Journey | None:
    return await fetch_one(uow, Journey, select_by(journeys, "case_id", for_update=for_update), {"case_id": case_id})


async def add_journey(uow: UnitOfWork, journey: Journey) -> bool:
    return await insert_if_new(uow, journeys, journey)


async def update_journey(uow: UnitOfWork, journey: Journey, *, columns: tuple[str, ...]) -> None:
    await update_record(uow, journeys, journey, columns=columns)


async def deliveries_of(uow: UnitOfWork, case_id: str) -> list[JourneyDelivery]:
    query = select(journey_deliveries).where(journey_deliveries.c.case_id == case_id)
    return await fetch_all(uow, JourneyDelivery, query.order_by(journey_deliveries.c.sequence))


async def add_delivery(uow: UnitOfWork, delivery: JourneyDelivery) -> None:
    await insert_if_new(uow, journey_deliveries, delivery)


async def end_delivery(uow: UnitOfWork, delivery: JourneyDelivery) -> None:
    await update_record(uow, journey_deliveries, delivery, columns=("until_on",))


async def get_job(uow: UnitOfWork, job_id: str) -> Job | None:
    return await fetch_one(uow, Job, select_by(jobs, "job_id"), {"job_id": job_id})


async def add_job(uow: UnitOfWork, job: Job) -> None:
    await insert_if_new(uow, jobs, job)


async def end_job(uow: UnitOfWork, job: Job) -> None:
    await update_record(uow, jobs, job, columns=("ended_on",))


async def jobs_of(uow: UnitOfWork, case_id: str) -> list[Job]:
    return await fetch_all(uow, Job, select(jobs).where(jobs.c.case_id == case_id).order_by(jobs.c.started_on))


async def add_week(uow: UnitOfWork, week: JobWeek) -> None:
    await insert_if_new(uow, job_weeks, week)


async def weeks_of(uow: UnitOfWork, case_id: str) -> list[JobWeek]:
    """Each job's weeks at their latest revision, in week order."""
    w = job_weeks.c
    latest = (
        select(w.job_id, w.week_commencing, func.max(w.revision).label("revision"))
        .where(w.case_id == case_id)
        .group_by(w.job_id, w.week_commencing)
        .subquery()
    )
    query = select(job_weeks).join(
        latest,
        (w.job_id == latest.c.job_id) & (w.week_commencing == latest.c.week_commencing)
        & (w.revision == latest.c.revision),
    ).order_by(w.week_commencing, w.job_id)
    return await fetch_all(uow, JobWeek, query)


async def add_specialist_delivery(uow: UnitOfWork, delivery: SpecialistDelivery) -> None:
    await insert_if_new(uow, specialist_deliveries, delivery)


async def specialist_deliveries_between(
    uow: UnitOfWork, subcontract_id: str, first: date, last: date
) -> list[SpecialistDelivery]:
    s = specialist_deliveries.c
    query = select(specialist_deliveries).where(
        s.subcontract_id == subcontract_id, s.delivered_on >= first, s.delivered_on <= last
    ).order_by(s.delivered_on, s.activity_id)
    return await fetch_all(uow, SpecialistDelivery, query)
