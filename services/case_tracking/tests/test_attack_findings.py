"""What an attacker's pass found, each kept fixed: no NI number in a code field, no rebooking over a missed
appointment, no backdating into a predecessor's time, refusals that name nobody, a mandatory claimant's WFI always
mandatory, and reads that need a role working with cases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .builders import MIND, PRIME, WHOLE, Stack, bearer, days_ago, problem, slug, today
from .test_appointments_support import act, book, booked, moment


@pytest.mark.parametrize("adviser", ["QQ123456C", "qq 12 34 56 c", "Jo Bloggs", "adviser bob"])
async def test_an_adviser_is_a_user_id_never_a_name_or_an_ni_number(stack: Stack, adviser: str) -> None:
    referral = await stack.open_case()
    async with stack.service.writes_nothing():
        response = await stack.client.put(f"/cases/{referral.referral_id}/adviser", json={"adviser": adviser},
                                          headers=PRIME)
    problem(response, 422, field="body.adviser")


async def test_an_employer_reference_is_never_an_ni_number(stack: Stack) -> None:
    referral = await stack.open_case(started_on=days_ago(10))
    body = {"started_on": days_ago(2).isoformat(), "employment_type": "employed", "expected_hours_per_week": 20,
            "employer_ref": "QQ123456C"}
    async with stack.service.writes_nothing():
        response = await stack.client.post(f"/cases/{referral.referral_id}/jobs", json=body, headers=PRIME)
    problem(response, 422, field="body.employer_ref")


async def test_a_passed_appointment_is_settled_before_it_is_rebooked(stack: Stack) -> None:
    referral = await stack.open_case(started_on=days_ago(10))
    missed = await booked(stack, referral.referral_id, scheduled_at=moment(days_ago(5)),
                          booked_on=days_ago(9).isoformat())
    async with stack.service.writes_nothing():
        response = await act(stack, missed, "rebook", body={
            "scheduled_at": moment(today() + timedelta(days=3)), "requested_by": "claimant",
        })
    assert slug(problem(response, 409)) == "settle-before-rebooking"
    # once recorded as missed (a notice to JCP), it may be rebooked
    assert (await act(stack, missed, "fail-to-attend")).status_code == 200
    again = await act(stack, missed, "rebook", body={"scheduled_at": moment(today() + timedelta(days=3)),
                                                      "requested_by": "claimant"})
    assert again.status_code == 201, again.text


async def test_a_new_deliverer_cannot_backdate_into_its_predecessors_time(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=days_ago(30), started_on=days_ago(30))
    await stack.allocate(referral, "partner-whole", on=today())
    async with stack.service.writes_nothing():
        response = await book(stack, referral.referral_id, WHOLE, booked_on=days_ago(29).isoformat(),
                              scheduled_at=moment(days_ago(25)))
    assert slug(problem(response, 422, field="body.booked_on")) == "date-too-early"
    case = await stack.case(referral, WHOLE)
    assert {c["clock"]: c["state"] for c in case["clocks"]}["first_meeting"] == "breached"


async def test_a_refusal_does_not_tell_a_former_deliverer_who_delivers_now(stack: Stack) -> None:
    referral = await stack.open_case(partner="partner-whole")
    await stack.allocate(referral, "partner-mind")
    for path, body in (
        (f"/cases/{referral.referral_id}/adviser", {"adviser": "bob"}),
        (f"/cases/{referral.referral_id}/complaints", {"raised_with": "provider", "category": "other",
                                                        "raised_on": today().isoformat(), "words": "late"}),
    ):
        response = await (stack.client.put if path.endswith("adviser") else stack.client.post)(
            path, json=body, headers=WHOLE
        )
        assert response.status_code == 403, (path, response.text)
        assert "partner-mind" not in response.text
    assert (await stack.client.get(f"/cases/{referral.referral_id}", headers=MIND)).status_code == 200


async def test_a_mandatory_claimants_wfi_cannot_be_booked_voluntary(stack: Stack) -> None:
    referral = await stack.open_case()
    async with stack.service.writes_nothing():
        response = await book(stack, referral.referral_id, mandatory=False)
    assert slug(problem(response, 422, field="body.mandatory")) == "wfi-is-mandatory"
    review = await book(stack, referral.referral_id, kind="review", mandatory=False)
    assert review.status_code == 201, review.text


@pytest.mark.parametrize("token", [
    bearer("partner-whole", "partner"), bearer("partner-whole", "partner", "tppm"), bearer("jcp-leeds", "jcp"),
])
async def test_reading_takes_a_role_that_works_with_cases(stack: Stack, token: dict[str, str]) -> None:
    referral = await stack.open_case(partner="partner-whole")
    for path in (f"/cases/{referral.referral_id}", f"/cases/{referral.referral_id}/summary", "/cases",
                 f"/cases/{referral.referral_id}/appointments", "/complaints"):
        response = await stack.client.get(path, headers=token)
        assert response.status_code == 403, (path, response.text)
        assert referral.claimant_ref not in response.text
