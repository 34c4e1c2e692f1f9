"""The traffic light: each classification kept, the latest on the case, each date and score at its boundary."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .builders import (
    DWP,
    PRIME,
    PRIME_ADVISER,
    Stack,
    assert_valid_events,
    days_ago,
    problem,
    slug,
    today,
)


def classification(on: Any = None, **overrides: Any) -> dict[str, Any]:
    return {"traffic_light": "amber", "reason": "health_barrier", "classified_on": (on or today()).isoformat(),
            **overrides}


async def test_a_classification_becomes_the_cases_traffic_light_and_the_history_is_kept(stack: Stack) -> None:
    referral = await stack.open_case(started_on=days_ago(10))
    path = f"/cases/{referral.referral_id}/classifications"

    first = await stack.client.post(path, json=classification(days_ago(9), traffic_light="red", score=12),
                                    headers=PRIME_ADVISER)
    assert first.status_code == 201, first.text
    assert first.json()["recorded_by"] == "prime-north" and first.json()["recorded_by_user"] == "adviser-anne"
    second = await stack.client.post(path, json=classification(days_ago(2), traffic_light="green",
                                                               reason="job_ready"), headers=PRIME)
    assert second.status_code == 201, second.text

    case = await stack.case(referral)
    assert (case["traffic_light"], case["traffic_light_score"], case["classified_on"]) == (
        "green", None, days_ago(2).isoformat())
    history = (await stack.client.get(path, headers=DWP)).json()
    assert [(c["traffic_light"], c["score"]) for c in history["items"]] == [("red", 12), ("green", None)]

    events = await stack.service.events("case.classified")
    assert [e["data"]["traffic_light"] for e in events] == ["red", "green"]
    assert events[0]["data"] == {
        "case_id": referral.referral_id, "traffic_light": "red", "score": 12, "reason": "health_barrier",
        "classified_on": days_ago(9).isoformat(), "delivering_organisation_id": "prime-north",
    }
    assert events[0]["actor"]["user"] == "adviser-anne" and events[0]["journey_id"] == referral.referral_id
    assert_valid_events(events)
    timeline = (await stack.client.get(f"/cases/{referral.referral_id}/timeline", headers=PRIME)).json()["items"]
    assert [e["type"] for e in timeline].count("case.classified") == 2


async def test_classification_dates_at_their_boundaries(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=days_ago(12), started_on=days_ago(10))
    path = f"/cases/{referral.referral_id}/classifications"

    async with stack.service.writes_nothing():
        future = await stack.client.post(path, json=classification(today() + timedelta(days=1)), headers=PRIME)
        before_start = await stack.client.post(path, json=classification(days_ago(11)), headers=PRIME)
    assert slug(problem(future, 422, field="body.classified_on")) == "date-in-future"
    body = problem(before_start, 422, field="body.classified_on")
    assert slug(body) == "date-too-early" and days_ago(10).isoformat() in body["detail"]

    assert (await stack.client.post(path, json=classification(days_ago(10)), headers=PRIME)).status_code == 201
    assert (await stack.client.post(path, json=classification(days_ago(5)), headers=PRIME)).status_code == 201
    async with stack.service.writes_nothing():
        earlier = await stack.client.post(path, json=classification(days_ago(6)), headers=PRIME)
    body = problem(earlier, 422, field="body.classified_on")
    assert slug(body) == "date-too-early" and "current classification" in body["detail"]
    assert days_ago(5).isoformat() in body["detail"] and days_ago(6).isoformat() in body["detail"]
    # the same day as the current one replaces it; today is allowed
    assert (await stack.client.post(path, json=classification(days_ago(5)), headers=PRIME)).status_code == 201
    assert (await stack.client.post(path, json=classification(today()), headers=PRIME)).status_code == 201


async def test_the_score_is_0_to_100_and_the_codes_are_the_catalogues(stack: Stack) -> None:
    referral = await stack.open_case()
    path = f"/cases/{referral.referral_id}/classifications"
    async with stack.service.writes_nothing():
        for field, value in (("score", -1), ("score", 101), ("score", "50"), ("score", 50.0), ("score", True),
                             ("traffic_light", "purple"), ("traffic_light", "RED"), ("reason", "lazy"),
                             ("classified_on", "01/12/2026"), ("classified_on", 20261201)):
            response = await stack.client.post(path, json=classification(**{field: value}), headers=PRIME)
            problem(response, 422, field=f"body.{field}")
        for missing in ("traffic_light", "reason", "classified_on"):
            body = {k: v for k, v in classification().items() if k != missing}
            problem(await stack.client.post(path, json=body, headers=PRIME), 422, field=f"body.{missing}")
    for score in (0, 100):
        response = await stack.client.post(path, json=classification(score=score), headers=PRIME)
        assert response.status_code == 201 and response.json()["score"] == score
    assert (await stack.case(referral))["traffic_light_score"] == 100
