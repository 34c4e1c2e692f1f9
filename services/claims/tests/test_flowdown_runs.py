"""The flow-down follows what a real payment run paid: runs prepared and authorised through the API, with the
outcomes paid as approved claims (a stand-in for the claims area's source of the run's inputs, over the outcomes
real journeys earned); the run's `payment.run_authorised`, published and consumed by claims itself, owes the
end-to-end partner its share of each outcome line of that run, and reads no other run's lines."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from scx_claims.models.entitlements import entitlements
from scx_claims.models.runs import run_lines
from scx_claims.repository import flowdown as repository
from scx_claims.rules.flowdown import OUTCOME_KINDS
from scx_claims.rules.runs import PayableInput
from scx_claims.service import runs
from scx_persistence import UnitOfWork
from scx_testing import eventually
from scx_testing.journeys import Referral

from .builders import Stack, monday, today
from .entitlements_builders import JOB_OUTCOME_PENCE
from .flowdown_builders import owed_rows, share
from .runs_builders import INSTALMENT, authorise, due_months, month_before, prepared, this_month, uow_of

CLAIMS = uuid.UUID("0b7d4c8e-8f61-5a0e-9d3c-6f1a2b3c4d5e")


def claim_of(entitlement_id: str) -> str:
    """The stand-in's claim id for an outcome: not the entitlement's, as a real claim's is not."""
    return str(uuid.uuid5(CLAIMS, entitlement_id))


async def approved_claims(uow: UnitOfWork, _period: str, last_day: date) -> list[PayableInput]:
    """Every outcome payable by the period's end, as if claimed and approved by a validating officer."""
    e = entitlements.c
    rows = (await uow.session.execute(select(entitlements).where(
        e.kind.in_(OUTCOME_KINDS), e.status == "payable", e.payable_from <= last_day,
    ))).mappings()
    return [
        PayableInput(
            source="claim", source_id=claim_of(r["entitlement_id"]), prime_id=r["prime_id"],
            contract_id=r["contract_id"], case_id=r["case_id"], kind=r["kind"], sequence=r["sequence"], month=None,
            payable_from=r["payable_from"], tariff_model=r["tariff_model"], tariff_version=r["tariff_version"],
            amount_pence=r["amount_pence"], approved_by="officer-val",
        )
        for r in rows
    ]


async def pay_claims(uow: UnitOfWork, run_id: str) -> int:
    r, e = run_lines.c, entitlements.c
    claimed = set((await uow.session.execute(
        select(r.source_id).where(r.run_id == run_id, r.source == "claim")
    )).scalars())
    outcomes = (await uow.session.execute(
        select(e.entitlement_id).where(e.kind.in_(OUTCOME_KINDS), e.status == "payable")
    )).scalars()
    paid = [entitlement_id for entitlement_id in outcomes if claim_of(entitlement_id) in claimed]
    if paid:
        await uow.session.execute(update(entitlements).where(e.entitlement_id.in_(paid)).values(status="paid"))
    return len(paid)


def first_monday_of(period: str) -> date:
    first = date(int(period[:4]), int(period[5:]), 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


async def job_outcome_earned(stack: Stack, case: Referral, week: date) -> None:
    """A job started on the case's start and a week of 8 hours: the job outcome, payable the Monday after."""
    job = await stack.cases.job_started(case, week)
    await stack.cases.hours(case, job, week, "8")


async def authorised_and_flowed_down(stack: Stack, period: str) -> dict[str, Any]:
    run = await prepared(stack, period)
    response = await authorise(stack, run)
    assert response.status_code == 200, response.text
    [event] = [e for e in await stack.service.events("payment.run_authorised") if e["data"]["run_id"] == run["run_id"]]

    async def applied() -> bool:
        return event["event_id"] in await stack.service.applied()

    await eventually(applied, message="claims flows down the run it authorised")
    return run


async def test_the_partner_is_owed_its_share_of_the_outcomes_a_real_run_paid_and_no_other_runs(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "SOURCES", (*runs.SOURCES, runs.InputSource("claim", approved_claims, pay_claims)))
    earlier, later = month_before(this_month(), 2), month_before(this_month())
    started = monday(first_monday_of(earlier)) - timedelta(weeks=4)
    await share(stack, 60, from_on=started)
    in_house = await stack.open_case(started_on=started, sync=False)
    theirs = await stack.open_case(started_on=started, partner="partner-whole", sync=False)
    await job_outcome_earned(stack, in_house, first_monday_of(earlier))  # payable in the earlier month
    await job_outcome_earned(stack, theirs, first_monday_of(later))  # payable in the later month
    await stack.synced()

    first = await authorised_and_flowed_down(stack, earlier)  # both contracts' instalments, the in-house outcome
    assert first["gross_pence"] == 2 * len(due_months(stack, earlier)) * INSTALMENT + JOB_OUTCOME_PENCE
    assert await owed_rows(stack) == []  # the prime delivered the journey whose outcome it paid

    second = await authorised_and_flowed_down(stack, later)  # a month's instalments, the partner's outcome
    assert second["gross_pence"] == 2 * INSTALMENT + JOB_OUTCOME_PENCE
    [outcome] = [e for e in (await stack.service.rows())["entitlements"] if e["case_id"] == theirs.referral_id]
    [line] = await owed_rows(stack)
    assert (line["run_id"], line["basis"], line["source_id"], line["case_id"], line["partner_id"]) == (
        second["run_id"], "outcome_share", claim_of(outcome["entitlement_id"]), theirs.referral_id, "partner-whole",
    )
    assert (line["gross_pence"], line["share_percent"], line["amount_pence"], line["dwp_paid_on"]) == (
        JOB_OUTCOME_PENCE, 60, JOB_OUTCOME_PENCE * 60 // 100, today(),
    )
    assert [e["data"]["owed_id"] for e in await stack.service.events("payment.partner_owed")] == [line["owed_id"]]

    # Each run reads its own outcome lines only: the in-house outcome the first run paid, which owed nothing, is
    # not read again by the second.
    async with uow_of(stack) as uow:
        assert [p.case_id for p in await repository.paid_outcomes_to_flow_down(uow, run_id=first["run_id"])] == [
            in_house.referral_id
        ]
        assert await repository.paid_outcomes_to_flow_down(uow, run_id=second["run_id"]) == []

