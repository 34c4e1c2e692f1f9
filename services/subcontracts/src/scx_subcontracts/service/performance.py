"""Use cases of performance against profiles (ADR 0023): a contract's performance, its conversion by start cohort,
its minimum performance by referral cohort, the levels DWP sets, and the primes of an area side by side. Each report
is a few statements over the tallies and the registry, whatever the size of the history; none commits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime

from scx_contracts.subcontracts import ContractMinimumPerformanceLevelsSet, MinimumPerformanceLevel
from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_servicekit.events import make_event
from scx_servicekit.problems import not_found
from scx_subcontracts.access import performance as access
from scx_subcontracts.models.performance import Level, LevelSet
from scx_subcontracts.models.registry import Contract, ProfileMonth
from scx_subcontracts.problems import performance as problems
from scx_subcontracts.repository import performance as repository
from scx_subcontracts.repository import registry
from scx_subcontracts.rules import performance as rules
from scx_subcontracts.rules.performance import AskedMonths, LevelSetting, Profile
from scx_subcontracts.schemas.performance import (
    AreaPerformanceOut,
    ConversionOut,
    MinimumPerformanceLevelsOut,
    MinimumPerformanceOut,
    PerformanceOut,
    SetMinimumPerformanceLevels,
)

PRODUCER = "subcontracts"


def today() -> date:
    return datetime.now(UTC).date()


async def readable_contract(uow: UnitOfWork, principal: Principal, contract_id: str) -> Contract:
    access.require_performance_reader(principal)
    contract = await registry.get_contract(uow, contract_id=contract_id)
    if contract is None or not access.can_read_performance(principal, contract):
        raise not_found("Contract", contract_id)
    return contract


def _months(contract: Contract, asked: AskedMonths, as_of: date) -> tuple[str, str]:
    first, last = rules.contract_months(contract)
    for field, month in (("from", asked.first), ("to", asked.last)):
        if month is not None and not first <= month <= last:
            raise problems.month_outside_contract(month, first=first, last=last, field=field)
    return rules.months_asked(contract, asked, as_of)


# Reading the tallies and the registry, for one contract or several


def profiles(contract: Contract, rows: Sequence[ProfileMonth]) -> tuple[Profile | None, Profile | None]:
    """The contract's original profile and its latest revision (None, None: it has no profile)."""
    mine = [row for row in rows if row.contract_id == contract.contract_id]
    if contract.profile_revision < 1:
        return None, None
    return rules.profile_of(1, mine), rules.profile_of(contract.profile_revision, mine)


async def actuals(
    uow: UnitOfWork, contracts: Sequence[Contract], first: str, last: str
) -> dict[str, dict[tuple[str, str], int]]:
    """contract → (month, tally figure) → count."""
    found = await repository.monthly_actuals(
        uow, contract_ids=[c.contract_id for c in contracts], figures=list(rules.FIGURES.values()), first=first,
        last=last,
    )
    by_contract: dict[str, dict[tuple[str, str], int]] = {c.contract_id: {} for c in contracts}
    for (contract_id, month, figure), n in found.items():
        by_contract[contract_id][month, figure] = n
    return by_contract


async def start_cohorts(
    uow: UnitOfWork, contract_ids: Sequence[str], first: str, last: str
) -> dict[str, Counter[tuple[str, str]]]:
    """contract → (start month, measure) → count, over every payment group."""
    found = await repository.cohort_counts(
        uow, contract_ids=contract_ids, cohort="start", measures=rules.START_MEASURES, first=first, last=last
    )
    by_contract: dict[str, Counter[tuple[str, str]]] = {c: Counter() for c in contract_ids}
    for (contract_id, _, month, measure), n in found.items():
        by_contract[contract_id][month, measure] += n
    return by_contract


async def referral_cohorts(
    uow: UnitOfWork, contract_ids: Sequence[str], first: str, last: str
) -> dict[str, dict[tuple[int, str, str], int]]:
    """contract → (payment group, referral month, measure) → count."""
    found = await repository.cohort_counts(
        uow, contract_ids=contract_ids, cohort="referral", measures=rules.REFERRAL_MEASURES, first=first, last=last
    )
    by_contract: dict[str, dict[tuple[int, str, str], int]] = {c: {} for c in contract_ids}
    for (contract_id, group, month, measure), n in found.items():
        by_contract[contract_id][group, month, measure] = n
    return by_contract


async def level_settings(uow: UnitOfWork, contract_ids: Sequence[str]) -> dict[str, list[LevelSetting]]:
    return rules.settings_of(await repository.level_sets(uow, contract_ids=contract_ids))


async def performance_of(uow: UnitOfWork, contract: Contract, first: str, last: str, as_of: date) -> PerformanceOut:
    start = min(rules.contract_months(contract)[0], first)
    rows = await repository.original_and_latest_profiles(uow, contract_ids=[contract.contract_id], last=last)
    original, latest = profiles(contract, rows)
    counted = (await actuals(uow, [contract], start, last))[contract.contract_id]
    return rules.performance(
        contract, first, last, original=original, latest=latest, actuals=counted, as_of=as_of
    )


