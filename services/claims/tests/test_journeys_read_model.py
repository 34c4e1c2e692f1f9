"""Claims keeps its own record of each journey from case tracking's events: the case, who delivered it, jobs and
their weeks (the latest revision counts), specialist deliveries and the exit; an event before its case waits."""

from __future__ import annotations

from datetime import timedelta

from scx_contracts.case_tracking import CaseOpened
from scx_testing.journeys import Referral

from .builders import Stack, monday, today


async def test_the_journey_is_built_from_case_tracking_events(stack: Stack) -> None:
    started = today() - timedelta(days=120)
    case = await stack.open_case(started_on=started, partner="partner-whole", sync=False)
    job = await stack.cases.job_started(case, started + timedelta(days=14))
    first = monday(started + timedelta(days=14))
    await stack.cases.weeks(case, job, first, ["20", "7.99", "16"])
    await stack.cases.hours(case, job, first + timedelta(weeks=1), "8", revision=2)  # a correction
    skills = stack.chain.subcontracts["partner-skills"]  # type: ignore[union-attr]
    await stack.cases.specialist_delivered(case, partner_id="partner-skills", subcontract_id=skills["subcontract_id"],
                                           service="british_sign_language", on=started + timedelta(days=3))
    await stack.cases.exited(case, today() - timedelta(days=1))
    await stack.synced()

    rows = await stack.service.rows()
    journey = next(r for r in rows["journeys"] if r["case_id"] == case.referral_id)
    assert journey["claimant_ref"] == case.claimant_ref and journey["payment_group"] == 6
    assert journey["exited_on"] == today() - timedelta(days=1)
    assert [(d["organisation_id"], d["until_on"]) for d in rows["journey_deliveries"]] == [
        ("prime-north", started), ("partner-whole", None),
    ]
    weeks = sorted((w["week_commencing"], w["revision"], w["hundredths"]) for w in rows["job_weeks"])
    assert weeks == [
        (first, 1, 2000), (first + timedelta(weeks=1), 1, 799), (first + timedelta(weeks=1), 2, 800),
        (first + timedelta(weeks=2), 1, 1600),
    ]
    assert [d["service"] for d in rows["specialist_deliveries"]] == ["british_sign_language"]


async def test_events_of_a_case_not_yet_opened_wait_for_it(stack: Stack) -> None:
    """A job start published before its case.opened is applied once the case arrives, not dropped."""
    started = today() - timedelta(days=30)
    case = Referral(referral_id="case-out-of-order", contract_id=stack.chain.contract_id,  # type: ignore[union-attr]
                    prime_id="prime-north", referrer_id="jcp-leeds", claimant_ref="clm_" + "1" * 32)
    job = await stack.cases.job_started(case, started + timedelta(days=2))
    await stack.cases.publish(CaseOpened(
        case_id=case.referral_id, contract_id=case.contract_id, prime_id="prime-north", referrer_id="jcp-leeds",
        payment_group=2, mandatory=True, referral_date=started, started_on=started,
    ), case)
    await stack.synced()
    rows = await stack.service.rows()
    assert job in {j["job_id"] for j in rows["jobs"]}
