"""What journeys make payable, through real events (case tracking's and the registry's) to the API, on SQLite and
PostgreSQL: PL Pathways' job and sustained job outcomes and service fee, the Work Programme's attachment fee and job
outcome, corrections withdrawing what is not yet claimed, and who may read it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from .builders import (
    AUDITOR,
    CONTRACT_MANAGER,
    JCP,
    OTHER_PRIME,
    PRIME,
    SKILLS,
    VALIDATOR,
    WHOLE,
    Stack,
    problem,
)
from .entitlements_builders import JOB_OUTCOME_PENCE, SUSTAINED_PENCE, award_work_programme, mondays_ago

W = timedelta(weeks=1)


async def entitlements_of(stack: Stack, case_id: str, headers: dict[str, str] = PRIME) -> list[dict[str, Any]]:
    response = await stack.client.get(f"/journeys/{case_id}/entitlements", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def by_kind(items: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(e["kind"], e["sequence"]): e for e in items}


async def test_entering_work_of_8_hours_makes_the_job_outcome_payable_and_7_99_does_not(stack: Stack) -> None:
    first = mondays_ago(10)
    case = await stack.open_case(started_on=first, sync=False)
    job = await stack.cases.job_started(case, first)
    await stack.cases.weeks(case, job, first, ["7.99", "7.99"])
    await stack.synced()
    assert await entitlements_of(stack, case.referral_id) == []

    await stack.cases.hours(case, job, first + 2 * W, "8")
    await stack.synced()
    (job_outcome,) = await entitlements_of(stack, case.referral_id)
    assert job_outcome["kind"] == "job_outcome" and job_outcome["amount_pence"] == JOB_OUTCOME_PENCE
    assert job_outcome["payable_from"] == (first + 3 * W).isoformat()
    assert job_outcome["evidence_weeks"] == [(first + 2 * W).isoformat()]
    assert (job_outcome["tariff_model"], job_outcome["tariff_version"], job_outcome["status"]) == (
        "pathways-30-50-20", 1, "payable",
    )


async def test_a_correction_below_8_hours_withdraws_the_unclaimed_job_outcome(stack: Stack) -> None:
    first = mondays_ago(6)
    case = await stack.open_case(started_on=first, sync=False)
    job = await stack.cases.job_started(case, first)
    await stack.cases.hours(case, job, first, "8")
    await stack.synced()
    (before,) = await entitlements_of(stack, case.referral_id)
    await stack.cases.hours(case, job, first, "7.5", revision=2)
    await stack.synced()
    (after,) = await entitlements_of(stack, case.referral_id)
    assert after["entitlement_id"] == before["entitlement_id"] and after["status"] == "withdrawn"
    await stack.cases.hours(case, job, first, "8.5", revision=3)  # corrected back: payable again
    await stack.synced()
    (again,) = await entitlements_of(stack, case.referral_id)
    assert again["status"] == "payable" and again["amount_pence"] == JOB_OUTCOME_PENCE


async def test_13_weeks_of_16_hours_over_two_jobs_and_corrections_make_a_sustained_job_outcome(stack: Stack) -> None:
    first = mondays_ago(30)
    case = await stack.open_case(started_on=first, sync=False)
    morning, evening = await stack.cases.job_started(case, first), await stack.cases.job_started(case, first)
    await stack.cases.weeks(case, morning, first, ["10"] * 13)
    await stack.cases.weeks(case, evening, first, ["5.99"] * 12 + ["6"])  # 12 weeks of 15.99, then one of 16
    await stack.synced()
    found = by_kind(await entitlements_of(stack, case.referral_id))
    assert set(found) == {("job_outcome", 1)}
    for n in range(12):  # corrections: each of the first 12 weeks was 16 hours after all
        await stack.cases.hours(case, evening, first + n * W, "6", revision=2)
    await stack.synced()
    sustained = by_kind(await entitlements_of(stack, case.referral_id))[("sustained_job_outcome", 1)]
    assert sustained["amount_pence"] == SUSTAINED_PENCE and len(sustained["evidence_weeks"]) == 13
    assert sustained["payable_from"] == (first + 13 * W).isoformat()


async def test_reassessing_after_an_event_that_changes_nothing_rewrites_nothing(stack: Stack) -> None:
    first = mondays_ago(5)
    case = await stack.open_case(started_on=first, sync=False)
    job = await stack.cases.job_started(case, first)
    await stack.cases.hours(case, job, first, "20")
    await stack.synced()
    before = await entitlements_of(stack, case.referral_id)
    await stack.cases.hours(case, job, first + W, "20")
    await stack.cases.job_ended(case, job, first + 2 * W)
    await stack.synced()
    assert await entitlements_of(stack, case.referral_id) == before


async def test_the_service_fee_is_30_percent_of_the_value_in_24_instalments(stack: Stack) -> None:
    assert stack.chain is not None
    response = await stack.client.get(f"/contracts/{stack.chain.contract_id}/instalments?limit=500", headers=PRIME)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert len(items) == 24 and sum(i["amount_pence"] for i in items) == 12_500_000_00 * 30 // 100
    assert items[0]["month"] == stack.chain.contract["start_date"][:7]
    assert {(i["tariff_model"], i["tariff_version"], i["status"]) for i in items} == {("pathways-30-50-20", 1, "due")}
    paged = await stack.client.get(f"/contracts/{stack.chain.contract_id}/instalments?limit=10", headers=VALIDATOR)
    second = await stack.client.get(
        f"/contracts/{stack.chain.contract_id}/instalments?limit=10&cursor={paged.json()['next_cursor']}",
        headers=VALIDATOR,
    )
    assert [i["month"] for i in second.json()["items"]] == [i["month"] for i in items[10:20]]


async def test_the_work_programme_pays_the_attachment_fee_and_the_job_outcome_after_13_weeks(stack: Stack) -> None:
    contract = await award_work_programme(stack)
    started = date.fromisoformat(contract["start_date"]) + timedelta(days=14)  # contract year 1
    case = await stack.cases.open(contract_id=contract["contract_id"], prime_id="prime-north",
                                  referral_date=started, started_on=started, payment_group=3)
    job = await stack.cases.job_started(case, started)
    first = started - timedelta(days=started.weekday())
    await stack.cases.weeks(case, job, first, ["0.5"] * 12)
    await stack.synced()
    found = by_kind(await entitlements_of(stack, case.referral_id))
    assert set(found) == {("attachment_fee", 1)}
    assert found[("attachment_fee", 1)]["amount_pence"] == 40_000
    assert found[("attachment_fee", 1)]["payable_from"] == started.isoformat()
    await stack.cases.hours(case, job, first + 12 * W, "37.5")
    await stack.synced()
    job_outcome = by_kind(await entitlements_of(stack, case.referral_id))[("job_outcome", 1)]
    assert job_outcome["amount_pence"] == 120_000 and len(job_outcome["evidence_weeks"]) == 13
    response = await stack.client.get(f"/contracts/{contract['contract_id']}/instalments", headers=PRIME)
    assert response.json()["items"] == []  # the Work Programme has no service fee


async def test_a_journey_that_arrived_before_its_contracts_award_is_assessed_when_the_award_arrives(
    stack: Stack,
) -> None:
    contract_id = "contract-awarded-late"
    started = date(date.today().year - 1, date.today().month, 1) + timedelta(days=3)
    case = await stack.cases.open(contract_id=contract_id, prime_id="prime-north", referral_date=started,
                                  started_on=started, payment_group=5)
    job = await stack.cases.job_started(case, started)
    await stack.cases.weeks(case, job, started - timedelta(days=started.weekday()), ["16"] * 13)
    await stack.synced()
    assert await entitlements_of(stack, case.referral_id) == []  # no contract known: nothing to price it by
    await award_work_programme(stack, contract_id)
    found = by_kind(await entitlements_of(stack, case.referral_id))
    assert {k: e["amount_pence"] for k, e in found.items()} == {("attachment_fee", 1): 40_000,
                                                                 ("job_outcome", 1): 100_000}


@pytest.mark.parametrize("reader", ["prime", "validator", "contract manager", "auditor"])
async def test_the_prime_and_dwp_read_a_journeys_entitlements(stack: Stack, reader: str) -> None:
    headers = {"prime": PRIME, "validator": VALIDATOR, "contract manager": CONTRACT_MANAGER, "auditor": AUDITOR}
    case = await stack.open_case(started_on=mondays_ago(2), partner="partner-whole")
    assert await entitlements_of(stack, case.referral_id, headers[reader]) == []


@pytest.mark.parametrize("stranger", ["another prime", "the delivering partner", "a specialist partner", "JCP"])
async def test_anyone_else_finds_no_journey_and_no_contract(stack: Stack, stranger: str) -> None:
    headers = {"another prime": OTHER_PRIME, "the delivering partner": WHOLE, "a specialist partner": SKILLS,
               "JCP": JCP}[stranger]
    first = mondays_ago(3)
    case = await stack.open_case(started_on=first, partner="partner-whole", sync=False)
    job = await stack.cases.job_started(case, first, by="partner-whole")
    await stack.cases.hours(case, job, first, "30")
    await stack.synced()
    assert len(await entitlements_of(stack, case.referral_id)) == 1
    hidden = await stack.client.get(f"/journeys/{case.referral_id}/entitlements", headers=headers)
    missing = await stack.client.get("/journeys/no-such-case/entitlements", headers=headers)
    assert problem(hidden, 404)["detail"] == problem(missing, 404)["detail"].replace("no-such-case", case.referral_id)
    assert stack.chain is not None
    problem(await stack.client.get(f"/contracts/{stack.chain.contract_id}/instalments", headers=headers), 404)
    assert str(JOB_OUTCOME_PENCE) not in hidden.text
