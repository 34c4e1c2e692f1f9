"""Weekly statistics returns: a partner posts its eight figures for an ISO week and one of its subcontracts, as JSON
or as rows of a CSV file; a second post for the week is a correction, a new version, and the old ones are kept. A
prime sets, per contract, when returns are due; each version is judged late or on time against the deadline in force
when it is posted. Who may do and see what is in `access.returns`; what makes a return postable in `rules.returns`.

Every post, one or a file's worth, goes through `_post`: the subcontracts are taken FOR UPDATE (so two posts for one
week queue, and the second sees the first's version), every fault of every row is collected, and only when there is
none is anything written, with one `weekly_stats.posted` per version, in the request's one transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import uuid_utils

from scx_contracts.subcontracts import WeeklyStatsDeadlineSet, WeeklyStatsPosted
from scx_contracts.weekly_stats import DEADLINE_TIME_ZONE, WeeklyFigures
from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.events import make_event
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found
from scx_subcontracts.access import returns as access
from scx_subcontracts.models.returns import ReturnDeadline, ReturnVersion, WeeklyReturn
from scx_subcontracts.problems import returns as problems
from scx_subcontracts.repository import registry as registry_repository
from scx_subcontracts.repository import returns as repository
from scx_subcontracts.repository.returns import Scope, Weeks
from scx_subcontracts.rules import returns as rules
from scx_subcontracts.rules.returns import ReturnError
from scx_subcontracts.schemas.returns import PostWeeklyReturn, SetReturnDeadline
from scx_subcontracts.schemas.returns_upload import RowError, TooManyRows, parse_upload
from scx_subcontracts.service import registry as registry_service

PRODUCER = "subcontracts"


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Post:
    """One return to post: a JSON body, or a row of a file (`line`). `figures` None: the row's are at fault."""

    subcontract_id: str
    iso_week: str
    figures: WeeklyFigures | None
    corrects_version: int | None
    reason: str | None
    line: int = 0


@dataclass(frozen=True)
class Posted:
    line: int
    weekly_return: WeeklyReturn
    version: ReturnVersion


def check_may_post(principal: Principal) -> None:
    """Before an Idempotency-Key is looked at: a replay goes only to one who may post."""
    access.require_partner_manager(principal)


async def post_return(uow: UnitOfWork, principal: Principal, *, command: PostWeeklyReturn) -> Posted:
    access.require_partner_manager(principal)
    post = Post(command.subcontract_id, command.iso_week, command.figures, command.corrects_version, command.reason)
    posted, faults = await _post(uow, principal, [post], source="api")
    if faults:
        errors = [error for _, error in faults]
        if any(e.code == "not_yours" for e in errors):
            raise problems.no_such_subcontract(command.subcontract_id)
        invalid = [e for e in errors if e.status == 422]
        if invalid:
            raise problems.invalid_return(invalid)
        latest = await repository.returns_of_weeks(uow, keys=[(post.subcontract_id, post.iso_week)])
        known = latest.get((post.subcontract_id, post.iso_week))
        raise problems.version_conflict(errors[0], latest_version=known.latest_version if known else None)
    return posted[0]


async def upload_returns(uow: UnitOfWork, principal: Principal, *, data: bytes) -> list[Posted]:
    """Every row of a CSV file stored as a version, or, if any row has a fault, nothing (every fault named). The file
    is read in a worker thread: a megabyte of CSV checked row by row must not hold up every other request."""
    access.require_partner_manager(principal)
    try:
        parsed = await asyncio.to_thread(parse_upload, data)
    except TooManyRows:
        raise problems.upload_too_large(rows=True) from None
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(RowError(2, None, "the file has no rows: one line per subcontract and week", "no_rows"))
    posts = [Post(r.subcontract_id, r.iso_week, r.figures, r.corrects_version, r.reason, r.line) for r in parsed.rows]
    posted, faults = await _post(uow, principal, posts, source="upload")
    errors = parsed.errors + [RowError(post.line, error.field, error.message, error.code) for post, error in faults]
    if errors:
        raise problems.invalid_upload(errors)
    return posted


