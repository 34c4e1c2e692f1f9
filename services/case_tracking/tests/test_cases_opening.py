"""Cases follow the referral's events: opened by the start, passed on by allocations, closed by a withdrawal."""

from __future__ import annotations

from datetime import date

from scx_contracts.clocks import add_working_days
from scx_contracts.referral import ReferralReceived
from scx_testing.journeys import Referral, actor

from .builders import DWP, JCP, MIND, PRIME, WHOLE, Stack, assert_valid_events, days_ago, today


async def test_a_start_opens_a_case_held_by_the_prime_with_its_clocks(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=days_ago(3), started_on=days_ago(1))
    case = await stack.case(referral)
    assert case["case_id"] == referral.referral_id
    assert case["status"] == "open"
    assert case["delivering_organisation_id"] == "prime-north" and case["delivery"] is None
    assert case["claimant_ref"] == referral.claimant_ref and case["wfis_owed"] == 5
    clocks = {c["clock"]: c for c in case["clocks"]}
    assert clocks["acknowledgement"]["due_by"] == add_working_days(days_ago(3), 2).isoformat()
    assert clocks["acknowledgement"]["done_on"] == days_ago(1).isoformat()
    assert clocks["first_meeting"]["due_by"] == add_working_days(days_ago(3), 15).isoformat()
    assert clocks["first_meeting"]["state"] == "due"
    assert clocks["assessment"]["due_by"] == add_working_days(days_ago(1), 20).isoformat()
    opened = await stack.service.events("case.opened")
    assert [e["journey_id"] for e in opened] == [referral.referral_id]
    assert opened[0]["claimant_ref"] == referral.claimant_ref
    assert opened[0]["actor"]["organisation_id"] == "prime-north"
    assert_valid_events(await stack.service.events())


async def test_a_referral_only_received_has_no_case(stack: Stack) -> None:
    referral = await stack.refer()
    await stack.synced()
    response = await stack.client.get(f"/cases/{referral.referral_id}", headers=PRIME)
    assert response.status_code == 404
    assert await stack.service.events() == []


async def test_allocation_passes_the_case_to_the_partner_and_reallocation_on(stack: Stack) -> None:
    referral = await stack.open_case(partner="partner-whole")
    case = await stack.case(referral, WHOLE)
    assert case["delivering_organisation_id"] == "partner-whole" and case["delivery"] == "partner"
    assert case["supply_chain_model"] == "end_to_end"
    assert case["subcontract_id"] == stack.chain.subcontracts["partner-whole"]["subcontract_id"]  # type: ignore[union-attr]

    referral = await stack.allocate(referral, "partner-mind")
    assert (await stack.case(referral, MIND))["delivering_organisation_id"] == "partner-mind"
    changes = await stack.service.events("case.delivery_changed")
    assert [(e["data"]["previous_organisation_id"], e["data"]["delivering_organisation_id"]) for e in changes] == [
        ("prime-north", "partner-whole"), ("partner-whole", "partner-mind"),
    ]
    # the former deliverer no longer reads the case's current state
    assert (await stack.client.get(f"/cases/{referral.referral_id}", headers=WHOLE)).status_code == 403


async def test_withdrawal_closes_the_case(stack: Stack) -> None:
    referral = await stack.open_case()
    await stack.referrals.withdraw(referral, today())
    await stack.synced()
    case = await stack.case(referral, DWP)
    assert case["status"] == "closed" and case["closed_on"] == today().isoformat()
    assert [e["data"]["reason"] for e in await stack.service.events("case.closed")] == ["referral_withdrawn"]
    response = await stack.client.put(f"/cases/{referral.referral_id}/adviser", json={"adviser": "a"}, headers=PRIME)
    assert response.status_code == 409 and response.json()["type"].endswith("/case-closed")


async def test_a_start_before_its_referral_waits_for_it(stack: Stack) -> None:
    """Events of one journey out of order: the start waits (is retried) until the referral's receipt is applied."""
    referral = Referral(
        referral_id="r-out-of-order", contract_id=stack.chain.contract_id, prime_id="prime-north",  # type: ignore[union-attr]
        referrer_id="jcp-leeds", claimant_ref="clm_" + "0" * 32,
    )
    await stack.referrals.start(referral, today())
    await stack.referrals.publish(ReferralReceived(
        referral_id=referral.referral_id, contract_id=referral.contract_id, prime_id="prime-north",
        referrer_id="jcp-leeds", benefit_type="JSA", payment_group=2, mandatory=False, needs=[],
        postcode_district="LS1", referral_date=today(),
    ), referral, actor("jcp-leeds", "jcp", "referrer"))
    await stack.synced()
    case = await stack.case(referral)
    assert case["started_on"] == today().isoformat() and case["mandatory"] is False and case["wfis_owed"] == 0


async def test_redelivered_events_change_nothing(stack: Stack) -> None:
    await stack.open_case(partner="partner-whole")
    before = await stack.service.rows()
    for envelope in list(stack.referrals.published):
        await stack.referrals.bus.publish(
            envelope.subject, envelope.model_dump_json().encode(), msg_id=f"{envelope.event_id}-again"
        )
    # a marker event published after the copies: once it is applied, so are they
    marker = await stack.refer()
    await stack.synced()
    after = await stack.service.rows()
    assert after["cases"] == before["cases"] and after["timeline"] == before["timeline"]
    assert after["deliveries"] == before["deliveries"]
    assert len(after["outbox"]) == len(before["outbox"])
    assert marker.referral_id in {r["referral_id"] for r in after["referrals"]}


async def test_jcp_reads_the_summary_only(stack: Stack) -> None:
    referral = await stack.open_case(referral_date=date.today())
    summary = await stack.client.get(f"/cases/{referral.referral_id}/summary", headers=JCP)
    assert summary.status_code == 200, summary.text
    assert summary.json()["status"] == "open" and summary.json()["wfis_owed"] == 5
    assert (await stack.client.get(f"/cases/{referral.referral_id}", headers=JCP)).status_code == 403
    assert (await stack.client.get(f"/cases/{referral.referral_id}/timeline", headers=JCP)).status_code == 403
    assert (await stack.client.get("/cases", headers=JCP)).status_code == 403
