"""Builders for the sampling tests: a population of submitted (or approved and paid) job outcome claims this month,
and the request that draws a sample of them."""

from __future__ import annotations

from typing import Any

from .builders import VALIDATOR, Stack, today
from .claims_builders import approve, paid_by_run, submitted_claim


def this_month() -> str:
    return today().strftime("%Y-%m")


def next_month() -> str:
    day = today()
    return f"{day.year + day.month // 12}-{day.month % 12 + 1:02d}"


def sample_body(stack: Stack, **overrides: Any) -> dict[str, Any]:
    assert stack.chain is not None
    return {
        "stage": "pre_payment", "prime_id": "prime-north", "contract_id": stack.chain.contract_id,
        "period": this_month(), "kind": "job_outcome", "rate_basis_points": 5_000, **overrides,
    }


async def claims_submitted(stack: Stack, count: int) -> list[dict[str, Any]]:
    return [await submitted_claim(stack) for _ in range(count)]


async def claims_paid(stack: Stack, count: int) -> list[dict[str, Any]]:
    """Approved claims that this month's payment run (prepared and authorised by two payments officers) paid."""
    claims = await claims_submitted(stack, count)
    for claim in claims:
        assert (await approve(stack, claim["claim_id"])).status_code == 200
    await paid_by_run(stack)
    return claims


async def check(stack: Stack, sample_id: str, claim_id: str, passed: bool, reason: str | None = None,
                headers: dict[str, str] | None = None) -> Any:
    body: dict[str, Any] = {"claim_id": claim_id, "passed": passed}
    if reason is not None:
        body["reason"] = reason
    return await stack.client.post(f"/samples/{sample_id}/checks", json=body, headers=headers or VALIDATOR)
