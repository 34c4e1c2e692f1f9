"""The claimant's feedback: a score 1-5 and coded topics, given to the delivering organisation or to the referring
JCP district, dated between the start and today; read by those who read the case and by the district."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .builders import (
    AUDITOR,
    DWP,
    JCP,
    MIND,
    PRIME,
    STRANGERS,
    TPPM,
    WHOLE,
    Stack,
    assert_valid_events,
    days_ago,
    listed_ids,
    problem,
    slug,
    today,
)


async def give(stack: Stack, case_id: str, headers: dict[str, str], *, score: int = 4,
               topics: list[str] | None = None, given_on: date | None = None) -> Any:
    body = {"score": score, "topics": topics if topics is not None else ["adviser"],
            "given_on": (given_on or today()).isoformat()}
    return await stack.client.post(f"/cases/{case_id}/feedback", json=body, headers=headers)


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def feedback_ids(stack: Stack, case_id: str, headers: dict[str, str]) -> set[str]:
    return await listed_ids(stack, f"/cases/{case_id}/feedback", headers, "feedback_id")


async def test_feedback_is_recorded_and_published_as_codes(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=days_ago(9), started_on=days_ago(7), partner="partner-whole")
    given = created(await give(stack, referral.referral_id, WHOLE, score=5,
                               topics=["premises", "adviser", "premises"], given_on=days_ago(1)))
    assert given["score"] == 5 and given["topics"] == ["adviser", "premises"]
    assert given["provider_id"] == "partner-whole" and given["recorded_by"] == "partner-whole"
    by_jcp = created(await give(stack, referral.referral_id, TPPM, score=1, topics=[]))
    assert by_jcp["provider_id"] == "partner-whole" and by_jcp["recorded_by"] == "jcp-leeds"
    events = await stack.service.events("feedback.given")
    assert_valid_events(events)
    assert events[0]["data"] == {
        "feedback_id": given["feedback_id"], "case_id": referral.referral_id, "score": 5,
        "topics": ["adviser", "premises"], "given_on": days_ago(1).isoformat(), "provider_id": "partner-whole",
    }
    assert {e["journey_id"] for e in events} == {referral.referral_id}
    page = (await stack.client.get(f"/cases/{referral.referral_id}/feedback", headers=PRIME)).json()
    assert [f["score"] for f in page["items"]] == [5, 1]


async def test_score_and_dates_at_their_boundaries(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=days_ago(9), started_on=days_ago(7))
    case_id = referral.referral_id
    async with stack.service.writes_nothing():
        for score in (0, 6):
            problem(await give(stack, case_id, PRIME, score=score), 422, field="body.score")
        before = problem(await give(stack, case_id, PRIME, given_on=days_ago(8)), 422, field="body.given_on")
        future = problem(await give(stack, case_id, PRIME, given_on=today() + timedelta(days=1)), 422,
                         field="body.given_on")
    assert slug(before) == "date-too-early"
    assert days_ago(8).isoformat() in before["detail"] and days_ago(7).isoformat() in before["detail"]
    assert slug(future) == "date-in-future"
    for score, on in ((1, days_ago(7)), (5, today())):
        created(await give(stack, case_id, PRIME, score=score, given_on=on))


async def test_who_gives_and_who_reads_feedback(stack: Stack) -> None:
    referral = await stack.open_case(partner="partner-whole")
    case_id = referral.referral_id
    mine = created(await give(stack, case_id, WHOLE))["feedback_id"]
    theirs = created(await give(stack, case_id, JCP))["feedback_id"]
    async with stack.service.writes_nothing():
        for headers in (PRIME, DWP, AUDITOR):  # they read the case, but the claimant's feedback is not theirs to give
            assert slug(problem(await give(stack, case_id, headers), 403)) == "not-complaint-party"
        for headers in (*STRANGERS.values(), MIND):
            problem(await give(stack, case_id, headers), 404)
            problem(await stack.client.get(f"/cases/{case_id}/feedback", headers=headers), 404)
    for headers in (PRIME, DWP, AUDITOR, WHOLE, JCP, TPPM):
        assert await feedback_ids(stack, case_id, headers) == {mine, theirs}

    # Re-allocated: partner-mind gives feedback now; partner-whole keeps what it recorded, and nothing after.
    await stack.allocate(referral, "partner-mind")
    assert slug(problem(await give(stack, case_id, WHOLE), 403)) == "not-complaint-party"
    later = created(await give(stack, case_id, MIND))
    assert later["provider_id"] == "partner-mind"
    assert await feedback_ids(stack, case_id, WHOLE) == {mine}
    assert await feedback_ids(stack, case_id, MIND) == {mine, theirs, later["feedback_id"]}
