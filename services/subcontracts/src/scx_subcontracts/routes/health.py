"""A contract's supply-chain health: its end-to-end partners' shares of referrals and outcomes against their
promised shares, month by month, and how promptly the prime pays each partner."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from scx_servicekit.app import UoW
from scx_servicekit.auth import CurrentPrincipal
from scx_servicekit.openapi import problems
from scx_servicekit.routing import service_router
from scx_servicekit.strict import Month
from scx_subcontracts.rules import flows as flow_rules
from scx_subcontracts.rules import health as rules
from scx_subcontracts.schemas.health import (
    ContractHealthOut,
    PartnerShareOut,
    PaymentTimelinessOut,
    ShareMonthOut,
    StarvationRuleOut,
)
from scx_subcontracts.service import flows
from scx_subcontracts.service import health as service
from scx_subcontracts.service.health import PaymentLine, ShareLine

HEALTH = problems({
    404: "no such contract that the caller can see",
    422: "a parameter is wrong: a month, or the range they make (each named in errors)",
})

router = service_router(tags=["supply-chain health"])


@router.get("/contracts/{contract_id}/supply-chain-health", responses=HEALTH)
async def contract_health(
    contract_id: str, principal: CurrentPrincipal, uow: UoW,
    from_month: Annotated[Month, Query(description="the first month, YYYY-MM")],
    to_month: Annotated[Month, Query(description="the last month, YYYY-MM (at most 60 months on)")],
) -> ContractHealthOut:
    """Each end-to-end partner's share of the prime's referrals and job outcomes against the share of targets it
    was promised, month by month, and whether it is starved of referrals; and, for each partner paid by outcome or
    service, what the prime owed and paid it, how long it took, and what is overdue now. The prime and DWP's
    contract managers and auditors see the whole contract; a partner its own lines; JCP, and DWP's other roles,
    nothing (403)."""
    months = flows.months_asked(from_month, to_month)
    found = await service.contract_health(uow, principal, contract_id=contract_id, months=months)
    return ContractHealthOut(
        contract_id=found.contract.contract_id, prime_id=found.contract.prime_id, from_month=months.first,
        to_month=months.last, as_of=flows.today(),
        starvation_rule=StarvationRuleOut(
            shortfall_points=rules.STARVATION_POINTS, consecutive_months=rules.STARVATION_MONTHS,
        ),
        shares=[share_out(line) for line in found.shares],
        payments=[payment_out(line) for line in found.payments],
    )


def share_out(line: ShareLine) -> PartnerShareOut:
    return PartnerShareOut(
        subcontract_id=line.subcontract_id, partner_id=line.partner_id, starved=line.starved,
        months=[ShareMonthOut.model_validate(m, from_attributes=True) for m in line.months],
    )


def payment_out(line: PaymentLine) -> PaymentTimelinessOut:
    s = line.sums
    return PaymentTimelinessOut(
        partner_id=line.partner_id,
        owed_lines=s["owed_lines"], owed_pence=s["owed_pence"], paid_lines=s["paid_lines"],
        paid_pence=s["paid_pence"], paid_on_time=s["paid_lines"] - s["paid_late_lines"],
        paid_late=s["paid_late_lines"], outstanding_lines=s["outstanding_lines"],
        outstanding_pence=s["outstanding_pence"], overdue_lines=s["overdue_lines"], overdue_pence=s["overdue_pence"],
        days_to_pay_p50=flow_rules.percentile(line.days_to_pay, 50),
        days_to_pay_p90=flow_rules.percentile(line.days_to_pay, 90),
    )
