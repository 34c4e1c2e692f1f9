"""Cohorts (ADR 0023): conversion of each monthly start cohort, and the minimum performance level of each monthly
referral cohort and payment group: the edges of the 12 months (to the day, and 29 February), met exactly at the
level, below it once the cohort has closed, open while it can still reach it; the levels DWP sets, and their
history."""

from __future__ import annotations

from datetime import date, timedelta

from .builders import AUDITOR, DWP, PRIME, assert_valid_events
from .history_builders import History
from .performance_builders import (
    first_day,
    history,
    last_day,
    month,
    months_to_date,
    past_contract,
    referred,
    set_levels,
    today,
)

__all__ = ["history"]


async def test_conversion_by_start_cohort_counts_each_cohorts_job_outcomes_to_date(history: History) -> None:
    contract = await past_contract(history)
    converted = await referred(history, contract, date(2024, 1, 20), started_on=date(2024, 1, 31))
    await referred(history, contract, date(2024, 1, 25), started_on=date(2024, 2, 1))  # February's cohort
    await referred(history, contract, date(2024, 1, 26), started_on=date(2024, 1, 29))
    late = await referred(history, contract, date(2024, 2, 5), started_on=date(2024, 2, 6))
    await referred(history, contract, date(2024, 2, 6))  # referred, never started
    await history.claims.submitted(converted, date(2024, 9, 30))
    await history.claims.submitted(late, date(2025, 6, 1))  # a job outcome long after: its start cohort's still
    await history.synced()

    response = await history.client.get(
        f"/contracts/{contract['contract_id']}/conversion", params={"from": "2024-01", "to": "2024-03"}, headers=DWP
    )

    assert response.status_code == 200, response.text
    assert response.json() == {
        "contract_id": contract["contract_id"], "from_month": "2024-01", "to_month": "2024-03",
        "as_of": today().isoformat(),
        "cohorts": [
            {"month": "2024-01", "months_to_date": months_to_date("2024-01"), "starts": 2, "job_outcomes": 1,
             "rate_percent": "50.00"},
            {"month": "2024-02", "months_to_date": months_to_date("2024-02"), "starts": 2, "job_outcomes": 1,
             "rate_percent": "50.00"},
            {"month": "2024-03", "months_to_date": months_to_date("2024-03"), "starts": 0, "job_outcomes": 0,
             "rate_percent": None},
        ],
        "total": {"starts": 4, "job_outcomes": 2, "rate_percent": "50.00"},
    }


async def test_this_months_start_cohort_has_had_one_month(history: History) -> None:
    chain = history.chain
    assert chain is not None
    now = month(today())
    await history.started_with(None, first_day(now), started_on=first_day(now))
    await history.synced()

    report = (await history.client.get(
        f"/contracts/{chain.contract_id}/conversion", params={"from": now}, headers=PRIME,
    )).json()

    assert report["cohorts"] == [
        {"month": now, "months_to_date": 1, "starts": 1, "job_outcomes": 0, "rate_percent": "0.00"},
    ]


