"""Who sees which returns: a partner its own, a prime its partners', DWP's contract managers and auditors all;
Jobcentre Plus and DWP's other roles none (403); another organisation's return answers exactly as a missing one; no
token, or a bad one, is a 401 on every route. Filters narrow what a caller sees and never widen it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from scx_testing.api import bad_tokens

from .builders import (
    AUDITOR,
    DWP,
    JCP,
    OTHER_PRIME,
    PRIME,
    Service,
    agree,
    award,
    bearer,
    collect,
    problem,
    slug,
    specialist,
)
from .returns_builders import (
    COUNCIL,
    SKILLS,
    STRANGER,
    WHOLE,
    Chain,
    body,
    chain,
    csv_file,
    posted,
    row,
    set_deadline,
    upload,
    weeks_ago,
)


@dataclass(frozen=True)
class Returns:
    supply: Chain
    south_contract: dict[str, Any]
    ids: dict[str, str]  # whole, skills (north), council, skills-south


@pytest.fixture
async def returns(service: Service) -> Returns:
    """prime-north's whole, skills and council have each posted last week; skills has posted for prime-south too."""
    supply = await chain(service)
    south = await award(service.client, "prime-south")
    skills_south = await agree(service.client, south, specialist(south), headers=OTHER_PRIME)
    ids = {
        "whole": (await posted(service.client, supply.whole, weeks_ago(1)))["return_id"],
        "skills": (await posted(service.client, supply.skills, weeks_ago(1), SKILLS))["return_id"],
        "council": (await posted(service.client, supply.council, weeks_ago(1), COUNCIL))["return_id"],
        "skills-south": (await posted(service.client, skills_south, weeks_ago(2), SKILLS))["return_id"],
    }
    return Returns(supply, south, ids)


SEES = {
    "whole": (WHOLE, {"whole"}),
    "skills": (SKILLS, {"skills", "skills-south"}),
    "council": (COUNCIL, {"council"}),
    "stranger": (STRANGER, set()),
    "prime-north": (PRIME, {"whole", "skills", "council"}),
    "prime-south": (OTHER_PRIME, {"skills-south"}),
    "dwp": (DWP, {"whole", "skills", "council", "skills-south"}),
    "auditor": (AUDITOR, {"whole", "skills", "council", "skills-south"}),
}


@pytest.mark.parametrize("who", SEES)
async def test_each_caller_lists_and_reads_exactly_the_returns_it_may_see(
    service: Service, returns: Returns, who: str
) -> None:
    headers, visible = SEES[who]
    names = {return_id: name for name, return_id in returns.ids.items()}

    listed = await collect(service.client, "/weekly-returns", headers)
    reads = {name: await service.client.get(f"/weekly-returns/{rid}", headers=headers)
             for name, rid in returns.ids.items()}
    missing = await service.client.get("/weekly-returns/01936b2e-0000-7000-8000-000000000000", headers=headers)

    assert {names[item["return_id"]] for item in listed} == visible
    assert {name for name, r in reads.items() if r.status_code == 200} == visible
    expected_404 = problem(missing, 404)
    for name in set(returns.ids) - visible:
        body = problem(reads[name], 404)
        assert body["title"] == expected_404["title"] == "Weekly return not found"
        assert body["detail"] == expected_404["detail"].replace(
            "01936b2e-0000-7000-8000-000000000000", returns.ids[name]
        )


async def test_jobcentre_plus_is_refused_every_returns_route(service: Service, returns: Returns) -> None:
    contract = returns.supply.contract
    async with service.writes_nothing():
        answers = [
            await service.client.get("/weekly-returns", headers=JCP),
            await service.client.get(f"/weekly-returns/{returns.ids['whole']}", headers=JCP),
            await service.client.get("/weekly-returns/no-such-return", headers=JCP),
            await service.client.get(f"/contracts/{contract['contract_id']}/weekly-return-deadline", headers=JCP),
            await service.client.post("/weekly-returns", json=body(returns.supply.whole, weeks_ago(3)), headers=JCP),
            await upload(service.client, csv_file([row(returns.supply.whole, weeks_ago(3))]), JCP),
            await set_deadline(service.client, contract, 2, "17:00", JCP),
        ]
    assert [slug(problem(a, 403)) for a in answers] == ["forbidden"] * 7


@pytest.mark.parametrize("roles", [("operator",), ("validator", "payments_officer"), ()],
                         ids=["operator", "officers", "no-role"])
