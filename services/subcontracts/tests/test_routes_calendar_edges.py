"""The calendar's ends: a reconciliation listing asked to end in year 1's first weeks, and performance reports asked
to start near 9999-12 or end at 1000-01 (the months a report covers), each answer within the calendar."""

from __future__ import annotations

from typing import Any

import pytest

from .builders import DWP, Service, award, register_all


@pytest.mark.parametrize(("week_to", "week_from"), [
    ("0001-W01", "0001-W01"), ("0001-W12", "0001-W01"), ("0001-W13", "0001-W01"), ("0001-W14", "0001-W02"),
])
async def test_a_reconciliation_listing_ending_in_year_ones_first_weeks_starts_at_its_first(
    service: Service, week_to: str, week_from: str
) -> None:
    response = await service.client.get("/reconciliation", params={"week_to": week_to}, headers=DWP)

    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["week_from"], answer["week_to"], answer["items"]) == (week_from, week_to, [])


@pytest.fixture
async def for_ever(service: Service) -> dict[str, Any]:
    """prime-north's contract in the Humber from year 1 to the last day of 9999."""
    await register_all(service.client)
    return await award(
        service.client, contract_package_area="Humber", start_date="0001-01-01", end_date="9999-12-31"
    )


@pytest.mark.parametrize(("params", "months"), [
    ({"from": "9991-01"}, ("9991-01", "9991-01")),
    ({"from": "9999-12"}, ("9999-12", "9999-12")),
    ({"to": "1000-01"}, ("1000-01", "1000-01")),
    ({"to": "1009-12"}, ("1000-01", "1009-12")),
    ({"to": "1010-01"}, ("1000-02", "1010-01")),
])
async def test_a_report_asked_for_by_one_end_stays_within_years_1000_to_9999(
    service: Service, for_ever: dict[str, Any], params: dict[str, str], months: tuple[str, str]
) -> None:
    on = f"/contracts/{for_ever['contract_id']}"
    count = int(months[1][:4]) * 12 + int(months[1][5:]) - int(months[0][:4]) * 12 - int(months[0][5:]) + 1
    for path, listed in ((f"{on}/performance", "months"), (f"{on}/conversion", "cohorts"),
                         (f"{on}/minimum-performance", None), ("/contract-package-areas/Humber/performance", None)):
        response = await service.client.get(path, params=params, headers=DWP)
        assert response.status_code == 200, (path, response.text)
        answer = response.json()
        assert (answer["from_month"], answer["to_month"]) == months, path
        if listed:
            found = [m["month"] for m in answer[listed]]
            assert (len(found), found[0], found[-1]) == (count, *months), path
