"""The prime's answer to a referral: a start (attachment), or a rejection with a coded reason; one or the other."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .builders import (
    AUDITOR,
    JCP,
    OTHER_PRIME,
    PRIME,
    PRIME_ADVISER,
    WHOLE,
    Chain,
    Stack,
    assert_valid_events,
    problem,
    refer,
    slug,
    today,
)


async def test_the_prime_takes_a_referral_onto_its_caseload(stack: Stack, chain: Chain) -> None:
    referral = await refer(stack, chain)
    path = f"/referrals/{referral['referral_id']}"

    response = await stack.client.post(f"{path}/start", json={"started_on": today().isoformat()},
                                       headers=PRIME_ADVISER)

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["started_on"]) == ("started", today().isoformat())
    assert (await stack.client.get(path, headers=JCP)).json()["status"] == "started"
    [event] = await stack.referral.events("referral.started")
    assert event["data"] == {"referral_id": referral["referral_id"], "contract_id": chain.contract_id,
                             "prime_id": "prime-north", "started_on": today().isoformat()}
    assert event["actor"]["role"] == "adviser"

    async with stack.referral.writes_nothing():
        again = await stack.client.post(f"{path}/start", json={"started_on": today().isoformat()}, headers=PRIME)
        rejected = await stack.client.post(f"{path}/rejection", json={"reason": "ineligible"}, headers=PRIME)
    assert slug(problem(again, 409)) == "not-awaiting-start"
    assert slug(problem(rejected, 409)) == "not-awaiting-start"
    assert_valid_events(await stack.referral.events())


async def test_a_start_in_the_future_or_before_the_referral_names_the_field(stack: Stack, chain: Chain) -> None:
    referral = await refer(stack, chain, referral_date=(today() - timedelta(days=3)).isoformat())
    path = f"/referrals/{referral['referral_id']}/start"

    async with stack.referral.writes_nothing():
        tomorrow = await stack.client.post(path, json={"started_on": str(today() + timedelta(days=1))}, headers=PRIME)
        too_soon = await stack.client.post(path, json={"started_on": str(today() - timedelta(days=4))}, headers=PRIME)
        missing = await stack.client.post(path, json={}, headers=PRIME)

    assert slug(problem(tomorrow, 422, field="body.started_on")) == "date-in-future"
    assert slug(problem(too_soon, 422, field="body.started_on")) == "start-before-referral"
    problem(missing, 422, field="body.started_on")


@pytest.mark.parametrize(
    ("headers", "status"),
    [(OTHER_PRIME, 404), (JCP, 403), (WHOLE, 403), (AUDITOR, 403)],
    ids=["another-prime", "jcp", "partner", "dwp-auditor"],
)
async def test_only_the_prime_holding_the_referral_starts_or_rejects_it(
    stack: Stack, chain: Chain, headers: dict[str, str], status: int
) -> None:
    referral = await refer(stack, chain)
    path = f"/referrals/{referral['referral_id']}"

    async with stack.referral.writes_nothing():
        started = await stack.client.post(f"{path}/start", json={"started_on": today().isoformat()}, headers=headers)
        rejected = await stack.client.post(f"{path}/rejection", json={"reason": "ineligible"}, headers=headers)

    problem(started, status)
    problem(rejected, status)


async def test_an_unknown_referral_is_not_found(stack: Stack, chain: Chain) -> None:
    for action, body in (("start", {"started_on": today().isoformat()}), ("rejection", {"reason": "ineligible"})):
        problem(await stack.client.post(f"/referrals/no-such-referral/{action}", json=body, headers=PRIME), 404)
    problem(await stack.client.get("/referrals/no-such-referral", headers=PRIME), 404)


async def test_the_prime_rejects_an_inappropriate_referral_with_a_coded_reason(stack: Stack, chain: Chain) -> None:
    in_work, other = await refer(stack, chain, 1), await refer(stack, chain, 2)

    response = await stack.client.post(
        f"/referrals/{in_work['referral_id']}/rejection", json={"reason": "already_in_work"}, headers=PRIME
    )
    noted = await stack.client.post(
        f"/referrals/{other['referral_id']}/rejection",
        json={"reason": "other", "note": "attends a full-time college course"},
        headers=PRIME,
    )

    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["rejection_reason"]) == ("rejected", "already_in_work")
    assert noted.status_code == 200 and noted.json()["rejection_reason"] == "other"
    events = await stack.referral.events("referral.rejected")
    assert [e["data"]["reason"] for e in events] == ["already_in_work", "other"]
    assert events[0]["data"] == {"referral_id": in_work["referral_id"], "contract_id": chain.contract_id,
                                 "prime_id": "prime-north", "reason": "already_in_work"}
    assert "college" not in str(events)  # the note stays in this service

    async with stack.referral.writes_nothing():
        again = await stack.client.post(
            f"/referrals/{in_work['referral_id']}/rejection", json={"reason": "ineligible"}, headers=PRIME
        )
        start = await stack.client.post(
            f"/referrals/{in_work['referral_id']}/start", json={"started_on": today().isoformat()}, headers=PRIME
        )
        withdraw = await stack.client.post(
            f"/referrals/{in_work['referral_id']}/withdrawal", json={"reason": "left_benefit"}, headers=PRIME
        )
    for conflict in (again, start, withdraw):
        problem(conflict, 409)
    assert_valid_events(await stack.referral.events())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "other"}, "body.note"),
        ({"reason": "other", "note": "   "}, "body.note"),
        ({"reason": "didnt_like_them"}, "body.reason"),
        ({}, "body.reason"),
    ],
    ids=["other-without-note", "other-with-blank-note", "uncoded-reason", "no-reason"],
)
async def test_a_rejection_without_a_proper_reason_names_the_field(
    stack: Stack, chain: Chain, body: dict[str, str], field: str
) -> None:
    referral = await refer(stack, chain)

    async with stack.referral.writes_nothing():
        response = await stack.client.post(f"/referrals/{referral['referral_id']}/rejection", json=body, headers=PRIME)

    problem(response, 422, field=field)
