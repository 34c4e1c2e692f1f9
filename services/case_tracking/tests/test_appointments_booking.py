"""Booking appointments: WFIs numbered (five owed to a mandatory claimant, more allowed), rebookings keeping the
number, and the dates a booking may have."""

from __future__ import annotations

from datetime import timedelta

from .builders import PRIME, WHOLE, Stack, assert_valid_events, days_ago, problem, slug, today
from .test_appointments_support import act, book, booked, done, earlier_today, listing, moment, tomorrow


async def test_wfis_are_numbered_and_the_summary_counts_them(stack: Stack) -> None:
    case_id = (await stack.open_case()).referral_id
    first = await booked(stack, case_id)
    review = await booked(stack, case_id, kind="review")
    second = await booked(stack, case_id, scheduled_at=tomorrow())
    assert (first["wfi_number"], review["wfi_number"], second["wfi_number"]) == (1, None, 2)
    assert first["mandatory"] is True and review["mandatory"] is False
    assert first["status"] == "booked" and first["booked_on"] == today().isoformat()
    assert first["recorded_by"] == "prime-north" and first["delivering_organisation_id"] == "prime-north"

    page = await listing(stack, case_id)
    assert [a["appointment_id"] for a in page["items"]] == [
        first["appointment_id"], review["appointment_id"], second["appointment_id"]
    ]
    assert page["summary"] == {"owed": 5, "attended": 0, "booked": 2, "missed": 0, "outstanding": 5, "next_number": 3}
    booked_events = await stack.service.events("case.appointment_booked")
    assert [e["data"]["wfi_number"] for e in booked_events] == [1, None, 2]
    assert all(e["journey_id"] == case_id for e in booked_events)
    assert_valid_events(await stack.service.events())
    timeline = (await stack.client.get(f"/cases/{case_id}/timeline", headers=PRIME)).json()["items"]
    assert [e["type"] for e in timeline].count("case.appointment_booked") == 3


async def test_the_fifth_wfi_settles_what_is_owed_and_a_sixth_is_still_numbered(stack: Stack) -> None:
    case_id = (await stack.open_case()).referral_id
    for n in range(1, 6):
        wfi = await booked(stack, case_id)
        assert wfi["wfi_number"] == n
        await done(stack, wfi, "attend", minutes=30)
        summary = (await listing(stack, case_id))["summary"]
        assert (summary["attended"], summary["outstanding"]) == (n, 5 - n)
    sixth = await booked(stack, case_id)
    assert sixth["wfi_number"] == 6
    await done(stack, sixth, "attend")
    summary = (await listing(stack, case_id))["summary"]
    assert summary == {"owed": 5, "attended": 6, "booked": 0, "missed": 0, "outstanding": 0, "next_number": 7}
    case = (await stack.client.get(f"/cases/{case_id}", headers=PRIME)).json()
    assert case["wfis_attended"] == 6 and case["wfis_owed"] == 5 and case["contact_minutes"] == 150


async def test_a_voluntary_claimant_is_owed_none_and_has_no_mandatory_appointments(stack: Stack) -> None:
    case_id = (await stack.open_case(mandatory=False)).referral_id
    wfi = await booked(stack, case_id)
    assert wfi["mandatory"] is False and wfi["wfi_number"] == 1
    assert (await listing(stack, case_id))["summary"]["owed"] == 0
    async with stack.service.writes_nothing():
        refused = await book(stack, case_id, mandatory=True)
    assert slug(problem(refused, 422, field="body.mandatory")) == "not-a-mandatory-claimant"


