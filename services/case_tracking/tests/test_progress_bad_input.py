"""Bad input and bad tokens on every write of the progress area: a problem document naming what is wrong, and
nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from scx_testing.api import bad_tokens

from .builders import PRIME, Stack, problem, today

WRITES: dict[str, dict[str, Any]] = {
    "classifications": {"traffic_light": "red", "score": 10, "reason": "health_barrier"},
    "action-plans": {"goals": ["improve_health"]},
    "activities": {"activity": "diagnostic", "minutes": 60},
    "exit": {"kind": "early_exit", "reason": "declined"},
}
DATES = {"classifications": "classified_on", "action-plans": "agreed_on", "activities": "delivered_on",
         "exit": "exited_on"}


def body(path: str) -> dict[str, Any]:
    return {**WRITES[path], DATES[path]: today().isoformat()}


async def test_an_unknown_field_is_named_and_nothing_is_written(stack: Stack, subtests: pytest.Subtests) -> None:
    referral = await stack.open_case()
    for path in WRITES:
        with subtests.test(path):
            url = f"/cases/{referral.referral_id}/{path}"
            async with stack.service.writes_nothing():
                unknown = await stack.client.post(url, json={**body(path), "claimant_name": "Jo Bloggs"},
                                                  headers=PRIME)
                misspelt = await stack.client.post(url, json={**body(path), "notes": "x"}, headers=PRIME)
            assert "Jo Bloggs" not in unknown.text
            problem(unknown, 422, field="body.claimant_name")
            problem(misspelt, 422, field="body.notes")
    for path in WRITES:  # each valid as it stands
        response = await stack.client.post(f"/cases/{referral.referral_id}/{path}", json=body(path), headers=PRIME)
        assert response.status_code == 201, response.text


MALFORMED = [b'{"kind": ', b"[1, 2", b"not json", b"[]", b"null", b'"text"', b"{}", b'{"minutes": NaN}',
             b'{"kind": "completion", "kind": "early_exit"}']


async def test_malformed_json_is_a_422_problem_and_nothing_is_written(stack: Stack) -> None:
    referral = await stack.open_case()
    async with stack.service.writes_nothing():
        for path in WRITES:
            for content in MALFORMED:
                response = await stack.client.post(
                    f"/cases/{referral.referral_id}/{path}", content=content,
                    headers={**PRIME, "Content-Type": "application/json"},
                )
                assert problem(response, 422)["errors"][0]["field"].startswith("body"), (path, content)


async def test_a_missing_or_bad_token_is_401_and_nothing_is_written(stack: Stack, subtests: pytest.Subtests) -> None:
    referral = await stack.open_case()
    for name, token in bad_tokens("prime-north", "prime", "manager").items():
        with subtests.test(name):
            headers = {} if token is None else {"Authorization": token}
            async with stack.service.writes_nothing():
                answers = [
                    await stack.client.post(f"/cases/{referral.referral_id}/{path}", json=body(path), headers=headers)
                    for path in WRITES
                ] + [
                    await stack.client.get(f"/cases/{referral.referral_id}/{path}", headers=headers)
                    for path in WRITES
                ]
            for response in answers:
                assert problem(response, 401)["type"].endswith("/unauthorised")


async def test_unknown_query_parameters_and_bad_cursors_are_refused(stack: Stack) -> None:
    referral = await stack.open_case()
    for path in ("classifications", "action-plans", "activities"):
        url = f"/cases/{referral.referral_id}/{path}"
        problem(await stack.client.get(url, params={"traffic_light": "red"}, headers=PRIME), 422,
                field="query.traffic_light")
        problem(await stack.client.get(url, params={"cursor": "!!"}, headers=PRIME), 400, field="query.cursor")
        problem(await stack.client.get(url, params={"limit": "0"}, headers=PRIME), 422, field="query.limit")
