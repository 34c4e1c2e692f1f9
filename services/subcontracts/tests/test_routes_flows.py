"""Referral flows on built journeys, told as the referral, case tracking and claims services would: stages,
conversions, drop-outs and rejections by delivering organisation, a re-allocated journey counted where it is now,
percentiles of one, two and ten journeys, and each clock breached, overdue now or met."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest_asyncio
from sqlalchemy import select

from scx_contracts.clocks import Clock
from scx_messaging import LocalNatsServer
from scx_subcontracts.models.flows import FLOW_MEASURES, TALLIED, flow_awaiting_days, flow_delays, flow_tallies
from scx_subcontracts.models.history import cohort_tallies
from scx_subcontracts.repository.flows import rebuild_from_history
from scx_subcontracts.rules.flows import overdue_cutoff
from scx_testing.plugin import MigratedDatabase

from .builders import ALEMBIC_INI, DWP, award, today
from .flows_builders import TPPM, by_organisation, clocks, month_of, quiet_monday, read, stages
from .history_builders import PRIME_ID, REFERRER, History, running_history

D = quiet_monday()
MONTH = month_of(D)


@pytest_asyncio.fixture
async def history(migrated_database: MigratedDatabase, nats_server: LocalNatsServer) -> AsyncIterator[History]:
    async with running_history(migrated_database(ALEMBIC_INI), nats_server.url) as stack:
        await stack.build_chain()
        yield stack


async def breakdown(history: History, headers: dict[str, str] = TPPM, **params: Any) -> dict[str, Any]:
    return await read(
        history.client, f"/referral-flows/{PRIME_ID}", headers, **{"from_month": MONTH, "to_month": MONTH, **params},
    )


async def a_flow_with_drop_outs_rejections_and_a_reallocation(history: History) -> None:
    cases, chain = history.cases, history.chain
    assert chain is not None
    done = await history.started_with("partner-whole", D)
    await cases.attended(done, D + timedelta(days=3), by="partner-whole")
    await cases.job_started(done, D + timedelta(days=30), by="partner-whole")
    await history.claims.submitted(done, D + timedelta(days=60))
    withdrawn = await history.started_with("partner-whole", D)
    await cases.attended(withdrawn, D + timedelta(days=7), by="partner-whole")
    await history.referrals.withdraw(withdrawn, D + timedelta(days=20))
    rejected = await history.referred(D)
    await history.referrals.reject(rejected, D + timedelta(days=1))
    left = await history.started_with(None, D)
    await cases.attended(left, D + timedelta(days=5), by=PRIME_ID)
    await cases.exited(left, D + timedelta(days=15), by=PRIME_ID, kind="early_exit")
    moved = await history.started_with("partner-whole", D)
    await cases.attended(moved, D + timedelta(days=2), by="partner-whole")
    moved = await history.referrals.allocate(
        moved, D + timedelta(days=14), partner_id="partner-council",
        subcontract_id=chain.subcontract_id("partner-council"), model="sla",
    )
    await cases.attended(moved, D + timedelta(days=16), wfi_number=2, by="partner-council")


async def test_a_prime_broken_down_by_who_delivers_each_journey_now(history: History) -> None:
    await a_flow_with_drop_outs_rejections_and_a_reallocation(history)
    await history.synced()

    found = await breakdown(history)
    assert [(o["organisation_id"], o["delivery"]) for o in found["organisations"]] == [
        (PRIME_ID, "prime"), ("partner-council", "partner"), ("partner-skills", "partner"),
        ("partner-whole", "partner"),
    ]
    lines = by_organisation(found)
    assert stages(lines[PRIME_ID]) == {  # the rejected referral stays with the prime, as does the in-house journey
        "referred": (2, None, 100.0), "started": (1, 50.0, 50.0), "first_wfi": (1, 100.0, 50.0),
        "job_start": (0, 0.0, 0.0), "job_outcome": (0, None, 0.0),
    }
    assert (lines[PRIME_ID]["rejected"], lines[PRIME_ID]["dropped_out"]) == (1, 1)
    assert stages(lines["partner-whole"]) == {
        "referred": (2, None, 100.0), "started": (2, 100.0, 100.0), "first_wfi": (2, 100.0, 100.0),
        "job_start": (1, 50.0, 50.0), "job_outcome": (1, 100.0, 50.0),
    }
    assert (lines["partner-whole"]["rejected"], lines["partner-whole"]["dropped_out"]) == (0, 1)
    # The re-allocated journey counts, first WFI and all, for the partner delivering it now.
    assert stages(lines["partner-council"])["first_wfi"] == (1, 100.0, 100.0)
    assert lines["partner-council"]["referral_to_first_wfi"] == {"journeys": 1, "p50_days": 2, "p90_days": 2}
    assert lines["partner-whole"]["referral_to_first_wfi"] == {"journeys": 2, "p50_days": 3, "p90_days": 7}
    assert stages(lines["partner-skills"])["referred"] == (0, None, None)

    total = found["total"]
    assert stages(total) == {
        "referred": (5, None, 100.0), "started": (4, 80.0, 80.0), "first_wfi": (4, 100.0, 80.0),
        "job_start": (1, 25.0, 20.0), "job_outcome": (1, 100.0, 20.0),
    }
    assert (total["rejected"], total["dropped_out"]) == (1, 2)
    assert total["referral_to_first_wfi"] == {"journeys": 4, "p50_days": 3, "p90_days": 7}  # of 2, 3, 5, 7 days

    # Another month has none of them.
    later = await breakdown(history, from_month=month_of(D + timedelta(days=40)), to_month=month_of(today()))
    assert stages(later["total"])["referred"] == (0, None, None)


async def test_primes_side_by_side(history: History) -> None:
    await a_flow_with_drop_outs_rejections_and_a_reallocation(history)
    south = await award(history.client, "prime-south")
    await history.referrals.refer(
        contract_id=south["contract_id"], prime_id="prime-south", referrer_id=REFERRER, referral_date=D,
    )
    await history.synced()

    for headers in (TPPM, DWP):
        found = await read(history.client, "/referral-flows", headers, from_month=MONTH, to_month=MONTH)
        lines = {line["prime_id"]: line["flow"] for line in found["items"]}
        assert list(lines) == [PRIME_ID, "prime-south"]
        assert lines[PRIME_ID] == (await breakdown(history))["total"]
        assert stages(lines["prime-south"])["referred"] == (1, None, 100.0)
        assert lines["prime-south"]["referral_to_first_wfi"] == {"journeys": 0, "p50_days": None, "p90_days": None}
    one = await read(
        history.client, "/referral-flows", TPPM, from_month=MONTH, to_month=MONTH, contract_id=south["contract_id"],
    )
    assert [line["prime_id"] for line in one["items"]] == ["prime-south"]


async def test_the_flow_tallies_are_the_history_s_summed_and_rebuild_the_same(history: History) -> None:
    await a_flow_with_drop_outs_rejections_and_a_reallocation(history)
    await history.synced()
    projected = await flow_rows(history)

    expected: defaultdict[tuple[str, str, str], int] = defaultdict(int)
    async with history.service.engine.connect() as conn:
        for row in (await conn.execute(select(cohort_tallies))).mappings():
            if row["cohort"] == "referral" and row["measure"] in FLOW_MEASURES:
                expected[row["organisation_id"], row["month"], row["measure"]] += row["count"]
    assert {k: n for k, n in projected[0].items() if k[2] in FLOW_MEASURES} == {k: n for k, n in expected.items() if n}
    assert projected[1] == {(MONTH, 2): 1, (MONTH, 3): 1, (MONTH, 5): 1, (MONTH, 7): 1}
    # Open journeys awaiting a clock: the first, third (no assessment) and fifth (re-allocated, with council).
    assert {k: n for k, n in projected[0].items() if k[2] not in FLOW_MEASURES} == {
        ("partner-whole", MONTH, "assessment_awaiting"): 1, ("partner-council", MONTH, "assessment_awaiting"): 1,
    }
    assert projected[2] == {("assessment", D + timedelta(days=1), MONTH): 2}

    async with history.service.app.state.runtime.uow_factory() as uow:
        await rebuild_from_history(uow)
        await uow.commit()
    assert await flow_rows(history) == projected


async def flow_rows(history: History) -> tuple[dict[Any, int], dict[Any, int], dict[Any, int]]:
    tallies: dict[tuple[str, str, str], int] = {}
    delays: dict[tuple[str, int], int] = {}
    days: dict[tuple[str, date, str], int] = {}
    async with history.service.engine.connect() as conn:
        for row in (await conn.execute(select(flow_tallies))).mappings():
            assert row["prime_id"] == PRIME_ID
            tallies.update({(row["organisation_id"], row["month"], m): row[m] for m in TALLIED if row[m]})
        for row in (await conn.execute(select(flow_delays))).mappings():
            if row["count"]:
                delays[row["month"], row["days"]] = row["count"]
        for row in (await conn.execute(select(flow_awaiting_days))).mappings():
            if row["count"]:
                days[row["clock"], row["since_on"], row["month"]] = row["count"]
    return tallies, delays, days


async def test_percentiles_of_one_two_and_ten_journeys(history: History) -> None:
    waits = {"partner-whole": [12], "partner-council": [3, 9], None: list(range(1, 11))}
    for partner, days in waits.items():
        for n in days:
            referral = await history.started_with(partner, D, started_on=D, allocated_on=D)
            await history.cases.attended(referral, D + timedelta(days=n), by=partner or PRIME_ID)
    await history.synced()

    found = await breakdown(history)
    delays = {o: flow["referral_to_first_wfi"] for o, flow in by_organisation(found).items()}
    assert delays["partner-whole"] == {"journeys": 1, "p50_days": 12, "p90_days": 12}
    assert delays["partner-council"] == {"journeys": 2, "p50_days": 3, "p90_days": 9}
    assert delays[PRIME_ID] == {"journeys": 10, "p50_days": 5, "p90_days": 9}
    # All 13: 1 2 3 3 4 5 [6] 7 8 9 9 [10] 12, read from the prime's histogram side by side as from the breakdown.
    assert found["total"]["referral_to_first_wfi"] == {"journeys": 13, "p50_days": 6, "p90_days": 10}
    side_by_side = await read(history.client, "/referral-flows", TPPM, from_month=MONTH, to_month=MONTH)
    assert side_by_side["items"][0]["flow"]["referral_to_first_wfi"] == found["total"]["referral_to_first_wfi"]


async def test_clocks_breached_late_ended_late_overdue_now_and_met(history: History) -> None:
    cases, referrals = history.cases, history.referrals
    met = await history.started_with("partner-whole", D)
    await cases.attended(met, D + timedelta(days=3), by="partner-whole")  # 3 working days of 15
    await cases.attended(met, D + timedelta(days=10), kind="needs_assessment", by="partner-whole")
    await cases.action_plan(met, D + timedelta(days=10), by="partner-whole")
    late = await history.started_with("partner-whole", D, started_on=D + timedelta(days=7))  # 5 working days of 2
    await cases.attended(late, D + timedelta(days=28), by="partner-whole")  # 20 working days of 15
    ended = await history.started_with("partner-whole", D)
    await referrals.withdraw(ended, D + timedelta(days=35))  # no meeting and no assessment, ended after both
    await history.referred(D)  # neither started nor rejected, still open: overdue now
    met_but_unassessed = await history.started_with("partner-whole", D)
    await cases.attended(met_but_unassessed, D + timedelta(days=21), by="partner-whole")  # 15 working days: met
    waiting = await history.referred(today())  # referred today: every clock still due
    await history.synced()

    found = await breakdown(history)
    lines = by_organisation(found)
    assert clocks(lines[PRIME_ID]) == {
        "acknowledgement": (0, 1, 1), "first_meeting": (0, 1, 1), "assessment": (0, 0, 0),
    }
    assert clocks(lines["partner-whole"]) == {
        "acknowledgement": (1, 0, 1),  # started late
        "first_meeting": (2, 0, 2),  # met late; ended without one
        "assessment": (1, 2, 3),  # ended without one; the late start and the unassessed still open, overdue
    }
    assert clocks(found["total"]) == {
        "acknowledgement": (1, 1, 2), "first_meeting": (2, 1, 3), "assessment": (1, 2, 3),
    }
    side_by_side = await read(history.client, "/referral-flows", TPPM, from_month=MONTH, to_month=MONTH)
    assert side_by_side["items"][0]["flow"]["clocks"] == found["total"]["clocks"]  # read from the awaiting days

    this_month = {"from_month": month_of(today()), "to_month": month_of(today())}
    now = await breakdown(history, **this_month)
    assert stages(now["total"])["referred"] == (1, None, 100.0)
    assert clocks(now["total"]) == {c: (0, 0, 0) for c in ("acknowledgement", "first_meeting", "assessment")}
    assert waiting.referral_id not in str(now)
    side_by_side = await read(history.client, "/referral-flows", TPPM, **this_month)
    assert side_by_side["items"][0]["flow"]["clocks"] == now["total"]["clocks"]


async def test_a_clock_is_overdue_from_the_day_after_its_deadline(history: History) -> None:
    first_meeting_cutoff = overdue_cutoff(Clock.FIRST_MEETING, today())
    assessment_cutoff = overdue_cutoff(Clock.ASSESSMENT, today())
    for day in (first_meeting_cutoff, first_meeting_cutoff + timedelta(days=1)):  # started, no meeting yet
        await history.started_with("partner-whole", day, started_on=day, allocated_on=day)
    for day in (assessment_cutoff, assessment_cutoff + timedelta(days=1)):  # met, not yet assessed
        started = await history.started_with("partner-whole", day, started_on=day, allocated_on=day)
        await history.cases.attended(started, day, by="partner-whole")
    await history.synced()

    months = {"from_month": month_of(assessment_cutoff), "to_month": month_of(today())}
    expected = {"acknowledgement": (0, 0, 0), "first_meeting": (0, 1, 1), "assessment": (0, 1, 1)}
    assert clocks((await breakdown(history, **months))["total"]) == expected
    side_by_side = await read(history.client, "/referral-flows", TPPM, **months)
    assert clocks(side_by_side["items"][0]["flow"]) == expected