async def _post(
    uow: UnitOfWork, principal: Principal, posts: Sequence[Post], *, source: str
) -> tuple[list[Posted], list[tuple[Post, ReturnError]]]:
    if not posts:
        return [], []
    subcontracts = await repository.subcontracts_by_id(
        uow, subcontract_ids=[p.subcontract_id for p in posts], for_update=True
    )
    existing = await repository.returns_of_weeks(
        uow, keys=[(p.subcontract_id, p.iso_week) for p in posts], for_update=True
    )
    at = now()
    faults: list[tuple[Post, ReturnError]] = []
    for post in posts:
        subcontract = subcontracts.get(post.subcontract_id)
        if subcontract is None or subcontract.partner_id != principal.organisation_id:
            faults.append((post, ReturnError("subcontract_id", "not a subcontract of yours", "not_yours")))
            continue
        end = subcontract.ended_on or subcontract.end_date
        known = existing.get((post.subcontract_id, post.iso_week))
        faults += [(post, e) for e in rules.check_week(
            post.iso_week, at, model=subcontract.model, start=subcontract.start_date, end=end
        )]
        latest = known.latest_version if known else None
        faults += [(post, e) for e in rules.check_version(latest, post.corrects_version, post.reason)]
    if faults or any(p.figures is None for p in posts):
        return [], faults
    deadlines = await repository.current_deadlines(
        uow, contract_ids=[subcontracts[p.subcontract_id].contract_id for p in posts]
    )
    new_returns: list[WeeklyReturn] = []
    posted: list[Posted] = []
    for post in posts:
        subcontract = subcontracts[post.subcontract_id]
        known = existing.get((post.subcontract_id, post.iso_week))
        if known is None:
            weekly_return = WeeklyReturn(
                return_id=str(uuid_utils.uuid7()), subcontract_id=subcontract.subcontract_id,
                contract_id=subcontract.contract_id, prime_id=subcontract.prime_id,
                partner_id=subcontract.partner_id, iso_week=post.iso_week, latest_version=1, first_posted_at=at,
                last_posted_at=at,
            )
            new_returns.append(weekly_return)
        else:
            weekly_return = replace(known, latest_version=known.latest_version + 1, last_posted_at=at)
            await repository.update_return(uow, weekly_return)
        version = _version(weekly_return, post, deadlines.get(subcontract.contract_id), principal, at, source)
        posted.append(Posted(post.line, weekly_return, version))
    try:
        await repository.add_returns(uow, new_returns)
        await repository.add_versions(uow, [p.version for p in posted])
    except repository.AlreadyPosted:
        raise problems.posted_meanwhile() from None
    for item in posted:
        _record_posted(uow, principal, item.weekly_return, item.version)
    return posted, []


def _version(
    weekly_return: WeeklyReturn, post: Post, deadline: ReturnDeadline | None, principal: Principal, at: datetime,
    source: str,
) -> ReturnVersion:
    assert post.figures is not None  # _post stores nothing while a row's figures are at fault
    due = None
    if deadline is not None:
        monday = rules.monday_of(post.iso_week)
        assert monday is not None  # checked by rules.check_week
        due = rules.deadline_of(
            monday, days_after_week_end=deadline.days_after_week_end, at_local_time=deadline.at_local_time
        )
    return ReturnVersion(
        return_id=weekly_return.return_id, version=weekly_return.latest_version, **post.figures.model_dump(),
        corrects_version=post.corrects_version, reason=post.reason, source=source, posted_at=at,
        posted_by=principal.user, late=None if due is None else rules.is_late(at, due), deadline=due,
        deadline_revision=deadline.revision if deadline else None,
    )


def figures_of(version: ReturnVersion) -> WeeklyFigures:
    return WeeklyFigures.model_validate(version, from_attributes=True)


