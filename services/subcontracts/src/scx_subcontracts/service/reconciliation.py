"""Reconciliation: partners' weekly returns against the figures derived from the event history (ADR 0022).

- **One return**: its latest version, figure by figure, against what the history counts for the subcontract in that
  week, with the difference (posted - derived) and the journeys behind each derived count.
- **A listing**: for the subcontracts in view whose model posts, every ended week of a range that overlaps their
  live dates, agrees / differs / not yet posted, with the return's lateness, or when a missing one is due. Paged by
  subcontract and week; a page reads only its own subcontracts' weeks.

Who sees what is as for the returns themselves (`access.returns`). The history is as current as the events the
service has applied: each answer says when it was derived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import Problem
from scx_subcontracts.access import returns as access
from scx_subcontracts.models.registry import Subcontract
from scx_subcontracts.models.returns import ReturnDeadline, ReturnVersion, WeeklyReturn
from scx_subcontracts.repository import history as history_repository
from scx_subcontracts.repository import reconciliation as repository
from scx_subcontracts.repository import returns as returns_repository
from scx_subcontracts.repository.returns import Scope
from scx_subcontracts.rules import reconciliation as rules
from scx_subcontracts.rules import returns as return_rules
from scx_subcontracts.rules.reconciliation import FigureComparison
from scx_subcontracts.service import returns as returns_service


@dataclass(frozen=True)
class ReturnReconciled:
    weekly_return: WeeklyReturn
    versions: list[ReturnVersion]
    figures: list[FigureComparison]
    derived_at: datetime


async def reconcile_return(uow: UnitOfWork, principal: Principal, *, return_id: str) -> ReturnReconciled:
    weekly_return, versions = await returns_service.get_return(uow, principal, return_id=return_id)
    counted = await history_repository.occurrences_of_week(
        uow, subcontract_id=weekly_return.subcontract_id, iso_week=weekly_return.iso_week
    )
    posted = returns_service.figures_of(versions[-1]).model_dump()
    figures = rules.compare_with_journeys(posted, rules.journeys_behind(counted))
    return ReturnReconciled(weekly_return, versions, figures, returns_service.now())


@dataclass(frozen=True)
class Week:
    """One week a subcontract should post for, and what stands against it."""

    subcontract: Subcontract
    iso_week: str
    weekly_return: WeeklyReturn | None
    first: ReturnVersion | None
    latest: ReturnVersion | None
    figures: list[FigureComparison]
    due: datetime | None
    overdue: bool | None

    @property
    def key(self) -> str:
        return f"{self.subcontract.subcontract_id}|{self.iso_week}"


@dataclass(frozen=True)
class Listing:
    weeks: list[Week]
    derived_at: datetime


async def list_weeks(
    uow: UnitOfWork, principal: Principal, *, wanted: Scope, first_week: str, last_week: str, page: PageRequest
) -> Listing:
    """`page.limit + 1` weeks (the last only says another page follows), by subcontract and week."""
    at = returns_service.now()
    where = access.returns_in_view(principal).narrowed_by(wanted)
    first, last = return_rules.monday_of(first_week), return_rules.monday_of(last_week)
    assert first is not None and last is not None  # the route checked both weeks exist
    last = min(last, return_rules.last_ended_monday(at))
    if where is None or last < first:
        return Listing([], at)
    from_id, after_week = _cursor(page.after)
    subcontracts = await repository.subcontracts_to_post(
        uow, where, models=return_rules.POSTING_MODELS, first_day=first, last_day=last + timedelta(days=6),
        from_id=from_id, limit=page.limit + 1,
    )
    grid: list[tuple[Subcontract, date]] = []
    for subcontract in subcontracts:
        for monday in rules.mondays_to_post(
            start=subcontract.start_date, end=subcontract.ended_on or subcontract.end_date, first=first, last=last
        ):
            if from_id is None or (subcontract.subcontract_id, return_rules.iso_week_of(monday)) > (
                from_id, after_week
            ):
                grid.append((subcontract, monday))
        if len(grid) > page.limit:
            break
    return Listing(await _weeks(uow, grid[: page.limit + 1], at), at)


def _cursor(after: str | None) -> tuple[str | None, str]:
    if after is None:
        return None, ""
    subcontract_id, _, iso_week = after.partition("|")
    if not subcontract_id or return_rules.monday_of(iso_week) is None:
        raise Problem(
            400, "invalid-cursor", "The cursor is not valid", "Use next_cursor from a previous page as it is.",
            errors=[{"field": "query.cursor", "message": "not a cursor of this listing"}],
        )
    return subcontract_id, iso_week


async def _weeks(uow: UnitOfWork, grid: list[tuple[Subcontract, date]], at: datetime) -> list[Week]:
    if not grid:
        return []
    keys = [(s.subcontract_id, return_rules.iso_week_of(monday)) for s, monday in grid]
    posted = await returns_repository.returns_of_weeks(uow, keys=keys)
    versions = await returns_repository.first_and_latest_versions(
        uow, return_ids=[r.return_id for r in posted.values()]
    )
    counts = await repository.derived_counts(
        uow, subcontract_ids=[s.subcontract_id for s, _ in grid], first_week=min(w for _, w in keys),
        last_week=max(w for _, w in keys),
    )
    deadlines = await returns_repository.current_deadlines(uow, contract_ids=[s.contract_id for s, _ in grid])
    weeks = []
    for (subcontract, monday), key in zip(grid, keys, strict=True):
        weekly_return = posted.get(key)
        first, latest = versions[weekly_return.return_id] if weekly_return else (None, None)
        figures = rules.compare_counts(
            returns_service.figures_of(latest).model_dump() if latest else None, counts.get(key, {})
        )
        due = None if weekly_return else _due(monday, deadlines.get(subcontract.contract_id))
        weeks.append(Week(
            subcontract=subcontract, iso_week=key[1], weekly_return=weekly_return, first=first, latest=latest,
            figures=figures, due=due, overdue=None if due is None else return_rules.is_late(at, due),
        ))
    return weeks


def _due(monday: date, deadline: ReturnDeadline | None) -> datetime | None:
    if deadline is None:
        return None
    return return_rules.deadline_of(
        monday, days_after_week_end=deadline.days_after_week_end, at_local_time=deadline.at_local_time
    )
