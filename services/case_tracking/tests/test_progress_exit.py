"""Exit: completion, or an early exit with a reason; dated at its boundaries; after it nothing more is recorded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .builders import DWP, JCP, PRIME, WHOLE, Stack, assert_valid_events, days_ago, problem, slug, today


def exit_body(on: Any = None, **overrides: Any) -> dict[str, Any]:
    return {"kind": "completion", "exited_on": (on or today()).isoformat(), **overrides}


async def test_an_early_exit_with_its_reason_exits_the_case(stack: Stack) -> None:
    referral = await stack.open_case(started_on=days_ago(30), partner="partner-whole")
    path = f"/cases/{referral.referral_id}/exit"
    assert (await stack.client.get(path, headers=WHOLE)).status_code == 404
    body = exit_body(today(), kind="early_exit", reason="found_fit_for_work_at_wca")
    response = await stack.client.post(path, json=body, headers=WHOLE)
    assert response.status_code == 201, response.text
    assert response.json()["reason"] == "found_fit_for_work_at_wca" and response.json()["recorded_by"] == (
        "partner-whole")

    case = await stack.case(referral, DWP)
    assert (case["status"], case["exited_on"], case["exit_kind"]) == ("exited", today().isoformat(), "early_exit")
    summary = (await stack.client.get(f"/cases/{referral.referral_id}/summary", headers=JCP)).json()
    assert summary["status"] == "exited" and summary["exit_kind"] == "early_exit"
    assert (await stack.client.get(path, headers=PRIME)).json()["reason"] == "found_fit_for_work_at_wca"
    listed = (await stack.client.get("/cases", params={"status": "exited"}, headers=PRIME)).json()["items"]
    assert [c["case_id"] for c in listed] == [referral.referral_id]

    events = await stack.service.events("case.exited")
    assert [e["data"] for e in events] == [{
        "case_id": referral.referral_id, "kind": "early_exit", "reason": "found_fit_for_work_at_wca",
        "exited_on": today().isoformat(), "delivering_organisation_id": "partner-whole",
    }]
    assert_valid_events(events)


async def test_a_completion_has_no_reason_and_an_early_exit_needs_one(stack: Stack) -> None:
    referral = await stack.open_case()
    path = f"/cases/{referral.referral_id}/exit"
    async with stack.service.writes_nothing():
        for body, field in (
            (exit_body(kind="early_exit"), "body.reason"),
            (exit_body(reason="moved_area"), "body.reason"),
            (exit_body(kind="early_exit", reason="bored"), "body.reason"),
            (exit_body(kind="graduated"), "body.kind"),
            ({"kind": "completion"}, "body.exited_on"),
        ):
            problem(await stack.client.post(path, json=body, headers=PRIME), 422, field=field)
    for reason in ("moved_area", "declined", "deceased", "other"):
        other = await stack.open_case()
        response = await stack.client.post(f"/cases/{other.referral_id}/exit",
                                           json=exit_body(kind="early_exit", reason=reason), headers=PRIME)
        assert response.status_code == 201, response.text
    response = await stack.client.post(path, json=exit_body(), headers=PRIME)
    assert response.status_code == 201 and response.json()["reason"] is None


async def test_exit_dates_at_their_boundaries(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=days_ago(40), started_on=days_ago(30))
    path = f"/cases/{referral.referral_id}/exit"
    activity = {"activity": "cv", "delivered_on": days_ago(6).isoformat(), "minutes": 30}
    assert (await stack.client.post(f"/cases/{referral.referral_id}/activities", json=activity,
                                    headers=PRIME)).status_code == 201
    async with stack.service.writes_nothing():
        future = await stack.client.post(path, json=exit_body(today() + timedelta(days=1)), headers=PRIME)
        before_start = await stack.client.post(path, json=exit_body(days_ago(31)), headers=PRIME)
        before_contact = await stack.client.post(path, json=exit_body(days_ago(7)), headers=PRIME)
    assert slug(problem(future, 422, field="body.exited_on")) == "date-in-future"
    assert slug(problem(before_start, 422, field="body.exited_on")) == "date-too-early"
    body = problem(before_contact, 422, field="body.exited_on")
    assert slug(body) == "date-too-early" and "last contact" in body["detail"]
    assert days_ago(6).isoformat() in body["detail"] and days_ago(7).isoformat() in body["detail"]
    assert (await stack.client.post(path, json=exit_body(days_ago(6)), headers=PRIME)).status_code == 201


async def test_an_exit_on_the_day_of_the_start_is_allowed(stack: Stack) -> None:
    referral = await stack.open_case(started_on=days_ago(3))
    response = await stack.client.post(f"/cases/{referral.referral_id}/exit", json=exit_body(days_ago(3)),
                                       headers=PRIME)
    assert response.status_code == 201, response.text


async def test_after_the_exit_nothing_more_is_recorded(stack: Stack) -> None:
    referral = await stack.open_case(started_on=days_ago(5))
    case_path = f"/cases/{referral.referral_id}"
    assert (await stack.client.post(f"{case_path}/exit", json=exit_body(), headers=PRIME)).status_code == 201
    writes = {
        "classifications": {"traffic_light": "green", "reason": "job_ready", "classified_on": today().isoformat()},
        "action-plans": {"agreed_on": today().isoformat(), "goals": ["find_work"]},
        "activities": {"activity": "cv", "delivered_on": today().isoformat(), "minutes": 30},
        "exit": exit_body(kind="early_exit", reason="other"),
    }
    async with stack.service.writes_nothing():
        for path, body in writes.items():
            response = await stack.client.post(f"{case_path}/{path}", json=body, headers=PRIME)
            assert slug(problem(response, 409)) == "case-exited", path


async def test_a_closed_case_takes_nothing_either(stack: Stack) -> None:
    referral = await stack.open_case()
    await stack.referrals.withdraw(referral, today())
    await stack.synced()
    async with stack.service.writes_nothing():
        response = await stack.client.post(f"/cases/{referral.referral_id}/exit", json=exit_body(), headers=PRIME)
        activity = await stack.client.post(f"/cases/{referral.referral_id}/activities", headers=PRIME,
                                           json={"activity": "cv", "delivered_on": today().isoformat(), "minutes": 5})
    assert slug(problem(response, 409)) == "case-closed"
    assert slug(problem(activity, 409)) == "case-closed"