async def test_dwp_s_other_roles_see_no_return_reconciliation_or_deadline(
    service: Service, returns: Returns, roles: tuple[str, ...]
) -> None:
    contract_id, return_id = returns.supply.contract["contract_id"], returns.ids["whole"]
    paths = [
        "/weekly-returns", f"/weekly-returns/{return_id}", "/weekly-returns/01936b2e-0000-7000-8000-000000000000",
        f"/weekly-returns/{return_id}/reconciliation", "/reconciliation",
        f"/contracts/{contract_id}/weekly-return-deadline",
    ]

    refused = [await service.client.get(path, headers=bearer("dwp", "dwp", *roles)) for path in paths]
    readers = {
        name: [(await service.client.get(path, headers=headers)).status_code for path in paths]
        for name, headers in (("contract_manager", DWP), ("auditor", AUDITOR))
    }

    assert [slug(problem(answer, 403)) for answer in refused] == ["forbidden"] * 6
    assert all(set(answer.json()) == {"type", "title", "status", "detail", "instance"} for answer in refused)
    assert readers == {name: [200, 200, 404, 200, 200, 200] for name in ("contract_manager", "auditor")}


BAD = bad_tokens("partner-whole", "partner", "manager")


@pytest.mark.parametrize("token", BAD.values(), ids=BAD.keys())
async def test_a_missing_or_bad_token_is_401_on_every_route_and_nothing_is_written(
    service: Service, returns: Returns, token: str | None
) -> None:
    headers = {} if token is None else {"Authorization": token}
    contract, whole = returns.supply.contract, returns.supply.whole
    async with service.writes_nothing():
        answers = [
            await service.client.get("/weekly-returns", headers=headers),
            await service.client.get(f"/weekly-returns/{returns.ids['whole']}", headers=headers),
            await service.client.get(f"/contracts/{contract['contract_id']}/weekly-return-deadline", headers=headers),
            await service.client.post("/weekly-returns", json=body(whole, weeks_ago(3)), headers=headers),
            await upload(service.client, csv_file([row(whole, weeks_ago(3))]), headers),
            await set_deadline(service.client, contract, 2, "17:00", headers),
        ]
    for answer in answers:
        assert slug(problem(answer, 401)) == "unauthorised"


@pytest.mark.parametrize(("who", "status"), [
    ("prime-north", 200), ("whole", 200), ("dwp", 200), ("auditor", 200), ("prime-south", 404), ("stranger", 404),
])
async def test_the_deadline_is_seen_by_whoever_sees_the_contract(
    service: Service, returns: Returns, who: str, status: int
) -> None:
    await set_deadline(service.client, returns.supply.contract, 2, "17:00")

    response = await service.client.get(
        f"/contracts/{returns.supply.contract['contract_id']}/weekly-return-deadline", headers=SEES[who][0]
    )

    assert response.status_code == status, response.text
    if status == 200:
        assert response.json()["current"]["revision"] == 1


async def test_filters_narrow_what_a_caller_sees_and_never_widen_it(service: Service, returns: Returns) -> None:
    ids, supply = returns.ids, returns.supply

    async def listed(headers: dict[str, str], **params: Any) -> set[str]:
        names = {rid: name for name, rid in ids.items()}
        return {names[item["return_id"]] for item in await collect(service.client, "/weekly-returns", headers,
                                                                   **params)}

    assert await listed(PRIME, partner_id="partner-skills") == {"skills"}
    assert await listed(WHOLE, partner_id="partner-skills") == set()
    assert await listed(SKILLS, contract_id=returns.south_contract["contract_id"]) == {"skills-south"}
    assert await listed(OTHER_PRIME, contract_id=supply.contract["contract_id"]) == set()
    assert await listed(DWP, subcontract_id=supply.council["subcontract_id"]) == {"council"}
    assert await listed(DWP, week_from=weeks_ago(1)) == {"whole", "skills", "council"}
    assert await listed(DWP, week_to=weeks_ago(2)) == {"skills-south"}
    assert await listed(DWP, week_from=weeks_ago(2), week_to=weeks_ago(2)) == {"skills-south"}
    assert await listed(DWP, week_from=weeks_ago(0)) == set()


async def test_a_listing_pages_in_the_order_returns_were_first_posted(service: Service, returns: Returns) -> None:
    first = await service.client.get("/weekly-returns", params={"limit": 3}, headers=DWP)
    rest = await service.client.get(
        "/weekly-returns", params={"limit": 3, "cursor": first.json()["next_cursor"]}, headers=DWP
    )

    ids = [i["return_id"] for i in first.json()["items"] + rest.json()["items"]]
    assert ids == [returns.ids[n] for n in ("whole", "skills", "council", "skills-south")]
    assert rest.json()["next_cursor"] is None


@pytest.mark.parametrize(("params", "field"), [
    ({"week_from": "2025-W53"}, "query.week_from"),
    ({"week_to": "2021-W53"}, "query.week_to"),
    ({"week_from": "2026-W10", "week_to": "2026-W09"}, "query.week_to"),
    ({"week_from": "2026-W1"}, "query.week_from"),
    ({"partner_id": "Partner Whole"}, "query.partner_id"),
    ({"contract": "x"}, "query.contract"),
])
async def test_bad_filters_are_named(service: Service, returns: Returns, params: dict[str, str], field: str) -> None:
    problem(await service.client.get("/weekly-returns", params=params, headers=DWP), 422, field=field)
