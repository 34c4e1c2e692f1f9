"""Who sees and who may record appointments and fail-to-attend notices: the delivering organisation acts; the prime
and DWP read; a former deliverer reads what it recorded; the referring JCP district reads its notices, not the
appointments; an auditor reads and changes nothing; anyone else finds nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from .builders import (
    AUDITOR,
    DWP,
    IDLE,
    JCP,
    MIND,
    OTHER_JCP,
    OTHER_PRIME,
    PRIME,
    STRANGERS,
    TPPM,
    WHOLE,
    Stack,
    listed_ids,
    problem,
    slug,
)
from .test_appointments_support import act, book, booked, done, listing, path, tomorrow

NOTICES = "/fail-to-attend-notices"


@dataclass
class Journey:
    """A case booked and missed by partner-whole, then re-allocated to partner-mind, which books and misses too."""

    case_id: str
    whole_wfi: dict[str, Any]
    whole_notice: str
    mind_wfi: dict[str, Any]
    mind_notice: str
    pending: dict[str, Any]  # booked by partner-mind, not yet due


@pytest.fixture
async def journey(stack: Stack) -> Journey:
    referral = await stack.open_case(partner="partner-whole")
    whole_wfi = await done(stack, await booked(stack, referral.referral_id, WHOLE), "fail-to-attend", WHOLE)
    await stack.allocate(referral, "partner-mind")
    mind_wfi = await done(stack, await booked(stack, referral.referral_id, MIND), "fail-to-attend", MIND)
    pending = await booked(stack, referral.referral_id, MIND, scheduled_at=tomorrow())
    return Journey(referral.referral_id, whole_wfi, whole_wfi["notice_id"], mind_wfi, mind_wfi["notice_id"], pending)


async def test_appointments_are_read_in_full_by_the_deliverer_the_prime_and_dwp(
    stack: Stack, journey: Journey
) -> None:
    everything = {journey.whole_wfi["appointment_id"], journey.mind_wfi["appointment_id"],
                  journey.pending["appointment_id"]}
    for headers in (MIND, PRIME, DWP, AUDITOR):
        page = await listing(stack, journey.case_id, headers)
        assert {a["appointment_id"] for a in page["items"]} == everything
        assert page["summary"]["missed"] == 2 and page["summary"]["booked"] == 1
    # the former deliverer: only what it recorded, and a summary of that
    page = await listing(stack, journey.case_id, WHOLE)
    assert {a["appointment_id"] for a in page["items"]} == {journey.whole_wfi["appointment_id"]}
    assert page["summary"]["missed"] == 1 and page["summary"]["booked"] == 0
    mine = await stack.client.get(path(journey.case_id, journey.whole_wfi["appointment_id"]), headers=WHOLE)
    assert mine.status_code == 200
    theirs = await stack.client.get(path(journey.case_id, journey.mind_wfi["appointment_id"]), headers=WHOLE)
    assert problem(theirs, 404)


async def test_strangers_find_nothing_and_jcp_reads_notices_not_appointments(stack: Stack, journey: Journey) -> None:
    one = path(journey.case_id, journey.mind_wfi["appointment_id"])
    for name, headers in STRANGERS.items():
        for url in (path(journey.case_id), one, f"{NOTICES}/{journey.mind_notice}"):
            assert problem(await stack.client.get(url, headers=headers), 404), (name, url)
        assert await listed_ids(stack, NOTICES, headers, "notice_id") == set(), name
    for headers in (JCP, TPPM):
        assert slug(problem(await stack.client.get(path(journey.case_id), headers=headers), 403)) == "forbidden"
        assert slug(problem(await stack.client.get(one, headers=headers), 403)) == "forbidden"
    # an appointment of another case through this case's path is not found
    other = (await stack.open_case()).referral_id
    assert problem(await stack.client.get(path(other, journey.mind_wfi["appointment_id"]), headers=PRIME), 404)


async def test_each_party_sees_the_notices_it_may(stack: Stack, journey: Journey) -> None:
    in_house = (await stack.open_case()).referral_id
    prime_notice = (await done(stack, await booked(stack, in_house), "fail-to-attend"))["notice_id"]
    both = {journey.whole_notice, journey.mind_notice}
    expected = {
        "dwp": (DWP, both | {prime_notice}),
        "auditor": (AUDITOR, both | {prime_notice}),
        "jcp": (JCP, both | {prime_notice}),
        "tppm": (TPPM, both | {prime_notice}),
        "other-jcp": (OTHER_JCP, set()),
        "prime": (PRIME, both | {prime_notice}),
        "other-prime": (OTHER_PRIME, set()),
        "partner-mind": (MIND, both),  # delivers the case now: its notices, the former deliverer's too
        "partner-whole": (WHOLE, {journey.whole_notice}),  # delivered it: the notice it recorded
        "partner-idle": (IDLE, set()),
    }
    seen = {name: await listed_ids(stack, NOTICES, headers, "notice_id") for name, (headers, _) in expected.items()}
    assert seen == {name: ids for name, (_, ids) in expected.items()}
    for name, (headers, ids) in expected.items():
        for notice_id in both | {prime_notice}:
            response = await stack.client.get(f"{NOTICES}/{notice_id}", headers=headers)
            assert response.status_code == (200 if notice_id in ids else 404), (name, notice_id)
    # a filter narrows and never widens
    assert await listed_ids(stack, NOTICES, WHOLE, "notice_id", provider="partner-mind") == set()
    assert await listed_ids(stack, NOTICES, DWP, "notice_id", provider="partner-mind") == {journey.mind_notice}


async def test_only_the_deliverer_records_and_an_auditor_changes_nothing(stack: Stack, journey: Journey) -> None:
    pending = journey.pending
    cancel = {"cancelled_by": "provider", "reason": "other"}
    rebook = {"scheduled_at": tomorrow(), "requested_by": "provider"}
    may_read = {"the prime": PRIME, "DWP": DWP, "an auditor": AUDITOR, "the former deliverer": WHOLE,
                "JCP": JCP}
    async with stack.service.writes_nothing():
        for name, headers in {**may_read, **STRANGERS}.items():
            responses = [
                await book(stack, journey.case_id, headers),
                await act(stack, pending, "attend", headers),
                await act(stack, pending, "fail-to-attend", headers),
                await act(stack, pending, "cancel", headers, cancel),
                await act(stack, pending, "rebook", headers, rebook),
            ]
            status = 403 if name in may_read else 404
            for response in responses:
                assert problem(response, status), (name, response.text)
        decided = await stack.client.post(f"{NOTICES}/{journey.mind_notice}/decision",
                                          json={"decision": "no_action"}, headers=AUDITOR)
    assert slug(problem(decided, 403)) == "forbidden"
    assert (await act(stack, pending, "cancel", MIND, cancel)).status_code == 200


async def test_a_former_deliverer_sees_its_bookings_as_it_recorded_them(stack: Stack) -> None:
    referral = await stack.open_case(partner="partner-whole")
    case_id = referral.referral_id
    handed_over = await booked(stack, case_id, WHOLE)
    rebooked_later = await done(stack, await booked(stack, case_id, WHOLE), "fail-to-attend", WHOLE)
    await stack.allocate(referral, "partner-mind")
    await done(stack, handed_over, "attend", MIND, minutes=20)
    await done(stack, rebooked_later, "rebook", MIND, scheduled_at=tomorrow(), requested_by="provider")

    seen = {a["appointment_id"]: a for a in (await listing(stack, case_id, WHOLE))["items"]}
    assert seen[handed_over["appointment_id"]]["status"] == "booked"
    assert seen[handed_over["appointment_id"]]["attended_on"] is None
    assert seen[rebooked_later["appointment_id"]]["status"] == "failed_to_attend"
    assert seen[rebooked_later["appointment_id"]]["rebooked_by"] is None
    summary = (await listing(stack, case_id, WHOLE))["summary"]
    assert (summary["attended"], summary["booked"], summary["missed"]) == (0, 1, 1)
    booked_ids = {a["appointment_id"] for a in (await listing(stack, case_id, WHOLE, status="booked"))["items"]}
    assert booked_ids == {handed_over["appointment_id"]}
    assert (await listing(stack, case_id, WHOLE, status="attended"))["items"] == []
    one = (await stack.client.get(path(case_id, handed_over["appointment_id"]), headers=WHOLE)).json()
    assert one["status"] == "booked" and one["minutes"] is None
    # the deliverer now, and the prime, see what happened
    assert (await listing(stack, case_id, MIND, status="attended"))["items"][0]["minutes"] == 20
    assert (await listing(stack, case_id, PRIME))["summary"]["attended"] == 1
