"""In-work support (within a job, counted in the case's contact time) and what may still be recorded after the
case's exit: the weeks and the end of a job started on or before it, nothing else."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from scx_testing.journeys import Referral

from .builders import PRIME, PRIME_ADVISER, Stack, assert_valid_events, days_ago, problem, slug, today
from .employment_builders import (
    end_job,
    exited,
    job_body,
    job_start_day,
    jobs_path,
    monday_weeks_ago,
    open_case,
    put_week,
    start_job,
)


def support_path(referral: Referral) -> str:
    return f"/cases/{referral.referral_id}/in-work-support"


def support_body(job: dict[str, Any], given_on: date | None = None, **overrides: Any) -> dict[str, Any]:
    body = {"job_id": job["job_id"], "kind": "phone", "given_on": (given_on or today()).isoformat(), "minutes": 20}
    return {**body, **overrides}


async def give(stack: Stack, referral: Referral, body: dict[str, Any], headers: dict[str, str] = PRIME) -> Any:
    return await stack.client.post(support_path(referral), json=body, headers=headers)


async def test_in_work_support_counts_in_the_case_s_contact_time(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    first = await give(stack, referral, support_body(started, days_ago(2), minutes=30), PRIME_ADVISER)
    assert first.status_code == 201, first.text
    assert first.json()["given_by"] == "adviser-anne" and first.json()["recorded_by"] == "prime-north"
    second = await give(stack, referral, support_body(started, days_ago(5), kind="employer_contact", minutes=15))
    assert second.status_code == 201, second.text
    case = await stack.case(referral)
    assert case["contact_minutes"] == 45 and case["last_contact_on"] == days_ago(2).isoformat()
    listed = (await stack.client.get(support_path(referral), headers=PRIME)).json()["items"]
    assert [(s["kind"], s["minutes"]) for s in listed] == [("phone", 30), ("employer_contact", 15)]
    events = await stack.service.events("case.in_work_support_given")
    assert [e["data"]["minutes"] for e in events] == [30, 15]
    assert events[0]["data"] == {
        "case_id": referral.referral_id, "support_id": first.json()["support_id"], "job_id": started["job_id"],
        "kind": "phone", "given_on": days_ago(2).isoformat(), "minutes": 30,
        "delivering_organisation_id": "prime-north",
    }
    assert_valid_events(await stack.service.events())


async def test_in_work_support_is_within_the_job(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    ended_on = days_ago(10)
    assert (await end_job(stack, referral, started, ended_on)).status_code == 200
    async with stack.service.writes_nothing():
        before = await give(stack, referral, support_body(started, job_start_day() - timedelta(days=1)))
        after = await give(stack, referral, support_body(started, ended_on + timedelta(days=1)))
        tomorrow = await give(stack, referral, support_body(started, today() + timedelta(days=1)))
        unknown = await give(stack, referral, support_body({"job_id": "no-such-job"}))
    assert slug(problem(before, 422, field="body.given_on")) == "date-too-early"
    body = problem(after, 422, field="body.given_on")
    assert slug(body) == "outside-job" and ended_on.isoformat() in body["detail"]
    assert slug(problem(tomorrow, 422, field="body.given_on")) == "date-in-future"
    assert slug(problem(unknown, 422, field="body.job_id")) == "unknown-job"
    for day in (job_start_day(), ended_on):
        assert (await give(stack, referral, support_body(started, day))).status_code == 201


MINUTES = [(1, True), (1440, True), (0, False), (1441, False), (20.5, False), ("20", False)]


async def test_support_minutes_are_1_to_1440(stack: Stack, subtests: pytest.Subtests) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    for minutes, accepted in MINUTES:
        with subtests.test(minutes=minutes):
            if accepted:
                assert (await give(stack, referral, support_body(started, minutes=minutes))).status_code == 201
                continue
            async with stack.service.writes_nothing():
                response = await give(stack, referral, support_body(started, minutes=minutes))
            problem(response, 422, field="body.minutes")


async def test_a_job_start_retried_with_its_idempotency_key_is_recorded_once(stack: Stack) -> None:
    referral = await open_case(stack)
    headers = {**PRIME, "Idempotency-Key": "job-start-1"}
    first = await stack.client.post(jobs_path(referral), json=job_body(), headers=headers)
    again = await stack.client.post(jobs_path(referral), json=job_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["idempotent-replay"] == "true"
    assert len(await stack.service.events("employment.job_started")) == 1


async def test_after_the_exit_only_the_weeks_and_end_of_a_job_started_before_it(stack: Stack) -> None:
    referral = await open_case(stack)
    exit_day = days_ago(20)
    before_exit = await start_job(stack, referral)
    on_exit_day = await start_job(stack, referral, started_on=exit_day.isoformat(), employer_ref="EMP-2")
    # an exit is never dated before a job start already recorded (that job's weeks could not be recorded after it)
    async with stack.service.writes_nothing():
        too_early = await stack.client.post(
            f"/cases/{referral.referral_id}/exit",
            json={"kind": "completion", "exited_on": (exit_day - timedelta(days=1)).isoformat()}, headers=PRIME,
        )
    assert slug(problem(too_early, 422, field="body.exited_on")) == "date-too-early"
    await exited(stack, referral, exit_day)

    # weeks after the exit, of a job started before it (or on the day), are still recorded
    for started in (before_exit, on_exit_day):
        response = await put_week(stack, referral, started, monday_weeks_ago(1))
        assert response.status_code == 200, response.text
    assert (await end_job(stack, referral, on_exit_day, days_ago(1))).status_code == 200

    async with stack.service.writes_nothing():
        new_job = await stack.client.post(jobs_path(referral), json=job_body(), headers=PRIME)
        support = await give(stack, referral, support_body(before_exit, days_ago(1)))
    assert slug(problem(new_job, 409)) == "case-exited"
    assert slug(problem(support, 409)) == "case-exited"
    assert_valid_events(await stack.service.events())
