"""The flow-down follows what a real payment run paid: runs prepared and authorised through the API, paying the
outcomes real journeys earned, claimed by the prime and approved by a validating officer; the run's
`payment.run_authorised`, published and consumed by claims itself, owes the end-to-end partner its share of each
outcome line of that run, and reads no other run's lines."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from scx_claims.repository import flowdown as repository
from scx_testing import eventually
from scx_testing.journeys import Referral

from .builders import Stack, monday, today
from .claims_builders import Journey, approve, submitted_claim
from .entitlements_builders import JOB_OUTCOME_PENCE
from .flowdown_builders import owed_rows, share
from .runs_builders import INSTALMENT, authorise, due_months, month_before, prepared, this_month, uow_of


async def claimed_and_approved(stack: Stack, journey: Journey) -> dict[str, Any]:
    """The prime claims the journey's job outcome with a payslip; a validating officer approves it."""
    claim = await submitted_claim(stack, journey)
    assert (await approve(stack, claim["claim_id"])).status_code == 200
    return claim


def first_monday_of(period: str) -> date:
    first = date(int(period[:4]), int(period[5:]), 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


async def job_outcome_earned(stack: Stack, case: Referral, started: date, week: date) -> Journey:
    """A job started that week and a week of 8 hours: the job outcome, payable the Monday after."""
    job = await stack.cases.job_started(case, week)
    await stack.cases.hours(case, job, week, "8")
    return Journey(case, job, started, week)


async def authorised_and_flowed_down(stack: Stack, period: str) -> dict[str, Any]:
    run = await prepared(stack, period)
    response = await authorise(stack, run)
    assert response.status_code == 200, response.text
    [event] = [e for e in await stack.service.events("payment.run_authorised") if e["data"]["run_id"] == run["run_id"]]

    async def applied() -> bool:
        return event["event_id"] in await stack.service.applied()

    await eventually(applied, message="claims flows down the run it authorised")
    return run


async def test_the_partner_is_owed_its_share_of_the_outcomes_a_real_run_paid_and_no_other_runs(stack: Stack) -> None:
    earlier, later = month_before(this_month(), 2), month_before(this_month())
    started = monday(first_monday_of(earlier)) - timedelta(weeks=4)
    await share(stack, 60, from_on=started)
    in_house = await stack.open_case(started_on=started, sync=False)
    theirs = await stack.open_case(started_on=started, partner="partner-whole", sync=False)
    own = await job_outcome_earned(stack, in_house, started, first_monday_of(earlier))  # payable in the earlier month
    partners = await job_outcome_earned(stack, theirs, started, first_monday_of(later))  # payable in the later month
    await stack.synced()
    await claimed_and_approved(stack, own)
    partners_claim = await claimed_and_approved(stack, partners)

    first = await authorised_and_flowed_down(stack, earlier)  # both contracts' instalments, the in-house outcome
    assert first["gross_pence"] == 2 * len(due_months(stack, earlier)) * INSTALMENT + JOB_OUTCOME_PENCE
    assert await owed_rows(stack) == []  # the prime delivered the journey whose outcome it paid

    second = await authorised_and_flowed_down(stack, later)  # a month's instalments, the partner's outcome
    assert second["gross_pence"] == 2 * INSTALMENT + JOB_OUTCOME_PENCE
    [line] = await owed_rows(stack)
    assert (line["run_id"], line["basis"], line["source_id"], line["case_id"], line["partner_id"]) == (
        second["run_id"], "outcome_share", partners_claim["claim_id"], theirs.referral_id, "partner-whole",
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

