"""Builders for the runs area's tests: what a run pays, seeded straight into the claims database through the
entitlements area's repository (until the eligibility and claims areas compute and approve them), and the calls
every runs test makes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx

from scx_claims.models.entitlements import Entitlement, Instalment
from scx_claims.repository import entitlements as repository
from scx_persistence import UnitOfWork

from .builders import PAYMENTS, Stack, bearer, today

OTHER_PAYMENTS = bearer("dwp", "dwp", "payments_officer", user="officer-pay-2")
TARIFF = "pathways-30-50-20"


def this_month() -> str:
    return today().strftime("%Y-%m")


def month_before(period: str, months: int = 1) -> str:
    index = int(period[:4]) * 12 + int(period[5:]) - 1 - months
    return f"{index // 12}-{index % 12 + 1:02d}"


def uow_of(stack: Stack) -> UnitOfWork:
    factory = stack.service.app.state.runtime.uow_factory
    return factory()  # type: ignore[no-any-return]


async def add_instalments(stack: Stack, contract_id: str, prime_id: str, months: list[str], amount: int) -> None:
    async with uow_of(stack) as uow:
        for month in months:
            await repository.add_instalment(uow, Instalment(
                contract_id=contract_id, month=month, prime_id=prime_id, amount_pence=amount, tariff_model=TARIFF,
                tariff_version=1, status="due",
            ))
        await uow.commit()


async def add_fee(
    stack: Stack, case_id: str, *, contract_id: str, prime_id: str = "prime-north", amount: int = 40_000,
    payable_from: date | None = None, kind: str = "attachment_fee", status: str = "payable",
) -> str:
    """An entitlement (an attachment fee unless told) on a referral; its id."""
    entitlement_id = f"ent-{case_id}-{kind}"[:36]
    async with uow_of(stack) as uow:
        await repository.add_entitlement(uow, Entitlement(
            entitlement_id=entitlement_id, case_id=case_id, contract_id=contract_id, prime_id=prime_id, kind=kind,
            sequence=1, amount_pence=amount, tariff_model="work-programme-2011", tariff_version=1,
            payable_from=payable_from or today(), evidence_weeks=[], status=status,
            computed_at=datetime.now(UTC),
        ))
        await uow.commit()
    return entitlement_id


async def set_entitlement_status(stack: Stack, entitlement_id: str, status: str) -> None:
    async with uow_of(stack) as uow:
        found = await repository.get_entitlement(uow, entitlement_id)
        assert found is not None
        from dataclasses import replace
        await repository.update_entitlement(uow, replace(found, status=status), columns=("status",))
        await uow.commit()


async def seed_month(stack: Stack) -> dict[str, str]:
    """prime-north: two instalments due (last month and this) and two attachment fees; prime-south: one
    instalment. The contracts' ids."""
    assert stack.chain is not None
    north, south = stack.chain.contract_id, str(stack.chain.other_contract["contract_id"])
    period = this_month()
    await add_instalments(stack, north, "prime-north", [month_before(period), period], 15_000_000)
    await add_instalments(stack, south, "prime-south", [period], 12_500_000)
    await add_fee(stack, "case-a", contract_id=north)
    await add_fee(stack, "case-b", contract_id=north, amount=30_000)
    return {"north": north, "south": south}


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
