"""A complaint's journey: raised with the provider or with JCP, answered, escalated to the TPPM and the DWP contract
manager, resolved; each step timed, each an event with codes and dates only — the words never leave the service."""

from __future__ import annotations

from datetime import date
from typing import Any

from .builders import (
    DWP,
    JCP,
    PRIME,
    TPPM,
    WHOLE,
    WHOLE_ADVISER,
    Stack,
    assert_valid_events,
    days_ago,
    today,
)

WORDS = "My adviser shouted at me in front of the job club\nand cancelled my interview twice."
ANSWER = "We have spoken to the adviser concerned and apologise."


def complaint_body(raised_with: str = "provider", raised_on: date | None = None, **more: Any) -> dict[str, Any]:
    return {
        "raised_with": raised_with, "category": "staff_conduct", "raised_on": (raised_on or today()).isoformat(),
        "words": WORDS, **more,
    }


async def raise_complaint(
    stack: Stack, case_id: str, headers: dict[str, str] = WHOLE, **body: Any
) -> dict[str, Any]:
    response = await stack.client.post(f"/cases/{case_id}/complaints", json=complaint_body(**body), headers=headers)
    assert response.status_code == 201, response.text
    raised: dict[str, Any] = response.json()
    assert response.headers["location"] == f"/complaints/{raised['complaint_id']}"
    return raised


async def step(stack: Stack, complaint_id: str, action: str, headers: dict[str, str], **body: Any) -> Any:
    return await stack.client.post(f"/complaints/{complaint_id}/{action}", json=body, headers=headers)


async def answer(stack: Stack, complaint_id: str, headers: dict[str, str], on: date | None = None) -> Any:
    return await step(stack, complaint_id, "answer", headers, answered_on=(on or today()).isoformat(), answer=ANSWER)


async def escalate(stack: Stack, complaint_id: str, headers: dict[str, str], level: str, on: date | None = None,
                   **more: Any) -> Any:
    return await step(
        stack, complaint_id, "escalation", headers, level=level, escalated_on=(on or today()).isoformat(), **more
    )


async def resolve(stack: Stack, complaint_id: str, headers: dict[str, str], on: date | None = None,
                  outcome: str = "upheld", **more: Any) -> Any:
    return await step(
        stack, complaint_id, "resolution", headers, outcome=outcome, resolved_on=(on or today()).isoformat(), **more
    )


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_complaint_climbs_every_level_each_step_timed(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=days_ago(40), started_on=days_ago(38), partner="partner-whole")
    raised = await raise_complaint(stack, referral.referral_id, WHOLE_ADVISER, raised_on=days_ago(30))
    assert raised["status"] == "open" and raised["level"] == "provider" and raised["provider_id"] == "partner-whole"
    assert raised["held_by"] == "adviser or manager of partner-whole" and raised["words"] == WORDS
    cid = raised["complaint_id"]

    answered = ok(await answer(stack, cid, WHOLE, days_ago(25)))
    assert answered["status"] == "answered" and answered["days_to_answer"] == 5
    escalated = ok(await escalate(stack, cid, TPPM, "tppm", days_ago(20), note="The claimant is not satisfied."))
    assert escalated["level"] == "tppm" and escalated["status"] == "open" and escalated["answered_on"] is None
    assert escalated["held_by"] == "tppm of jcp-leeds" and escalated["level_since"] == days_ago(20).isoformat()
    assert ok(await answer(stack, cid, TPPM, days_ago(17)))["days_to_answer"] == 3
    assert ok(await escalate(stack, cid, TPPM, "contract_manager", days_ago(10)))["escalations"] == 2
    resolved = ok(await resolve(stack, cid, DWP, days_ago(2), outcome="partly_upheld"))
    assert resolved["status"] == "resolved" and resolved["outcome"] == "partly_upheld"
    assert resolved["days_open"] == 28 and resolved["resolved_on"] == days_ago(2).isoformat()

    detail = ok(await stack.client.get(f"/complaints/{cid}", headers=JCP))
    assert [(s["kind"], s["level"], s["days_since_previous"], s["days_since_raised"]) for s in detail["steps"]] == [
        ("raised", "provider", 0, 0),
        ("answered", "provider", 5, 5),
        ("escalated", "tppm", 5, 10),
        ("answered", "tppm", 3, 13),
        ("escalated", "contract_manager", 7, 20),
        ("resolved", "contract_manager", 8, 28),
    ]
    assert [s["recorded_by"] for s in detail["steps"]] == [
        "partner-whole", "partner-whole", "jcp-leeds", "jcp-leeds", "jcp-leeds", "dwp",
    ]
    assert detail["steps"][0]["user"] == "adviser-bob" and detail["steps"][1]["note"] == ANSWER

    events = await stack.service.events()
    assert_valid_events(events)
    mine = [e for e in events if e["type"].startswith("complaint.")]
    assert [e["type"] for e in mine] == [
        "complaint.raised", "complaint.answered", "complaint.escalated", "complaint.answered", "complaint.escalated",
        "complaint.resolved",
    ]
    assert {e["journey_id"] for e in mine} == {referral.referral_id}
    assert [e["data"].get("level") for e in mine if e["type"] == "complaint.escalated"] == ["tppm", "contract_manager"]
    assert mine[-1]["data"] == {
        "complaint_id": cid, "case_id": referral.referral_id, "outcome": "partly_upheld",
        "resolved_on": days_ago(2).isoformat(), "days_open": 28,
    }
    timeline = ok(await stack.client.get(f"/cases/{referral.referral_id}/timeline", headers=PRIME))
    assert [e["type"] for e in timeline["items"] if e["type"].startswith("complaint.")] == [e["type"] for e in mine]


