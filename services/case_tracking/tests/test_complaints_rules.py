"""The complaint's rules at their boundaries: levels in and out of order, answering and resolving once, dates
neither in the future nor before the step they follow — each refusal a problem, with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scx_case_tracking.rules import complaints as rules
from scx_case_tracking.rules.complaints import Parties
from scx_servicekit import Principal

from .builders import DWP, JCP, PRIME, TPPM, Stack, days_ago, problem, slug, today
from .test_complaints_journey import answer, complaint_body, escalate, ok, raise_complaint, resolve

PARTIES = Parties(prime_id="prime-north", referrer_id="jcp-leeds", provider_id="partner-whole")


def who(organisation_id: str, kind: str, *roles: str) -> Principal:
    return Principal(organisation_id=organisation_id, kind=kind, roles=frozenset(roles), user="u")  # type: ignore[arg-type]


# The rules alone


def test_levels_climb_one_at_a_time_and_stop_at_the_contract_manager() -> None:
    assert rules.first_level("provider") == "provider" and rules.first_level("jcp") == "tppm"
    assert [rules.next_level(level) for level in rules.LEVELS] == ["tppm", "contract_manager", None]


@pytest.mark.parametrize(("principal", "level", "holds"), [
    (who("partner-whole", "partner", "adviser"), "provider", True),
    (who("partner-whole", "partner", "manager"), "provider", True),
    (who("prime-north", "prime", "manager"), "provider", False),  # the prime reads a partner's complaint only
    (who("partner-mind", "partner", "manager"), "provider", False),
    (who("jcp-leeds", "jcp", "tppm"), "tppm", True),
    (who("jcp-leeds", "jcp", "referrer"), "tppm", False),
    (who("jcp-bradford", "jcp", "tppm"), "tppm", False),
    (who("dwp", "dwp", "contract_manager"), "contract_manager", True),
    (who("dwp", "dwp", "auditor"), "contract_manager", False),
    (who("jcp-leeds", "jcp", "tppm"), "contract_manager", False),
])
def test_who_holds_each_level(principal: Principal, level: str, holds: bool) -> None:
    assert rules.holds(principal, level, PARTIES) is holds


def test_the_holder_passes_a_complaint_up_or_the_next_level_takes_it_up() -> None:
    tppm, cm = who("jcp-leeds", "jcp", "tppm"), who("dwp", "dwp", "contract_manager")
    provider = who("partner-whole", "partner", "adviser")
    assert rules.may_escalate(provider, "provider", PARTIES) and rules.may_escalate(tppm, "provider", PARTIES)
    assert not rules.may_escalate(cm, "provider", PARTIES)
    assert rules.may_escalate(tppm, "tppm", PARTIES) and rules.may_escalate(cm, "tppm", PARTIES)
    assert not rules.may_escalate(provider, "tppm", PARTIES)
    assert rules.days_between(today() - timedelta(days=3), today()) == 3


# Through the API


async def test_escalation_in_order_only(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=days_ago(10))
    cid = (await raise_complaint(stack, referral.referral_id, PRIME))["complaint_id"]
    async with stack.service.writes_nothing():
        skipping = await escalate(stack, cid, PRIME, "contract_manager")
    body = problem(skipping, 409, field="body.level")
    assert slug(body) == "escalation-out-of-order" and "tppm" in body["detail"]
    ok(await escalate(stack, cid, PRIME, "tppm"))
    async with stack.service.writes_nothing():
        staying = await escalate(stack, cid, TPPM, "tppm")
    assert slug(problem(staying, 409, field="body.level")) == "escalation-out-of-order"
    ok(await escalate(stack, cid, DWP, "contract_manager"))  # the contract manager takes it up
    async with stack.service.writes_nothing():
        beyond = await escalate(stack, cid, DWP, "contract_manager")
        # going back down is not a level at all
        down = await escalate(stack, cid, DWP, "provider")
    assert slug(problem(beyond, 409, field="body.level")) == "no-higher-level"
    problem(down, 422, field="body.level")


async def test_answered_once_per_level_resolved_once(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=days_ago(10))
    cid = (await raise_complaint(stack, referral.referral_id, PRIME))["complaint_id"]
    ok(await answer(stack, cid, PRIME))
    async with stack.service.writes_nothing():
        again = await answer(stack, cid, PRIME)
    assert slug(problem(again, 409)) == "complaint-already-answered"
    ok(await escalate(stack, cid, PRIME, "tppm"))
    ok(await answer(stack, cid, TPPM))  # a new level answers in its turn
    ok(await resolve(stack, cid, TPPM, outcome="withdrawn"))
    async with stack.service.writes_nothing():
        twice = await resolve(stack, cid, TPPM)
        escalated = await escalate(stack, cid, TPPM, "contract_manager")
        answered = await answer(stack, cid, TPPM)
    for response in (twice, escalated, answered):
        assert slug(problem(response, 409)) == "complaint-resolved"


async def test_a_complaint_may_be_resolved_without_an_answer(stack: Stack) -> None:
    referral = await stack.open_case()
    cid = (await raise_complaint(stack, referral.referral_id, PRIME))["complaint_id"]
    assert ok(await resolve(stack, cid, PRIME, outcome="withdrawn"))["days_open"] == 0


async def test_raised_between_the_referral_and_today(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=days_ago(10), started_on=days_ago(8))
    path = f"/cases/{referral.referral_id}/complaints"
    async with stack.service.writes_nothing():
        early = await stack.client.post(path, json=complaint_body(raised_on=days_ago(11)), headers=PRIME)
        future = await stack.client.post(path, json=complaint_body(raised_on=today() + timedelta(days=1)),
                                         headers=PRIME)
    body = problem(early, 422, field="body.raised_on")
    assert slug(body) == "date-too-early"
    assert days_ago(11).isoformat() in body["detail"] and days_ago(10).isoformat() in body["detail"]
    assert slug(problem(future, 422, field="body.raised_on")) == "date-in-future"
    # the boundaries themselves: the referral date (before the start, even) and today
    await raise_complaint(stack, referral.referral_id, PRIME, raised_on=days_ago(10))
    await raise_complaint(stack, referral.referral_id, PRIME, raised_on=today())


@pytest.mark.parametrize("action", ["answer", "escalation", "resolution"])
async def test_a_step_is_not_before_the_last_nor_after_today(stack: Stack, action: str) -> None:
    referral = await stack.open_case(referral_date=days_ago(30))
    cid = (await raise_complaint(stack, referral.referral_id, PRIME, raised_on=days_ago(20)))["complaint_id"]
    ok(await answer(stack, cid, PRIME, days_ago(15)))
    if action == "answer":
        ok(await escalate(stack, cid, PRIME, "tppm", days_ago(12)))  # answering follows the escalation
        last, field = days_ago(12), "answered_on"

        async def do(on):  # type: ignore[no-untyped-def]
            return await answer(stack, cid, TPPM, on)
    elif action == "escalation":
        last, field = days_ago(15), "escalated_on"

        async def do(on):  # type: ignore[no-untyped-def]
            return await escalate(stack, cid, PRIME, "tppm", on)
    else:
        last, field = days_ago(15), "resolved_on"

        async def do(on):  # type: ignore[no-untyped-def]
            return await resolve(stack, cid, PRIME, on)
    async with stack.service.writes_nothing():
        early = await do(last - timedelta(days=1))
        future = await do(today() + timedelta(days=1))
    body = problem(early, 422, field=f"body.{field}")
    assert slug(body) == "date-too-early"
    assert (last - timedelta(days=1)).isoformat() in body["detail"] and last.isoformat() in body["detail"]
    assert slug(problem(future, 422, field=f"body.{field}")) == "date-in-future"
    done = ok(await do(last))  # the same day as the last step is fine
    assert done["steps"][-1]["days_since_previous"] == 0


async def test_the_referrer_and_the_prime_read_but_do_not_hold(stack: Stack) -> None:
    referral = await stack.open_case(partner="partner-whole")
    cid = (await raise_complaint(stack, referral.referral_id))["complaint_id"]
    async with stack.service.writes_nothing():
        by_prime = await answer(stack, cid, PRIME)
        by_referrer = await escalate(stack, cid, JCP, "tppm")
        by_cm = await escalate(stack, cid, DWP, "tppm")
    for response in (by_prime, by_referrer, by_cm):
        assert slug(problem(response, 403)) == "not-complaint-holder"
    assert "partner-whole" in by_prime.json()["detail"]
