"""Who sees and records a case's traffic light, action plans, activities and exit: the deliverer records; DWP, the
prime and the deliverer read it all; a former deliverer reads only what it recorded; the referring JCP district
reads the summary instead; anyone else finds nothing, and an auditor changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from scx_testing.journeys import Referral

from .builders import (
    AUDITOR,
    DWP,
    JCP,
    MIND,
    PRIME,
    PRIME_ADVISER,
    SKILLS,
    STRANGERS,
    TPPM,
    WHOLE,
    WHOLE_ADVISER,
    Stack,
    days_ago,
    problem,
    today,
)

LISTS = {"classifications": "classification_id", "action-plans": "action_plan_id", "activities": "activity_id"}


def writes(on: Any) -> dict[str, dict[str, Any]]:
    day = on.isoformat()
    return {
        "classifications": {"traffic_light": "amber", "reason": "confidence", "classified_on": day},
        "action-plans": {"agreed_on": day, "goals": ["job_search_skills"]},
        "activities": {"activity": "interview_skills", "delivered_on": day, "minutes": 30},
    }


async def record_all(stack: Stack, referral: Referral, headers: dict[str, str], on: Any) -> None:
    for path, body in writes(on).items():
        response = await stack.client.post(f"/cases/{referral.referral_id}/{path}", json=body, headers=headers)
        assert response.status_code == 201, response.text


async def reads(stack: Stack, referral: Referral, headers: dict[str, str]) -> dict[str, Any]:
    return {path: await stack.client.get(f"/cases/{referral.referral_id}/{path}", headers=headers)
            for path in [*LISTS, "exit"]}


async def reallocated_case(stack: Stack) -> Referral:
    """Recorded on by the prime, then by partner-whole, then passed to partner-mind."""
    referral = await stack.open_case(started_on=days_ago(20))
    await record_all(stack, referral, PRIME_ADVISER, days_ago(19))
    referral = await stack.allocate(referral, "partner-whole", on=days_ago(10))
    await record_all(stack, referral, WHOLE_ADVISER, days_ago(9))
    return await stack.allocate(referral, "partner-mind", on=days_ago(2))


async def test_readers_of_the_whole_case_see_every_row_and_a_former_deliverer_its_own(
    stack: Stack, subtests: pytest.Subtests
) -> None:
    referral = await reallocated_case(stack)
    await record_all(stack, referral, MIND, days_ago(1))
    for name, headers in {"DWP": DWP, "the auditor": AUDITOR, "the prime": PRIME, "the deliverer": MIND}.items():
        with subtests.test(name):
            answers = await reads(stack, referral, headers)
            for path in LISTS:
                assert answers[path].status_code == 200, answers[path].text
                assert {r["recorded_by"] for r in answers[path].json()["items"]} == {
                    "prime-north", "partner-whole", "partner-mind"}
            assert answers["activities"].json()["contact_minutes"] == 90
            problem(answers["exit"], 404)  # not exited yet

    with subtests.test("the former deliverer"):
        answers = await reads(stack, referral, WHOLE)
        for path in LISTS:
            assert answers[path].status_code == 200, answers[path].text
            assert [r["recorded_by"] for r in answers[path].json()["items"]] == ["partner-whole"]
        assert answers["activities"].json()["contact_minutes"] == 30
        assert answers["activities"].json()["contact_minutes_by_activity"] == {"interview_skills": 30}


async def test_the_former_deliverer_sees_an_exit_only_if_it_recorded_it(stack: Stack) -> None:
    referral = await reallocated_case(stack)
    exit_ = {"kind": "completion", "exited_on": today().isoformat()}
    assert (await stack.client.post(f"/cases/{referral.referral_id}/exit", json=exit_, headers=MIND)).status_code == 201
    problem(await stack.client.get(f"/cases/{referral.referral_id}/exit", headers=WHOLE), 404)
    assert (await stack.client.get(f"/cases/{referral.referral_id}/exit", headers=PRIME)).status_code == 200


async def test_only_the_deliverers_staff_record_and_nothing_is_written_otherwise(
    stack: Stack, subtests: pytest.Subtests
) -> None:
    referral = await reallocated_case(stack)
    bodies = {**writes(today()), "exit": {"kind": "completion", "exited_on": today().isoformat()}}
    refused = {
        "the auditor": (AUDITOR, 403), "DWP's contract manager": (DWP, 403), "the prime": (PRIME, 403),
        "the prime's adviser": (PRIME_ADVISER, 403), "the former deliverer": (WHOLE, 403),
        "the referring JCP district": (JCP, 403), "its TPPM": (TPPM, 403), "a specialist partner": (SKILLS, 404),
        **{name: (headers, 404) for name, headers in STRANGERS.items()},
    }
    for name, (headers, status) in refused.items():
        with subtests.test(name):
            async with stack.service.writes_nothing():
                for path, body in bodies.items():
                    response = await stack.client.post(f"/cases/{referral.referral_id}/{path}", json=body,
                                                       headers=headers)
                    problem(response, status)
    for path, body in bodies.items():  # the deliverer may
        response = await stack.client.post(f"/cases/{referral.referral_id}/{path}", json=body, headers=MIND)
        assert response.status_code == 201, response.text


async def test_the_referring_district_is_refused_and_strangers_find_nothing(
    stack: Stack, subtests: pytest.Subtests
) -> None:
    referral = await reallocated_case(stack)
    for name, (headers, status) in {
        "the referring JCP district": (JCP, 403), "its TPPM": (TPPM, 403), "a specialist partner": (SKILLS, 404),
        **{name: (headers, 404) for name, headers in STRANGERS.items()},
    }.items():
        with subtests.test(name):
            for path, response in (await reads(stack, referral, headers)).items():
                problem(response, status)
                if status == 404:  # nothing of the case shows through
                    assert "partner-mind" not in response.text and "prime-north" not in response.text, path
    for path in [*LISTS, "exit"]:
        problem(await stack.client.get(f"/cases/no-such-case/{path}", headers=DWP), 404)
