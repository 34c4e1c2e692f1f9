"""Who sees and records employment: the deliverer records; the prime, DWP and its auditor read everything and
record nothing; a former deliverer reads only what it recorded; the referring JCP district sees no employment;
every other organisation finds nothing (404), never the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from scx_testing.journeys import Referral

from .builders import AUDITOR, DWP, JCP, MIND, PRIME, STRANGERS, TPPM, WHOLE, Stack, days_ago, problem, slug, today
from .employment_builders import (
    end_job,
    job_body,
    jobs_path,
    monday_weeks_ago,
    open_case,
    put_week,
    start_job,
    week_body,
)


@dataclass
class Handed:
    """A case partner-whole delivered (job `theirs`, a week, support), then re-allocated to partner-mind, which
    recorded a job of its own (`ours`), a week and the end of partner-whole's job."""

    referral: Referral
    theirs: dict[str, Any]
    ours: dict[str, Any]


async def handed_over(stack: Stack) -> Handed:
    referral = await open_case(stack, partner="partner-whole")
    theirs = await start_job(stack, referral, WHOLE)
    assert (await put_week(stack, referral, theirs, monday_weeks_ago(3), WHOLE, hours=20)).status_code == 200
    support = {"job_id": theirs["job_id"], "kind": "meeting", "given_on": days_ago(20).isoformat(), "minutes": 30}
    assert (await stack.client.post(f"/cases/{referral.referral_id}/in-work-support", json=support,
                                    headers=WHOLE)).status_code == 201
    referral = await stack.allocate(referral, "partner-mind")
    ours = await start_job(stack, referral, MIND, employer_ref="EMP-99", started_on=days_ago(3).isoformat())
    assert (await put_week(stack, referral, theirs, monday_weeks_ago(2), MIND, hours=20)).status_code == 200
    assert (await end_job(stack, referral, theirs, days_ago(2), MIND)).status_code == 200
    return Handed(referral, theirs, ours)


def reads(handed: Handed) -> list[str]:
    base = jobs_path(handed.referral)
    return [
        base, f"{base}/{handed.theirs['job_id']}", f"{base}/{handed.theirs['job_id']}/weeks",
        f"/cases/{handed.referral.referral_id}/in-work-support",
    ]


async def writes(stack: Stack, handed: Handed, headers: dict[str, str]) -> list[Any]:
    referral, job = handed.referral, handed.ours
    support = {"job_id": job["job_id"], "kind": "phone", "given_on": today().isoformat(), "minutes": 10}
    return [
        await stack.client.post(jobs_path(referral), json=job_body(), headers=headers),
        await stack.client.put(f"{jobs_path(referral)}/{job['job_id']}/weeks/{monday_weeks_ago(1)}",
                               json=week_body(monday_weeks_ago(1)), headers=headers),
        await end_job(stack, referral, job, today(), headers),
        await stack.client.post(f"/cases/{referral.referral_id}/in-work-support", json=support, headers=headers),
    ]


async def test_those_who_read_everything_see_every_job_week_and_support(
    stack: Stack, subtests: pytest.Subtests
) -> None:
    handed = await handed_over(stack)
    for name, headers in {"deliverer": MIND, "prime": PRIME, "DWP": DWP, "auditor": AUDITOR}.items():
        with subtests.test(name):
            jobs = (await stack.client.get(jobs_path(handed.referral), headers=headers)).json()["items"]
            assert [j["job_id"] for j in jobs] == [handed.theirs["job_id"], handed.ours["job_id"]]
            assert jobs[0]["weeks"]["reported"] == 2 and jobs[0]["ended_on"] == days_ago(2).isoformat()
            weeks = (await stack.client.get(reads(handed)[2], headers=headers)).json()["items"]
            assert [w["recorded_by"] for w in weeks] == ["partner-whole", "partner-mind"]
            support = (await stack.client.get(reads(handed)[3], headers=headers)).json()["items"]
            assert [s["recorded_by"] for s in support] == ["partner-whole"]


async def test_a_former_deliverer_reads_only_what_it_recorded(stack: Stack) -> None:
    handed = await handed_over(stack)
    jobs = (await stack.client.get(jobs_path(handed.referral), headers=WHOLE)).json()["items"]
    assert [j["job_id"] for j in jobs] == [handed.theirs["job_id"]]
    # its own week only, and not the end partner-mind recorded after the handover
    assert jobs[0]["weeks"]["reported"] == 1 and jobs[0]["weeks"]["last_week_commencing"] == str(monday_weeks_ago(3))
    assert jobs[0]["ended_on"] is None and jobs[0]["end_reason"] is None
    weeks = (await stack.client.get(reads(handed)[2], headers=WHOLE)).json()["items"]
    assert [w["week_commencing"] for w in weeks] == [str(monday_weeks_ago(3))]
    support = (await stack.client.get(reads(handed)[3], headers=WHOLE)).json()["items"]
    assert [s["recorded_by"] for s in support] == ["partner-whole"]
    ours = await stack.client.get(f"{jobs_path(handed.referral)}/{handed.ours['job_id']}", headers=WHOLE)
    assert "EMP-99" not in ours.text
    assert slug(problem(ours, 404)) == "not-found"
    assert slug(problem(
        await stack.client.get(f"{jobs_path(handed.referral)}/{handed.ours['job_id']}/weeks", headers=WHOLE), 404
    )) == "not-found"


async def test_readers_who_do_not_deliver_record_nothing(stack: Stack, subtests: pytest.Subtests) -> None:
    handed = await handed_over(stack)
    for name, headers in {
        "the prime": PRIME, "DWP": DWP, "the auditor": AUDITOR, "the former deliverer": WHOLE,
        "the referring JCP": JCP, "its TPPM": TPPM,
    }.items():
        with subtests.test(name):
            async with stack.service.writes_nothing():
                responses = await writes(stack, handed, headers)
            for response in responses:
                assert slug(problem(response, 403)) == "forbidden"


async def test_the_referring_jcp_sees_no_employment(stack: Stack) -> None:
    handed = await handed_over(stack)
    for path in reads(handed):
        response = await stack.client.get(path, headers=JCP)
        assert slug(problem(response, 403)) == "forbidden"
        assert "EMP-" not in response.text


async def test_other_organisations_find_nothing(stack: Stack, subtests: pytest.Subtests) -> None:
    handed = await handed_over(stack)
    for name, headers in STRANGERS.items():
        with subtests.test(name):
            async with stack.service.writes_nothing():
                responses = [*await writes(stack, handed, headers)]
            responses += [await stack.client.get(path, headers=headers) for path in reads(handed)]
            for response in responses:
                body = problem(response, 404)
                assert slug(body) == "not-found" and set(body) == {"type", "title", "status", "detail", "instance"}
                assert "EMP-" not in response.text and handed.referral.referral_id in body["detail"]
