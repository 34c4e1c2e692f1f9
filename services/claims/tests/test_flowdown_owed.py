"""What a prime owes its partners once DWP has paid a run: an end-to-end partner its outcome payment share (as the
terms stood on the day the outcome became payable, to the partner delivering that day), a specialist partner its
price per service, SLA and signposting partners nothing; never twice."""

from __future__ import annotations

from datetime import timedelta

from .builders import WHOLE, Stack, assert_valid_events, today
from .flowdown_builders import authorise_run, chain_of, owed_rows, paid_outcome, share, widen_chain

START = today() - timedelta(days=200)


async def test_an_end_to_end_partner_is_owed_its_share_of_each_outcome_payment_floored_to_the_penny(
    stack: Stack,
) -> None:
    await share(stack, 60, from_on=START)
    theirs = await stack.open_case(started_on=START, partner="partner-whole")
    in_house = await stack.open_case(started_on=START)
    job = await paid_outcome(stack, theirs, amount_pence=123_457, payable_from=START + timedelta(days=40))
    sustained = await paid_outcome(stack, theirs, amount_pence=99_999, payable_from=START + timedelta(days=150),
                                   kind="sustained_job_outcome")
    await paid_outcome(stack, in_house, amount_pence=123_457, payable_from=START + timedelta(days=40))
    paid_on = today() - timedelta(days=3)

    run_id = await authorise_run(stack, authorised_on=paid_on)

    lines = await owed_rows(stack)
    whole = chain_of(stack)["partner-whole"]
    assert sorted((r["source_id"], r["gross_pence"], r["share_percent"], r["amount_pence"]) for r in lines) == sorted([
        (job, 123_457, 60, 74_074),  # 123457 x 60 / 100 = 74074.2: the partner 74074, the prime 49383
        (sustained, 99_999, 60, 59_999),  # 59999.4
    ])
    for line in lines:
        assert (line["partner_id"], line["prime_id"], line["subcontract_id"]) == (
            "partner-whole", "prime-north", whole["subcontract_id"]
        )
        assert (line["run_id"], line["basis"], line["case_id"]) == (run_id, "outcome_share", theirs.referral_id)
        assert (line["dwp_paid_on"], line["due_on"]) == (paid_on, paid_on + timedelta(days=30))
    events = await stack.service.events("payment.partner_owed")
    assert sorted(e["data"]["amount_pence"] for e in events) == [59_999, 74_074]
    assert {e["journey_id"] for e in events} == {theirs.referral_id}
    assert {e["claimant_ref"] for e in events} == {theirs.claimant_ref}
    assert_valid_events(events)

    statement = (await stack.client.get("/flow-down/statements/partner-whole", headers=WHOLE)).json()
    assert statement["totals"] == {
        "lines": 2, "owed_pence": 134_073, "paid_pence": 0, "outstanding_pence": 134_073, "overdue_pence": 0,
        "overdue_lines": 0,
    }
    assert {i["status"] for i in statement["items"]} == {"owed"}


async def test_a_specialist_is_owed_its_price_for_each_service_priced_in_its_terms(stack: Stack) -> None:
    skills = chain_of(stack)["partner-skills"]
    case = await stack.open_case(started_on=START, sync=False)
    delivered = {}
    for service, days in (("british_sign_language", 5), ("vocational_training", 9), ("british_sign_language", 30)):
        delivered[await stack.cases.specialist_delivered(
            case, partner_id="partner-skills", subcontract_id=skills["subcontract_id"], service=service,
            on=START + timedelta(days=days),
        )] = service
    unpriced = await stack.cases.specialist_delivered(
        case, partner_id="partner-skills", subcontract_id=skills["subcontract_id"], service="cv_writing",
        on=START + timedelta(days=12),
    )
    await stack.synced()

    await authorise_run(stack)

    lines = await owed_rows(stack)
    assert {r["source_id"]: (r["basis"], r["amount_pence"]) for r in lines} == {
        activity: ("service_price", {"british_sign_language": 45_000, "vocational_training": 30_000}[service])
        for activity, service in delivered.items()
    }
    assert unpriced not in {r["source_id"] for r in lines}
    assert {(r["partner_id"], r["share_percent"]) for r in lines} == {("partner-skills", None)}


