"""Fail-to-attend notices: the referring JCP district's queue, its decision on each (once), and the delays
(missed → notified, notified → decided) reported per delivering organisation. A notice is raised when a mandatory
appointment is missed (`service.appointments.fail_to_attend`)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from scx_case_tracking.access import Standing
from scx_case_tracking.models.appointments import FtaNotice
from scx_case_tracking.models.cases import Case
from scx_case_tracking.problems import appointments as appointment_problems
from scx_case_tracking.repository import appointments as repository
from scx_case_tracking.repository.appointments import NoticeDelays, NoticeFilter
from scx_case_tracking.rules import appointments as rules
from scx_case_tracking.schemas.appointments import DecideNotice
from scx_case_tracking.service.appointments import not_before, not_in_future
from scx_case_tracking.service.cases import case_to_read
from scx_case_tracking.service.journey import now, record, today
from scx_contracts.case_tracking import CaseFtaDecided
from scx_persistence import UnitOfWork
from scx_servicekit import Principal, Problem
from scx_servicekit.auth import forbidden
from scx_servicekit.paging import PageRequest
from scx_servicekit.problems import not_found

JCP_DECIDERS = ("referrer", "tppm")


def notices_visible_to(principal: Principal) -> NoticeFilter:
    """DWP sees every notice; a JCP district those sent to it; a prime its cases'; a partner those of the cases it
    delivers now and those it recorded."""
    if principal.kind == "dwp":
        return NoticeFilter()
    if principal.kind == "jcp":
        return NoticeFilter(referrer_id=principal.organisation_id)
    if principal.kind == "prime":
        return NoticeFilter(prime_id=principal.organisation_id)
    return NoticeFilter(partner_id=principal.organisation_id)


def _narrowed(scope: NoticeFilter, wanted: NoticeFilter) -> NoticeFilter | None:
    """The scope narrowed by what the caller asked for; None when the two cannot both hold."""
    merged = {}
    for field in fields(scope):
        mine, asked = getattr(scope, field.name), getattr(wanted, field.name)
        if mine is not None and asked is not None and mine != asked:
            return None
        merged[field.name] = mine if mine is not None else asked
    return NoticeFilter(**merged)


async def list_notices(
    uow: UnitOfWork, principal: Principal, *, wanted: NoticeFilter, page: PageRequest
) -> list[FtaNotice]:
    where = _narrowed(notices_visible_to(principal), wanted)
    if where is None:
        return []
    return await repository.list_notices(uow, where, after=page.after, limit=page.limit + 1)


async def _readable_notice(
    uow: UnitOfWork, principal: Principal, notice_id: str, *, for_update: bool = False
) -> tuple[Case, FtaNotice]:
    """The notice and its case, when the caller stands to the case (a former deliverer: when it recorded it)."""
    notice = await repository.get_notice(uow, notice_id, for_update=for_update)
    if notice is None:
        raise not_found("Fail-to-attend notice", notice_id)
    try:
        readable = await case_to_read(uow, principal, notice.case_id)
    except Problem:
        raise not_found("Fail-to-attend notice", notice_id) from None
    if readable.scope.standing is Standing.FORMER_DELIVERER and notice.recorded_by != principal.organisation_id:
        raise not_found("Fail-to-attend notice", notice_id)
    return readable.case, notice


async def get_notice(uow: UnitOfWork, principal: Principal, *, notice_id: str) -> FtaNotice:
    return (await _readable_notice(uow, principal, notice_id))[1]


async def decide_notice(uow: UnitOfWork, principal: Principal, *, notice_id: str, command: DecideNotice) -> FtaNotice:
    """The referring JCP district (a referrer or its TPPM) decides the notice, once, on a date not before it."""
    case, notice = await _readable_notice(uow, principal, notice_id, for_update=True)
    if not (
        principal.kind == "jcp" and principal.organisation_id == notice.referrer_id
        and principal.has_role(*JCP_DECIDERS)
    ):
        raise forbidden(f"Only a referrer or TPPM of {notice.referrer_id}, the district the notice went to, may "
                        "decide it.")
    if notice.decision is not None:
        raise appointment_problems.notice_decided(notice)
    on = command.decided_on or today()
    not_in_future("decided_on", on)
    not_before("decided_on", on, notice.notified_on, "the notice")
    decided = replace(
        notice, decision=command.decision, decided_on=on,
        days_notified_to_decided=rules.days_between(notice.notified_on, on), decision_note=command.note,
        decided_by=principal.organisation_id, decided_at=now(),
    )
    await repository.update_notice(uow, decided)
    await record(uow, principal, case, CaseFtaDecided(
        case_id=case.case_id, notice_id=notice.notice_id, decision=command.decision, decided_on=on,
        days_missed_to_notified=notice.days_missed_to_notified,
        days_notified_to_decided=decided.days_notified_to_decided or 0,
    ), occurred_on=on)
    return decided


@dataclass(frozen=True)
class ProviderDelays:
    delivering_organisation_id: str | None
    notices: int
    decided: int
    missed_to_notified: rules.DelayFigures
    notified_to_decided: rules.DelayFigures

    @property
    def awaiting_decision(self) -> int:
        return self.notices - self.decided


def _delays(organisation_id: str | None, rows: list[NoticeDelays]) -> ProviderDelays:
    decided = [r.days_notified_to_decided for r in rows if r.days_notified_to_decided is not None]
    return ProviderDelays(
        organisation_id, len(rows), len(decided),
        rules.DelayFigures.of([r.days_missed_to_notified for r in rows]), rules.DelayFigures.of(decided),
    )


async def notice_delays(
    uow: UnitOfWork, principal: Principal, *, wanted: NoticeFilter
) -> tuple[ProviderDelays, list[ProviderDelays]]:
    """The delays of the notices the caller sees (missed → notified, notified → decided): in total and per
    delivering organisation."""
    where = _narrowed(notices_visible_to(principal), wanted)
    rows = [] if where is None else await repository.notice_delays(uow, where)
    by_provider: dict[str, list[NoticeDelays]] = {}
    for row in rows:
        by_provider.setdefault(row.delivering_organisation_id, []).append(row)
    return _delays(None, rows), [_delays(org, found) for org, found in sorted(by_provider.items())]
