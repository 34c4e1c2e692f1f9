"""The history's figures, kept by the referral, case tracking and claims events (ADR 0022): which occurrences each
event counts, for whom and in which week, and how the journey's cohort tallies move as it goes on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest_asyncio
from sqlalchemy import select

from scx_contracts.clocks import is_working_day
from scx_messaging import LocalNatsServer
from scx_subcontracts.models.history import cohort_tallies, delay_tallies, monthly_tallies
from scx_testing.plugin import MigratedDatabase

from .builders import ALEMBIC_INI, today
from .history_builders import History, monday_of, running_history


def quiet_monday() -> date:
    """A Monday well inside the contract (which started a year ago) with no bank holiday in the six weeks after it,
    so that 15 working days are exactly three weeks."""
    day = monday_of(today() - timedelta(days=150))
    weekdays = [n for n in range(42) if n % 7 < 5]
    while not all(is_working_day(day + timedelta(days=n)) for n in weekdays):
        day -= timedelta(days=7)
    return day


D = quiet_monday()


@pytest_asyncio.fixture
async def history(migrated_database: MigratedDatabase, nats_server: LocalNatsServer) -> AsyncIterator[History]:
    async with running_history(migrated_database(ALEMBIC_INI), nats_server.url) as stack:
        await stack.build_chain()
        yield stack


async def tallies(history: History, table: Any, *key: str) -> dict[tuple[Any, ...], int]:
    """The table's counts summed by `key` columns, leaving out what sums to nothing."""
    sums: dict[tuple[Any, ...], int] = defaultdict(int)
    async with history.service.engine.connect() as conn:
        for row in (await conn.execute(select(table))).mappings():
            sums[tuple(row[k] for k in key)] += row["count"]
    return {k: n for k, n in sums.items() if n}