async def test_a_rebooking_keeps_the_number_of_the_appointment_it_replaces(stack: Stack) -> None:
    case_id = (await stack.open_case()).referral_id
    first = await booked(stack, case_id, scheduled_at=tomorrow())
    new = await done(stack, first, "rebook", scheduled_at=moment(today() + timedelta(days=3)),
                     requested_by="claimant", note="Hospital appointment that morning")
    assert new["wfi_number"] == 1 and new["rebooks"] == first["appointment_id"] and new["status"] == "booked"
    old = (await stack.client.get(f"/cases/{case_id}/appointments/{first['appointment_id']}", headers=PRIME)).json()
    assert old["status"] == "rebooked" and old["rebooked_by"] == new["appointment_id"]
    assert old["cancelled_by"] == "claimant" and old["cancellation_reason"] == "rebooked"
    assert old["cancellation_note"] == "Hospital appointment that morning"
    assert (await booked(stack, case_id))["wfi_number"] == 2
    cancelled = await stack.service.events("case.appointment_cancelled")
    assert [e["data"]["reason"] for e in cancelled] == ["rebooked"]
    assert "Hospital" not in str(await stack.service.raw_outbox())
    # once only, and not an attended one
    async with stack.service.writes_nothing():
        again = await act(stack, first, "rebook", body={"scheduled_at": tomorrow(), "requested_by": "provider"})
    assert slug(problem(again, 409)) == "already-rebooked"


async def test_a_missed_wfi_rebooked_keeps_its_status_and_number(stack: Stack) -> None:
    case_id = (await stack.open_case()).referral_id
    missed = await done(stack, await booked(stack, case_id), "fail-to-attend")
    new = await done(stack, missed, "rebook", scheduled_at=tomorrow(), requested_by="provider")
    assert new["wfi_number"] == 1
    old = (await stack.client.get(f"/cases/{case_id}/appointments/{missed['appointment_id']}", headers=PRIME)).json()
    assert old["status"] == "failed_to_attend" and old["rebooked_by"] == new["appointment_id"]
    assert await stack.service.events("case.appointment_cancelled") == []
    attended = await done(stack, await booked(stack, case_id), "attend")
    async with stack.service.writes_nothing():
        refused = await act(stack, attended, "rebook", body={"scheduled_at": tomorrow(), "requested_by": "provider"})
    assert slug(problem(refused, 409)) == "appointment-settled"


async def test_a_booking_is_dated_between_the_start_and_today_and_scheduled_not_before_it(stack: Stack) -> None:
    case_id = (await stack.open_case(referral_date=days_ago(10), started_on=days_ago(5))).referral_id
    async with stack.service.writes_nothing():
        future = await book(stack, case_id, booked_on=(today() + timedelta(days=1)).isoformat(),
                            scheduled_at=tomorrow())
        before_start = await book(stack, case_id, booked_on=days_ago(6).isoformat(), scheduled_at=moment(days_ago(6)))
        before_booking = await book(stack, case_id, booked_on=days_ago(3).isoformat(), scheduled_at=moment(days_ago(4)))
    assert slug(problem(future, 422, field="body.booked_on")) == "date-in-future"
    assert slug(problem(before_start, 422, field="body.booked_on")) == "date-too-early"
    body = problem(before_booking, 422, field="body.scheduled_at")
    assert slug(body) == "date-too-early" and days_ago(3).isoformat() in body["detail"]
    # the boundaries themselves are fine: booked the day of the start, for that day; booked today, for today
    on_start = await booked(stack, case_id, booked_on=days_ago(5).isoformat(), scheduled_at=moment(days_ago(5)))
    assert on_start["booked_on"] == days_ago(5).isoformat()
    assert (await booked(stack, case_id, scheduled_at=earlier_today()))["booked_on"] == today().isoformat()


async def test_a_partner_books_once_the_case_is_allocated_to_it(stack: Stack) -> None:
    referral = await stack.open_case(partner="partner-whole")
    wfi = await booked(stack, referral.referral_id, WHOLE)
    assert wfi["delivering_organisation_id"] == "partner-whole" and wfi["recorded_by"] == "partner-whole"
    async with stack.service.writes_nothing():
        by_prime = await book(stack, referral.referral_id, PRIME)
    assert slug(problem(by_prime, 403)) == "forbidden"
