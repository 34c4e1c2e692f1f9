"""Action plans: coded goals agreed on a date; a later plan supersedes the current one and the history is kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .builders import DWP, PRIME, Stack, assert_valid_events, days_ago, problem, slug, today


def plan(on: Any = None, **overrides: Any) -> dict[str, Any]:
    return {"agreed_on": (on or today()).isoformat(), "goals": ["find_work", "build_confidence"], **overrides}


async def test_a_later_plan_supersedes_and_the_first_one_dates_the_assessment_clock(stack: Stack) -> None:
    referral = await stack.open_case(started_on=days_ago(15))
    path = f"/cases/{referral.referral_id}/action-plans"
    first = await stack.client.post(path, json=plan(days_ago(10)), headers=PRIME)
    assert first.status_code == 201, first.text
    assert first.json()["current"] is True and first.json()["goals"] == ["find_work", "build_confidence"]
    second = await stack.client.post(path, json=plan(days_ago(3), goals=["manage_debt"]), headers=PRIME)
    assert second.status_code == 201, second.text

    listed = (await stack.client.get(path, headers=DWP)).json()["items"]
    assert [(p["action_plan_id"], p["current"], p["superseded_by"]) for p in listed] == [
        (first.json()["action_plan_id"], False, second.json()["action_plan_id"]),
        (second.json()["action_plan_id"], True, None),
    ]
    case = await stack.case(referral)
    assert case["action_plan_agreed_on"] == days_ago(10).isoformat()  # the first plan's: what the clock counts
    assessment = next(c for c in case["clocks"] if c["clock"] == "assessment")
    assert assessment["done_on"] is None  # the needs assessment is still to come

    events = await stack.service.events("case.action_plan_agreed")
    assert [e["data"]["goals"] for e in events] == [["find_work", "build_confidence"], ["manage_debt"]]
    assert events[1]["data"]["action_plan_id"] == second.json()["action_plan_id"]
    assert_valid_events(events)


async def test_plan_dates_at_their_boundaries(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=days_ago(12), started_on=days_ago(10))
    path = f"/cases/{referral.referral_id}/action-plans"
    async with stack.service.writes_nothing():
        future = await stack.client.post(path, json=plan(today() + timedelta(days=1)), headers=PRIME)
        early = await stack.client.post(path, json=plan(days_ago(11)), headers=PRIME)
    assert slug(problem(future, 422, field="body.agreed_on")) == "date-in-future"
    assert slug(problem(early, 422, field="body.agreed_on")) == "date-too-early"
    assert (await stack.client.post(path, json=plan(days_ago(10)), headers=PRIME)).status_code == 201
    assert (await stack.client.post(path, json=plan(days_ago(4)), headers=PRIME)).status_code == 201
    async with stack.service.writes_nothing():
        before_current = await stack.client.post(path, json=plan(days_ago(5)), headers=PRIME)
    body = problem(before_current, 422, field="body.agreed_on")
    assert slug(body) == "date-too-early" and "current action plan" in body["detail"]
    assert days_ago(4).isoformat() in body["detail"]
    assert (await stack.client.post(path, json=plan(days_ago(4)), headers=PRIME)).status_code == 201
    assert (await stack.client.post(path, json=plan(today()), headers=PRIME)).status_code == 201


async def test_goals_are_coded_at_least_one_each_once(stack: Stack) -> None:
    referral = await stack.open_case()
    path = f"/cases/{referral.referral_id}/action-plans"
    async with stack.service.writes_nothing():
        for goals in ([], ["find_work", "find_work"], ["get_rich"], "find_work", [1]):
            body = problem(await stack.client.post(path, json=plan(goals=goals), headers=PRIME), 422)
            assert all(e["field"].startswith("body.goals") for e in body["errors"]), goals
    every = ["find_work", "improve_health", "build_confidence", "gain_qualification", "work_experience",
             "manage_condition", "job_search_skills", "stable_housing", "manage_debt", "self_employment"]
    response = await stack.client.post(path, json=plan(goals=every), headers=PRIME)
    assert response.status_code == 201 and response.json()["goals"] == every
