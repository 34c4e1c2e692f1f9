"""Settling an appointment, once: attended (never in the future, nor before its booking or its day), failed to
attend, or cancelled (before it happens); and the case's summaries that follow an attendance."""

from __future__ import annotations

from datetime import timedelta

from .builders import PRIME, Stack, assert_valid_events, days_ago, problem, slug, today
from .test_appointments_support import act, booked, done, later_today, listing, moment, tomorrow


async def _case(stack: Stack, case_id: str) -> dict:  # type: ignore[type-arg]
    response = await stack.client.get(f"/cases/{case_id}", headers=PRIME)
    assert response.status_code == 200, response.text
    found: dict = response.json()  # type: ignore[type-arg]
    return found


async def test_an_attended_appointment_keeps_the_case_summaries_current(stack: Stack) -> None:
    case_id = (await stack.open_case(referral_date=days_ago(9), started_on=days_ago(8))).referral_id
    assessment = await booked(stack, case_id, kind="needs_assessment", booked_on=days_ago(8).isoformat(),
                              scheduled_at=moment(days_ago(6)))
    wfi = await booked(stack, case_id, booked_on=days_ago(8).isoformat(), scheduled_at=moment(days_ago(7)))
    cmp = await booked(stack, case_id, kind="cmp_session", booked_on=days_ago(3).isoformat(),
                       scheduled_at=moment(days_ago(2)))

    await done(stack, assessment, "attend", minutes=60)
    case = await _case(stack, case_id)
    assert case["needs_assessed_on"] == days_ago(6).isoformat()
    assert (case["contact_minutes"], case["last_contact_on"]) == (60, days_ago(6).isoformat())
    assert case["wfis_attended"] == 0
    first_meeting = {c["clock"]: c for c in case["clocks"]}["first_meeting"]
    assert first_meeting["done_on"] == days_ago(6).isoformat() and first_meeting["state"] == "met"

    await done(stack, cmp, "attend", minutes=45)
    attended = await done(stack, wfi, "attend")  # no minutes: a contact, no time recorded
    assert attended["status"] == "attended" and attended["attended_on"] == days_ago(7).isoformat()
    case = await _case(stack, case_id)
    clocks = {c["clock"]: c for c in case["clocks"]}
    assert clocks["first_meeting"]["done_on"] == days_ago(7).isoformat()  # the earliest attended, recorded later
    assert (case["contact_minutes"], case["last_contact_on"]) == (105, days_ago(2).isoformat())
    assert case["wfis_attended"] == 1
    assert case["needs_assessed_on"] == days_ago(6).isoformat()
    attended_events = await stack.service.events("case.appointment_attended")
    assert [(e["data"]["kind"], e["data"]["minutes"]) for e in attended_events] == [
        ("needs_assessment", 60), ("cmp_session", 45), ("wfi", None)
    ]
    assert attended_events[-1]["data"]["wfi_number"] == 1
    assert_valid_events(await stack.service.events())


async def test_an_appointment_not_yet_due_cannot_be_attended_or_missed(stack: Stack) -> None:
    case_id = (await stack.open_case()).referral_id
    tomorrows = await booked(stack, case_id, scheduled_at=tomorrow())
    tonights = await booked(stack, case_id, scheduled_at=later_today())
    async with stack.service.writes_nothing():
        refused = [
            await act(stack, appointment, action)
            for appointment in (tomorrows, tonights) for action in ("attend", "fail-to-attend")
        ]
        dated_tomorrow = await act(stack, tomorrows, "attend",
                                   body={"attended_on": (today() + timedelta(days=1)).isoformat()})
    for response in refused:
        assert slug(problem(response, 422, field="path.appointment_id")) == "appointment-not-due"
    assert slug(problem(dated_tomorrow, 422)) in ("appointment-not-due", "date-in-future")