# The reports


async def contract_performance(
    uow: UnitOfWork, principal: Principal, *, contract_id: str, asked: AskedMonths
) -> PerformanceOut:
    contract = await readable_contract(uow, principal, contract_id)
    as_of = today()
    first, last = _months(contract, asked, as_of)
    return await performance_of(uow, contract, first, last, as_of)


async def conversion(uow: UnitOfWork, principal: Principal, *, contract_id: str, asked: AskedMonths) -> ConversionOut:
    contract = await readable_contract(uow, principal, contract_id)
    as_of = today()
    first, last = _months(contract, asked, as_of)
    counts = (await start_cohorts(uow, [contract_id], first, last))[contract_id]
    return rules.conversion(contract_id, first, last, counts=counts, as_of=as_of)


async def minimum_performance(
    uow: UnitOfWork, principal: Principal, *, contract_id: str, asked: AskedMonths
) -> MinimumPerformanceOut:
    contract = await readable_contract(uow, principal, contract_id)
    as_of = today()
    first, last = _months(contract, asked, as_of)
    counts = (await referral_cohorts(uow, [contract_id], first, last))[contract_id]
    settings = (await level_settings(uow, [contract_id])).get(contract_id, [])
    return rules.minimum_performance(
        contract_id, first, last, months=rules.months_from(first, last), counts=counts, settings=settings,
        as_of=as_of,
    )


async def area_performance(
    uow: UnitOfWork, principal: Principal, *, area: str, asked: AskedMonths
) -> AreaPerformanceOut:
    access.require_area_reader(principal)
    contracts = await repository.contracts_in_area(uow, area=area)
    if not contracts:
        raise problems.unknown_area(area)
    as_of = today()
    first, last = rules.area_months(contracts, asked, as_of)
    ids = [c.contract_id for c in contracts]
    months = rules.months_from(first, last)
    rows = await repository.original_and_latest_profiles(uow, contract_ids=ids, last=last)
    counted = await actuals(uow, contracts, first, last)
    starts = await start_cohorts(uow, ids, first, last)
    referred = await referral_cohorts(uow, ids, first, last)
    settings = await level_settings(uow, ids)
    primes = []
    for contract in contracts:
        cid = contract.contract_id
        cohorts = rules.minimum_performance(
            cid, first, last, months=months, counts=referred[cid], settings=settings.get(cid, []), as_of=as_of
        )
        primes.append(rules.prime_in_area(
            contract, months, latest=profiles(contract, rows)[1], actuals=counted[cid],
            starts=rules.conversion(cid, first, last, counts=starts[cid], as_of=as_of).total,
            standing=cohorts.standing,
        ))
    return AreaPerformanceOut(contract_package_area=area, from_month=first, to_month=last, as_of=as_of, primes=primes)


# Minimum performance levels


async def get_levels(uow: UnitOfWork, principal: Principal, *, contract_id: str) -> MinimumPerformanceLevelsOut:
    await readable_contract(uow, principal, contract_id)
    return rules.levels_out(contract_id, await repository.level_sets(uow, contract_ids=[contract_id]))


async def set_levels(
    uow: UnitOfWork, principal: Principal, *, contract_id: str, command: SetMinimumPerformanceLevels
) -> MinimumPerformanceLevelsOut:
    """A new setting of the levels it names, from its month on; the same levels from the same month as the latest
    setting's change nothing (so asking twice is asking once)."""
    access.require_level_setter(principal)
    contract = await registry.get_contract(uow, contract_id=contract_id, for_update=True)
    if contract is None:
        raise not_found("Contract", contract_id)
    first, last = rules.contract_months(contract)
    applies_from = command.applies_from or first
    if not first <= applies_from <= last:
        raise problems.levels_outside_contract(applies_from, first=first, last=last)
    rows = await repository.level_sets(uow, contract_ids=[contract_id])
    wanted = {level.payment_group: level.level_basis_points for level in command.levels}
    settings = rules.settings_of(rows).get(contract_id, [])
    if settings and (settings[-1].applies_from, settings[-1].levels) == (applies_from, wanted):
        return rules.levels_out(contract_id, rows)
    revision = settings[-1].revision + 1 if settings else 1
    level_set = LevelSet(
        contract_id=contract_id, revision=revision, applies_from=applies_from, set_at=datetime.now(UTC),
        set_by=principal.user,
    )
    levels = [
        Level(contract_id=contract_id, revision=revision, payment_group=group, level_basis_points=points)
        for group, points in wanted.items()
    ]
    await repository.add_level_set(uow, level_set, levels)
    uow.record(make_event(ContractMinimumPerformanceLevelsSet(
        contract_id=contract_id, prime_id=contract.prime_id, revision=revision, applies_from=applies_from,
        levels=[MinimumPerformanceLevel(payment_group=g, level_basis_points=p) for g, p in wanted.items()],
    ), producer=PRODUCER, actor=principal.actor()))
    return rules.levels_out(contract_id, [*rows, *((level_set, level) for level in levels)])
