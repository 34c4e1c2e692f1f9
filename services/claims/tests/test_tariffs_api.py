"""Tariffs over the API (SQLite and PostgreSQL): the shipped versions are there after migrating, DWP and the primes
read them, a DWP contract manager adds a version effective from a future date (its event recorded), and bad input,
the wrong role or another organisation's token writes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from .builders import (
    AUDITOR,
    CONTRACT_MANAGER,
    JCP,
    PRIME,
    VALIDATOR,
    WHOLE,
    Stack,
    assert_valid_events,
    problem,
    slug,
    today,
)

PATH = "/tariffs/work-programme-2011/versions"


async def shipped_body(stack: Stack) -> dict[str, Any]:
    response = await stack.client.get(f"{PATH}/1", headers=CONTRACT_MANAGER)
    assert response.status_code == 200, response.text
    return dict(response.json()["body"])


async def test_the_shipped_tariffs_are_listed_with_their_assumptions(stack: Stack) -> None:
    response = await stack.client.get("/tariffs", headers=CONTRACT_MANAGER)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [(t["model"], t["version"], t["source"]) for t in items] == [
        ("pathways-30-50-20", 1, "shipped"), ("work-programme-2011", 1, "shipped"),
    ]
    pathways, work_programme = items
    assert pathways["body"]["service_fee"] == {"share_of_value_basis_points": 3000}
    assert pathways["assumed_figures"] == []
    assert "groups.7.sustainment_cap_pence" in work_programme["assumed_figures"]
    assert len(work_programme["body_digest"]) == 64
    first = await stack.client.get("/tariffs?limit=1", headers=PRIME)
    rest = await stack.client.get(f"/tariffs?limit=1&cursor={first.json()['next_cursor']}", headers=PRIME)
    assert [t["model"] for t in rest.json()["items"]] == ["work-programme-2011"]


async def test_a_contract_manager_adds_a_version_effective_from_a_future_date(stack: Stack) -> None:
    body = await shipped_body(stack)
    body["groups"][0]["sustainment_pence"] = 22_100  # 10 payments of £221 make the same £2,210
    effective_from = (today() + timedelta(days=30)).isoformat()
    response = await stack.client.post(PATH, json={"effective_from": effective_from, "body": body},
                                       headers={**CONTRACT_MANAGER, "Idempotency-Key": "wp-v2"})
    assert response.status_code == 201, response.text
    added = response.json()
    assert (added["version"], added["effective_from"], added["source"]) == (2, effective_from, "dwp")
    assert response.headers["Location"] == f"{PATH}/2"
    again = await stack.client.post(PATH, json={"effective_from": effective_from, "body": body},
                                    headers={**CONTRACT_MANAGER, "Idempotency-Key": "wp-v2"})
    assert again.status_code == 201 and again.json() == added  # a retry adds nothing
    read = await stack.client.get(f"{PATH}/2", headers=VALIDATOR)
    assert read.json()["body"]["groups"][0]["sustainment_pence"] == 22_100
    events = await stack.service.events("tariff.version_added")
    assert_valid_events(events)
    assert [(e["data"]["model"], e["data"]["version"], e["data"]["body_digest"]) for e in events] == [
        ("work-programme-2011", 2, added["body_digest"]),
    ]
    assert events[0]["journey_id"] is None and events[0]["actor"]["organisation_id"] == "dwp"


@pytest.mark.parametrize(("change", "status", "problem_slug", "field"), [
    ({"effective_from": "today"}, 422, "effective-date-not-future", "body.effective_from"),
    ({"effective_from": "2011-06-01"}, 422, "effective-date-not-future", "body.effective_from"),
    ({"body.groups.0.sustainment_cap_pence": 221_001}, 422, "tariff-unusable",
     "body.body.groups.0.sustainment_cap_pence"),
    ({"body.groups.0.job_outcome_pence": -1}, 422, "invalid-request", "body.body.groups.0.job_outcome_pence"),
    ({"body.groups.0.job_outcome_pence": "1200"}, 422, "invalid-request", "body.body.groups.0.job_outcome_pence"),
    ({"body.groups.0.job_outcome_pence": 1200.0}, 422, "invalid-request", "body.body.groups.0.job_outcome_pence"),
    ({"body.bonus": 1}, 422, "invalid-request", "body.body.bonus"),
    ({"body.assumptions.0.figure": "groups.1.no_such_figure"}, 422, "tariff-unusable",
     "body.body.assumptions.0.figure"),
    ({"body.service_fee": {"share_of_value_basis_points": 10_001}}, 422, "invalid-request",
     "body.body.service_fee.share_of_value_basis_points"),
])
async def test_a_bad_version_is_refused_naming_the_field_and_nothing_is_written(
    stack: Stack, change: dict[str, Any], status: int, problem_slug: str, field: str
) -> None:
    request: dict[str, Any] = {"effective_from": (today() + timedelta(days=1)).isoformat(),
                               "body": await shipped_body(stack)}
    for path, value in change.items():
        *parents, last = path.split(".")
        target: Any = request
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[last] = today().isoformat() if value == "today" else value
    async with stack.service.writes_nothing():
        response = await stack.client.post(PATH, json=request, headers=CONTRACT_MANAGER)
    assert slug(problem(response, status, field=field)) == problem_slug


async def test_versions_take_effect_in_order(stack: Stack) -> None:
    body = await shipped_body(stack)
    later = (today() + timedelta(days=60)).isoformat()
    assert (await stack.client.post(PATH, json={"effective_from": later, "body": body},
                                    headers=CONTRACT_MANAGER)).status_code == 201
    async with stack.service.writes_nothing():
        earlier = await stack.client.post(PATH, json={"effective_from": (today() + timedelta(days=5)).isoformat(),
                                                      "body": body}, headers=CONTRACT_MANAGER)
    assert slug(problem(earlier, 422, field="body.effective_from")) == "effective-date-not-after-latest"


@pytest.mark.parametrize("who", ["auditor", "validator", "prime", "partner", "JCP"])
async def test_only_a_dwp_contract_manager_adds_a_version(stack: Stack, who: str) -> None:
    headers = {"auditor": AUDITOR, "validator": VALIDATOR, "prime": PRIME, "partner": WHOLE, "JCP": JCP}[who]
    request = {"effective_from": (today() + timedelta(days=1)).isoformat(), "body": await shipped_body(stack)}
    async with stack.service.writes_nothing():
        response = await stack.client.post(PATH, json=request, headers=headers)
    problem(response, 403)


async def test_partners_and_jcp_do_not_read_tariffs_and_an_unknown_one_is_not_found(stack: Stack) -> None:
    for headers in (WHOLE, JCP):
        problem(await stack.client.get("/tariffs", headers=headers), 403)
        problem(await stack.client.get(f"{PATH}/1", headers=headers), 403)
    problem(await stack.client.get(f"{PATH}/9", headers=CONTRACT_MANAGER), 404)
    problem(await stack.client.get("/tariffs/no-such-model/versions/1", headers=PRIME), 404)
    request = {"effective_from": (today() + timedelta(days=1)).isoformat(), "body": await shipped_body(stack)}
    async with stack.service.writes_nothing():
        problem(await stack.client.post("/tariffs/no-such-model/versions", json=request,
                                        headers=CONTRACT_MANAGER), 404)
    problem(await stack.client.get("/tariffs?cursor=bm90LWEtY3Vyc29y", headers=PRIME), 400)
