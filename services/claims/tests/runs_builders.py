"""Builders for the runs area's tests: what a run pays, as the eligibility area computes it from the registry's and
case tracking's events (the service fee instalments of each contract's award, the attachment fees of journeys
started on a Work Programme contract), and the calls every runs test makes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import httpx

from scx_claims.repository import entitlements as repository
from scx_persistence import UnitOfWork
from scx_testing.journeys import Referral

from .builders import PAYMENTS, PRIME, Stack, bearer, today
from .entitlements_builders import award_work_programme

OTHER_PAYMENTS = bearer("dwp", "dwp", "payments_officer", user="officer-pay-2")
# Both primes' PL Pathways contracts (as the stack's registry awards them): £12.5m, of which 30% is the service fee
# in 24 equal monthly instalments of £156,250, with no remainder pennies to place.
INSTALMENT = 15_625_000
# The Work Programme's attachment fee for payment group 6: £400 in the contract's first year, £300 in its second.
FIRST_YEAR_FEE, SECOND_YEAR_FEE = 40_000, 30_000


def this_month() -> str:
    return today().strftime("%Y-%m")


def month_before(period: str, months: int = 1) -> str:
    index = int(period[:4]) * 12 + int(period[5:]) - 1 - months
    return f"{index // 12}-{index % 12 + 1:02d}"


def due_months(stack: Stack, period: str) -> list[str]:
    """The months of the stack's Pathways contracts (both started a year ago this month) from their start to the
    period: the instalments due by its end."""
    assert stack.chain is not None
    first, months = stack.chain.contract["start_date"][:7], [period]
    while months[0] > first:
        months.insert(0, month_before(months[0]))
    return months


def uow_of(stack: Stack) -> UnitOfWork:
    factory = stack.service.app.state.runtime.uow_factory
    return factory()  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Seeded:
    """The contracts' ids, and the two journeys started on prime-north's Work Programme contract."""

    north: str  # prime-north's Pathways contract: instalments
    south: str  # prime-south's Pathways contract: instalments
    work_programme: str  # prime-north's Work Programme contract: attachment fees
    first_year: Referral  # started a fortnight into the contract: £400, payable since
    this_month: Referral  # started on the first of this month, in the contract's second year: £300


async def start_on(stack: Stack, contract_id: str, started_on: date, *, sync: bool = True) -> Referral:
    """A journey started on prime-north's contract: its attachment fee, if the contract's tariff has one."""
    case = await stack.cases.open(contract_id=contract_id, prime_id="prime-north", referral_date=started_on,
                                  started_on=started_on, payment_group=6)
    if sync:
        await stack.synced()
    return case


async def seed_month(stack: Stack) -> Seeded:
    """prime-north: its Pathways contract's instalments due, and a Work Programme contract with two journeys'
    attachment fees (one payable since last year, one from this month); prime-south: its instalments due."""
    assert stack.chain is not None
    work_programme = await award_work_programme(stack)
    contract_id = str(work_programme["contract_id"])
    started = date.fromisoformat(work_programme["start_date"])
    first_year = await start_on(stack, contract_id, started + timedelta(days=14), sync=False)
    current = await start_on(stack, contract_id, today().replace(day=1), sync=False)
    await stack.synced()
    for case, fee in ((first_year, FIRST_YEAR_FEE), (current, SECOND_YEAR_FEE)):
        assert [(e["kind"], e["amount_pence"], e["status"]) for e in await entitlements_of(stack, case)] == [
            ("attachment_fee", fee, "payable")
        ]
    return Seeded(north=stack.chain.contract_id, south=str(stack.chain.other_contract["contract_id"]),
                  work_programme=contract_id, first_year=first_year, this_month=current)


async def entitlements_of(stack: Stack, case: Referral) -> list[dict[str, Any]]:
    response = await stack.client.get(f"/journeys/{case.referral_id}/entitlements", headers=PRIME)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def set_entitlement_status(stack: Stack, entitlement_id: str, status: str) -> None:
    """Change an entitlement's status as a correction would (no journey event withdraws an attachment fee)."""
    async with uow_of(stack) as uow:
        found = await repository.get_entitlement(uow, entitlement_id)
        assert found is not None
        await repository.update_entitlement(uow, replace(found, status=status), columns=("status",))
        await uow.commit()


async def prepare(stack: Stack, period: str | None = None, token: dict[str, str] = PAYMENTS) -> httpx.Response:
    return await stack.client.post("/payment-runs", json={"period": period or this_month()}, headers=token)


async def prepared(stack: Stack, period: str | None = None) -> dict[str, Any]:
    response = await prepare(stack, period)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def authorise(stack: Stack, run: dict[str, Any], token: dict[str, str] = OTHER_PAYMENTS) -> httpx.Response:
    return await stack.client.post(f"/payment-runs/{run['run_id']}/authorisation",
                                   json={"inputs_digest": run["inputs_digest"]}, headers=token)


async def abandon(stack: Stack, run: dict[str, Any], token: dict[str, str] = PAYMENTS) -> httpx.Response:
    return await stack.client.post(f"/payment-runs/{run['run_id']}/abandonment",
                                   json={"reason": "a recovery was raised in error"}, headers=token)


async def statement(stack: Stack, run_id: str, prime_id: str, token: dict[str, str] = PAYMENTS,
                    *, csv: bool = False) -> httpx.Response:
    headers = {**token, **({"Accept": "text/csv"} if csv else {})}
    return await stack.client.get(f"/payment-runs/{run_id}/statements/{prime_id}", headers=headers)


def recovery_body(contract_id: str, amount: int, **more: Any) -> dict[str, Any]:
    return {"prime_id": "prime-north", "contract_id": contract_id, "amount_pence": amount,
            "reason": "overpaid_outcome", "explanation": "the job outcome's hours were revised below 8", **more}
