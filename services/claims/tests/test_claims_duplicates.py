"""A retried, resubmitted or concurrent duplicate claim never makes a second claim or payment: the
Idempotency-Key answers a retry with the first answer, and one live claim per entitlement holds underneath (the
entitlement read FOR UPDATE, and a unique index on live claims). Run on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

from scx_claims.models.claims import Claim
from scx_claims.repository import claims as repository

from .builders import Stack, problem, slug
from .claims_builders import new_journey, outcome_of, post_claim, record_evidence, reject

ATTEMPTS = 6


async def _ready(stack: Stack) -> tuple[str, str]:
    journey = await new_journey(stack)
    return await outcome_of(stack, journey), await record_evidence(stack, journey)


async def _one_claim_and_one_event(stack: Stack) -> None:
    assert (await stack.service.counts())["claims"] == 1
    assert len(await stack.service.events("claim.submitted")) == 1


async def test_concurrent_claims_without_a_key_make_one_claim(stack: Stack) -> None:
    entitlement_id, evidence_id = await _ready(stack)
    answers = await asyncio.gather(*(post_claim(stack, entitlement_id, [evidence_id]) for _ in range(ATTEMPTS)))
    assert sorted(a.status_code for a in answers) == [201] + [409] * (ATTEMPTS - 1), [a.text for a in answers]
    for refused in (a for a in answers if a.status_code == 409):
        assert slug(problem(refused, 409)) == "entitlement-claimed"
    await _one_claim_and_one_event(stack)


async def test_concurrent_claims_with_one_key_are_answered_as_one(stack: Stack) -> None:
    entitlement_id, evidence_id = await _ready(stack)
    answers = await asyncio.gather(*(
        post_claim(stack, entitlement_id, [evidence_id], key="claim-key-1") for _ in range(ATTEMPTS)))
    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    assert len({a.json()["claim_id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replay") == "true" for a in answers) == ATTEMPTS - 1
    await _one_claim_and_one_event(stack)


async def test_concurrent_claims_with_different_keys_make_one_claim(stack: Stack) -> None:
    entitlement_id, evidence_id = await _ready(stack)
    answers = await asyncio.gather(*(
        post_claim(stack, entitlement_id, [evidence_id], key=f"claim-key-{n}") for n in range(ATTEMPTS)))
    assert sorted(a.status_code for a in answers) == [201] + [409] * (ATTEMPTS - 1)
    await _one_claim_and_one_event(stack)


async def test_a_retry_is_replayed_and_a_resubmission_refused(stack: Stack) -> None:
    entitlement_id, evidence_id = await _ready(stack)
    first = await post_claim(stack, entitlement_id, [evidence_id], key="retry-me")
    retried = await post_claim(stack, entitlement_id, [evidence_id], key="retry-me")
    assert first.status_code == retried.status_code == 201
    assert retried.json() == first.json() and retried.headers["Idempotent-Replay"] == "true"
    async with stack.service.writes_nothing():
        resubmitted = await post_claim(stack, entitlement_id, [evidence_id], key="a-new-key")
        without_key = await post_claim(stack, entitlement_id, [evidence_id])
        key_reused = await post_claim(stack, entitlement_id, [evidence_id, "other"], key="retry-me")
    assert slug(problem(resubmitted, 409)) == slug(problem(without_key, 409)) == "entitlement-claimed"
    problem(key_reused, 422, field="header.Idempotency-Key")
    await _one_claim_and_one_event(stack)


async def test_the_unique_index_holds_one_live_claim_per_entitlement(stack: Stack) -> None:
    """Underneath every check: a second live claim of the entitlement is not inserted, a rejected one does not
    count."""
    entitlement_id, evidence_id = await _ready(stack)
    claim = (await post_claim(stack, entitlement_id, [evidence_id])).json()
    duplicate = Claim(
        claim_id="duplicate-claim", entitlement_id=entitlement_id, case_id=claim["case_id"],
        contract_id=claim["contract_id"], prime_id="prime-north", kind="job_outcome", sequence=1,
        amount_pence=claim["amount_pence"], tariff_model="pathways-30-50-20", tariff_version=1,
        payable_from=datetime.fromisoformat(claim["payable_from"]).date(), evidence_ids=[evidence_id],
        status="submitted", submitted_on=datetime.now(UTC).date(), submitted_by="someone",
        submitted_at=datetime.now(UTC),
    )
    factory = stack.service.app.state.runtime.uow_factory
    async with factory() as uow:
        assert not await repository.add_claim(uow, duplicate)
    assert (await reject(stack, claim["claim_id"], "evidence_insufficient")).status_code == 200
    async with factory() as uow:
        assert await repository.add_claim(uow, replace(duplicate, claim_id="corrected-claim"))
        assert not await repository.add_claim(uow, replace(duplicate, claim_id="third-claim", status="approved"))
        await uow.rollback()