def _record_posted(uow: UnitOfWork, principal: Principal, weekly_return: WeeklyReturn, version: ReturnVersion) -> None:
    uow.record(make_event(WeeklyStatsPosted(
        return_id=weekly_return.return_id, subcontract_id=weekly_return.subcontract_id,
        contract_id=weekly_return.contract_id, prime_id=weekly_return.prime_id, partner_id=weekly_return.partner_id,
        iso_week=weekly_return.iso_week, version=version.version, corrects_version=version.corrects_version,
        figures=figures_of(version), late=version.late, deadline=version.deadline,
        deadline_revision=version.deadline_revision,
    ), producer=PRODUCER, actor=principal.actor(), occurred_at=version.posted_at))


# Reads


async def versions_of(uow: UnitOfWork, weekly_return: WeeklyReturn) -> list[ReturnVersion]:
    return await repository.versions_of(uow, return_id=weekly_return.return_id)


async def get_return(
    uow: UnitOfWork, principal: Principal, *, return_id: str
) -> tuple[WeeklyReturn, list[ReturnVersion]]:
    access.require_reader(principal)
    weekly_return = await repository.get_return(uow, return_id=return_id)
    if weekly_return is None or not access.can_see_return(principal, weekly_return):
        raise not_found("Weekly return", return_id)
    return weekly_return, await repository.versions_of(uow, return_id=return_id)


async def list_returns(
    uow: UnitOfWork, principal: Principal, *, wanted: Scope, weeks: Weeks, page: PageRequest
) -> list[tuple[WeeklyReturn, ReturnVersion, ReturnVersion]]:
    """The returns the caller may see, narrowed by `wanted`, each with its first and latest versions; `page.limit +
    1` of them."""
    where = access.returns_in_view(principal).narrowed_by(wanted)
    if where is None:
        return []
    found = await repository.list_returns(uow, where, weeks, after=page.after, limit=page.limit + 1)
    versions = await repository.first_and_latest_versions(uow, return_ids=[r.return_id for r in found])
    return [(r, *versions[r.return_id]) for r in found]


# Deadlines


async def set_deadline(
    uow: UnitOfWork, principal: Principal, *, contract_id: str, command: SetReturnDeadline
) -> list[ReturnDeadline]:
    """A new revision of the contract's deadline, in force from now; the same setting again changes nothing."""
    access.require_prime_manager(principal)
    contract = await registry_repository.get_contract(uow, contract_id=contract_id, for_update=True)
    if contract is None or contract.prime_id != principal.organisation_id:
        raise not_found("Contract", contract_id)
    history = await repository.deadlines_of(uow, contract_id=contract_id)
    current = history[-1] if history else None
    if current and (current.days_after_week_end, current.at_local_time) == (
        command.days_after_week_end, command.at_local_time
    ):
        return history
    deadline = ReturnDeadline(
        contract_id=contract_id, revision=current.revision + 1 if current else 1, prime_id=contract.prime_id,
        days_after_week_end=command.days_after_week_end, at_local_time=command.at_local_time, set_at=now(),
        set_by=principal.user,
    )
    await repository.add_deadline(uow, deadline)
    uow.record(make_event(WeeklyStatsDeadlineSet(
        contract_id=contract_id, prime_id=contract.prime_id, revision=deadline.revision,
        days_after_week_end=deadline.days_after_week_end, at_local_time=deadline.at_local_time,
        time_zone=DEADLINE_TIME_ZONE,
    ), producer=PRODUCER, actor=principal.actor()))
    return [*history, deadline]


async def get_deadlines(uow: UnitOfWork, principal: Principal, *, contract_id: str) -> list[ReturnDeadline]:
    """Seen by whoever sees the contract (its prime, its partners, DWP's readers), but not by Jobcentre Plus."""
    access.require_reader(principal)
    await registry_service.get_contract(uow, principal, contract_id=contract_id)
    return await repository.deadlines_of(uow, contract_id=contract_id)
