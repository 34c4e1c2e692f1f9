"""The quarterly Provider Performance Review pack (ADR 0023): the contract's reports for the quarter's three months,
read in one go: its profiles, its monthly tallies, its start and referral cohorts and its levels, a statement each."""

from __future__ import annotations

from scx_persistence import UnitOfWork
from scx_servicekit import Principal
from scx_subcontracts.problems import performance as problems
from scx_subcontracts.rules import performance as rules
from scx_subcontracts.rules import review
from scx_subcontracts.schemas.performance import MinimumPerformanceOut, PerformanceReviewOut
from scx_subcontracts.service import performance


async def performance_review(
    uow: UnitOfWork, principal: Principal, *, contract_id: str, quarter: str
) -> PerformanceReviewOut:
    """A quarter with at least one of the contract's months; its months outside the contract are shown, with
    nothing counted and no target."""
    contract = await performance.readable_contract(uow, principal, contract_id)
    months = review.quarter_months(quarter)
    first, last = rules.contract_months(contract)
    if months[-1] < first or months[0] > last:
        raise problems.quarter_outside_contract(quarter, first=first, last=last)
    as_of = performance.today()
    closing = review.closing_months(months)
    starts = (await performance.start_cohorts(uow, [contract_id], months[0], months[-1]))[contract_id]
    referred = (await performance.referral_cohorts(uow, [contract_id], closing[0], months[-1]))[contract_id]
    settings = (await performance.level_settings(uow, [contract_id])).get(contract_id, [])

    def minimum_performance(cohort_months: list[str]) -> MinimumPerformanceOut:
        return rules.minimum_performance(
            contract_id, cohort_months[0], cohort_months[-1], months=cohort_months, counts=referred,
            settings=settings, as_of=as_of,
        )

    return PerformanceReviewOut(
        contract_id=contract_id, prime_id=contract.prime_id, contract_package_area=contract.contract_package_area,
        quarter=quarter, months=months, as_of=as_of,
        performance=await performance.performance_of(uow, contract, months[0], months[-1], as_of),
        conversion=rules.conversion(contract_id, months[0], months[-1], counts=starts, as_of=as_of),
        minimum_performance=minimum_performance(months),
        minimum_performance_closing=minimum_performance(closing),
    )