async def test_minimum_performance_at_the_edges_of_the_twelve_months(history: History) -> None:
    contract = await past_contract(history)
    # January 2024, payment group 6: one of two with a job outcome exactly 12 months after referral: 50.00%.
    on_the_day = await referred(history, contract, date(2024, 1, 31), started_on=date(2024, 2, 1))
    await history.claims.submitted(on_the_day, date(2025, 1, 31))
    await referred(history, contract, date(2024, 1, 15), started_on=date(2024, 1, 16))
    # February 2024, group 6: referred on 29 February, whose year is up on 28 February 2025; and on the 10th.
    leap_within = await referred(history, contract, date(2024, 2, 29), started_on=date(2024, 3, 1))
    await history.claims.submitted(leap_within, date(2025, 2, 28))
    leap_after = await referred(history, contract, date(2024, 2, 29), started_on=date(2024, 3, 1))
    await history.claims.submitted(leap_after, date(2025, 3, 1))  # a day late: an outcome, not within 12 months
    tenth_within = await referred(history, contract, date(2024, 2, 10), started_on=date(2024, 2, 12))
    await history.claims.submitted(tenth_within, date(2025, 2, 10))
    tenth_after = await referred(history, contract, date(2024, 2, 10), started_on=date(2024, 2, 12))
    await history.claims.submitted(tenth_after, date(2025, 2, 11))
    # February 2024, group 9: no level is set for it.
    await referred(history, contract, date(2024, 2, 12), payment_group=9)
    # Last month's group 1 can still reach its level; group 2 already has.
    last_month = first_day(month(today()), plus=-1)
    await referred(history, contract, last_month + timedelta(days=3), payment_group=1)
    reached = await referred(history, contract, last_month + timedelta(days=4), payment_group=2,
                             started_on=last_month + timedelta(days=5))
    await history.claims.submitted(reached, today())
    await history.synced()
    # From the contract's start: groups 6 at 50.00% exactly, 1 at 30% and 2 at 25%; from February 2024, group 6 at
    # 50.01%, the others as they were.
    await set_levels(history, contract, {1: 3000, 2: 2500, 6: 5000})
    await set_levels(history, contract, {6: 5001}, applies_from="2024-02")

    response = await history.client.get(
        f"/contracts/{contract['contract_id']}/minimum-performance",
        params={"from": "2024-01", "to": month(today())}, headers=AUDITOR,
    )

    assert response.status_code == 200, response.text
    report = response.json()
    end = last_day(month(last_month))
    closes = (date(end.year + 1, 2, 28) if (end.month, end.day) == (2, 29) else end.replace(year=end.year + 1))
    assert report["cohorts"] == [
        {"month": "2024-01", "payment_group": 6, "referred": 2, "job_outcomes_within_12_months": 1,
         "share_percent": "50.00", "level_basis_points": 5000, "level_percent": "50.00", "level_revision": 1,
         "status": "met", "closes_on": "2025-01-31"},
        {"month": "2024-02", "payment_group": 6, "referred": 4, "job_outcomes_within_12_months": 2,
         "share_percent": "50.00", "level_basis_points": 5001, "level_percent": "50.01", "level_revision": 2,
         "status": "below", "closes_on": "2025-02-28"},
        {"month": "2024-02", "payment_group": 9, "referred": 1, "job_outcomes_within_12_months": 0,
         "share_percent": "0.00", "level_basis_points": None, "level_percent": None, "level_revision": None,
         "status": "no_level", "closes_on": "2025-02-28"},
        {"month": month(last_month), "payment_group": 1, "referred": 1, "job_outcomes_within_12_months": 0,
         "share_percent": "0.00", "level_basis_points": 3000, "level_percent": "30.00", "level_revision": 1,
         "status": "open", "closes_on": closes.isoformat()},
        {"month": month(last_month), "payment_group": 2, "referred": 1, "job_outcomes_within_12_months": 1,
         "share_percent": "100.00", "level_basis_points": 2500, "level_percent": "25.00", "level_revision": 1,
         "status": "met", "closes_on": closes.isoformat()},
    ]
    assert report["standing"] == {"met": 2, "below": 1, "open": 1, "no_level": 1}


async def test_levels_are_kept_setting_by_setting_and_the_same_setting_twice_is_one(history: History) -> None:
    contract = await past_contract(history)
    path = f"/contracts/{contract['contract_id']}/minimum-performance-levels"
    assert (await history.client.get(path, headers=PRIME)).json() == {"contract_id": contract["contract_id"],
                                                                     "sets": []}

    first = await set_levels(history, contract, {6: 1550, 1: 3600})
    again = await set_levels(history, contract, {1: 3600, 6: 1550})
    second = await set_levels(history, contract, {6: 1600}, applies_from="2025-04")

    assert first == again
    assert [(s["revision"], s["applies_from"], s["set_by"]) for s in second["sets"]] == [
        (1, "2023-01", "dwp-user"), (2, "2025-04", "dwp-user"),
    ]
    assert second["sets"][0]["levels"] == [
        {"payment_group": 1, "level_basis_points": 3600, "level_percent": "36.00"},
        {"payment_group": 6, "level_basis_points": 1550, "level_percent": "15.50"},
    ]
    assert second["sets"][1]["levels"] == [{"payment_group": 6, "level_basis_points": 1600, "level_percent": "16.00"}]
    assert (await history.client.get(path, headers=AUDITOR)).json() == second
    events = await history.service.events("contract.minimum_performance_levels_set")
    assert [e["data"] for e in events] == [
        {"contract_id": contract["contract_id"], "prime_id": "prime-north", "revision": 1, "applies_from": "2023-01",
         "levels": [{"payment_group": 1, "level_basis_points": 3600},
                    {"payment_group": 6, "level_basis_points": 1550}]},
        {"contract_id": contract["contract_id"], "prime_id": "prime-north", "revision": 2, "applies_from": "2025-04",
         "levels": [{"payment_group": 6, "level_basis_points": 1600}]},
    ]
    assert_valid_events(events)
