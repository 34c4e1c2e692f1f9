"""The primes of one contract package area side by side (ADR 0023): each contract's actuals against its latest
profile, its conversion rate and its minimum performance standing; DWP's alone."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .builders import AUDITOR, DWP, JCP, OTHER_PRIME, PARTNER, PRIME, award, problem, profile
from .history_builders import History
from .performance_builders import first_day, history, month, past_contract, referred, set_levels, today

__all__ = ["history"]


def against(profile: int, difference: int, percent: str | None) -> dict[str, Any]:
    return {"profile": profile, "difference": difference, "percent_of_profile": percent}


async def test_two_primes_of_an_area_side_by_side(history: History) -> None:
    chain = history.chain
    assert chain is not None
    north = chain.contract
    start = date.fromisoformat(north["start_date"])
    # prime-south's contract in the same area, from the same day: job outcome targets 20, 21, 22...
    south = await award(history.client, "prime-south", profile=profile(start, months=24, job_outcomes=20))
    await past_contract(history)  # prime-north's in the Humber: another area, not compared
    m1 = month(first_day(month(start), plus=1))
    m2 = month(first_day(m1, plus=1))

    converted = await history.started_with(None, first_day(m1) + timedelta(days=1))
    idle = await history.started_with(None, first_day(m1) + timedelta(days=2))
    await history.cases.attended(idle, first_day(m1) + timedelta(days=5))
    await history.claims.submitted(converted, first_day(m2) + timedelta(days=10))
    southern = await referred(history, south, first_day(m1) + timedelta(days=1), started_on=first_day(m1) +
                              timedelta(days=2))
    await history.claims.submitted(southern, first_day(m1) + timedelta(days=20))
    await history.synced()
    await set_levels(history, north, {6: 4000})

    path = f"/contract-package-areas/{north['contract_package_area']}/performance"
    response = await history.client.get(path, params={"from": m1, "to": m2}, headers=DWP)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "contract_package_area": "West Yorkshire", "from_month": m1, "to_month": m2, "as_of": today().isoformat(),
        "primes": [
            {"prime_id": "prime-north", "contract_id": north["contract_id"], "latest_revision": 1,
             "job_outcomes": {"actual": 1, "latest": against(23, -22, "4.35")},
             "sustained_job_outcomes": {"actual": 0, "latest": against(8, -8, "0.00")},
             "work_focused_interviews": {"actual": 1, "latest": against(240, -239, "0.42")},
             "conversion": {"starts": 2, "job_outcomes": 1, "rate_percent": "50.00"},
             "minimum_performance": {"met": 1, "below": 0, "open": 0, "no_level": 0}},
            {"prime_id": "prime-south", "contract_id": south["contract_id"], "latest_revision": 1,
             "job_outcomes": {"actual": 1, "latest": against(43, -42, "2.33")},
             "sustained_job_outcomes": {"actual": 0, "latest": against(8, -8, "0.00")},
             "work_focused_interviews": {"actual": 0, "latest": against(240, -240, "0.00")},
             "conversion": {"starts": 1, "job_outcomes": 1, "rate_percent": "100.00"},
             "minimum_performance": {"met": 0, "below": 0, "open": 0, "no_level": 1}},
        ],
    }
    assert (await history.client.get(path, params={"from": m1, "to": m2}, headers=AUDITOR)).json() == response.json()

    by_default = (await history.client.get(path, headers=DWP)).json()
    assert (by_default["from_month"], by_default["to_month"]) == (month(start), month(today()))

    for headers in (PRIME, OTHER_PRIME, PARTNER, JCP):
        problem(await history.client.get(path, headers=headers), 403)
    problem(await history.client.get("/contract-package-areas/Atlantis/performance", headers=DWP), 422,
            field="path.area")
