"""Organisations: registered by DWP contract managers only, read by anyone authenticated, paged by id."""

from __future__ import annotations

import pytest

from .builders import (
    AUDITOR,
    DWP,
    JCP,
    ORGANISATIONS,
    PARTNER,
    PRIME,
    Service,
    assert_valid_events,
    collect,
    problem,
    register_all,
)

NEW = {"organisation_id": "partner-new-start", "name": "New Start Trust", "kind": "partner"}


async def test_a_contract_manager_registers_an_organisation_that_anyone_can_read(service: Service) -> None:
    response = await service.client.post("/organisations", json=NEW, headers=DWP)

    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/organisations/partner-new-start"
    assert response.json() | {"registered_at": None} == {**NEW, "registered_at": None}
    for reader in (DWP, AUDITOR, JCP, PRIME, PARTNER):
        got = await service.client.get("/organisations/partner-new-start", headers=reader)
        assert got.status_code == 200
        assert got.json() == response.json()
    [event] = await service.events("organisation.registered")
    assert event["data"] == NEW
    assert event["producer"] == "subcontracts"
    assert event["actor"]["organisation_id"] == "dwp"
    assert event["actor"]["role"] == "contract_manager"
    assert event["journey_id"] is None and event["claimant_ref"] is None
    assert_valid_events(await service.events())


@pytest.mark.parametrize(
    "headers", [AUDITOR, JCP, PRIME, PARTNER], ids=["dwp-auditor", "jcp", "prime", "partner"]
)
async def test_only_a_dwp_contract_manager_may_register(service: Service, headers: dict[str, str]) -> None:
    async with service.writes_nothing():
        response = await service.client.post("/organisations", json=NEW, headers=headers)
    problem(response, 403)


async def test_registering_an_organisation_twice_is_a_conflict(service: Service) -> None:
    await service.client.post("/organisations", json=NEW, headers=DWP)

    async with service.writes_nothing():
        response = await service.client.post("/organisations", json={**NEW, "name": "Another name"}, headers=DWP)

    assert problem(response, 409)["type"].endswith("/organisation-exists")
    assert (await service.client.get("/organisations/partner-new-start", headers=DWP)).json()["name"] == NEW["name"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW, "organisation_id": "Partner_Upper"}, "body.organisation_id"),
        ({**NEW, "organisation_id": "p"}, "body.organisation_id"),
        ({**NEW, "kind": "charity"}, "body.kind"),
        ({**NEW, "name": "   "}, "body.name"),
        ({"organisation_id": "partner-x", "kind": "partner"}, "body.name"),
    ],
)
async def test_an_invalid_organisation_names_the_field(service: Service, body: dict, field: str) -> None:
    async with service.writes_nothing():
        response = await service.client.post("/organisations", json=body, headers=DWP)
    problem(response, 422, field=field)


async def test_an_unknown_organisation_is_not_found(service: Service) -> None:
    problem(await service.client.get("/organisations/partner-nobody", headers=DWP), 404)


async def test_organisations_are_listed_by_kind_and_paged_with_a_cursor(service: Service) -> None:
    await register_all(service.client)
    everyone = sorted(organisation_id for organisation_id, _, _ in ORGANISATIONS)

    first = await service.client.get("/organisations", params={"limit": 3}, headers=PARTNER)
    assert first.status_code == 200
    assert [o["organisation_id"] for o in first.json()["items"]] == everyone[:3]
    assert first.json()["next_cursor"]
    second = await service.client.get(
        "/organisations", params={"limit": 3, "cursor": first.json()["next_cursor"]}, headers=PARTNER
    )
    assert [o["organisation_id"] for o in second.json()["items"]] == everyone[3:6]

    assert [o["organisation_id"] for o in await collect(service.client, "/organisations", JCP, limit=3)] == everyone
    assert [o["organisation_id"] for o in await collect(service.client, "/organisations", JCP, limit=8)] == everyone
    partners = await collect(service.client, "/organisations", PRIME, kind="partner", limit=2)
    assert [o["organisation_id"] for o in partners] == [o for o in everyone if o.startswith("partner-")]
    last = await service.client.get("/organisations", params={"limit": 500}, headers=PRIME)
    assert last.json()["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["a", "/w", "%%%", "bm90IGlzc3VlZA=="])
async def test_a_cursor_this_service_never_issued_is_a_bad_request(service: Service, cursor: str) -> None:
    response = await service.client.get("/organisations", params={"cursor": cursor}, headers=DWP)
    problem(response, 400, field="query.cursor")


@pytest.mark.parametrize("limit", [0, 501, "ten"])
async def test_a_limit_out_of_range_names_the_field(service: Service, limit: object) -> None:
    response = await service.client.get("/organisations", params={"limit": limit}, headers=DWP)
    problem(response, 422, field="query.limit")