async def test_the_words_never_leave_the_service(stack: Stack) -> None:
    """Neither the complaint's words, nor an answer, nor a note is in any event: outbox, published or timeline."""
    referral = await stack.open_case(referral_date=days_ago(10))
    cid = (await raise_complaint(stack, referral.referral_id, PRIME))["complaint_id"]
    note = "Private: claimant disclosed a health condition"
    ok(await answer(stack, cid, PRIME))
    ok(await escalate(stack, cid, PRIME, "tppm", note=note))
    ok(await resolve(stack, cid, TPPM, note=note + " again"))
    secrets = [WORDS, ANSWER, note, "shouted", "health condition"]
    outbox = await stack.service.raw_outbox()
    assert len(outbox) >= 5
    rows = await stack.service.rows()
    for text in secrets:
        assert not any(text in payload for payload in outbox), text
        assert not any(text in str(entry["data"]) for entry in rows["timeline"]), text
    # and it is there, in this service's own tables, for the parties
    assert rows["complaints"][0]["words"] == WORDS
    assert {s["note"] for s in rows["complaint_steps"]} == {None, ANSWER, note, note + " again"}


async def test_a_complaint_raised_with_jcp_goes_to_the_districts_tppm(stack: Stack) -> None:
    referral = await stack.open_case(partner="partner-whole")
    raised = await raise_complaint(stack, referral.referral_id, JCP, raised_with="jcp", category="sanction_referral")
    assert raised["level"] == "tppm" and raised["held_by"] == "tppm of jcp-leeds"
    assert raised["provider_id"] == "partner-whole" and raised["recorded_by"] == "jcp-leeds"
    # the referrer recorded it, but the TPPM holds it
    assert (await answer(stack, raised["complaint_id"], JCP)).status_code == 403
    assert (await answer(stack, raised["complaint_id"], WHOLE)).status_code == 403
    ok(await answer(stack, raised["complaint_id"], TPPM))
    event = (await stack.service.events("complaint.raised"))[0]
    assert event["data"]["raised_with"] == "jcp" and event["data"]["provider_id"] == "partner-whole"
    assert event["actor"]["organisation_id"] == "jcp-leeds"


async def test_a_complaint_may_be_raised_after_the_case_is_closed(stack: Stack) -> None:
    """A claimant may complain about a finished service: complaints do not need a case that can still be acted on."""
    referral = await stack.open_case(referral_date=days_ago(5), partner="partner-whole")
    await stack.referrals.withdraw(referral, today())
    await stack.synced()
    assert (await stack.case(referral, DWP))["status"] == "closed"
    cid = (await raise_complaint(stack, referral.referral_id, WHOLE))["complaint_id"]
    ok(await answer(stack, cid, WHOLE))
    ok(await resolve(stack, cid, WHOLE, outcome="not_upheld"))
    feedback = await stack.client.post(
        f"/cases/{referral.referral_id}/feedback", json={"score": 4, "given_on": today().isoformat()}, headers=JCP
    )
    assert feedback.status_code == 201, feedback.text


async def test_a_retried_raise_with_its_idempotency_key_is_one_complaint(stack: Stack) -> None:
    referral = await stack.open_case()
    headers = {**PRIME, "Idempotency-Key": "complaint-1"}
    first = await stack.client.post(f"/cases/{referral.referral_id}/complaints", json=complaint_body(), headers=headers)
    again = await stack.client.post(f"/cases/{referral.referral_id}/complaints", json=complaint_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replay"] == "true"
    assert len(await stack.service.events("complaint.raised")) == 1
