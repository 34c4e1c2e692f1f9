"""Statements about jobs, the weeks reported for them, and in-work support. A `recorded_by` argument narrows a read
to one organisation's rows (a former deliverer's view); None reads them all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Select, and_, bindparam, func, select

from scx_case_tracking.models.employment import InWorkSupport, Job, WeekReport, in_work_support, job_weeks, jobs
from scx_persistence import UnitOfWork
from scx_persistence.records import (
    execute,
    fetch_all,
    fetch_one,
    insert_record,
    scalar,
    select_by,
    update_record,
)

# Jobs

JOB_END = ("ended_on", "end_reason", "ended_by", "ended_at")


async def add_job(uow: UnitOfWork, job: Job) -> None:
    await insert_record(uow, jobs, job)


async def get_job(uow: UnitOfWork, case_id: str, job_id: str) -> Job | None:
    """The job, if it is one of the case's (the case's row, locked by the caller, serialises changes to it)."""
    return await fetch_one(uow, Job, select_by(jobs, "job_id", "case_id"), {"job_id": job_id, "case_id": case_id})


async def end_job(uow: UnitOfWork, job: Job) -> None:
    await update_record(uow, jobs, job, columns=JOB_END)


async def jobs_of(
    uow: UnitOfWork, case_id: str, *, recorded_by: str | None, after: str | None, limit: int
) -> list[Job]:
    """The case's jobs in the order they were recorded (ids are UUIDv7)."""
    c = jobs.c
    query = select(jobs).where(c.case_id == case_id).order_by(c.job_id).limit(limit)
    if recorded_by is not None:
        query = query.where(c.recorded_by == recorded_by)
    if after is not None:
        query = query.where(c.job_id > after)
    return await fetch_all(uow, Job, query)


async def latest_job_start(uow: UnitOfWork, case_id: str) -> date | None:
    return await scalar(uow, select(func.max(jobs.c.started_on)).where(jobs.c.case_id == case_id))


# Weeks

_LATEST_REVISION = (
    select(job_weeks)
    .where(job_weeks.c.job_id == bindparam("job_id"), job_weeks.c.week_commencing == bindparam("week"))
    .order_by(job_weeks.c.revision.desc())
    .limit(1)
)
_LAST_WEEK = select(func.max(job_weeks.c.week_commencing)).where(job_weeks.c.job_id == bindparam("job_id"))


async def add_week_report(uow: UnitOfWork, report: WeekReport) -> None:
    await insert_record(uow, job_weeks, report)


async def latest_report(uow: UnitOfWork, job_id: str, week: date) -> WeekReport | None:
    """The week's current figure, whoever recorded it."""
    return await fetch_one(uow, WeekReport, _LATEST_REVISION, {"job_id": job_id, "week": week})


async def last_reported_week(uow: UnitOfWork, job_id: str) -> date | None:
    value: date | None = await scalar(uow, _LAST_WEEK, {"job_id": job_id})
    return value


def _reports(recorded_by: str | None) -> Select[tuple[WeekReport]]:
    query = select(job_weeks)
    return query.where(job_weeks.c.recorded_by == recorded_by) if recorded_by is not None else query


async def reports_of(
    uow: UnitOfWork, job_id: str, *, recorded_by: str | None, after: date | None, limit: int
) -> list[WeekReport]:
    """Every revision of the first `limit` weeks of the job after `after`, by week, then oldest revision first."""
    c = job_weeks.c
    weeks = select(c.week_commencing).where(c.job_id == job_id).distinct()
    if recorded_by is not None:
        weeks = weeks.where(c.recorded_by == recorded_by)
    if after is not None:
        weeks = weeks.where(c.week_commencing > after)
    wanted = list((await execute(uow, weeks.order_by(c.week_commencing).limit(limit))).scalars())
    if not wanted:
        return []
    query = _reports(recorded_by).where(c.job_id == job_id, c.week_commencing.in_(wanted))
    return await fetch_all(uow, WeekReport, query.order_by(c.week_commencing, c.revision))


async def latest_weeks_of(
    uow: UnitOfWork, job_ids: Sequence[str], *, recorded_by: str | None
) -> list[WeekReport]:
    """The latest revision of each reported week of these jobs (of `recorded_by`'s revisions, if given)."""
    if not job_ids:
        return []
    c = job_weeks.c
    latest = select(c.job_id, c.week_commencing, func.max(c.revision).label("revision")).where(
        c.job_id.in_(job_ids)
    )
    if recorded_by is not None:
        latest = latest.where(c.recorded_by == recorded_by)
    newest = latest.group_by(c.job_id, c.week_commencing).subquery()
    query = select(job_weeks).join(newest, and_(
        c.job_id == newest.c.job_id, c.week_commencing == newest.c.week_commencing,
        c.revision == newest.c.revision,
    ))
    return await fetch_all(uow, WeekReport, query)


# In-work support


async def add_support(uow: UnitOfWork, support: InWorkSupport) -> None:
    await insert_record(uow, in_work_support, support)


async def support_of(
    uow: UnitOfWork, case_id: str, *, recorded_by: str | None, after: str | None, limit: int
) -> list[InWorkSupport]:
    c = in_work_support.c
    query = select(in_work_support).where(c.case_id == case_id).order_by(c.support_id).limit(limit)
    if recorded_by is not None:
        query = query.where(c.recorded_by == recorded_by)
    if after is not None:
        query = query.where(c.support_id > after)
    return await fetch_all(uow, InWorkSupport, query)
