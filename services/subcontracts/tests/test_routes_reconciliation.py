"""Reconciliation on built journeys: the referral, case tracking and claims events are published for real, the
service derives the week's figures from them, and a partner's return is compared figure by figure. A missing
fail-to-attend, an extra job start, a late return and a corrected return are each named exactly, with the journeys
behind each count; the listing shows every week each subcontract should post, posted or not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from scx_messaging import LocalNatsServer
from scx_testing.journeys import Referral
from scx_testing.plugin import MigratedDatabase

from .builders import ALEMBIC_INI, DWP, JCP, OTHER_PRIME, PRIME, collect, problem, slug, today
from .history_builders import History, monday_of, running_history
from .returns_builders import COUNCIL, SKILLS, STRANGER, WHOLE, figures, iso_week, set_deadline

D = monday_of(today() - timedelta(weeks=5))  # a Monday five weeks back: the week has ended, inside the contract
W, BEFORE = iso_week(D), iso_week(D - timedelta(days=7))
ZEROS = dict.fromkeys(figures(), 0)


def week_end(monday: date) -> str:
    """The moment the week ends, in UTC as the API writes it: the return is due then with a deadline of 0, 00:00."""
    ends = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)
    return ends.isoformat().replace("+00:00", "Z")


@pytest_asyncio.fixture
async def history(migrated_database: MigratedDatabase, nats_server: LocalNatsServer) -> AsyncIterator[History]:
    async with running_history(migrated_database(ALEMBIC_INI), nats_server.url) as stack:
        await stack.build_chain()
        yield stack


async def week_of_journeys(history: History) -> tuple[Referral, Referral, Referral]:
    """In week W: two journeys with partner-whole (one attends a WFI and then fails to attend; the other has two
    activities and starts a job), and one with partner-council."""
    missed = await history.started_with("partner-whole", D)
    await history.cases.attended(missed, D + timedelta(days=2), by="partner-whole")
    await history.cases.failed_to_attend(missed, D + timedelta(days=3), by="partner-whole")
    working = await history.started_with("partner-whole", D)
    await history.cases.activity(working, D + timedelta(days=3), by="partner-whole")
    await history.cases.activity(working, D + timedelta(days=4), by="partner-whole")
    await history.cases.job_started(working, D + timedelta(days=4), by="partner-whole")
    council = await history.started_with("partner-council", D)
    await history.synced()
    return missed, working, council


def subcontract(history: History, partner_id: str) -> dict[str, Any]:
    assert history.chain is not None
    return history.chain.subcontracts[partner_id]


async def post(history: History, partner_id: str, headers: dict[str, str], posted: dict[str, int], **extra: Any
               ) -> dict[str, Any]:
    response = await history.client.post("/weekly-returns", json={
        "subcontract_id": subcontract(history, partner_id)["subcontract_id"], "iso_week": W, "figures": posted,
        **extra,
    }, headers=headers)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def journey(referral: Referral, *days: int) -> dict[str, Any]:
    return {"referral_id": referral.referral_id, "claimant_ref": referral.claimant_ref, "count": len(days),
            "dates": [(D + timedelta(days=n)).isoformat() for n in days]}


def figure(name: str, posted: int, derived: int, journeys: list[dict[str, Any]]) -> dict[str, Any]:
    return {"figure": name, "posted": posted, "derived": derived, "difference": posted - derived,
            "agrees": posted == derived, "journeys": journeys}


async def reconciliation(history: History, return_id: str, headers: dict[str, str] = PRIME) -> dict[str, Any]:
    response = await history.client.get(f"/weekly-returns/{return_id}/reconciliation", headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_a_missing_fail_to_attend_and_an_extra_job_start_are_named_with_their_journeys(
    history: History,
) -> None:
    missed, working, _ = await week_of_journeys(history)
    # The partner forgot the fail-to-attend and counted the job start twice.
    posted = figures(referrals_received=2, starts=2, wfis_delivered=1, fail_to_attends=0, activities_delivered=2,
                     job_starts=2, job_outcomes=0, exits=0)
    weekly_return = await post(history, "partner-whole", WHOLE, posted)

    answer = await reconciliation(history, weekly_return["return_id"])

    assert (answer["status"], answer["differing"], answer["version"], answer["versions"]) == (
        "differs", ["fail_to_attends", "job_starts"], 1, 1
    )
    assert (answer["iso_week"], answer["week_starts"], answer["partner_id"]) == (W, D.isoformat(), "partner-whole")
    assert answer["figures"] == [
        figure("referrals_received", 2, 2, [journey(missed, 1), journey(working, 1)]),
        figure("starts", 2, 2, [journey(missed, 1), journey(working, 1)]),
        figure("wfis_delivered", 1, 1, [journey(missed, 2)]),
        figure("fail_to_attends", 0, 1, [journey(missed, 3)]),
        figure("activities_delivered", 2, 2, [journey(working, 3, 4)]),
        figure("job_starts", 2, 1, [journey(working, 4)]),
        figure("job_outcomes", 0, 0, []),
        figure("exits", 0, 0, []),
    ]
    assert (answer["late"], answer["timeliness"], answer["deadline"]) == (None, "no_deadline_set", None)
    assert answer["derived_at"] >= weekly_return["first_posted_at"]


async def test_a_late_return_then_corrected_agrees_and_stays_late(history: History) -> None:
    assert history.chain is not None
    missed, working, _ = await week_of_journeys(history)
    await set_deadline(history.client, history.chain.contract, 0, "00:00")
    first = figures(referrals_received=2, starts=2, wfis_delivered=1, fail_to_attends=0, activities_delivered=2,
                    job_starts=2, job_outcomes=0, exits=0)
    weekly_return = await post(history, "partner-whole", WHOLE, first)
    late = await reconciliation(history, weekly_return["return_id"], WHOLE)

    corrected = await post(history, "partner-whole", WHOLE, {**first, "fail_to_attends": 1, "job_starts": 1},
                           corrects_version=1, reason="a fail-to-attend was missed; a job start counted twice")
    after = await reconciliation(history, weekly_return["return_id"], WHOLE)

    assert (late["status"], late["late"], late["timeliness"], late["deadline"]) == (
        "differs", True, "late", week_end(D)
    )
    assert corrected["return_id"] == weekly_return["return_id"]
    assert (after["status"], after["differing"], after["version"], after["versions"]) == ("agrees", [], 2, 2)
    assert (after["late"], after["deadline"]) == (True, week_end(D))  # the return was late; correcting it is not
    assert [f["posted"] for f in after["figures"]] == [2, 2, 1, 1, 2, 1, 0, 0]
    assert all(f["difference"] == 0 for f in after["figures"])
    assert after["figures"][3]["journeys"] == [journey(missed, 3)]
    assert after["figures"][5]["journeys"] == [journey(working, 4)]


async def test_the_listing_shows_every_week_each_subcontract_should_post(history: History) -> None:
    assert history.chain is not None
    await week_of_journeys(history)
    await set_deadline(history.client, history.chain.contract, 0, "00:00")
    await post(history, "partner-whole", WHOLE, figures(
        referrals_received=2, starts=2, wfis_delivered=1, fail_to_attends=0, activities_delivered=2, job_starts=2,
        job_outcomes=0, exits=0))
    await post(history, "partner-skills", SKILLS, ZEROS)
    params = {"contract_id": history.chain.contract_id, "week_from": BEFORE, "week_to": W}

    rows = await collect(history.client, "/reconciliation", PRIME, limit=4, **params)

    ids = {history.chain.subcontract_id(p): p for p in ("partner-whole", "partner-skills", "partner-council")}
    assert [(ids[r["subcontract_id"]], r["iso_week"], r["status"]) for r in rows] == [
        ("partner-whole", BEFORE, "not_yet_posted"), ("partner-whole", W, "differs"),
        ("partner-skills", BEFORE, "not_yet_posted"), ("partner-skills", W, "agrees"),
        ("partner-council", BEFORE, "not_yet_posted"), ("partner-council", W, "not_yet_posted"),
    ]
    whole = rows[1]
    assert whole["differences"] == [
        {"figure": "fail_to_attends", "posted": 0, "derived": 1, "difference": -1},
        {"figure": "job_starts", "posted": 2, "derived": 1, "difference": 1},
    ]
    assert (whole["version"], whole["late"], whole["timeliness"], whole["due"], whole["overdue"]) == (
        1, True, "late", None, None
    )
    council = rows[5]
    assert council["derived"] == {**ZEROS, "referrals_received": 1, "starts": 1}
    assert (council["return_id"], council["late"], council["due"], council["overdue"]) == (
        None, None, week_end(D), True
    )
    assert rows[0]["derived"] == ZEROS and rows[0]["due"] == week_end(D - timedelta(days=7))
    assert {r["model"] for r in rows} == {"end_to_end", "specialist", "sla"}


async def test_without_a_deadline_a_missing_return_is_neither_due_nor_overdue(history: History) -> None:
    assert history.chain is not None
    response = await history.client.get("/reconciliation", params={"week_from": W, "week_to": W}, headers=DWP)

    rows = response.json()["items"]
    assert [(r["status"], r["due"], r["overdue"]) for r in rows] == [("not_yet_posted", None, None)] * 3
    assert (response.json()["week_from"], response.json()["week_to"]) == (W, W)


@pytest.mark.parametrize(("who", "partners"), [
    ("whole", {"partner-whole"}), ("skills", {"partner-skills"}), ("stranger", set()),
    ("prime-north", {"partner-whole", "partner-skills", "partner-council"}), ("prime-south", set()),
    ("dwp", {"partner-whole", "partner-skills", "partner-council"}),
])
async def test_each_caller_reconciles_only_what_it_may_see(history: History, who: str, partners: set[str]) -> None:
    headers = {"whole": WHOLE, "skills": SKILLS, "stranger": STRANGER, "prime-north": PRIME,
               "prime-south": OTHER_PRIME, "dwp": DWP}[who]
    weekly_return = await post(history, "partner-council", COUNCIL, ZEROS)

    rows = await collect(history.client, "/reconciliation", headers, week_from=W, week_to=W)
    single = await history.client.get(f"/weekly-returns/{weekly_return['return_id']}/reconciliation",
                                      headers=headers)
    narrowed = await collect(history.client, "/reconciliation", headers, week_from=W, week_to=W,
                             partner_id="partner-council")

    assert {r["partner_id"] for r in rows} == partners
    assert single.status_code == (200 if "partner-council" in partners else 404)
    assert {r["partner_id"] for r in narrowed} == partners & {"partner-council"}


async def test_jobcentre_plus_is_refused_and_bad_weeks_are_named(history: History) -> None:
    weekly_return = await post(history, "partner-council", COUNCIL, ZEROS)

    refused = [
        await history.client.get("/reconciliation", headers=JCP),
        await history.client.get(f"/weekly-returns/{weekly_return['return_id']}/reconciliation", headers=JCP),
    ]
    bad = await history.client.get("/reconciliation", params={"week_from": W, "week_to": BEFORE}, headers=DWP)
    missing = await history.client.get("/reconciliation", params={"week_to": "2025-W53"}, headers=DWP)
    cursor = await history.client.get("/reconciliation", params={"cursor": "bm8tYmFy"}, headers=DWP)

    assert [slug(problem(r, 403)) for r in refused] == ["forbidden", "forbidden"]
    assert slug(problem(bad, 422, field="query.week_to")) == "invalid-week-range"
    assert slug(problem(missing, 422, field="query.week_to")) == "invalid-week-range"
    assert slug(problem(cursor, 400, field="query.cursor")) == "invalid-cursor"


async def test_by_default_the_listing_covers_the_last_thirteen_ended_weeks(history: History) -> None:
    response = await history.client.get("/reconciliation", params={"limit": 500}, headers=WHOLE)

    answer = response.json()
    this_monday = monday_of(datetime.now(ZoneInfo("Europe/London")).date())
    weeks = [iso_week(this_monday - timedelta(weeks=n)) for n in range(13, 0, -1)]
    assert (answer["week_from"], answer["week_to"]) == (weeks[0], weeks[-1])
    assert [r["iso_week"] for r in answer["items"]] == weeks


async def test_a_rejected_job_outcome_no_longer_counts_and_the_difference_names_no_journey(history: History) -> None:
    outcome = await history.started_with("partner-whole", D - timedelta(weeks=3))
    claim = await history.claims.submitted(outcome, D + timedelta(days=2))
    await history.synced()
    weekly_return = await post(history, "partner-whole", WHOLE, {**ZEROS, "job_outcomes": 1})
    agreed = await reconciliation(history, weekly_return["return_id"])

    await history.claims.rejected(claim, D + timedelta(days=20))
    await history.synced()
    differs = await reconciliation(history, weekly_return["return_id"])

    assert (agreed["status"], agreed["figures"][6]) == (
        "agrees", figure("job_outcomes", 1, 1, [journey(outcome, 2)])
    )
    assert (differs["status"], differs["differing"], differs["figures"][6]) == (
        "differs", ["job_outcomes"], figure("job_outcomes", 1, 0, [])
    )


async def test_weeks_not_yet_ended_have_nothing_to_post(history: History) -> None:
    this_week = iso_week(monday_of(datetime.now(ZoneInfo("Europe/London")).date()))

    response = await history.client.get("/reconciliation", params={"week_from": this_week}, headers=PRIME)

    assert response.status_code == 200, response.text
    assert (response.json()["week_from"], response.json()["week_to"], response.json()["items"]) == (
        this_week, this_week, []
    )
