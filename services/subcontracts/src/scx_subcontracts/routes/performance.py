"""Performance against profiles, for DWP's contract managers (ADR 0023): a contract's months against its original and
latest profile, its conversion by start cohort, its minimum performance by referral cohort and the levels DWP sets,
and the primes of a contract package area side by side. The Provider Performance Review pack is in `routes.review`.

DWP's contract managers and auditors read every contract, a prime its own (another's answers 404); partners and
Jobcentre Plus are refused (403). The area comparison is DWP's alone."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from scx_contracts.bounds import LABEL_LENGTH
from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.openapi import problems
from scx_servicekit.routing import service_router
from scx_servicekit.strict import TEXT_PATTERN
from scx_subcontracts.problems import performance as problem
from scx_subcontracts.rules.performance import MAX_MONTHS, AskedMonths, span
from scx_subcontracts.schemas.performance import (
    AreaPerformanceOut,
    ConversionOut,
    MinimumPerformanceLevelsOut,
    MinimumPerformanceOut,
    PerformanceOut,
    ReportMonth,
    SetMinimumPerformanceLevels,
)
from scx_subcontracts.service import performance as service

ON_A_CONTRACT = problems({
    404: "no such contract that the caller can see",
    422: "a parameter is not valid, the months are not a range (reversed, or more than 120), or a month is outside "
         "the contract",
})
READ_LEVELS = problems({
    404: "no such contract that the caller can see",
    422: "a parameter is not valid",
})
LEVELS = problems({
    404: "no such contract that the caller can see",
    422: "a field is not valid, or the levels would apply from a month outside the contract",
})
IN_AN_AREA = problems({
    404: "no such path (an area cannot hold a slash)",
    422: "a parameter is not valid, the months are not a range, or no contract is in the area",
})

router = service_router(tags=["performance"])


async def asked_months(
    first: Annotated[ReportMonth | None, Query(alias="from", description="the first month, YYYY-MM")] = None,
    last: Annotated[ReportMonth | None, Query(alias="to", description="the last month, YYYY-MM")] = None,
) -> AskedMonths:
    """At most MAX_MONTHS months, `from` not after `to`; an end not given takes its default."""
    if first and last and not 1 <= span(first, last) <= MAX_MONTHS:
        raise problem.invalid_month_range(first, last, most=MAX_MONTHS)
    return AskedMonths(first, last)


Months = Annotated[AskedMonths, Depends(asked_months)]
Area = Annotated[str, Path(max_length=LABEL_LENGTH, pattern=TEXT_PATTERN, description="e.g. West Yorkshire")]


@router.get("/contracts/{contract_id}/performance", responses=ON_A_CONTRACT)
async def get_performance(contract_id: str, principal: CurrentPrincipal, uow: UoW, months: Months) -> PerformanceOut:
    """Job outcomes, sustained job outcomes and WFIs by month, against the original profile and its latest revision:
    the difference, the percentage of the target, the change on the month before, and running totals from the
    contract's first month. Default months: the contract's so far."""
    return await service.contract_performance(uow, principal, contract_id=contract_id, asked=months)


@router.get("/contracts/{contract_id}/conversion", responses=ON_A_CONTRACT)
async def get_conversion(contract_id: str, principal: CurrentPrincipal, uow: UoW, months: Months) -> ConversionOut:
    """Conversion rate (starts → job outcomes) of each monthly start cohort, with the months it has had."""
    return await service.conversion(uow, principal, contract_id=contract_id, asked=months)


@router.get("/contracts/{contract_id}/minimum-performance", responses=ON_A_CONTRACT)
async def get_minimum_performance(
    contract_id: str, principal: CurrentPrincipal, uow: UoW, months: Months
) -> MinimumPerformanceOut:
    """Per referral cohort (month) and payment group: referred, with a job outcome within 12 months, the share, the
    level in force and whether it is met, below, or still open (and when it closes)."""
    return await service.minimum_performance(uow, principal, contract_id=contract_id, asked=months)


@router.get("/contracts/{contract_id}/minimum-performance-levels", responses=READ_LEVELS)
async def get_minimum_performance_levels(
    contract_id: str, principal: CurrentPrincipal, uow: UoW
) -> MinimumPerformanceLevelsOut:
    """Every setting of the contract's minimum performance levels, oldest first."""
    return await service.get_levels(uow, principal, contract_id=contract_id)


@router.put("/contracts/{contract_id}/minimum-performance-levels", responses=LEVELS)
async def set_minimum_performance_levels(
    contract_id: str, body: SetMinimumPerformanceLevels, principal: CurrentPrincipal, uow: UoW
) -> MinimumPerformanceLevelsOut:
    """DWP's contract manager sets the levels (basis points: 3650 is 36.50%) of the payment groups named, for the
    referral cohorts from `applies_from` on; the other groups keep theirs, and every setting is kept. The same
    levels from the same month as the latest setting change nothing."""
    return await service.set_levels(uow, principal, contract_id=contract_id, command=body)


@router.get("/contract-package-areas/{area}/performance", responses=IN_AN_AREA)
async def get_area_performance(
    area: Area, principal: CurrentPrincipal, uow: UoW, months: Months
) -> AreaPerformanceOut:
    """The primes of a contract package area side by side (DWP only): each contract's actuals against its latest
    profile, conversion rate and minimum performance standing over the months. Default months: from the earliest
    contract's first to the current one."""
    return await service.area_performance(uow, principal, area=area, asked=months)