def week(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


async def test_a_journey_with_an_end_to_end_partner_counts_each_figure_for_the_partner_in_its_week(
    history: History,
) -> None:
    whole = history.chain.subcontract_id("partner-whole")  # type: ignore[union-attr]
    referral = await history.started_with("partner-whole", D)
    cases, claims = history.cases, history.claims
    await cases.attended(referral, D + timedelta(days=3), by="partner-whole")
    await cases.failed_to_attend(referral, D + timedelta(days=8), by="partner-whole")
    await cases.activity(referral, D + timedelta(days=9), by="partner-whole")
    await cases.attended(referral, D + timedelta(days=10), kind="needs_assessment", by="partner-whole")
    await cases.action_plan(referral, D + timedelta(days=10), by="partner-whole")
    await cases.job_started(referral, D + timedelta(days=30), by="partner-whole")
    await claims.submitted(referral, D + timedelta(days=60))
    await cases.exited(referral, D + timedelta(days=70), by="partner-whole")
    await history.synced()

    counted = [(o["figure"], o["on_date"], o["iso_week"]) for o in await history.occurrences(subcontract_id=whole)]
    assert sorted(counted) == sorted([
        ("referrals_received", D + timedelta(days=1), week(D)),
        ("starts", D + timedelta(days=1), week(D)),
        ("wfis_delivered", D + timedelta(days=3), week(D)),
        ("fail_to_attends", D + timedelta(days=8), week(D + timedelta(days=7))),
        ("activities_delivered", D + timedelta(days=9), week(D + timedelta(days=7))),
        ("job_starts", D + timedelta(days=30), week(D + timedelta(days=30))),
        ("job_outcomes", D + timedelta(days=60), week(D + timedelta(days=60))),
        ("exits", D + timedelta(days=70), week(D + timedelta(days=70))),
    ])
    assert {o["referral_id"] for o in await history.occurrences(subcontract_id=whole)} == {referral.referral_id}

    journey = await history.journey(referral.referral_id)
    assert (journey["organisation_id"], journey["subcontract_id"]) == ("partner-whole", whole)
    assert journey["first_wfi_on"] == D + timedelta(days=3)
    assert journey["job_outcome_on"] == D + timedelta(days=60)

    cohort = await tallies(history, cohort_tallies, "organisation_id", "cohort", "measure")
    assert cohort == {
        ("partner-whole", "referral", "referred"): 1,
        ("partner-whole", "referral", "started"): 1,
        ("partner-whole", "referral", "first_wfi"): 1,
        ("partner-whole", "referral", "job_start"): 1,
        ("partner-whole", "referral", "job_outcome"): 1,
        ("partner-whole", "referral", "job_outcome_within_12_months"): 1,
        ("partner-whole", "start", "started"): 1,
        ("partner-whole", "start", "job_outcome"): 1,
    }
    assert await tallies(history, delay_tallies, "organisation_id", "days") == {("partner-whole", 3): 1}
    monthly = await tallies(history, monthly_tallies, "subcontract_id", "figure")
    assert monthly[(whole, "wfis_delivered")] == 1
    assert sum(monthly.values()) == 8


async def test_a_reallocation_moves_the_journey_and_counts_the_start_only_for_the_first_partner(
    history: History,
) -> None:
    chain = history.chain
    assert chain is not None
    referral = await history.started_with("partner-whole", D)
    await history.cases.attended(referral, D + timedelta(days=2), by="partner-whole")
    moved = await history.referrals.allocate(
        referral, D + timedelta(days=14), partner_id="partner-council",
        subcontract_id=chain.subcontract_id("partner-council"), model="sla",
    )
    await history.cases.attended(moved, D + timedelta(days=16), wfi_number=2, by="partner-council")
    await history.synced()

    council = await history.occurrences(subcontract_id=chain.subcontract_id("partner-council"))
    assert [(o["figure"], o["on_date"]) for o in council] == [
        ("referrals_received", D + timedelta(days=14)), ("wfis_delivered", D + timedelta(days=16)),
    ]
    whole = await history.occurrences(subcontract_id=chain.subcontract_id("partner-whole"))
    assert sorted(o["figure"] for o in whole) == ["referrals_received", "starts", "wfis_delivered"]
    cohort = await tallies(history, cohort_tallies, "organisation_id", "cohort", "measure")
    assert cohort == {
        ("partner-council", "referral", "referred"): 1,
        ("partner-council", "referral", "started"): 1,
        ("partner-council", "referral", "first_wfi"): 1,
        ("partner-council", "start", "started"): 1,
    }
    assert await tallies(history, delay_tallies, "organisation_id", "days") == {("partner-council", 2): 1}


async def test_a_rejected_claim_no_longer_counts_and_a_later_claim_does(history: History) -> None:
    referral = await history.started_with("partner-whole", D)
    first = await history.claims.submitted(referral, D + timedelta(days=40))
    await history.synced()
    assert (await history.journey(referral.referral_id))["job_outcome_on"] == D + timedelta(days=40)

    await history.claims.rejected(first, D + timedelta(days=45))
    await history.synced()
    assert await history.occurrences(figure="job_outcomes") == []
    assert (await history.journey(referral.referral_id))["job_outcome_on"] is None
    cohort = await tallies(history, cohort_tallies, "measure")
    assert ("job_outcome",) not in cohort

    await history.claims.submitted(referral, D + timedelta(days=50))
    await history.claims.submitted(referral, D + timedelta(days=200), kind="sustained_job_outcome")
    await history.synced()
    assert [o["on_date"] for o in await history.occurrences(figure="job_outcomes")] == [D + timedelta(days=50)]
    assert len(await history.occurrences(figure="sustained_job_outcomes")) == 1
    assert (await tallies(history, cohort_tallies, "measure"))[("job_outcome",)] == 2  # referral and start cohorts


async def test_clocks_breached_and_drop_outs_are_counted_for_the_referral_month(history: History) -> None:
    late = await history.started_with("partner-whole", D, started_on=D + timedelta(days=7))  # 5 working days
    await history.cases.attended(late, D + timedelta(days=28), by="partner-whole")  # 20 working days: breached
    on_time = await history.started_with("partner-whole", D)
    await history.cases.attended(on_time, D + timedelta(days=21), by="partner-whole")  # 15 working days: met
    gone = await history.started_with("partner-whole", D)
    await history.referrals.withdraw(gone, D + timedelta(days=35))  # no meeting, ended after the deadline
    left = await history.started_with("partner-whole", D)
    await history.cases.attended(left, D + timedelta(days=2), by="partner-whole")
    await history.cases.exited(left, D + timedelta(days=10), by="partner-whole", kind="early_exit")
    await history.synced()

    cohort = await tallies(history, cohort_tallies, "cohort", "month", "measure")
    month = f"{D.year:04d}-{D.month:02d}"
    assert cohort[("referral", month, "acknowledgement_breached")] == 1
    assert cohort[("referral", month, "first_meeting_breached")] == 2
    assert cohort[("referral", month, "dropped_out")] == 2
    assert cohort[("referral", month, "referred")] == 4
    # Started but no assessment and action plan: breached only for the two that have ended after their deadline.
    assert cohort[("referral", month, "assessment_breached")] == 1
