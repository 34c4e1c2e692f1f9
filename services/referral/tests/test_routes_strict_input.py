"""No coercion and ASCII formats: one claimant has one pseudonym, and a number is a number."""

from __future__ import annotations

from typing import Any

import pytest

from .builders import JCP, Chain, Stack, problem, referral_body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"national_insurance_number": "JK\u0660\u0660\u0660\u0660\u0664\u0662B"}, "body.national_insurance_number"),
        ({"national_insurance_number": "JK\uff10\uff10\uff10\uff10\uff14\uff12B"}, "body.national_insurance_number"),
        ({"payment_group": "6"}, "body.payment_group"),
        ({"payment_group": 6.0}, "body.payment_group"),
        ({"mandatory": "yes"}, "body.mandatory"),
        ({"mandatory": 1}, "body.mandatory"),
        ({"referral_date": 1767225600}, "body.referral_date"),
        ({"postcode_district": "LS\uff11"}, "body.postcode_district"),
        ({"contract_id": "c\u200b1"}, "body.contract_id"),
    ],
)
async def test_coerced_or_non_ascii_input_is_a_422_naming_the_field(
    stack: Stack, chain: Chain, change: dict[str, Any], field: str
) -> None:
    async with stack.referral.writes_nothing():
        response = await stack.client.post("/referrals", json=referral_body(chain.contract_id, 7, **change),
                                           headers=JCP)
    problem(response, 422, field=field)


@pytest.mark.parametrize(
    ("query", "status"),
    [({"payment_group": "6"}, 200), ({"payment_group": "6.0"}, 422), ({"referred_from": "20260101"}, 422),
     ({"referred_from": "1767225600"}, 422), ({"referred_from": "2026-01-01"}, 200)],
)
async def test_query_filters_take_digits_and_iso_dates_only(
    stack: Stack, chain: Chain, query: dict[str, str], status: int
) -> None:
    response = await stack.client.get("/referrals", params=query, headers=JCP)
    assert response.status_code == status, response.text