async def test_sla_and_signposting_partners_and_a_prime_delivering_itself_are_owed_nothing(stack: Stack) -> None:
    await widen_chain(stack)
    chain = chain_of(stack)
    for partner in ("partner-council", "partner-library"):
        case = await stack.open_case(started_on=START, partner=partner, sync=False)
        await stack.cases.specialist_delivered(
            case, partner_id=partner, subcontract_id=chain[partner]["subcontract_id"], service="debt_advice",
            on=START + timedelta(days=3),
        )
        await stack.synced()
        await paid_outcome(stack, case, amount_pence=150_000, payable_from=START + timedelta(days=60))
    in_house = await stack.open_case(started_on=START)
    await paid_outcome(stack, in_house, amount_pence=150_000, payable_from=START + timedelta(days=60))

    await authorise_run(stack)

    assert await owed_rows(stack) == []
    assert await stack.service.events("payment.partner_owed") == []


async def test_the_partner_delivering_on_the_payable_day_is_owed_the_whole_share(stack: Stack) -> None:
    """A journey re-allocated from one end-to-end partner to another: each outcome's share goes to the partner
    delivering on the day it became payable (on the day of the change, the new one); then taken back in-house, the
    prime keeps the rest."""
    await widen_chain(stack)  # partner-east: 50%
    await share(stack, 60, from_on=START)
    chain = chain_of(stack)
    moved, back = START + timedelta(days=50), START + timedelta(days=120)
    case = await stack.open_case(started_on=START, partner="partner-whole", sync=False)
    await stack.cases.deliver(case, "partner-east", moved, subcontract_id=chain["partner-east"]["subcontract_id"],
                              model="end_to_end", previous="partner-whole")
    await stack.cases.deliver(case, "prime-north", back, previous="partner-east")
    await stack.synced()
    before = await paid_outcome(stack, case, amount_pence=100_000, payable_from=moved - timedelta(days=1))
    on_the_day = await paid_outcome(stack, case, amount_pence=100_000, payable_from=moved,
                                    kind="sustained_job_outcome")
    in_house = await paid_outcome(stack, case, amount_pence=100_000, payable_from=back, kind="sustainment_payment")

    await authorise_run(stack)

    owed = {r["source_id"]: (r["partner_id"], r["amount_pence"]) for r in await owed_rows(stack)}
    assert owed == {before: ("partner-whole", 60_000), on_the_day: ("partner-east", 50_000)}
    assert in_house not in owed


async def test_a_variation_of_the_share_applies_from_its_day_and_never_to_what_was_owed_before(stack: Stack) -> None:
    await share(stack, 60, from_on=START)
    case = await stack.open_case(started_on=START, partner="partner-whole")
    varied_on = today() - timedelta(days=20)
    earlier = await paid_outcome(stack, case, amount_pence=200_000, payable_from=varied_on - timedelta(days=60))
    first_run = await authorise_run(stack, authorised_on=varied_on - timedelta(days=30))
    await share(stack, 70, from_on=varied_on)
    day_before = await paid_outcome(stack, case, amount_pence=100_000, payable_from=varied_on - timedelta(days=1),
                                    kind="sustained_job_outcome")
    from_the_day = await paid_outcome(stack, case, amount_pence=100_000, payable_from=varied_on,
                                      kind="sustainment_payment")

    second_run = await authorise_run(stack)
    await authorise_run(stack)  # a third run owes nothing more: nothing is owed twice

    owed = {r["source_id"]: (r["run_id"], r["share_percent"], r["amount_pence"], r["terms_variation"])
            for r in await owed_rows(stack)}
    assert owed == {
        earlier: (first_run, 60, 120_000, 1),
        day_before: (second_run, 60, 60_000, 1),
        from_the_day: (second_run, 70, 70_000, 2),
    }
    assert len(await stack.service.events("payment.partner_owed")) == 3


async def test_an_end_to_end_subcontract_without_a_share_passes_nothing_down(stack: Stack) -> None:
    case = await stack.open_case(started_on=START, partner="partner-whole")
    await paid_outcome(stack, case, amount_pence=100_000, payable_from=START + timedelta(days=30))

    await authorise_run(stack)

    assert await owed_rows(stack) == []
