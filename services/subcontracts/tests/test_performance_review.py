"""The quarterly Provider Performance Review pack (ADR 0023): the quarter's performance against the original and
revised profile, month on month, conversion and minimum performance (the quarter's cohorts and those closing in
it), as JSON and as CSV, the same bytes when asked again."""

from __future__ import annotations

from datetime import date

from .builders import DWP, PRIME, problem
from .history_builders import History
from .performance_builders import history, months_to_date, past_contract, referred, set_levels, today

__all__ = ["history"]


async def test_the_pack_for_a_quarter_as_json_and_as_csv(history: History) -> None:
    contract = await past_contract(history)  # original job outcome targets 22, 23, 24 in 2024's first quarter
    cid = contract["contract_id"]
    revised = [
        {"month": "2024-01", "job_outcomes": 15, "sustained_job_outcomes": 3, "work_focused_interviews": 100},
        {"month": "2024-02", "job_outcomes": 16, "sustained_job_outcomes": 3, "work_focused_interviews": 100},
    ]
    assert (await history.client.put(f"/contracts/{cid}/profile", json={"months": revised},
                                     headers=DWP)).status_code == 200
    january = await referred(history, contract, date(2023, 12, 15), started_on=date(2024, 1, 5))
    await history.cases.attended(january, date(2024, 1, 10))
    await history.cases.attended(january, date(2024, 2, 15), wfi_number=2)
    await history.claims.submitted(january, date(2024, 1, 31))
    february = await referred(history, contract, date(2024, 1, 20), started_on=date(2024, 2, 1))
    await history.cases.attended(february, date(2024, 2, 1))
    await history.claims.submitted(february, date(2024, 3, 1))
    closing = await referred(history, contract, date(2023, 2, 10), payment_group=1, started_on=date(2023, 2, 15))
    await history.claims.submitted(closing, date(2024, 2, 10))  # 12 months to the day: within
    await referred(history, contract, date(2023, 3, 5), payment_group=1)
    await history.synced()
    await set_levels(history, contract, {1: 5000, 6: 2000})
    path = f"/contracts/{cid}/performance-reviews/2024-Q1"

    response = await history.client.get(path, headers=DWP)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    pack = response.json()
    assert (pack["quarter"], pack["months"], pack["as_of"]) == ("2024-Q1", ["2024-01", "2024-02", "2024-03"],
                                                                today().isoformat())
    quarter = {"from": "2024-01", "to": "2024-03"}
    for section, report in (("performance", "performance"), ("conversion", "conversion"),
                            ("minimum_performance", "minimum-performance")):
        alone = await history.client.get(f"/contracts/{cid}/{report}", params=quarter, headers=DWP)
        assert pack[section] == alone.json()
    assert pack["minimum_performance_closing"]["standing"] == {"met": 1, "below": 1, "open": 0, "no_level": 0}
    assert (await history.client.get(path, headers=PRIME)).content == response.content  # the same bytes

    as_csv = await history.client.get(path, headers={**DWP, "Accept": "text/csv"})

    assert as_csv.status_code == 200
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    head = f"{cid},2024-Q1"
    jan, feb, mar = (months_to_date(m) for m in ("2024-01", "2024-02", "2024-03"))
    assert as_csv.text == "\r\n".join([
        "contract_id,quarter,section,month,payment_group,figure,actual,original_profile,original_difference,"
        "original_percent,latest_profile,latest_difference,latest_percent,change,change_percent,running_actual,"
        "running_original_profile,running_latest_profile,starts,job_outcomes,rate_percent,months_to_date,referred,"
        "within_12_months,share_percent,level_percent,status,closes_on",
        f"{head},performance,2024-01,,job_outcomes,1,22,-21,4.55,15,-14,6.67,1,,1,208,15,,,,,,,,,,",
        f"{head},performance,2024-01,,sustained_job_outcomes,0,4,-4,0.00,3,-3,0.00,0,,0,52,3,,,,,,,,,,",
        f"{head},performance,2024-01,,work_focused_interviews,1,120,-119,0.83,100,-99,1.00,1,,1,1560,100,,,,,,,,,,",
        f"{head},performance,2024-02,,job_outcomes,1,23,-22,4.35,16,-15,6.25,0,0.00,2,231,31,,,,,,,,,,",
        f"{head},performance,2024-02,,sustained_job_outcomes,0,4,-4,0.00,3,-3,0.00,0,,0,56,6,,,,,,,,,,",
        f"{head},performance,2024-02,,work_focused_interviews,2,120,-118,1.67,100,-98,2.00,1,100.00,3,1680,200,,,,,,,"
        ",,,",
        f"{head},performance,2024-03,,job_outcomes,1,24,-23,4.17,,,,0,0.00,3,255,31,,,,,,,,,,",
        f"{head},performance,2024-03,,sustained_job_outcomes,0,4,-4,0.00,,,,0,,0,60,6,,,,,,,,,,",
        f"{head},performance,2024-03,,work_focused_interviews,0,120,-120,0.00,,,,-2,-100.00,3,1800,200,,,,,,,,,,",
        f"{head},performance,2024-Q1,,job_outcomes,3,69,-66,4.35,31,-28,9.68,,,,,,,,,,,,,,,",
        f"{head},performance,2024-Q1,,sustained_job_outcomes,0,12,-12,0.00,6,-6,0.00,,,,,,,,,,,,,,,",
        f"{head},performance,2024-Q1,,work_focused_interviews,3,360,-357,0.83,200,-197,1.50,,,,,,,,,,,,,,,",
        f"{head},conversion,2024-01,,,,,,,,,,,,,,,1,1,100.00,{jan},,,,,,",
        f"{head},conversion,2024-02,,,,,,,,,,,,,,,1,1,100.00,{feb},,,,,,",
        f"{head},conversion,2024-03,,,,,,,,,,,,,,,0,0,,{mar},,,,,,",
        f"{head},conversion,2024-Q1,,,,,,,,,,,,,,,2,2,100.00,,,,,,,",
        f"{head},minimum_performance,2024-01,6,,,,,,,,,,,,,,,,,,1,1,100.00,20.00,met,2025-01-31",
        f"{head},minimum_performance_closing,2023-02,1,,,,,,,,,,,,,,,,,,1,1,100.00,50.00,met,2024-02-28",
        f"{head},minimum_performance_closing,2023-03,1,,,,,,,,,,,,,,,,,,1,0,0.00,50.00,below,2024-03-31",
    ]) + "\r\n"
    assert (await history.client.get(path, headers={**PRIME, "Accept": "text/csv"})).content == as_csv.content


