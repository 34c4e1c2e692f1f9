"""Activities: from the catalogue, with minutes of contact, delivered by the case's deliverer or by a specialist
partner of its prime under a live specialist subcontract offering the service; each refusal named."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from scx_case_tracking.rules.progress import Refusal, specialist_delivery
from scx_registry import KnownSubcontract

from .builders import (
    DWP,
    PRIME,
    WHOLE,
    WHOLE_ADVISER,
    Stack,
    assert_valid_events,
    days_ago,
    problem,
    slug,
    today,
)


def activity(on: Any = None, **overrides: Any) -> dict[str, Any]:
    return {"activity": "cv", "delivered_on": (on or today()).isoformat(), "minutes": 45, **overrides}


def subcontract_id(stack: Stack, partner: str) -> str:
    assert stack.chain is not None
    return str(stack.chain.subcontracts[partner]["subcontract_id"])


async def test_activities_add_to_the_cases_contact_time_and_the_list_totals_it(stack: Stack) -> None:
    referral = await stack.open_case(started_on=days_ago(20))
    await stack.allocate(referral, "partner-whole", on=days_ago(20))
    path = f"/cases/{referral.referral_id}/activities"
    for body in (activity(days_ago(3), minutes=60), activity(days_ago(8), activity="job_club", minutes=90),
                 activity(days_ago(1), minutes=1), activity(days_ago(2), activity="debt_advice", minutes=1440)):
        response = await stack.client.post(path, json=body, headers=WHOLE_ADVISER)
        assert response.status_code == 201, response.text
        assert response.json()["delivered_by"] == "partner-whole" and response.json()["subcontract_id"] is None

    case = await stack.case(referral, WHOLE)
    assert case["contact_minutes"] == 60 + 90 + 1 + 1440
    assert case["last_contact_on"] == days_ago(1).isoformat()  # the latest, whatever the order recorded

    listed = (await stack.client.get(path, headers=PRIME, params={"limit": 3})).json()
    assert len(listed["items"]) == 3 and listed["next_cursor"]
    assert listed["contact_minutes"] == 1591  # over every page
    assert listed["contact_minutes_by_activity"] == {"cv": 61, "job_club": 90, "debt_advice": 1440}
    rest = (await stack.client.get(path, headers=PRIME, params={"cursor": listed["next_cursor"]})).json()
    assert [a["activity"] for a in listed["items"] + rest["items"]] == ["cv", "job_club", "cv", "debt_advice"]

    events = await stack.service.events("case.activity_delivered")
    assert [e["data"]["minutes"] for e in events] == [60, 90, 1, 1440]
    assert events[0]["data"]["delivered_by"] == "partner-whole" and events[0]["data"]["subcontract_id"] is None
    assert_valid_events(events)


async def test_minutes_and_kinds_at_their_bounds(stack: Stack) -> None:
    referral = await stack.open_case()
    path = f"/cases/{referral.referral_id}/activities"
    async with stack.service.writes_nothing():
        for field, value in (("minutes", 0), ("minutes", 1441), ("minutes", "30"), ("minutes", 30.5),
                             ("activity", "knitting"), ("delivered_by", "Partner Skills"), ("service", " bsl"),
                             ("subcontract_id", "")):
            problem(await stack.client.post(path, json=activity(**{field: value}), headers=PRIME), 422,
                    field=f"body.{field}")
        for missing in ("activity", "delivered_on", "minutes"):
            body = {k: v for k, v in activity().items() if k != missing}
            problem(await stack.client.post(path, json=body, headers=PRIME), 422, field=f"body.{missing}")


async def test_activity_dates_at_their_boundaries(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=days_ago(30), started_on=days_ago(20))
    path = f"/cases/{referral.referral_id}/activities"
    async with stack.service.writes_nothing():
        future = await stack.client.post(path, json=activity(today() + timedelta(days=1)), headers=PRIME)
        early = await stack.client.post(path, json=activity(days_ago(21)), headers=PRIME)
    assert slug(problem(future, 422, field="body.delivered_on")) == "date-in-future"
    assert slug(problem(early, 422, field="body.delivered_on")) == "date-too-early"
    assert (await stack.client.post(path, json=activity(days_ago(20)), headers=PRIME)).status_code == 201
    assert (await stack.client.post(path, json=activity(today()), headers=PRIME)).status_code == 201

    # once the case passes to a partner, the partner records from the day it took over
    await stack.allocate(referral, "partner-whole", on=days_ago(7))
    async with stack.service.writes_nothing():
        before_takeover = await stack.client.post(path, json=activity(days_ago(8)), headers=WHOLE)
    body = problem(before_takeover, 422, field="body.delivered_on")
    assert slug(body) == "date-too-early" and "the day the case passed to its deliverer" in body["detail"]
    assert days_ago(7).isoformat() in body["detail"]
    assert (await stack.client.post(path, json=activity(days_ago(7)), headers=WHOLE)).status_code == 201


async def test_the_prime_allocating_in_house_records_back_to_the_start(stack: Stack) -> None:
    referral = await stack.open_case(started_on=days_ago(10))
    await stack.allocate(referral, None, on=days_ago(5))
    path = f"/cases/{referral.referral_id}/activities"
    assert (await stack.client.post(path, json=activity(days_ago(10)), headers=PRIME)).status_code == 201
    async with stack.service.writes_nothing():
        early = await stack.client.post(path, json=activity(days_ago(11)), headers=PRIME)
    assert "the start" in problem(early, 422, field="body.delivered_on")["detail"]


async def test_a_specialist_partner_delivers_a_service_under_its_subcontract(stack: Stack) -> None:
    referral = await stack.open_case(partner="partner-whole")
    path = f"/cases/{referral.referral_id}/activities"
    body = activity(activity="specialist_service", delivered_by="partner-skills", service="british_sign_language",
                    minutes=120)
    response = await stack.client.post(path, json=body, headers=WHOLE)
    assert response.status_code == 201, response.text
    assert response.json()["subcontract_id"] == subcontract_id(stack, "partner-skills")
    named = await stack.client.post(path, json={**body, "subcontract_id": subcontract_id(stack, "partner-skills")},
                                    headers=WHOLE)
    assert named.status_code == 201, named.text

    event = (await stack.service.events("case.activity_delivered"))[0]
    assert event["data"]["delivered_by"] == "partner-skills"
    assert event["data"]["subcontract_id"] == subcontract_id(stack, "partner-skills")
    assert event["data"]["service"] == "british_sign_language"
    assert_valid_events([event])
    listed = (await stack.client.get(path, headers=DWP)).json()
    assert listed["contact_minutes_by_activity"] == {"specialist_service": 240}
    assert (await stack.case(referral, WHOLE))["contact_minutes"] == 240


async def test_each_refusal_of_a_delivery_names_why_and_writes_nothing(stack: Stack) -> None:
    referral = await stack.open_case()
    path = f"/cases/{referral.referral_id}/activities"
    skills = {"delivered_by": "partner-skills", "service": "vocational_training"}
    cases = [
        ({"delivered_by": "partner-idle"}, "no-subcontract", "delivered_by"),
        ({"delivered_by": "prime-south"}, "no-subcontract", "delivered_by"),
        ({**skills, "subcontract_id": subcontract_id(stack, "partner-whole")}, "no-subcontract", "subcontract_id"),
        ({"delivered_by": "partner-mind", "service": "vocational_training"}, "not-specialist", "delivered_by"),
        ({"delivered_by": "partner-skills"}, "service-required", "service"),
        ({"delivered_by": "partner-skills", "service": "hydrotherapy"}, "service-not-offered", "service"),
        ({"service": "vocational_training"}, "service-not-applicable", "service"),
        ({"subcontract_id": subcontract_id(stack, "partner-skills")}, "service-not-applicable", "subcontract_id"),
    ]
    async with stack.service.writes_nothing():
        for overrides, expected, field in cases:
            response = await stack.client.post(path, json=activity(**overrides), headers=PRIME)
            assert slug(problem(response, 422, field=f"body.{field}")) == expected, overrides
    assert (await stack.case(referral))["contact_minutes"] == 0


async def test_a_specialist_subcontract_must_be_live_on_the_day_at_both_ends(stack: Stack) -> None:
    assert stack.chain is not None
    referral = await stack.open_case(started_on=days_ago(30))
    path = f"/cases/{referral.referral_id}/activities"
    skills = stack.chain.subcontracts["partner-skills"]
    body = {"delivered_by": "partner-skills", "service": "vocational_training"}

    varied = await stack.registry.vary(skills, "starts later", start_date=days_ago(20).isoformat())
    await stack.synced()
    async with stack.service.writes_nothing():
        early = await stack.client.post(path, json=activity(days_ago(21), **body), headers=PRIME)
    assert slug(problem(early, 422, field="body.delivered_on")) == "subcontract-not-live"
    assert (await stack.client.post(path, json=activity(days_ago(20), **body), headers=PRIME)).status_code == 201

    await stack.registry.end(varied, days_ago(5))
    await stack.synced()
    async with stack.service.writes_nothing():
        ended = await stack.client.post(path, json=activity(days_ago(5), **body), headers=PRIME)
    assert slug(problem(ended, 422, field="body.delivered_on")) == "subcontract-ended"
    assert (await stack.client.post(path, json=activity(days_ago(6), **body), headers=PRIME)).status_code == 201


def known(model: str = "specialist", **overrides: Any) -> KnownSubcontract:
    values: dict[str, Any] = {
        "subcontract_id": "s-1", "contract_id": "c-1", "prime_id": "prime-north", "partner_id": "partner-skills",
        "model": model, "postcode_districts": [], "health_conditions": [], "services": ["bsl"],
        "service_prices": [], "share_of_targets_percent": None, "monthly_capacity": None,
        "start_date": days_ago(10), "end_date": today(), "variation": 0, "ended_on": None, "end_reason": None,
    }
    return KnownSubcontract(**{**values, **overrides})


def test_the_rule_picks_the_live_specialist_subcontract_offering_the_service() -> None:
    old = known(subcontract_id="s-old", ended_on=days_ago(5), services=["bsl", "cv"])
    new = known(subcontract_id="s-new", start_date=days_ago(5))
    chosen = specialist_delivery("partner-skills", [old, new], on=days_ago(5), service="bsl", subcontract_id=None)
    assert isinstance(chosen, KnownSubcontract) and chosen.subcontract_id == "s-new"
    refused = specialist_delivery("partner-skills", [old, new], on=days_ago(5), service="cv", subcontract_id=None)
    assert isinstance(refused, Refusal) and refused.slug == "service-not-offered"
    before = specialist_delivery("partner-skills", [new], on=days_ago(6), service="bsl", subcontract_id=None)
    assert isinstance(before, Refusal) and before.slug == "subcontract-not-live"
    after_end = specialist_delivery("partner-skills", [known(end_date=days_ago(1))], on=today(), service="bsl",
                                    subcontract_id=None)
    assert isinstance(after_end, Refusal) and after_end.slug == "subcontract-not-live"
    sla = specialist_delivery("partner-skills", [known("sla")], on=today(), service="bsl", subcontract_id=None)
    assert isinstance(sla, Refusal) and sla.slug == "not-specialist"


async def test_a_retry_with_the_same_idempotency_key_counts_the_minutes_once(stack: Stack) -> None:
    referral = await stack.open_case()
    path = f"/cases/{referral.referral_id}/activities"
    key = {"Idempotency-Key": "activity-retry-1"}
    first = await stack.client.post(path, json=activity(minutes=50), headers={**PRIME, **key})
    assert first.status_code == 201, first.text
    async with stack.service.writes_nothing():
        retry = await stack.client.post(path, json=activity(minutes=50), headers={**PRIME, **key})
        other = await stack.client.post(path, json=activity(minutes=51), headers={**PRIME, **key})
        auditor = await stack.client.post(path, json=activity(minutes=50), headers={**DWP, **key})
    assert retry.status_code == 201 and retry.json() == first.json()
    assert retry.headers["idempotent-replay"] == "true"
    assert slug(problem(other, 422, field="header.Idempotency-Key")) == "idempotency-key-reused"
    problem(auditor, 403)
    assert (await stack.case(referral))["contact_minutes"] == 50
    assert len(await stack.service.events("case.activity_delivered")) == 1
