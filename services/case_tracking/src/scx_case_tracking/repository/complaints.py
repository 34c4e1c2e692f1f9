"""Statements about complaints, their steps, and feedback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select

from scx_case_tracking.models.complaints import (
    Complaint,
    ComplaintStep,
    Feedback,
    complaint_steps,
    complaints,
    feedback,
)
from scx_persistence import UnitOfWork
from scx_persistence.records import Narrowable, fetch_all, fetch_one, insert_record, scalar, select_by, update_record

# What a step may change; the parties, the category and the words are fixed when the complaint is raised.
COMPLAINT_CHANGES = (
    "status", "level", "level_since", "escalations", "answered_on", "days_to_answer", "outcome", "resolved_on",
    "days_open", "updated_at",
)


async def add_complaint(uow: UnitOfWork, complaint: Complaint) -> None:
    await insert_record(uow, complaints, complaint)


async def get_complaint(uow: UnitOfWork, complaint_id: str, *, for_update: bool = False) -> Complaint | None:
    query = select_by(complaints, "complaint_id", for_update=for_update)
    return await fetch_one(uow, Complaint, query, {"complaint_id": complaint_id})


async def update_complaint(uow: UnitOfWork, complaint: Complaint) -> None:
    await update_record(uow, complaints, complaint, columns=COMPLAINT_CHANGES)


@dataclass(frozen=True)
class ComplaintFilter(Narrowable):
    """Which complaints a list shows: the caller's scope (DWP all; a prime, a provider, a JCP district its own)
    narrowed by what it asked for."""

    case_id: str | None = None
    prime_id: str | None = None
    referrer_id: str | None = None
    provider_id: str | None = None
    status: str | None = None
    level: str | None = None
    category: str | None = None
    raised_with: str | None = None
    raised_from: date | None = None
    raised_to: date | None = None



async def list_complaints(
    uow: UnitOfWork, where: ComplaintFilter, *, after: str | None, limit: int
) -> list[Complaint]:
    c = complaints.c
    query = select(complaints).order_by(c.complaint_id).limit(limit)
    for column, value in (
        (c.case_id, where.case_id),
        (c.prime_id, where.prime_id),
        (c.referrer_id, where.referrer_id),
        (c.provider_id, where.provider_id),
        (c.status, where.status),
        (c.level, where.level),
        (c.category, where.category),
        (c.raised_with, where.raised_with),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.raised_from is not None:
        query = query.where(c.raised_on >= where.raised_from)
    if where.raised_to is not None:
        query = query.where(c.raised_on <= where.raised_to)
    if after is not None:
        query = query.where(c.complaint_id > after)
    return await fetch_all(uow, Complaint, query)


# Steps

_STEPS_OF = select(complaint_steps).where(
    complaint_steps.c.complaint_id == bindparam("complaint_id")
).order_by(complaint_steps.c.sequence)
_LAST_STEP = select(func.max(complaint_steps.c.sequence)).where(
    complaint_steps.c.complaint_id == bindparam("complaint_id")
)


async def add_step(uow: UnitOfWork, step: ComplaintStep) -> None:
    await insert_record(uow, complaint_steps, step)


async def steps_of(uow: UnitOfWork, complaint_id: str) -> list[ComplaintStep]:
    return await fetch_all(uow, ComplaintStep, _STEPS_OF, {"complaint_id": complaint_id})


async def last_step_number(uow: UnitOfWork, complaint_id: str) -> int:
    return int(await scalar(uow, _LAST_STEP, {"complaint_id": complaint_id}) or 0)


# Feedback


async def add_feedback(uow: UnitOfWork, given: Feedback) -> None:
    await insert_record(uow, feedback, given)


async def feedback_of(
    uow: UnitOfWork, case_id: str, *, recorded_by: str | None, after: str | None, limit: int
) -> list[Feedback]:
    """The case's feedback in the order it was recorded (ids are UUIDv7); only `recorded_by`'s if given."""
    c = feedback.c
    query = select(feedback).where(c.case_id == case_id).order_by(c.feedback_id).limit(limit)
    if recorded_by is not None:
        query = query.where(c.recorded_by == recorded_by)
    if after is not None:
        query = query.where(c.feedback_id > after)
    return await fetch_all(uow, Feedback, query)
