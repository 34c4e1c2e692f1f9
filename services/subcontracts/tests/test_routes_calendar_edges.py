"""The calendar's ends: a reconciliation listing asked to end in year 1's first weeks answers within the calendar."""

from __future__ import annotations

import pytest

from .builders import DWP, Service


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
