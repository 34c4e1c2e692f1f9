"""A contract's performance against its profiles (ADR 0023): the actuals the history counts, by the month they
happened, against the original profile and the latest revision; month-on-month change, running totals, and
months with no target said to have none."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .builders import AUDITOR, DWP, OTHER_PRIME, PRIME, problem
from .history_builders import History
from .performance_builders import first_day, history, last_day, month, today

__all__ = ["history"]


def against(profile: int, difference: int, percent: str | None) -> dict[str, Any]:
    return {"profile": profile, "difference": difference, "percent_of_profile": percent}


async def test_actuals_against_the_original_and_the_revised_profile_month_by_month(history: History) -> None:
    chain = history.chain
    assert chain is not None
    m0 = month(date.fromisoformat(chain.contract["start_date"]))
    m1, m2, m3 = (month(first_day(m0, plus=n)) for n in (1, 2, 3))
    path = f"/contracts/{chain.contract_id}"
    # The original profile (revision 1) runs 24 months from m0: job outcomes 10, 11, 12, 13...; sustained 4 and WFIs
    # 120 a month. Revision 2 has targets for m0 to m2 only.
    revised = [
        {"month": m, "job_outcomes": jo, "sustained_job_outcomes": 2, "work_focused_interviews": 50}
        for m, jo in ((m0, 5), (m1, 6), (m2, 7))
    ]
    assert (await history.client.put(f"{path}/profile", json={"months": revised}, headers=DWP)).status_code == 200

    first = await history.started_with("partner-whole", first_day(m1) + timedelta(days=2))
    second = await history.started_with(None, first_day(m1) + timedelta(days=3))
    third = await history.started_with(None, first_day(m1) + timedelta(days=4))
    await history.cases.attended(first, first_day(m1) + timedelta(days=9), by="partner-whole")
    await history.cases.attended(second, first_day(m1) + timedelta(days=10))
    await history.cases.attended(third, first_day(m2) + timedelta(days=4))
    await history.claims.submitted(first, last_day(m2))  # the last day of m2 ...
    await history.claims.submitted(second, first_day(m3))  # ... and the first of m3
    await history.claims.submitted(third, first_day(m3) + timedelta(days=14))
    await history.claims.submitted(first, first_day(m3) + timedelta(days=19), kind="sustained_job_outcome")
    rejected = await history.claims.submitted(third, first_day(m2) + timedelta(days=1))
    await history.claims.rejected(rejected, first_day(m2) + timedelta(days=5))  # counts for nothing
    await history.synced()

    response = await history.client.get(f"{path}/performance", params={"from": m1, "to": m3}, headers=DWP)

    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["from_month"], report["to_month"], report["as_of"]) == (m1, m3, today().isoformat())
    assert (report["original_revision"], report["latest_revision"]) == (1, 2)
    assert report["months_without_original_profile"] == []
    assert report["months_without_latest_profile"] == [m3]
    assert [(m["month"], m["ended"]) for m in report["months"]] == [(m1, True), (m2, True), (m3, True)]
    job_outcomes = [m["job_outcomes"] for m in report["months"]]
    assert job_outcomes == [
        {"actual": 0, "original": against(11, -11, "0.00"), "latest": against(6, -6, "0.00"),
         "change": 0, "change_percent": None,
         "running": {"actual": 0, "original": against(21, -21, "0.00"), "latest": against(11, -11, "0.00")}},
        {"actual": 1, "original": against(12, -11, "8.33"), "latest": against(7, -6, "14.29"),
         "change": 1, "change_percent": None,
         "running": {"actual": 1, "original": against(33, -32, "3.03"), "latest": against(18, -17, "5.56")}},
        {"actual": 2, "original": against(13, -11, "15.38"), "latest": None,  # no target in revision 2: not 0%
         "change": 1, "change_percent": "100.00",
         "running": {"actual": 3, "original": against(46, -43, "6.52"), "latest": against(18, -15, "16.67")}},
    ]
    sustained = [m["sustained_job_outcomes"] for m in report["months"]]
    assert [(s["actual"], s["original"], s["latest"]) for s in sustained] == [
        (0, against(4, -4, "0.00"), against(2, -2, "0.00")),
        (0, against(4, -4, "0.00"), against(2, -2, "0.00")),
        (1, against(4, -3, "25.00"), None),
    ]
    wfis = [m["work_focused_interviews"] for m in report["months"]]
    assert [(w["actual"], w["change"], w["change_percent"]) for w in wfis] == [
        (2, 2, None), (1, -1, "-50.00"), (0, -1, "-100.00"),
    ]
    assert wfis[2]["running"]["actual"] == 3
    assert report["totals"] == {
        "job_outcomes": {"actual": 3, "original": against(36, -33, "8.33"), "latest": against(13, -10, "23.08")},
        "sustained_job_outcomes": {"actual": 1, "original": against(12, -11, "8.33"),
                                   "latest": against(4, -3, "25.00")},
        "work_focused_interviews": {"actual": 3, "original": against(360, -357, "0.83"),
                                    "latest": against(100, -97, "3.00")},
    }

    for headers in (AUDITOR, PRIME):
        again = await history.client.get(f"{path}/performance", params={"from": m1, "to": m3}, headers=headers)
        assert again.status_code == 200 and again.json() == report
    problem(await history.client.get(f"{path}/performance", headers=OTHER_PRIME), 404)


async def test_the_default_months_are_the_contracts_so_far_and_the_first_month_has_no_change(
    history: History,
) -> None:
    chain = history.chain
    assert chain is not None
    m0 = month(date.fromisoformat(chain.contract["start_date"]))
    referral = await history.started_with(None, first_day(m0) + timedelta(days=1))
    await history.cases.attended(referral, first_day(m0) + timedelta(days=3))
    await history.synced()

    response = await history.client.get(f"/contracts/{chain.contract_id}/performance", headers=DWP)

    report = response.json()
    assert (report["from_month"], report["to_month"]) == (m0, month(today()))
    months = report["months"]
    assert months[0]["month"] == m0 and months[-1]["month"] == month(today())
    assert [m["ended"] for m in months] == [True] * (len(months) - 1) + [False]  # the current month is so far
    first = months[0]["work_focused_interviews"]
    assert (first["actual"], first["change"], first["change_percent"]) == (1, None, None)
    assert first["original"] == against(120, -119, "0.83")
    assert months[1]["work_focused_interviews"]["change"] == -1


async def test_a_contract_without_a_profile_says_so_for_every_month(history: History) -> None:
    response = await history.client.post("/contracts", json={
        "prime_id": "prime-north", "contract_package_area": "Tees Valley", "start_date": "2024-04-01",
        "end_date": "2024-06-30", "value_pence": 100, "payment_model": "pathways-30-50-20",
    }, headers=DWP)
    contract_id = response.json()["contract_id"]

    report = (await history.client.get(f"/contracts/{contract_id}/performance", headers=DWP)).json()

    assert (report["from_month"], report["to_month"]) == ("2024-04", "2024-06")  # ended: its months
    assert (report["original_revision"], report["latest_revision"]) == (None, None)
    assert report["months_without_latest_profile"] == ["2024-04", "2024-05", "2024-06"]
    assert {(m["job_outcomes"]["original"], m["job_outcomes"]["latest"]) for m in report["months"]} == {(None, None)}
    assert report["totals"]["job_outcomes"] == {"actual": 0, "original": None, "latest": None}
