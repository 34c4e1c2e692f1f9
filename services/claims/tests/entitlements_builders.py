"""Builders for the entitlements area's tests: the shipped tariffs, journeys as weeks of hours for the pure rules,
and a Work Programme contract for the API tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import uuid_utils

from scx_claims.rules import entitlements as rules
from scx_claims.rules.tariffs import TariffVersion
from scx_claims.tariffs import shipped
from scx_contracts.subcontracts import ContractAwarded

from .builders import Stack, monday, today

PATHWAYS = "pathways-30-50-20"
WORK_PROGRAMME = "work-programme-2011"
START = date(2027, 4, 5)  # a Monday: the case's start in the pure tests
CONTRACT_START = date(2027, 4, 1)


def versions(model: str) -> list[TariffVersion]:
    return [v for v in shipped() if v.model == model]


# prime-north's contract as the stack's registry awards it: £12.5m, 24 months of 20 job outcomes and 8 sustained
PATHWAYS_TERMS = rules.ContractTerms(
    start_date=CONTRACT_START, value_pence=12_500_000_00, profiled_job_outcomes=480,
    profiled_sustained_job_outcomes=192,
)
JOB_OUTCOME_PENCE = 12_500_000_00 * 5000 // (10_000 * 480)  # £13,020.83, rounded down
SUSTAINED_PENCE = 12_500_000_00 * 2000 // (10_000 * 192)  # £13,020.83, rounded down
WP_TERMS = rules.ContractTerms(
    start_date=CONTRACT_START, value_pence=None, profiled_job_outcomes=0, profiled_sustained_job_outcomes=0
)


def weeks(hours: list[str | float | int], *, first: date = START) -> list[rules.Week]:
    """Consecutive weeks from `first`, one per entry (hours, e.g. "7.99"); None or 0 is a week not worked."""
    return [
        rules.Week(first + timedelta(weeks=n), round(float(h) * 100))
        for n, h in enumerate(hours) if h not in (None, 0, "0")
    ]


def assess(model: str, worked: list[rules.Week], *, group: int = 6, started_on: date = START,
           tariffs: list[TariffVersion] | None = None) -> dict[tuple[str, int], rules.Payable]:
    terms = PATHWAYS_TERMS if model == PATHWAYS else WP_TERMS
    found = rules.assess(started_on=started_on, payment_group=group, weeks=worked, terms=terms,
                         versions=tariffs if tariffs is not None else versions(model))
    return {(p.kind, p.sequence): p for p in found}


async def award_work_programme(
    stack: Stack, contract_id: str | None = None, *, prime_id: str = "prime-north"
) -> dict[str, Any]:
    """prime-north's second contract (or `prime_id`'s), under the Work Programme, started a year ago today's
    month."""
    start = date(today().year - 1, today().month, 1)
    data = ContractAwarded(
        contract_id=contract_id or str(uuid_utils.uuid7()), prime_id=prime_id,
        contract_package_area="West Yorkshire",
        start_date=start, end_date=date(start.year + 5, start.month, 1) - timedelta(days=1),
        value_pence=30_000_000_00, payment_model=WORK_PROGRAMME,
    )
    await stack.registry.publish(data)
    await stack.synced()
    return data.model_dump(mode="json")


def mondays_ago(n: int) -> date:
    """The Monday n weeks before this week's."""
    return monday(today()) - timedelta(weeks=n)
