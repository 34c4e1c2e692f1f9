"""Fail to attend: a missed mandatory appointment raises a notice to the referring JCP district, notified the day it
is recorded; JCP decides it once, dated between the notice and today; the delays are kept and reported."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .builders import (
    AUDITOR,
    DWP,
    JCP,
    PRIME,
    TPPM,
    WHOLE,
    Stack,
    assert_valid_events,
    bearer,
    days_ago,
    listed_ids,
    problem,
    slug,
    today,
)
from .test_appointments_support import booked, done, missed_notice, moment

NOTICES = "/fail-to-attend-notices"


async def decide(stack: Stack, notice_id: str, headers: dict[str, str] = JCP, **body: Any) -> Any:
    body = {"decision": "good_cause_accepted", **body}
    return await stack.client.post(f"{NOTICES}/{notice_id}/decision", json=body, headers=headers)


async def test_a_missed_mandatory_wfi_raises_a_notice_to_the_referring_district(stack: Stack) -> None:
    case_id = (await stack.open_case(referral_date=days_ago(6), started_on=days_ago(6))).referral_id
    notice = await missed_notice(stack, case_id, booked_on=days_ago(5).isoformat(), scheduled_at=moment(days_ago(3)))
    assert notice["referrer_id"] == "jcp-leeds" and notice["prime_id"] == "prime-north"
    assert notice["delivering_organisation_id"] == "prime-north" and notice["recorded_by"] == "prime-north"
    assert (notice["missed_on"], notice["notified_on"]) == (days_ago(3).isoformat(), today().isoformat())
    assert notice["days_missed_to_notified"] == 3 and notice["status"] == "awaiting_decision"
    assert notice["kind"] == "wfi" and notice["wfi_number"] == 1
    event = (await stack.service.events("case.failed_to_attend"))[0]["data"]
    assert (event["notice_id"], event["referrer_id"], event["mandatory"]) == (notice["notice_id"], "jcp-leeds", True)
    assert event["notified_on"] == today().isoformat() and event["missed_on"] == days_ago(3).isoformat()
    assert (await stack.client.get(f"/cases/{case_id}/summary", headers=JCP)).status_code == 200


async def test_a_missed_voluntary_appointment_raises_no_notice(stack: Stack) -> None:
    case_id = (await stack.open_case()).referral_id
    missed = await done(stack, await booked(stack, case_id, kind="cmp_session"), "fail-to-attend")
    assert missed["status"] == "failed_to_attend" and missed["notice_id"] is None
    assert missed["missed_on"] == today().isoformat()
    event = (await stack.service.events("case.failed_to_attend"))[0]["data"]
    assert event["notice_id"] is None and event["notified_on"] is None and event["mandatory"] is False
    assert await listed_ids(stack, NOTICES, DWP, "notice_id") == set()
    assert_valid_events(await stack.service.events())


async def test_jcp_decides_once_between_the_notice_and_today(stack: Stack) -> None:
    case_id = (await stack.open_case(referral_date=days_ago(6), started_on=days_ago(6))).referral_id
    notice = await missed_notice(stack, case_id, booked_on=days_ago(5).isoformat(), scheduled_at=moment(days_ago(2)))
    async with stack.service.writes_nothing():
        before = await decide(stack, notice["notice_id"], decided_on=days_ago(1).isoformat())
        future = await decide(stack, notice["notice_id"], decided_on=(today() + timedelta(days=1)).isoformat())
    body = problem(before, 422, field="body.decided_on")
    assert slug(body) == "date-too-early" and today().isoformat() in body["detail"]
    assert slug(problem(future, 422, field="body.decided_on")) == "date-in-future"

    decided = await decide(stack, notice["notice_id"], decision="referred_for_sanction_decision",
                           decided_on=today().isoformat(), note="Second miss this month; no contact made")
    assert decided.status_code == 200, decided.text
    out = decided.json()
    assert out["status"] == "decided" and out["decision"] == "referred_for_sanction_decision"
    assert (out["decided_on"], out["days_notified_to_decided"], out["days_missed_to_notified"]) == (
        today().isoformat(), 0, 2
    )
    event = (await stack.service.events("case.fta_decided"))[0]
    assert event["data"] == {
        "case_id": case_id, "notice_id": notice["notice_id"], "decision": "referred_for_sanction_decision",
        "decided_on": today().isoformat(), "days_missed_to_notified": 2, "days_notified_to_decided": 0,
    }
    assert event["actor"]["organisation_id"] == "jcp-leeds" and event["journey_id"] == case_id
    assert "Second miss" not in str(await stack.service.raw_outbox())
    # the provider sees the decision, and its note
    seen = (await stack.client.get(f"{NOTICES}/{notice['notice_id']}", headers=PRIME)).json()
    assert seen["decision"] == "referred_for_sanction_decision" and seen["decision_note"].startswith("Second miss")

    async with stack.service.writes_nothing():
        again = await decide(stack, notice["notice_id"], headers=TPPM, decision="no_action")
    assert slug(problem(again, 409)) == "notice-decided"
    assert_valid_events(await stack.service.events())


async def test_only_the_referring_districts_referrers_and_tppm_decide(stack: Stack) -> None:
    case_id = (await stack.open_case(partner="partner-whole")).referral_id
    notice = await missed_notice(stack, case_id, WHOLE)
    other_jcp = bearer("jcp-bradford", "jcp", "referrer", "tppm")
    work_coach = bearer("jcp-leeds", "jcp", "work_coach")
    async with stack.service.writes_nothing():
        responses = {name: await decide(stack, notice["notice_id"], headers=headers) for name, headers in {
            "another district": other_jcp, "a work coach": work_coach, "the prime": PRIME, "the partner": WHOLE,
            "DWP": DWP, "an auditor": AUDITOR,
        }.items()}
    assert problem(responses.pop("another district"), 404)
    assert problem(responses.pop("a work coach"), 404)  # a role that does not work with cases sees no notice
    for name, response in responses.items():
        assert slug(problem(response, 403)) == "forbidden", name
    by_tppm = await decide(stack, notice["notice_id"], headers=TPPM, decision="no_action")
    assert by_tppm.status_code == 200 and by_tppm.json()["decision"] == "no_action"


async def test_the_queue_filters_and_pages(stack: Stack) -> None:
    in_house = (await stack.open_case(referral_date=days_ago(20), started_on=days_ago(20))).referral_id
    partnered = (await stack.open_case(referral_date=days_ago(20), started_on=days_ago(20),
                                       partner="partner-whole")).referral_id
    old = await missed_notice(stack, in_house, booked_on=days_ago(12).isoformat(), scheduled_at=moment(days_ago(10)))
    recent = await missed_notice(stack, in_house, booked_on=days_ago(3).isoformat(), scheduled_at=moment(days_ago(2)))
    partners = await missed_notice(stack, partnered, WHOLE, booked_on=days_ago(3).isoformat(),
                                   scheduled_at=moment(days_ago(1)))
    assert (await decide(stack, old["notice_id"])).status_code == 200
    ids = {"old": old["notice_id"], "recent": recent["notice_id"], "partner": partners["notice_id"]}

    async def queue(**params: Any) -> set[str]:
        found = await listed_ids(stack, NOTICES, JCP, "notice_id", **params)
        return {name for name, notice_id in ids.items() if notice_id in found}

    assert await queue() == {"old", "recent", "partner"}
    assert await queue(status="awaiting_decision") == {"recent", "partner"}
    assert await queue(status="decided") == {"old"}
    assert await queue(provider="partner-whole") == {"partner"}
    assert await queue(provider="prime-north") == {"old", "recent"}
    assert await queue(missed_from=days_ago(2).isoformat()) == {"recent", "partner"}
    assert await queue(missed_to=days_ago(2).isoformat()) == {"old", "recent"}
    assert await queue(missed_from=days_ago(10).isoformat(), missed_to=days_ago(10).isoformat()) == {"old"}
    assert await queue(limit=1) == {"old", "recent", "partner"}
    first = (await stack.client.get(NOTICES, params={"limit": 2}, headers=JCP)).json()
    assert [n["notice_id"] for n in first["items"]] == sorted(ids.values())[:2] and first["next_cursor"]
    problem(await stack.client.get(NOTICES, params={"status": "lost"}, headers=JCP), 422, field="query.status")
    problem(await stack.client.get(NOTICES, params={"missed_from": "yesterday"}, headers=JCP), 422,
            field="query.missed_from")
    problem(await stack.client.get(NOTICES, params={"cursor": "a"}, headers=JCP), 400, field="query.cursor")
    problem(await stack.client.get(NOTICES, params={"providers": "x"}, headers=JCP), 422, field="query.providers")


async def test_the_delay_report_gives_counts_median_and_p90_per_provider(stack: Stack) -> None:
    in_house = (await stack.open_case(referral_date=days_ago(20), started_on=days_ago(20))).referral_id
    partnered = (await stack.open_case(referral_date=days_ago(20), started_on=days_ago(20),
                                       partner="partner-whole")).referral_id
    for days in (1, 2, 3, 10):
        notice = await missed_notice(stack, in_house, booked_on=days_ago(15).isoformat(),
                                     scheduled_at=moment(days_ago(days)))
        if days != 10:
            assert (await decide(stack, notice["notice_id"])).status_code == 200
    await missed_notice(stack, partnered, WHOLE, booked_on=days_ago(15).isoformat(), scheduled_at=moment(days_ago(4)))

    report = (await stack.client.get(f"{NOTICES}/delays", headers=JCP)).json()
    assert report["total"]["notices"] == 5 and report["total"]["decided"] == 3
    assert report["total"]["awaiting_decision"] == 2
    assert report["total"]["missed_to_notified"] == {"count": 5, "median_days": 3.0, "p90_days": 10}
    by = {p["delivering_organisation_id"]: p for p in report["providers"]}
    assert set(by) == {"prime-north", "partner-whole"}
    assert by["prime-north"]["missed_to_notified"] == {"count": 4, "median_days": 2.5, "p90_days": 10}
    assert by["prime-north"]["notified_to_decided"] == {"count": 3, "median_days": 0.0, "p90_days": 0}
    assert by["partner-whole"]["notified_to_decided"] == {"count": 0, "median_days": None, "p90_days": None}

    # each caller's own scope
    partner_report = (await stack.client.get(f"{NOTICES}/delays", headers=WHOLE)).json()
    assert [p["delivering_organisation_id"] for p in partner_report["providers"]] == ["partner-whole"]
    other = (await stack.client.get(f"{NOTICES}/delays", headers=bearer("jcp-bradford", "jcp", "tppm"))).json()
    assert other["total"]["notices"] == 0 and other["providers"] == []
    narrowed = (await stack.client.get(f"{NOTICES}/delays", params={
        "provider": "prime-north", "missed_from": days_ago(3).isoformat()}, headers=DWP)).json()
    assert narrowed["total"]["missed_to_notified"] == {"count": 3, "median_days": 2.0, "p90_days": 3}
