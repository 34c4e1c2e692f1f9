"""Who reads performance against profiles and who sets minimum performance levels, on every route (ADR 0023); and
bad input, each a problem naming its field, the levels' writing nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from scx_testing.api import bad_tokens

from .builders import (
    AUDITOR,
    DWP,
    JCP,
    OTHER_PRIME,
    PARTNER,
    PRIME,
    PRIME_ADVISER,
    Service,
    agree,
    award,
    bearer,
    contract_dates,
    end_to_end,
    problem,
    profile,
    register_all,
    slug,
)
from .performance_builders import month, today

OPERATOR = bearer("dwp", "dwp", "operator")
LEVELS = {"levels": [{"payment_group": 6, "level_basis_points": 1550}]}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    body: dict[str, Any] | None = None


def quarter(day: date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


@pytest.fixture
async def contract(service: Service) -> dict[str, Any]:
    """prime-north's contract from a year ago, with partner-whole end to end under it."""
    await register_all(service.client)
    awarded = await award(service.client, profile=profile(contract_dates()[0], months=3))
    await agree(service.client, awarded, end_to_end(awarded))
    return awarded


def routes(contract_id: str) -> dict[str, Route]:
    on = f"/contracts/{contract_id}"
    return {
        "performance": Route("GET", f"{on}/performance"),
        "conversion": Route("GET", f"{on}/conversion"),
        "minimum-performance": Route("GET", f"{on}/minimum-performance"),
        "levels": Route("GET", f"{on}/minimum-performance-levels"),
        "review": Route("GET", f"{on}/performance-reviews/{quarter(today())}"),
        "set-levels": Route("PUT", f"{on}/minimum-performance-levels", LEVELS),
        "area": Route("GET", "/contract-package-areas/West Yorkshire/performance"),
    }


READS = ("performance", "conversion", "minimum-performance", "levels", "review")
# Who gets what: the contract's reads, the area's, setting levels.
SEEN = {
    "dwp": (DWP, 200, 200, 200),
    "auditor": (AUDITOR, 200, 200, 403),
    "dwp-operator": (OPERATOR, 403, 403, 403),
    "prime": (PRIME, 200, 403, 403),
    "prime-adviser": (PRIME_ADVISER, 200, 403, 403),
    "other-prime": (OTHER_PRIME, 404, 403, 403),
    "partner": (PARTNER, 403, 403, 403),
    "jcp": (JCP, 403, 403, 403),
}


async def call(service: Service, route: Route, headers: dict[str, str] | None, **params: str) -> Any:
    return await service.client.request(route.method, route.path, json=route.body, headers=headers, params=params)


@pytest.mark.parametrize("who", list(SEEN))
async def test_each_party_sees_what_it_may_on_every_route(
    service: Service, contract: dict[str, Any], who: str
) -> None:
    headers, reads, area, setting = SEEN[who]
    every = routes(contract["contract_id"])

    for name in READS:
        response = await call(service, every[name], headers)
        assert response.status_code == reads, (name, response.text)
        if reads != 200:
            problem(response, reads)
    compared = await call(service, every["area"], headers)
    assert compared.status_code == area, compared.text
    if area != 200:
        problem(compared, area)
    if setting != 200:
        async with service.writes_nothing():
            problem(await call(service, every["set-levels"], headers), setting)
    else:
        assert (await call(service, every["set-levels"], headers)).status_code == 200


async def test_a_missing_contract_is_not_found_and_no_token_is_unauthorised(
    service: Service, contract: dict[str, Any]
) -> None:
    for name, route in routes("0190a000-0000-7000-8000-000000000000").items():
        if name != "area":
            problem(await call(service, route, DWP), 404)
    for name, route in routes(contract["contract_id"]).items():
        for reason, token in bad_tokens("dwp", "dwp", "contract_manager").items():
            response = await call(service, route, {"Authorization": token} if token else None)
            assert response.status_code == 401, (name, reason)


