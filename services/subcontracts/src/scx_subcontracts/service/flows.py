"""Referral flows for TPPMs (issue 11, item 4): each prime's referral cohorts side by side, and one prime's broken
down by the organisation delivering each journey (the prime itself, each partner). Every figure is read from
tallies, and the clocks not yet overdue from the last few weeks' awaiting days or journeys, never from the history
in bulk (ADR 0024); `rules.flows` says how each is reckoned.

The flow tallies are kept in the history's own transaction: `history` hands each journey's change to its cohort
and delay tallies to `journey_retallied`, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.problems import not_found
from scx_subcontracts.access import flows as access
from scx_subcontracts.models.history import Journey
from scx_subcontracts.problems.flows import invalid_month_range
from scx_subcontracts.repository import flows as repository
from scx_subcontracts.repository import registry
from scx_subcontracts.repository.flows import By, FlowScope
from scx_subcontracts.rules import flows as rules
from scx_subcontracts.rules.flows import AWAITING, CLOCKS, Flow, MonthRange


def today() -> date:
    return datetime.now(UTC).date()


def months_asked(first: str, last: str) -> MonthRange:
    error = rules.range_error(first, last)
    if error is not None:
        field, message = error
        raise invalid_month_range(message, field=field)
    return MonthRange(first, last)


async def journey_retallied(
    uow: UnitOfWork, before: Journey | None, journey: Journey, cohorts: Mapping[tuple[object, ...], int],
    delays: Mapping[tuple[object, ...], int],
) -> None:
    """The history moved a journey's cohort and delay tallies by `cohorts` and `delays`: move the flows' alike, and
    the clocks the journey awaits."""
    awaiting = rules.awaiting_change(before, journey)
    await repository.change_flow_tallies(
        uow, contract_id=journey.contract_id, prime_id=journey.prime_id,
        change=rules.merged(rules.flow_change(cohorts), awaiting.columns),
    )
    await repository.change_awaiting_days(
        uow, contract_id=journey.contract_id, prime_id=journey.prime_id, change=awaiting.days,
    )
    await repository.change_flow_delays(
        uow, contract_id=journey.contract_id, prime_id=journey.prime_id, change=rules.delay_change(delays),
    )


@dataclass(frozen=True, slots=True)
class PrimeLine:
    prime_id: str
    flow: Flow


Delivery = Literal["prime", "partner"]  # prime: in house, or not yet allocated


@dataclass(frozen=True, slots=True)
class OrganisationLine:
    organisation_id: str
    delivery: Delivery
    flow: Flow


@dataclass(frozen=True, slots=True)
class Breakdown:
    prime_id: str
    total: Flow | None  # None for a partner, who sees only its own line
    organisations: list[OrganisationLine]


async def primes_side_by_side(
    uow: UnitOfWork, principal: Principal, *, months: MonthRange, contract_id: str | None,
) -> list[PrimeLine]:
    """Every prime in view with a contract (narrowed to one contract, if asked), each its referral cohorts of the
    months together."""
    scope = access.require_primes_side_by_side(principal).narrowed_by(FlowScope(contract_id=contract_id))
    assert scope is not None  # the caller's scope never names a contract, so asking for one only narrows it
    primes = {prime for _, prime in await repository.contracts_in(
        uow, prime_id=scope.prime_id, contract_id=scope.contract_id,
    )}
    flows = await _flows(uow, months, scope, by="prime")
    return [PrimeLine(prime, flows.get(prime, Flow())) for prime in sorted(primes | set(flows))]


async def prime_breakdown(
    uow: UnitOfWork, principal: Principal, *, prime_id: str, months: MonthRange, contract_id: str | None,
) -> Breakdown:
    """One prime's referral cohorts by delivering organisation: the prime's own line first, then each partner
    holding a subcontract under its contracts (or delivering any of the journeys); and the prime's total."""
    mine = access.scope(principal)
    scope = mine.narrowed_by(FlowScope(prime_id=prime_id, contract_id=contract_id))
    prime = await registry.get_organisation(uow, organisation_id=prime_id)
    if scope is None or prime is None or prime.kind != "prime" or (
        mine.organisation_id is not None
        and not await repository.works_for(uow, partner_id=mine.organisation_id, prime_id=prime_id)
    ):
        raise not_found("Prime", prime_id)
    contract_ids = [c for c, _ in await repository.contracts_in(uow, prime_id=prime_id, contract_id=contract_id)]
    if contract_id is not None and not contract_ids:
        raise not_found("Contract", contract_id)
    by_organisation = await _flows(uow, months, scope, by="organisation", contract_ids=contract_ids)
    if mine.organisation_id is not None:
        listed = [mine.organisation_id]
    else:
        partners = await repository.partners_under(uow, contract_ids=contract_ids)
        listed = [prime_id, *sorted((set(partners) | set(by_organisation)) - {prime_id})]
    lines = [
        OrganisationLine(o, "prime" if o == prime_id else "partner", by_organisation.get(o, Flow())) for o in listed
    ]
    total = rules.summed(line.flow for line in lines) if access.sees_prime_totals(principal) else None
    return Breakdown(prime_id=prime_id, total=total, organisations=lines)


async def _flows(
    uow: UnitOfWork, months: MonthRange, scope: FlowScope, *, by: By, contract_ids: list[str] | None = None,
) -> dict[str, Flow]:
    """The flows of the months by prime, or by organisation (then `contract_ids` are the one prime's contracts in
    scope, whose histogram of delays is read by organisation)."""
    flows: dict[str, Flow] = {}

    def line(prime_id: str, organisation_id: str | None) -> Flow:
        return flows.setdefault(organisation_id if by == "organisation" and organisation_id else prime_id, Flow())

    for counted in await repository.flow_sums(uow, first=months.first, last=months.last, scope=scope, by=by):
        line(counted.prime_id, counted.organisation_id).counts.update(counted.counts)
    if by == "prime":
        for prime_id, days, n in await repository.prime_delays(
            uow, first=months.first, last=months.last, scope=scope,
        ):
            line(prime_id, None).delays[days] += n
    else:
        for organisation_id, days, n in await repository.organisation_delays(
            uow, first=months.first, last=months.last, contract_ids=contract_ids or [],
            organisation_id=scope.organisation_id,
        ):
            flows.setdefault(organisation_id, Flow()).delays[days] += n
    for flow in flows.values():
        flow.overdue.update({clock: flow.counts[AWAITING[clock]] for clock in CLOCKS})
    now = today()
    cutoffs = {clock: rules.overdue_cutoff(clock, now) for clock in CLOCKS}
    if by == "prime":
        not_yet_overdue = await repository.not_yet_overdue_by_prime(
            uow, first=months.first, last=months.last, cutoffs=cutoffs, scope=scope,
        )
    else:
        not_yet_overdue = await repository.not_yet_overdue_by_organisation(
            uow, first_day=months.first_day, last_day=months.last_day, cutoffs=cutoffs, scope=scope,
        )
    for due in not_yet_overdue:
        line(due.prime_id, due.organisation_id).overdue[due.clock] -= due.count
    return flows
