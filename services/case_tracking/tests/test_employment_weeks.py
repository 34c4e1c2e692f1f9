"""Weekly hours: which weeks can be reported (a Monday; ended; within the job), hours to the hundredth, evidence
dated within reason, corrections as revisions with the history kept, and the summary claims will read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .builders import PRIME, PRIME_ADVISER, Stack, assert_valid_events, problem, slug, today
from .employment_builders import (
    end_job,
    job,
    job_start_day,
    jobs_path,
    monday_weeks_ago,
    open_case,
    put_week,
    start_job,
    this_monday,
    week_body,
    week_path,
)


async def test_a_week_is_reported_with_its_evidence_and_event(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    week = monday_weeks_ago(2)
    response = await put_week(stack, referral, started, week, PRIME_ADVISER, hours=16.25, evidence_kind="hmrc_record")
    assert response.status_code == 200, response.text
    reported = response.json()
    assert reported["week_commencing"] == week.isoformat() and reported["revision"] == 1
    assert reported["hours"] == 16.25 and reported["earnings_pence"] == 18_150
    assert reported["evidence_kind"] == "hmrc_record"
    assert reported["evidence_obtained_on"] == (week + timedelta(days=7)).isoformat()
    assert reported["evidence_obtained_by"] == "adviser-anne" and reported["recorded_by"] == "prime-north"
    assert reported["corrected"] == []
    [event] = await stack.service.events("employment.hours_reported")
    assert event["data"] == {
        "case_id": referral.referral_id, "job_id": started["job_id"], "week_commencing": week.isoformat(),
        "hours": "16.25", "earnings_pence": 18_150, "evidence_kind": "hmrc_record",
        "evidence_obtained_on": (week + timedelta(days=7)).isoformat(), "revision": 1,
    }
    assert event["actor"]["user"] == "adviser-anne"
    assert_valid_events(await stack.service.events())


async def test_a_week_is_named_by_its_monday(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    monday = monday_weeks_ago(3)
    async with stack.service.writes_nothing():
        responses = [
            await put_week(stack, referral, started, monday + timedelta(days=n)) for n in range(1, 7)
        ]
    for response in responses:
        assert slug(problem(response, 422, field="path.week_commencing")) == "not-a-monday"
    assert (await put_week(stack, referral, started, monday)).status_code == 200


async def test_a_week_is_reported_once_it_has_ended_so_not_the_current_week(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    last_week, this_week = monday_weeks_ago(1), this_monday()
    async with stack.service.writes_nothing():
        current = await put_week(stack, referral, started, this_week, evidence_obtained_on=today().isoformat())
        next_week = await put_week(
            stack, referral, started, this_week + timedelta(days=7), evidence_obtained_on=today().isoformat()
        )
    body = problem(current, 422, field="path.week_commencing")
    assert slug(body) == "week-not-ended" and last_week.isoformat() in body["detail"]
    assert slug(problem(next_week, 422, field="path.week_commencing")) == "week-not-ended"
    response = await put_week(stack, referral, started, last_week, evidence_obtained_on=today().isoformat())
    assert response.status_code == 200, response.text


async def test_a_week_is_within_the_job_from_its_start_week_to_its_end(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)  # on a Wednesday
    start_week = job_start_day() - timedelta(days=2)
    async with stack.service.writes_nothing():
        before = await put_week(stack, referral, started, start_week - timedelta(days=7))
    body = problem(before, 422, field="path.week_commencing")
    assert slug(body) == "week-before-job" and job_start_day().isoformat() in body["detail"]
    assert (await put_week(stack, referral, started, start_week)).status_code == 200

    end_week = monday_weeks_ago(4)
    assert (await end_job(stack, referral, started, end_week)).status_code == 200  # ended on a Monday
    async with stack.service.writes_nothing():
        after = await put_week(stack, referral, started, end_week + timedelta(days=7))
    body = problem(after, 422, field="path.week_commencing")
    assert slug(body) == "week-after-job-end" and end_week.isoformat() in body["detail"]
    assert (await put_week(stack, referral, started, end_week)).status_code == 200


HOURS = [
    (0, True), (168, True), (7.99, True), (15.99, True), (168.01, False), (-0.01, False), (16.255, False),
    (8.001, False), ("16.5", False), (False, False), (None, False),
]


async def test_hours_are_0_to_168_to_the_hundredth(stack: Stack, subtests: pytest.Subtests) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    for n, (hours, accepted) in enumerate(HOURS):
        week = monday_weeks_ago(1 + n % 7)
        with subtests.test(hours=hours):
            if accepted:
                response = await put_week(stack, referral, started, week, hours=hours)
                assert response.status_code == 200, response.text
                assert response.json()["hours"] == hours
                continue
            async with stack.service.writes_nothing():
                response = await put_week(stack, referral, started, week, hours=hours)
            problem(response, 422, field="body.hours")


async def test_earnings_are_whole_pence_when_known(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    async with stack.service.writes_nothing():
        fractional = await put_week(stack, referral, started, monday_weeks_ago(1), earnings_pence=100.5)
        negative = await put_week(stack, referral, started, monday_weeks_ago(1), earnings_pence=-1)
        too_many = await put_week(stack, referral, started, monday_weeks_ago(1), earnings_pence=2**31)
    for response in (fractional, negative, too_many):
        problem(response, 422, field="body.earnings_pence")
    unknown = await put_week(stack, referral, started, monday_weeks_ago(1), earnings_pence=None)
    assert unknown.status_code == 200 and unknown.json()["earnings_pence"] is None


async def test_evidence_is_dated_from_the_week_s_start_to_today(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    week = monday_weeks_ago(2)
    async with stack.service.writes_nothing():
        before = await put_week(
            stack, referral, started, week, evidence_obtained_on=(week - timedelta(days=1)).isoformat()
        )
        tomorrow = await put_week(
            stack, referral, started, week, evidence_obtained_on=(today() + timedelta(days=1)).isoformat()
        )
        unknown_kind = await put_week(stack, referral, started, week, evidence_kind="word_of_mouth")
    body = problem(before, 422, field="body.evidence_obtained_on")
    assert slug(body) == "date-too-early"
    assert (week - timedelta(days=1)).isoformat() in body["detail"] and week.isoformat() in body["detail"]
    assert slug(problem(tomorrow, 422, field="body.evidence_obtained_on")) == "date-in-future"
    problem(unknown_kind, 422, field="body.evidence_kind")
    on_the_monday = await put_week(stack, referral, started, week, evidence_obtained_on=week.isoformat())
    assert on_the_monday.status_code == 200, on_the_monday.text
    assert (await put_week(stack, referral, started, week, evidence_obtained_on=today().isoformat())).status_code == 200


async def test_a_correction_is_a_new_revision_and_the_history_is_kept(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    week = monday_weeks_ago(2)
    assert (await put_week(stack, referral, started, week, hours=7.99, evidence_kind="self_declaration")).json()[
        "revision"] == 1
    assert (await job(stack, referral, started["job_id"]))["weeks"]["at_least_8_hours"] == 0

    corrected = await put_week(stack, referral, started, week, PRIME_ADVISER, hours=8, evidence_kind="payslip")
    assert corrected.status_code == 200, corrected.text
    body = corrected.json()
    assert body["revision"] == 2 and body["hours"] == 8 and body["evidence_kind"] == "payslip"
    assert [(r["revision"], r["hours"], r["evidence_kind"]) for r in body["corrected"]] == [
        (1, 7.99, "self_declaration")
    ]
    assert (await job(stack, referral, started["job_id"]))["weeks"]["at_least_8_hours"] == 1

    # the same report again (a retried PUT) records nothing
    async with stack.service.writes_nothing():
        again = await put_week(stack, referral, started, week, hours=8, evidence_kind="payslip")
    assert again.status_code == 200 and again.json()["revision"] == 2

    events = await stack.service.events("employment.hours_reported")
    assert [(e["data"]["revision"], e["data"]["hours"]) for e in events] == [(1, "7.99"), (2, "8.00")]
    weeks = (await stack.client.get(f"{jobs_path(referral)}/{started['job_id']}/weeks", headers=PRIME)).json()
    assert [(w["week_commencing"], w["revision"], len(w["corrected"])) for w in weeks["items"]] == [
        (week.isoformat(), 2, 1)
    ]
    assert_valid_events(await stack.service.events())


async def test_the_summary_counts_weeks_at_the_outcome_thresholds(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    for weeks_ago, hours in ((6, 7.99), (5, 8), (4, 15.99), (3, 16), (2, 40), (1, 0)):
        assert (await put_week(stack, referral, started, monday_weeks_ago(weeks_ago), hours=hours)).status_code == 200
    listed = (await stack.client.get(jobs_path(referral), headers=PRIME)).json()["items"]
    assert listed[0]["weeks"] == {
        "reported": 6, "at_least_8_hours": 4, "at_least_16_hours": 2,
        "first_week_commencing": monday_weeks_ago(6).isoformat(),
        "last_week_commencing": monday_weeks_ago(1).isoformat(),
    }


async def test_the_weeks_of_a_job_page_in_order(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    other = await start_job(stack, referral, employer_ref="EMP-2")
    wanted = [monday_weeks_ago(n) for n in (5, 3, 1)]
    for week in reversed(wanted):
        assert (await put_week(stack, referral, started, week)).status_code == 200
    assert (await put_week(stack, referral, other, monday_weeks_ago(4))).status_code == 200
    path = f"{jobs_path(referral)}/{started['job_id']}/weeks"
    first = (await stack.client.get(path, params={"limit": 2}, headers=PRIME)).json()
    second = (await stack.client.get(path, params={"limit": 2, "cursor": first["next_cursor"]}, headers=PRIME)).json()
    assert [w["week_commencing"] for w in first["items"] + second["items"]] == [w.isoformat() for w in wanted]
    assert second["next_cursor"] is None
    forged = await stack.client.get(path, params={"cursor": "bm90LWEtZGF0ZQ"}, headers=PRIME)
    problem(forged, 400, field="query.cursor")


async def test_a_week_path_that_is_not_a_date_is_named(stack: Stack) -> None:
    referral = await open_case(stack)
    started = await start_job(stack, referral)
    async with stack.service.writes_nothing():
        for day in ("2026-13-01", "last-monday", "20260105"):
            response = await stack.client.put(
                week_path(referral, started, day), json=week_body(monday_weeks_ago(1)), headers=PRIME
            )
            problem(response, 422, field="path.week_commencing")