async def test_nothing_is_attended_before_its_booking_or_its_day(stack: Stack) -> None:
    case_id = (await stack.open_case(referral_date=days_ago(20), started_on=days_ago(20))).referral_id
    wfi = await booked(stack, case_id, booked_on=days_ago(10).isoformat(), scheduled_at=moment(days_ago(5)))
    async with stack.service.writes_nothing():
        before_booking = await act(stack, wfi, "attend", body={"attended_on": days_ago(11).isoformat()})
        before_day = await act(stack, wfi, "attend", body={"attended_on": days_ago(6).isoformat()})
        in_future = await act(stack, wfi, "attend", body={"attended_on": (today() + timedelta(days=1)).isoformat()})
    body = problem(before_booking, 422, field="body.attended_on")
    assert slug(body) == "date-too-early" and days_ago(10).isoformat() in body["detail"]
    body = problem(before_day, 422, field="body.attended_on")
    assert slug(body) == "date-too-early" and days_ago(5).isoformat() in body["detail"]
    assert slug(problem(in_future, 422, field="body.attended_on")) == "date-in-future"
    # the boundaries: the appointment's day, and today
    on_the_day = await done(stack, wfi, "attend", attended_on=days_ago(5).isoformat())
    assert on_the_day["attended_on"] == days_ago(5).isoformat()
    late = await booked(stack, case_id, booked_on=days_ago(3).isoformat(), scheduled_at=moment(days_ago(3)))
    assert (await done(stack, late, "attend", attended_on=today().isoformat()))["attended_on"] == today().isoformat()


async def test_an_appointment_is_settled_once(stack: Stack) -> None:
    case_id = (await stack.open_case()).referral_id
    attended = await done(stack, await booked(stack, case_id), "attend")
    missed = await done(stack, await booked(stack, case_id), "fail-to-attend")
    cancelled = await done(stack, await booked(stack, case_id, scheduled_at=tomorrow()), "cancel",
                           cancelled_by="provider", reason="adviser_unavailable")
    cancel = {"cancelled_by": "claimant", "reason": "claimant_ill"}
    async with stack.service.writes_nothing():
        responses = [
            await act(stack, appointment, action, body=cancel if action == "cancel" else {})
            for appointment in (attended, missed, cancelled) for action in ("attend", "fail-to-attend", "cancel")
        ]
    for response in responses:
        assert slug(problem(response, 409)) == "appointment-settled"
    summary = (await listing(stack, case_id))["summary"]
    assert (summary["attended"], summary["missed"], summary["booked"]) == (1, 1, 0)


async def test_a_cancellation_says_who_and_why_and_keeps_its_note_out_of_events(stack: Stack) -> None:
    case_id = (await stack.open_case(referral_date=days_ago(5), started_on=days_ago(5))).referral_id
    wfi = await booked(stack, case_id, booked_on=days_ago(4).isoformat(), scheduled_at=moment(days_ago(2)))
    tomorrows = await booked(stack, case_id, scheduled_at=tomorrow())
    async with stack.service.writes_nothing():
        after_day = await act(stack, wfi, "cancel", body={
            "cancelled_by": "claimant", "reason": "claimant_ill", "cancelled_on": days_ago(1).isoformat()})
        before_booking = await act(stack, wfi, "cancel", body={
            "cancelled_by": "claimant", "reason": "claimant_ill", "cancelled_on": days_ago(5).isoformat()})
        future = await act(stack, tomorrows, "cancel", body={
            "cancelled_by": "jcp", "reason": "jcp_request", "cancelled_on": (today() + timedelta(days=1)).isoformat()})
    assert slug(problem(after_day, 422, field="body.cancelled_on")) == "cancelled-after-appointment"
    assert slug(problem(before_booking, 422, field="body.cancelled_on")) == "date-too-early"
    assert slug(problem(future, 422, field="body.cancelled_on")) == "date-in-future"

    cancelled = await done(stack, wfi, "cancel", cancelled_by="claimant", reason="claimant_ill",
                           note="Flu; rang on the morning", cancelled_on=days_ago(2).isoformat())
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_on"] == days_ago(2).isoformat()
    assert cancelled["cancellation_note"] == "Flu; rang on the morning"
    event = (await stack.service.events("case.appointment_cancelled"))[-1]
    assert event["data"] == {
        "case_id": case_id, "appointment_id": wfi["appointment_id"], "cancelled_by": "claimant",
        "reason": "claimant_ill", "cancelled_on": days_ago(2).isoformat(),
    }
    assert "Flu" not in str(await stack.service.raw_outbox())
    assert "Flu" not in (await stack.client.get(f"/cases/{case_id}/timeline", headers=PRIME)).text


async def test_nothing_is_recorded_on_an_exited_or_closed_case(stack: Stack) -> None:
    referral = await stack.open_case()
    wfi = await booked(stack, referral.referral_id)
    await stack.referrals.withdraw(referral, today())
    await stack.synced()
    async with stack.service.writes_nothing():
        responses = [await act(stack, wfi, "attend"), await act(stack, wfi, "fail-to-attend")]
        responses.append(await stack.client.post(f"/cases/{referral.referral_id}/appointments",
                                                 json={"kind": "wfi", "scheduled_at": moment(today())},
                                                 headers=PRIME))
    for response in responses:
        assert slug(problem(response, 409)) == "case-closed"
