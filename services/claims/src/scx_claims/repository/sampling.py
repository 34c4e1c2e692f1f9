"""Statements of validation samples (the recoveries they raise are the runs area's ledger)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import exists, select

from scx_claims.models.claims import (
    Claim,
    Sample,
    SampleClaim,
    claims,
    sample_claims,
    samples,
)
from scx_claims.models.entitlements import entitlements
from scx_claims.models.runs import recoveries
from scx_persistence import UnitOfWork
from scx_persistence.records import (
    fetch_all,
    fetch_one,
    insert_if_new,
    insert_records,
    scalar,
    select_by,
    update_record,
)

SAMPLE_CONCLUSION = ("status", "checked", "failed", "extrapolated_recovery_pence", "concluded_by", "concluded_at")
SAMPLE_CHECK = ("passed", "reason", "note", "checked_by", "checked_at")


async def add_sample(uow: UnitOfWork, sample: Sample) -> bool:
    """False when the stage already has a sample of this contract, month and outcome kind."""
    return await insert_if_new(uow, samples, sample)


async def get_sample(uow: UnitOfWork, sample_id: str, *, for_update: bool = False) -> Sample | None:
    query = select_by(samples, "sample_id", for_update=for_update)
    return await fetch_one(uow, Sample, query, {"sample_id": sample_id})


async def update_sample(uow: UnitOfWork, sample: Sample) -> None:
    await update_record(uow, samples, sample, columns=SAMPLE_CONCLUSION)


async def list_samples(
    uow: UnitOfWork, *, stage: str | None, contract_id: str | None, period: str | None, after: str | None, limit: int
) -> list[Sample]:
    s = samples.c
    query = select(samples).order_by(s.sample_id).limit(limit)
    for column, value in ((s.stage, stage), (s.contract_id, contract_id), (s.period, period)):
        if value is not None:
            query = query.where(column == value)
    if after is not None:
        query = query.where(s.sample_id > after)
    return await fetch_all(uow, Sample, query)


async def population(
    uow: UnitOfWork, *, stage: str, contract_id: str, kind: str, first: date, last: date
) -> list[Claim]:
    """Similar claims (one contract, so one prime; one outcome kind; submitted from `first` to `last`): before
    payment those awaiting a decision; after payment those a run paid (the claim and its entitlement) and not
    recovered."""
    c = claims.c
    query = select(claims).where(
        c.contract_id == contract_id, c.kind == kind, c.submitted_on >= first, c.submitted_on <= last,
    ).order_by(c.claim_id)
    if stage == "pre_payment":
        query = query.where(c.status == "submitted")
    else:
        e = entitlements.c
        query = query.join(entitlements, e.entitlement_id == c.entitlement_id).where(
            c.status == "paid", e.status == "paid",
            ~exists().where(recoveries.c.claim_id == c.claim_id),
        )
    return await fetch_all(uow, Claim, query)


async def add_sample_claims(uow: UnitOfWork, rows: Sequence[SampleClaim]) -> None:
    await insert_records(uow, sample_claims, rows)


async def sample_claims_of(uow: UnitOfWork, sample_id: str) -> list[SampleClaim]:
    s = sample_claims.c
    query = select(sample_claims).where(s.sample_id == sample_id).order_by(s.claim_id)
    return await fetch_all(uow, SampleClaim, query)


async def get_sample_claim(
    uow: UnitOfWork, sample_id: str, claim_id: str, *, for_update: bool = False
) -> SampleClaim | None:
    query = select_by(sample_claims, "sample_id", "claim_id", for_update=for_update)
    return await fetch_one(uow, SampleClaim, query, {"sample_id": sample_id, "claim_id": claim_id})


async def update_sample_claim(uow: UnitOfWork, row: SampleClaim) -> None:
    await update_record(uow, sample_claims, row, columns=SAMPLE_CHECK)


async def awaits_pre_payment_check(uow: UnitOfWork, claim_id: str) -> str | None:
    """The open pre-payment sample that drew this claim and has not checked it yet, if any."""
    s, m = samples.c, sample_claims.c
    query = select(s.sample_id).join(sample_claims, m.sample_id == s.sample_id).where(
        m.claim_id == claim_id, m.drawn_rank.is_not(None), m.passed.is_(None), s.stage == "pre_payment",
        s.status == "open",
    ).limit(1)
    found = await scalar(uow, query)
    return None if found is None else str(found)
