"""Bad input and bad tokens on every write: a problem document naming what is wrong, and nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from scx_testing.api import bad_tokens

from .builders import (
    DWP,
    PRIME,
    Service,
    agree,
    award,
    contract_dates,
    end_to_end,
    problem,
    profile,
    register_all,
    sla,
    slug,
)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


WRITES = ["register", "award", "set_profile", "agree", "vary", "end"]


@pytest.fixture
async def calls(service: Service) -> dict[str, Call]:
    """One valid request for each write the service offers, against a registry with a contract and subcontract."""
    await register_all(service.client)
    contract = await award(service.client)
    subcontract = await agree(service.client, contract, end_to_end(contract))
    sid = subcontract["subcontract_id"]
    terms = {key: subcontract[key] for key in ("client_group", "share_of_targets_percent", "services",
                                               "monthly_capacity", "start_date", "end_date")}
    return {
        "register": Call("POST", "/organisations", {"organisation_id": "partner-new", "name": "New", "kind": "partner"},
                         DWP),
        "award": Call("POST", "/contracts", {"prime_id": "prime-south", "contract_package_area": "Tees Valley",
                                             "start_date": contract["start_date"], "end_date": contract["end_date"],
                                             "value_pence": 100, "payment_model": "pathways-30-50-20"}, DWP),
        "set_profile": Call("PUT", f"/contracts/{contract['contract_id']}/profile",
                            {"months": profile(contract_dates()[0])}, DWP),
        "agree": Call("POST", f"/contracts/{contract['contract_id']}/subcontracts", sla(contract), PRIME),
        "vary": Call("POST", f"/subcontracts/{sid}/variations", {**terms, "reason": "capacity raised"}, PRIME),
        "end": Call("POST", f"/subcontracts/{sid}/termination",
                    {"ended_on": contract["start_date"], "reason": "expired"}, PRIME),
    }


async def send(service: Service, call: Call, **overrides: Any) -> Any:
    kwargs: dict[str, Any] = {"json": call.body, "headers": call.headers, **overrides}
    return await service.client.request(call.method, call.path, **kwargs)


@pytest.mark.parametrize("write", WRITES)
async def test_an_unknown_field_is_named_and_nothing_is_written(
    service: Service, calls: dict[str, Call], write: str
) -> None:
    call = calls[write]

    async with service.writes_nothing():
        response = await send(service, call, json={**call.body, "colour": "blue"})

    body = problem(response, 422, field="body.colour")
    assert "body.colour" in body["detail"]
    assert (await send(service, call)).status_code in (200, 201)


async def test_a_misspelt_nested_field_is_named(service: Service, calls: dict[str, Call]) -> None:
    call = calls["agree"]
    misspelt = {**call.body, "client_group": {"postcode_district": ["LS9"]}}

    async with service.writes_nothing():
        response = await send(service, call, json=misspelt)

    problem(response, 422, field="body.client_group.postcode_district")


MALFORMED = [b'{"organisation_id": "partner-new", ', b"[1, 2", b"not json at all", b"[]", b"null", b'"text"']


@pytest.mark.parametrize("write", WRITES)
async def test_malformed_json_is_a_422_problem_and_nothing_is_written(
    service: Service, calls: dict[str, Call], write: str
) -> None:
    call = calls[write]

    async with service.writes_nothing():
        responses = [
            await service.client.request(
                call.method, call.path, content=content, headers={**call.headers, "Content-Type": "application/json"}
            )
            for content in MALFORMED
        ]

    for response in responses:
        assert problem(response, 422)["errors"][0]["field"].startswith("body")


BAD_TOKENS = bad_tokens("dwp", "dwp", "contract_manager")


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
async def test_a_missing_or_bad_token_is_401_on_every_request_and_nothing_is_written(
    service: Service, calls: dict[str, Call], token: str | None
) -> None:
    headers = {} if token is None else {"Authorization": token}

    async with service.writes_nothing():
        writes = [await send(service, calls[write], headers=headers) for write in WRITES]
    reads = [await service.client.get(path, headers=headers)
             for path in ("/organisations", "/organisations/dwp", "/contracts", "/subcontracts")]

    for response in writes + reads:
        body = problem(response, 401)
        assert body["type"].endswith("/unauthorised")
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert (await send(service, calls["register"])).status_code == 201


async def test_health_and_readiness_need_no_token(service: Service) -> None:
    assert (await service.client.get("/health")).json() == {"status": "ok"}
    ready = await service.client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "nats": "ok", "outbox_relay": "ok", "consumer": "ok"}


@pytest.mark.parametrize("path", ["/organisations", "/contracts"])
@pytest.mark.parametrize("cursor", ["AA", "YQA", "x" * 200, "!!", "4pyT"])
async def test_a_cursor_we_did_not_issue_is_a_400_whatever_it_decodes_to(
    service: Service, path: str, cursor: str
) -> None:
    # "AA" decodes to a NUL and "YQA" to "a" + NUL, which PostgreSQL refuses in text: a 400, never a 500.
    response = await service.client.get(path, params={"cursor": cursor}, headers=DWP)
    assert slug(problem(response, 400, field="query.cursor")) == "invalid-cursor"
