"""Contracts: DWP awards them with monthly profiles; revisions keep the original; each party sees its own."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from .builders import (
    AUDITOR,
    DWP,
    JCP,
    OTHER_PARTNER,
    OTHER_PRIME,
    PARTNER,
    PRIME,
    Service,
    agree,
    assert_valid_events,
    award,
    collect,
    contract_body,
    contract_dates,
    end_to_end,
    problem,
    profile,
    register_all,
)


@pytest.fixture
async def registry(service: Service) -> Service:
    await register_all(service.client)
    return service


async def test_awarding_a_contract_with_its_profile_records_both_events(registry: Service) -> None:
    start, _ = contract_dates()
    months = profile(start, months=3)

    response = await registry.client.post("/contracts", json=contract_body(profile=months), headers=DWP)

    assert response.status_code == 201, response.text
    contract = response.json()
    assert response.headers["location"] == f"/contracts/{contract['contract_id']}"
    assert contract["prime_id"] == "prime-north" and contract["profile_revision"] == 1
    assert contract["awarded_at"].endswith(("Z", "+00:00"))
    [awarded] = await registry.events("contract.awarded")
    assert awarded["data"] == {
        key: contract[key]
        for key in ("contract_id", "prime_id", "contract_package_area", "start_date", "end_date", "value_pence",
                    "payment_model")
    }
    [profile_set] = await registry.events("contract.profile_set")
    assert profile_set["data"] == {
        "contract_id": contract["contract_id"], "prime_id": "prime-north", "revision": 1, "months": months,
    }
    got = await registry.client.get(f"/contracts/{contract['contract_id']}/profile", headers=PRIME)
    assert got.json() == {"contract_id": contract["contract_id"], "revision": 1, "revisions": [1], "months": months}
    assert_valid_events(await registry.events())


async def test_a_profile_revision_keeps_the_earlier_ones_readable(registry: Service) -> None:
    contract = await award(registry.client)
    path = f"/contracts/{contract['contract_id']}/profile"
    start, _ = contract_dates()
    original, revised = profile(start, months=2, job_outcomes=10), profile(start, months=3, job_outcomes=6)
    problem(await registry.client.get(path, headers=DWP), 404)  # no profile yet

    first = await registry.client.put(path, json={"months": original}, headers=DWP)
    second = await registry.client.put(path, json={"months": list(reversed(revised))}, headers=DWP)

    assert first.status_code == 200 and first.json()["revision"] == 1
    assert second.status_code == 200, second.text
    assert second.json() == {"contract_id": contract["contract_id"], "revision": 2, "revisions": [1, 2],
                             "months": revised}
    latest = await registry.client.get(path, headers=PRIME)
    assert latest.json()["revision"] == 2 and latest.json()["months"] == revised
    earlier = await registry.client.get(path, params={"revision": 1}, headers=AUDITOR)
    assert earlier.json() == {"contract_id": contract["contract_id"], "revision": 1, "revisions": [1, 2],
                              "months": original}
    problem(await registry.client.get(path, params={"revision": 3}, headers=DWP), 404)
    problem(await registry.client.get(path, params={"revision": 0}, headers=DWP), 422, field="query.revision")
    assert (await registry.client.get(f"/contracts/{contract['contract_id']}", headers=DWP)).json()[
        "profile_revision"
    ] == 2
    assert [e["data"]["revision"] for e in await registry.events("contract.profile_set")] == [1, 2]
    assert_valid_events(await registry.events())


def _outside_month(body: dict[str, Any]) -> dict[str, Any]:
    start = date.fromisoformat(body["start_date"])
    return {**body, "profile": profile(date(start.year - 1, 1, 1), months=1)}


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        (lambda b: {**b, "prime_id": "prime-unknown"}, 422, "body.prime_id"),
        (lambda b: {**b, "prime_id": "partner-whole"}, 422, "body.prime_id"),
        (lambda b: {**b, "value_pence": -1}, 422, "body.value_pence"),
        (lambda b: {**b, "end_date": b["start_date"]}, 422, "body.end_date"),
        (lambda b: {**b, "start_date": "2025-02-30"}, 422, "body.start_date"),
        (_outside_month, 422, "body.profile"),  # the field the award sends its months in
        (lambda b: {**b, "profile": [{"month": "2025-13", "job_outcomes": 1, "sustained_job_outcomes": 1,
                                      "work_focused_interviews": 1}]}, 422, "body.profile.0.month"),
    ],
    ids=["unknown-prime", "not-a-prime", "negative-value", "ends-before-start", "no-such-date", "month-outside",
         "bad-month"],
)
async def test_an_award_that_does_not_fit_names_the_field_and_writes_nothing(
    registry: Service, change: Any, status: int, field: str
) -> None:
    async with registry.writes_nothing():
        response = await registry.client.post("/contracts", json=change(contract_body()), headers=DWP)
    problem(response, status, field=field)


@pytest.mark.parametrize("headers", [AUDITOR, JCP, PRIME, PARTNER], ids=["dwp-auditor", "jcp", "prime", "partner"])
async def test_only_a_contract_manager_awards_or_revises(registry: Service, headers: dict[str, str]) -> None:
    contract = await award(registry.client)
    start, _ = contract_dates()

    async with registry.writes_nothing():
        awarded = await registry.client.post("/contracts", json=contract_body(), headers=headers)
        revised = await registry.client.put(
            f"/contracts/{contract['contract_id']}/profile", json={"months": profile(start)}, headers=headers
        )

    problem(awarded, 403)
    problem(revised, 403)


async def test_a_profile_with_a_month_twice_names_the_field(registry: Service) -> None:
    contract = await award(registry.client)
    start, _ = contract_dates()
    months = profile(start, months=1) * 2

    async with registry.writes_nothing():
        response = await registry.client.put(
            f"/contracts/{contract['contract_id']}/profile", json={"months": months}, headers=DWP
        )

    problem(response, 422, field="body.months")


async def test_each_party_sees_the_contracts_it_is_party_to(registry: Service) -> None:
    north = await award(registry.client, "prime-north", contract_package_area="West Yorkshire")
    south = await award(registry.client, "prime-south", contract_package_area="Tyne and Wear")
    await agree(registry.client, north, end_to_end(north, "partner-whole"))
    both = sorted([north["contract_id"], south["contract_id"]])

    def ids(items: list[dict[str, Any]]) -> list[str]:
        return [c["contract_id"] for c in items]

    assert ids(await collect(registry.client, "/contracts", DWP)) == both
    assert ids(await collect(registry.client, "/contracts", JCP)) == both
    assert ids(await collect(registry.client, "/contracts", PRIME)) == [north["contract_id"]]
    assert ids(await collect(registry.client, "/contracts", PRIME, prime_id="prime-south")) == []
    assert ids(await collect(registry.client, "/contracts", PARTNER)) == [north["contract_id"]]
    assert ids(await collect(registry.client, "/contracts", OTHER_PARTNER)) == []
    assert ids(await collect(registry.client, "/contracts", AUDITOR, contract_package_area="Tyne and Wear")) == [
        south["contract_id"]
    ]
    assert ids(await collect(registry.client, "/contracts", DWP, limit=1)) == both

    for headers, contract, visible in [
        (PRIME, north, True), (PRIME, south, False), (OTHER_PRIME, north, False), (PARTNER, north, True),
        (PARTNER, south, False), (OTHER_PARTNER, north, False), (JCP, south, True), (AUDITOR, north, True),
    ]:
        response = await registry.client.get(f"/contracts/{contract['contract_id']}", headers=headers)
        if visible:
            assert response.status_code == 200 and response.json() == contract
        else:
            problem(response, 404)
    problem(await registry.client.get(f"/contracts/{south['contract_id']}/profile", headers=PRIME), 404)
