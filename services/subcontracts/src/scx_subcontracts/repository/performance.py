"""The reads of the performance reports, each one statement over the tallies or the registry's tables for a few
contracts at once (a contract's report, or an area's), and the minimum performance levels' writes (ADR 0013, 0023).
The tallies are summed: a row may hold 0, and several organisations' rows make a contract's figure."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import BindParameter, and_, bindparam, func, or_, select

from scx_persistence import UnitOfWork
from scx_persistence.records import execute, fetch_all, insert_record, insert_records
from scx_subcontracts.models.history import cohort_tallies, monthly_tallies
from scx_subcontracts.models.performance import (
    Level,
    LevelSet,
    minimum_performance_level_sets,
    minimum_performance_levels,
)
from scx_subcontracts.models.registry import Contract, ProfileMonth, contracts, profile_months

_CONTRACTS: BindParameter[str] = bindparam("contract_ids", expanding=True)

_MONTHLY = (
    select(
        monthly_tallies.c.contract_id, monthly_tallies.c.month, monthly_tallies.c.figure,
        func.sum(monthly_tallies.c.count),
    )
    .where(
        monthly_tallies.c.contract_id.in_(_CONTRACTS),
        monthly_tallies.c.figure.in_(bindparam("figures", expanding=True)),
        monthly_tallies.c.month.between(bindparam("first"), bindparam("last")),
    )
    .group_by(monthly_tallies.c.contract_id, monthly_tallies.c.month, monthly_tallies.c.figure)
)

_COHORTS = (
    select(
        cohort_tallies.c.contract_id, cohort_tallies.c.payment_group, cohort_tallies.c.month,
        cohort_tallies.c.measure, func.sum(cohort_tallies.c.count),
    )
    .where(
        cohort_tallies.c.contract_id.in_(_CONTRACTS),
        cohort_tallies.c.cohort == bindparam("cohort"),
        cohort_tallies.c.measure.in_(bindparam("measures", expanding=True)),
        cohort_tallies.c.month.between(bindparam("first"), bindparam("last")),
    )
    .group_by(
        cohort_tallies.c.contract_id, cohort_tallies.c.payment_group, cohort_tallies.c.month,
        cohort_tallies.c.measure,
    )
)

# The original profile (revision 1) and the latest (the contract's current revision) of each contract.
_PROFILES = (
    select(profile_months)
    .join(contracts, contracts.c.contract_id == profile_months.c.contract_id)
    .where(
        profile_months.c.contract_id.in_(_CONTRACTS),
        or_(profile_months.c.revision == 1, profile_months.c.revision == contracts.c.profile_revision),
        profile_months.c.month <= bindparam("last"),
    )
    .order_by(profile_months.c.contract_id, profile_months.c.revision, profile_months.c.month)
)

_IN_AREA = (
    select(contracts)
    .where(contracts.c.contract_package_area == bindparam("area"))
    .order_by(contracts.c.prime_id, contracts.c.contract_id)
)

_SETTINGS = (
    select(minimum_performance_level_sets, minimum_performance_levels.c.payment_group,
           minimum_performance_levels.c.level_basis_points)
    .join(minimum_performance_levels, and_(
        minimum_performance_levels.c.contract_id == minimum_performance_level_sets.c.contract_id,
        minimum_performance_levels.c.revision == minimum_performance_level_sets.c.revision,
    ))
    .where(minimum_performance_level_sets.c.contract_id.in_(_CONTRACTS))
    .order_by(
        minimum_performance_level_sets.c.contract_id, minimum_performance_level_sets.c.revision,
        minimum_performance_levels.c.payment_group,
    )
)

async def monthly_actuals(
    uow: UnitOfWork, *, contract_ids: Sequence[str], figures: Sequence[str], first: str, last: str
) -> dict[tuple[str, str, str], int]:
    """(contract, month, figure) → the count of the months from `first` to `last`."""
    rows = await execute(uow, _MONTHLY, {
        "contract_ids": list(contract_ids), "figures": list(figures), "first": first, "last": last,
    })
    return {(contract_id, month, figure): int(n) for contract_id, month, figure, n in rows}


async def cohort_counts(
    uow: UnitOfWork, *, contract_ids: Sequence[str], cohort: str, measures: Sequence[str], first: str, last: str
) -> dict[tuple[str, int, str, str], int]:
    """(contract, payment group, cohort month, measure) → how many journeys of the cohort reached the measure."""
    rows = await execute(uow, _COHORTS, {
        "contract_ids": list(contract_ids), "cohort": cohort, "measures": list(measures), "first": first,
        "last": last,
    })
    return {(contract_id, group, month, measure): int(n) for contract_id, group, month, measure, n in rows}


async def original_and_latest_profiles(
    uow: UnitOfWork, *, contract_ids: Sequence[str], last: str
) -> list[ProfileMonth]:
    """The months up to `last` of each contract's original profile and of its latest revision."""
    return await fetch_all(uow, ProfileMonth, _PROFILES, {"contract_ids": list(contract_ids), "last": last})


async def contracts_in_area(uow: UnitOfWork, *, area: str) -> list[Contract]:
    return await fetch_all(uow, Contract, _IN_AREA, {"area": area})


# Minimum performance levels


async def level_sets(uow: UnitOfWork, *, contract_ids: Sequence[str]) -> list[tuple[LevelSet, Level]]:
    """Every setting of the contracts' levels with each of its levels, oldest first and by payment group."""
    rows = await execute(uow, _SETTINGS, {"contract_ids": list(contract_ids)})
    return [
        (
            LevelSet(contract_id=row.contract_id, revision=row.revision, applies_from=row.applies_from,
                     set_at=row.set_at, set_by=row.set_by),
            Level(contract_id=row.contract_id, revision=row.revision, payment_group=row.payment_group,
                  level_basis_points=row.level_basis_points),
        )
        for row in rows
    ]


async def add_level_set(uow: UnitOfWork, level_set: LevelSet, levels: Sequence[Level]) -> None:
    await insert_record(uow, minimum_performance_level_sets, level_set)
    await insert_records(uow, minimum_performance_levels, levels)

