"""Statements about a case's classifications, action plans, activities and exit. Each list is in the order the rows
were recorded (their ids are UUIDv7), and shows only `recorded_by`'s rows when it is given (a former deliverer)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Table, bindparam, func, select

from scx_case_tracking.models.progress import (
    ActionPlan,
    Activity,
    Classification,
    Exit,
    action_plans,
    activities,
    classifications,
    exits,
)
from scx_persistence import UnitOfWork
from scx_persistence.records import execute, fetch_all, fetch_one, insert_record, select_by, update_record


def _rows_of(table: Table, key: str, case_id: str, *, recorded_by: str | None, after: str | None,
             limit: int) -> Select[Any]:
    c = table.c
    query = select(table).where(c.case_id == case_id).order_by(c[key]).limit(limit)
    if recorded_by is not None:
        query = query.where(c.recorded_by == recorded_by)
    if after is not None:
        query = query.where(c[key] > after)
    return query


# Classifications


async def add_classification(uow: UnitOfWork, classification: Classification) -> None:
    await insert_record(uow, classifications, classification)


async def classifications_of(
    uow: UnitOfWork, case_id: str, *, recorded_by: str | None, after: str | None, limit: int
) -> list[Classification]:
    query = _rows_of(classifications, "classification_id", case_id, recorded_by=recorded_by, after=after, limit=limit)
    return await fetch_all(uow, Classification, query)


# Action plans


_CURRENT_PLAN = select(action_plans).where(
    action_plans.c.case_id == bindparam("case_id"), action_plans.c.superseded_by.is_(None)
)


async def current_action_plan(uow: UnitOfWork, case_id: str) -> ActionPlan | None:
    """The plan no later one has superseded."""
    return await fetch_one(uow, ActionPlan, _CURRENT_PLAN, {"case_id": case_id})


async def add_action_plan(uow: UnitOfWork, plan: ActionPlan) -> None:
    await insert_record(uow, action_plans, plan)


async def supersede_action_plan(uow: UnitOfWork, plan: ActionPlan) -> None:
    """Write `plan.superseded_by`: a later plan replaces it."""
    await update_record(uow, action_plans, plan, columns=("superseded_by",))


async def action_plans_of(
    uow: UnitOfWork, case_id: str, *, recorded_by: str | None, after: str | None, limit: int
) -> list[ActionPlan]:
    query = _rows_of(action_plans, "action_plan_id", case_id, recorded_by=recorded_by, after=after, limit=limit)
    return await fetch_all(uow, ActionPlan, query)


# Activities


async def add_activity(uow: UnitOfWork, activity: Activity) -> None:
    await insert_record(uow, activities, activity)


async def activities_of(
    uow: UnitOfWork, case_id: str, *, recorded_by: str | None, after: str | None, limit: int
) -> list[Activity]:
    query = _rows_of(activities, "activity_id", case_id, recorded_by=recorded_by, after=after, limit=limit)
    return await fetch_all(uow, Activity, query)


async def contact_minutes_by_activity(uow: UnitOfWork, case_id: str, *, recorded_by: str | None) -> dict[str, int]:
    """Minutes of contact on the case per activity kind, over every activity (or `recorded_by`'s)."""
    c = activities.c
    query = select(c.activity, func.sum(c.minutes)).where(c.case_id == case_id).group_by(c.activity)
    if recorded_by is not None:
        query = query.where(c.recorded_by == recorded_by)
    result = await execute(uow, query)
    return {str(kind): int(minutes) for kind, minutes in result.all()}


# Exit


async def add_exit(uow: UnitOfWork, exit_: Exit) -> None:
    await insert_record(uow, exits, exit_)


async def get_exit(uow: UnitOfWork, case_id: str) -> Exit | None:
    return await fetch_one(uow, Exit, select_by(exits, "case_id"), {"case_id": case_id})
