"""Caseloads, the adviser, the timeline: who sees which case, who may act on it, and bad input refused with nothing
written."""

from __future__ import annotations

import pytest

from .builders import (
    AUDITOR,
    DWP,
    MIND,
    PRIME,
    STRANGERS,
    WHOLE,
    WHOLE_ADVISER,
    Stack,
    days_ago,
    listed_ids,
    problem,
)


async def test_caseloads_follow_the_delivering_organisation(stack: Stack) -> None:
    in_house = await stack.open_case()
    at_whole = await stack.open_case(partner="partner-whole")
    at_mind = await stack.open_case(partner="partner-mind")
    everyone = {in_house.referral_id, at_whole.referral_id, at_mind.referral_id}
    assert await listed_ids(stack, "/cases", DWP, "case_id") == everyone
    assert await listed_ids(stack, "/cases", AUDITOR, "case_id") == everyone
    assert await listed_ids(stack, "/cases", PRIME, "case_id") == everyone
    assert await listed_ids(stack, "/cases", WHOLE, "case_id") == {at_whole.referral_id}
    assert await listed_ids(stack, "/cases", MIND, "case_id") == {at_mind.referral_id}
    assert await listed_ids(stack, "/cases", PRIME, "case_id", delivering_organisation_id="partner-whole") == {
        at_whole.referral_id
    }
    # a partner asking for another's caseload gets nothing, not the other's cases
    assert await listed_ids(stack, "/cases", WHOLE, "case_id", delivering_organisation_id="partner-mind") == set()
    for who, headers in STRANGERS.items():
        if who != "another JCP district":
            assert await listed_ids(stack, "/cases", headers, "case_id") == set(), who


async def test_lists_filter_on_clocks(stack: Stack) -> None:
    late = await stack.open_case(referral_date=days_ago(40), started_on=days_ago(40))
    fresh = await stack.open_case()
    ids = lambda **q: listed_ids(stack, "/cases", PRIME, "case_id", **q)  # noqa: E731
    assert await ids(clock="first_meeting", clock_state="breached") == {late.referral_id}
    assert await ids(clock="first_meeting", clock_state="due") == {fresh.referral_id}
    assert await ids(clock="first_meeting", clock_state="met") == set()
    assert await ids(clock="acknowledgement", clock_state="met") == {late.referral_id, fresh.referral_id}
    assert await ids(clock_state="breached") == {late.referral_id}  # any clock
    case = await stack.case(late)
    assert {c["clock"]: c["state"] for c in case["clocks"]} == {
        "acknowledgement": "met", "first_meeting": "breached", "assessment": "breached",
    }


async def test_strangers_see_nothing_of_a_case(stack: Stack) -> None:
    referral = await stack.open_case(partner="partner-whole")
    case_id = referral.referral_id
    for who, headers in STRANGERS.items():
        for path in (f"/cases/{case_id}", f"/cases/{case_id}/summary", f"/cases/{case_id}/timeline"):
            response = await stack.client.get(path, headers=headers)
            assert response.status_code == 404, (who, path, response.text)
        async with stack.service.writes_nothing():
            response = await stack.client.put(f"/cases/{case_id}/adviser", json={"adviser": "x"}, headers=headers)
        assert response.status_code == 404, (who, response.text)
        assert referral.claimant_ref not in response.text


async def test_only_the_deliverer_acts_and_the_prime_reads(stack: Stack) -> None:
    referral = await stack.open_case(partner="partner-whole")
    path = f"/cases/{referral.referral_id}/adviser"
    for who, headers in {"the prime of a partner-delivered case": PRIME, "DWP": DWP, "an auditor": AUDITOR}.items():
        async with stack.service.writes_nothing():
            response = await stack.client.put(path, json={"adviser": "adviser-bob"}, headers=headers)
        assert response.status_code == 403, (who, response.text)
        problem(response, 403)
    response = await stack.client.put(path, json={"adviser": "adviser-bob"}, headers=WHOLE_ADVISER)
    assert response.status_code == 200, response.text
    assert response.json()["adviser"] == "adviser-bob"
    assert (await stack.case(referral, PRIME))["adviser"] == "adviser-bob"
    assert await listed_ids(stack, "/cases", WHOLE, "case_id", adviser="adviser-bob") == {referral.referral_id}
    assert await listed_ids(stack, "/cases", WHOLE, "case_id", adviser="someone-else") == set()
    assigned = await stack.service.events("case.adviser_assigned")
    assert [e["data"]["adviser"] for e in assigned] == ["adviser-bob"]


async def test_a_former_deliverer_reads_only_what_it_recorded(stack: Stack) -> None:
    referral = await stack.open_case(partner="partner-whole")
    case_id = referral.referral_id
    assert (await stack.client.put(f"/cases/{case_id}/adviser", json={"adviser": "bob"}, headers=WHOLE)).is_success
    referral = await stack.allocate(referral, "partner-mind")
    assert (await stack.client.put(f"/cases/{case_id}/adviser", json={"adviser": "mo"}, headers=MIND)).is_success

    full = await stack.client.get(f"/cases/{case_id}/timeline", headers=PRIME)
    assert [e["type"] for e in full.json()["items"]] == [
        "case.opened", "case.delivery_changed", "case.adviser_assigned", "case.delivery_changed",
        "case.adviser_assigned",
    ]
    own = await stack.client.get(f"/cases/{case_id}/timeline", headers=WHOLE)
    assert own.status_code == 200, own.text
    assert [(e["type"], e["data"].get("adviser")) for e in own.json()["items"]] == [("case.adviser_assigned", "bob")]
    # and it may no longer act
    response = await stack.client.put(f"/cases/{case_id}/adviser", json={"adviser": "bob"}, headers=WHOLE)
    assert response.status_code == 403, response.text


async def test_the_timeline_pages(stack: Stack) -> None:
    referral = await stack.open_case(partner="partner-whole")
    for adviser in ("a", "b", "c"):
        await stack.client.put(f"/cases/{referral.referral_id}/adviser", json={"adviser": adviser}, headers=WHOLE)
    seen, cursor = [], None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await stack.client.get(f"/cases/{referral.referral_id}/timeline", params=params, headers=PRIME)).json()
        seen += [e["event_id"] for e in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize(("body", "field"), [
    ({"adviser": ""}, "body.adviser"),
    ({"adviser": "x" * 101}, "body.adviser"),
    ({"adviser": " padded"}, "body.adviser"),
    ({"adviser": 7}, "body.adviser"),
    ({}, "body.adviser"),
    ({"adviser": "bob", "extra": 1}, "body.extra"),
])
async def test_a_bad_adviser_is_refused_naming_the_field(stack: Stack, body: dict[str, object], field: str) -> None:
    referral = await stack.open_case()
    async with stack.service.writes_nothing():
        response = await stack.client.put(f"/cases/{referral.referral_id}/adviser", json=body, headers=PRIME)
    assert response.status_code == 422, response.text
    assert field in {e["field"] for e in problem(response, 422)["errors"]}


async def test_bad_list_filters_are_refused(stack: Stack) -> None:
    for params in ({"clock_state": "late"}, {"traffic_light": "blue"}, {"status": "gone"}, {"limit": "0"},
                   {"cursor": "not-ours"}):
        response = await stack.client.get("/cases", params=params, headers=PRIME)
        assert response.status_code in (400, 422), (params, response.text)