async def test_a_quarter_partly_outside_the_contract_shows_its_months_without_targets(history: History) -> None:
    contract = await past_contract(history)  # from January 2023

    pack = (await history.client.get(
        f"/contracts/{contract['contract_id']}/performance-reviews/2022-Q4", headers=DWP
    ))
    problem(pack, 422, field="path.quarter")

    response = await history.client.post("/contracts", json={
        "prime_id": "prime-north", "contract_package_area": "Tees Valley", "start_date": "2024-02-15",
        "end_date": "2024-12-31", "value_pence": 100, "payment_model": "pathways-30-50-20",
        "profile": [{"month": "2024-02", "job_outcomes": 5, "sustained_job_outcomes": 1,
                     "work_focused_interviews": 40}],
    }, headers=DWP)
    partial = (await history.client.get(
        f"/contracts/{response.json()['contract_id']}/performance-reviews/2024-Q1", headers=DWP
    )).json()

    months = partial["performance"]["months"]
    assert [(m["month"], m["job_outcomes"]["original"]) for m in months] == [
        ("2024-01", None), ("2024-02", {"profile": 5, "difference": -5, "percent_of_profile": "0.00"}),
        ("2024-03", None),
    ]
    assert [m["job_outcomes"]["change"] for m in months] == [None, None, 0]  # none before the contract's first
    assert partial["performance"]["months_without_original_profile"] == ["2024-01", "2024-03"]