@pytest.mark.parametrize(
    ("params", "field", "kind"),
    [
        ({"from": "2026-13"}, "query.from", "invalid-request"),
        ({"to": "2026-1"}, "query.to", "invalid-request"),
        ({"from": "0999-12"}, "query.from", "invalid-request"),
        ({"form": "2026-01"}, "query.form", "invalid-request"),
        ({"from": "+1", "to": "+2"}, "query.from", "invalid-request"),
        ("reversed", "query.to", "invalid-month-range"),
        ("too-long", "query.to", "invalid-month-range"),
        ("before", "query.from", "month-outside-contract"),
        ("after", "query.to", "month-outside-contract"),
    ],
)
async def test_months_that_are_not_a_range_of_the_contract_name_the_field(
    service: Service, contract: dict[str, Any], params: Any, field: str, kind: str
) -> None:
    start = month(date.fromisoformat(contract["start_date"]))
    end = month(date.fromisoformat(contract["end_date"]))
    year = int(start[:4])
    if isinstance(params, str):
        params = {
            "reversed": {"from": f"{year}-06", "to": f"{year}-05"},
            "too-long": {"from": start, "to": f"{year + 10}-{start[5:]}"},  # 121 months
            "before": {"from": f"{year - 1}-{start[5:]}"},
            "after": {"to": f"{int(end[:4]) + 1}-{end[5:]}"},
        }[params]
    for name in ("performance", "conversion", "minimum-performance", "area"):
        response = await call(service, routes(contract["contract_id"])[name], DWP, **params)
        if name == "area" and kind == "month-outside-contract":
            assert response.status_code == 200  # an area's months are not one contract's
            continue
        assert slug(problem(response, 422, field=field)) == kind


async def test_a_report_covers_up_to_120_months(service: Service) -> None:
    await register_all(service.client)
    long = await award(service.client, start_date="2020-01-01", end_date="2034-12-31")
    path = f"/contracts/{long['contract_id']}/conversion"

    widest = await service.client.get(path, params={"from": "2020-01", "to": "2029-12"}, headers=DWP)
    too_wide = await service.client.get(path, params={"from": "2020-01", "to": "2030-01"}, headers=DWP)
    from_only = await service.client.get(path, params={"from": "2020-01"}, headers=DWP)
    to_only = await service.client.get(path, params={"to": "2034-12"}, headers=DWP)

    assert len(widest.json()["cohorts"]) == 120
    problem(too_wide, 422, field="query.to")
    assert (from_only.json()["from_month"], from_only.json()["to_month"]) == ("2020-01", month(today()))
    assert (to_only.json()["from_month"], to_only.json()["to_month"]) == ("2025-01", "2034-12")


@pytest.mark.parametrize("asked", ["2026-Q5", "2026-Q0", "2026Q1", "26-Q1", "0999-Q1", "2026-q1", "2026-Q1.csv"])
async def test_a_quarter_not_written_yyyy_qn_names_the_path(
    service: Service, contract: dict[str, Any], asked: str
) -> None:
    response = await service.client.get(
        f"/contracts/{contract['contract_id']}/performance-reviews/{asked}", headers=DWP
    )
    problem(response, 422, field="path.quarter")


async def test_an_area_written_with_a_space_at_its_end_names_the_path(
    service: Service, contract: dict[str, Any]
) -> None:
    problem(await service.client.get("/contract-package-areas/West Yorkshire /performance", headers=DWP), 422,
            field="path.area")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"levels": [{"payment_group": 0, "level_basis_points": 100}]}, "body.levels.0.payment_group"),
        ({"levels": [{"payment_group": 10, "level_basis_points": 100}]}, "body.levels.0.payment_group"),
        ({"levels": [{"payment_group": "6", "level_basis_points": 100}]}, "body.levels.0.payment_group"),
        ({"levels": [{"payment_group": 6, "level_basis_points": 10_001}]}, "body.levels.0.level_basis_points"),
        ({"levels": [{"payment_group": 6, "level_basis_points": -1}]}, "body.levels.0.level_basis_points"),
        ({"levels": [{"payment_group": 6, "level_basis_points": 36.5}]}, "body.levels.0.level_basis_points"),
        ({"levels": [{"payment_group": 6, "level_basis_points": 1}] * 2}, "body.levels"),
        ({"levels": []}, "body.levels"),
        ({"levels": [{"payment_group": g % 9 + 1, "level_basis_points": 1} for g in range(10)]}, "body.levels"),
        ({**LEVELS, "applies_from": "2026-00"}, "body.applies_from"),
        ({**LEVELS, "applies_from": "1999-01"}, "body.applies_from"),
        ({**LEVELS, "level_percent": "15.50"}, "body.level_percent"),
        ({"levels": [{"payment_group": 6}]}, "body.levels.0.level_basis_points"),
    ],
)
async def test_levels_that_do_not_fit_name_the_field_and_write_nothing(
    service: Service, contract: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    async with service.writes_nothing():
        response = await service.client.put(
            f"/contracts/{contract['contract_id']}/minimum-performance-levels", json=body, headers=DWP
        )
    problem(response, 422, field=field)
