"""Job starts and ends: the dates at their boundaries, the employer as a code, several jobs, ending once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .builders import PRIME, Stack, assert_valid_events, days_ago, problem, slug, today
from .employment_builders import (
    CASE_STARTED_DAYS_AGO,
    end_job,
    job,
    job_body,
    job_start_day,
    jobs_path,
    monday_weeks_ago,
    open_case,
    put_week,
    start_job,
)


async def test_a_job_start_is_recorded_with_its_event_and_timeline_entry(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral, expected_hours_per_week=16.25, employment_type="self_employed")
    assert started["started_on"] == job_start_day().isoformat()
    assert started["expected_hours_per_week"] == 16.25 and started["employment_type"] == "self_employed"
    assert started["employer_ref"] == "EMP-004217" and started["ended_on"] is None
    assert started["recorded_by"] == "prime-north"
    assert started["weeks"] == {
        "reported": 0, "at_least_8_hours": 0, "at_least_16_hours": 0, "first_week_commencing": None,
        "last_week_commencing": None,
    }
    [event] = await stack.service.events("employment.job_started")
    assert event["journey_id"] == referral.referral_id and event["claimant_ref"] == referral.claimant_ref
    assert event["data"] == {
        "case_id": referral.referral_id, "job_id": started["job_id"], "started_on": job_start_day().isoformat(),
        "employment_type": "self_employed", "expected_hours_per_week": "16.25", "employer_ref": "EMP-004217",
        "delivering_organisation_id": "prime-north",
    }
    timeline = (await stack.client.get(f"/cases/{referral.referral_id}/timeline", headers=PRIME)).json()["items"]
    assert [e["type"] for e in timeline][-1] == "employment.job_started"
    assert timeline[-1]["occurred_on"] == job_start_day().isoformat()
    assert_valid_events(await stack.service.events())


async def test_the_start_date_is_from_the_case_start_to_today(stack: Stack) -> None:
    referral = await open_case(stack)
    case_start = days_ago(CASE_STARTED_DAYS_AGO)
    async with stack.service.writes_nothing():
        before = await stack.client.post(
            jobs_path(referral), json=job_body(started_on=(case_start - timedelta(days=1)).isoformat()), headers=PRIME
        )
        tomorrow = await stack.client.post(
            jobs_path(referral), json=job_body(started_on=(today() + timedelta(days=1)).isoformat()), headers=PRIME
        )
    early = problem(before, 422, field="body.started_on")
    assert slug(early) == "date-too-early" and case_start.isoformat() in early["detail"]
    assert slug(problem(tomorrow, 422, field="body.started_on")) == "date-in-future"
    await start_job(stack, referral, started_on=case_start.isoformat())
    await start_job(stack, referral, started_on=today().isoformat())


BAD_EMPLOYER_REFS = [
    "SMITH", "Jo Bloggs", "emp-004217", "EMP 004217", "12", "E" + "1" * 36, "EMP-0042\u200b17", "-123", "", 4217,
]
GOOD_EMPLOYER_REFS = ["123", "EMP-004217", "PAYE-120-AB45678", "A" * 35 + "1"]


async def test_the_employer_is_a_reference_code_never_a_name(stack: Stack, subtests: pytest.Subtests) -> None:
    referral = await open_case(stack)
    for employer_ref in BAD_EMPLOYER_REFS:
        with subtests.test(employer_ref=employer_ref):
            async with stack.service.writes_nothing():
                response = await stack.client.post(
                    jobs_path(referral), json=job_body(employer_ref=employer_ref), headers=PRIME
                )
            problem(response, 422, field="body.employer_ref")
    for employer_ref in GOOD_EMPLOYER_REFS:
        with subtests.test(employer_ref=employer_ref):
            assert (await start_job(stack, referral, employer_ref=employer_ref))["employer_ref"] == employer_ref


HOURS = [
    (0, True), (168, True), (37.5, True), (7.99, True), (168.01, False), (-0.01, False), (16.255, False),
    (7.999999, False), ("16", False), (True, False), (None, False), (1e300, False),
]


async def test_expected_hours_are_0_to_168_to_the_hundredth(stack: Stack, subtests: pytest.Subtests) -> None:
    referral = await open_case(stack)
    for hours, accepted in HOURS:
        with subtests.test(hours=hours):
            if accepted:
                started = await start_job(stack, referral, expected_hours_per_week=hours)
                assert started["expected_hours_per_week"] == hours
                continue
            async with stack.service.writes_nothing():
                response = await stack.client.post(
                    jobs_path(referral), json=job_body(expected_hours_per_week=hours), headers=PRIME
                )
            problem(response, 422, field="body.expected_hours_per_week")


async def test_several_jobs_may_overlap_and_each_ends_once(stack: Stack) -> None:
    referral = await open_case(stack)
    first = await start_job(stack, referral)
    second = await start_job(stack, referral, employer_ref="EMP-7", started_on=days_ago(10).isoformat())
    ended = await end_job(stack, referral, first, days_ago(3), reason="contract_ended")
    assert ended.status_code == 200, ended.text
    assert ended.json()["ended_on"] == days_ago(3).isoformat() and ended.json()["end_reason"] == "contract_ended"
    async with stack.service.writes_nothing():
        again = await end_job(stack, referral, first, days_ago(2))
    assert slug(problem(again, 409)) == "job-already-ended"
    assert (await job(stack, referral, second["job_id"]))["ended_on"] is None
    listed = (await stack.client.get(jobs_path(referral), headers=PRIME)).json()
    assert [j["job_id"] for j in listed["items"]] == [first["job_id"], second["job_id"]]
    [event] = await stack.service.events("employment.job_ended")
    assert event["data"] == {
        "case_id": referral.referral_id, "job_id": first["job_id"], "ended_on": days_ago(3).isoformat(),
        "reason": "contract_ended",
    }
    assert_valid_events(await stack.service.events())


async def test_an_end_is_from_the_job_start_to_today(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    async with stack.service.writes_nothing():
        before = await end_job(stack, referral, started, job_start_day() - timedelta(days=1))
        tomorrow = await end_job(stack, referral, started, today() + timedelta(days=1))
        unknown_reason = await stack.client.post(
            f"{jobs_path(referral)}/{started['job_id']}/end",
            json={"ended_on": today().isoformat(), "reason": "fired_for_being_ill"}, headers=PRIME,
        )
    early = problem(before, 422, field="body.ended_on")
    assert slug(early) == "date-too-early" and job_start_day().isoformat() in early["detail"]
    assert slug(problem(tomorrow, 422, field="body.ended_on")) == "date-in-future"
    problem(unknown_reason, 422, field="body.reason")
    assert (await end_job(stack, referral, started, job_start_day())).status_code == 200


async def test_a_job_cannot_end_before_a_week_already_reported(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    week = monday_weeks_ago(3)
    assert (await put_week(stack, referral, started, week)).status_code == 200
    async with stack.service.writes_nothing():
        response = await end_job(stack, referral, started, week - timedelta(days=1))
    body = problem(response, 422, field="body.ended_on")
    assert slug(body) == "job-ends-before-reported-week" and week.isoformat() in body["detail"]
    # ending on the Monday the last reported week commences is within it
    assert (await end_job(stack, referral, started, week)).status_code == 200


async def test_a_job_of_another_case_is_not_found(stack: Stack) -> None:
    referral = await open_case(stack)
    other = await open_case(stack)
    theirs = await start_job(stack, other)
    async with stack.service.writes_nothing():
        ending = await end_job(stack, referral, theirs, today())
        week = await put_week(stack, referral, theirs, monday_weeks_ago(1))
    for response in (ending, week, await stack.client.get(f"{jobs_path(referral)}/{theirs['job_id']}",
                                                          headers=PRIME)):
        assert slug(problem(response, 404)) == "not-found"
