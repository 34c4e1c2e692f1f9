"""Bad input and bad tokens on every write: a problem document naming what is wrong, and nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from scx_testing.api import bad_tokens

from .builders import (
    JCP,
    PRIME,
    Chain,
    Stack,
    allocate,
    problem,
    refer,
    referral_body,
    started,
    today,
)

WRITES = ["refer", "start", "reject", "allocate", "reallocate", "withdraw"]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


async def make_calls(stack: Stack, chain: Chain, n: int) -> dict[str, Call]:
    """One valid request for each write, on referrals of their own (NI numbers from n * 10)."""
    referred = (await refer(stack, chain, n * 10))["referral_id"]
    unallocated = (await started(stack, chain, n * 10 + 1))["referral_id"]
    allocated = await started(stack, chain, n * 10 + 2)
    assert (await allocate(stack, allocated, delivery="in_house")).status_code == 200
    allocated_id = allocated["referral_id"]
    return {
        "refer": Call("POST", "/referrals", referral_body(chain.contract_id, n * 10 + 3), JCP),
        "start": Call("POST", f"/referrals/{referred}/start", {"started_on": today().isoformat()}, PRIME),
        "reject": Call("POST", f"/referrals/{referred}/rejection", {"reason": "wrong_programme"}, PRIME),
        "allocate": Call("POST", f"/referrals/{unallocated}/allocation",
                         {"delivery": "partner", "partner_id": "partner-whole"}, PRIME),
        "reallocate": Call("POST", f"/referrals/{allocated_id}/reallocation",
                           {"delivery": "partner", "partner_id": "partner-mind", "reason": "client_needs_changed"},
                           PRIME),
        "withdraw": Call("POST", f"/referrals/{referred}/withdrawal", {"reason": "left_benefit"}, JCP),
    }


async def send(stack: Stack, call: Call, **overrides: Any) -> Any:
    kwargs: dict[str, Any] = {"json": call.body, "headers": call.headers, **overrides}
    return await stack.client.request(call.method, call.path, **kwargs)


async def test_an_unknown_field_is_named_and_nothing_is_written(
    stack: Stack, chain: Chain, subtests: pytest.Subtests
) -> None:
    for n, write in enumerate(WRITES, start=1):
        with subtests.test(write):
            call = (await make_calls(stack, chain, n))[write]

            async with stack.referral.writes_nothing():
                unknown = await send(stack, call, json={**call.body, "claimant_name": "Jo Bloggs"})
                misspelt = await send(stack, call, json={**call.body, "reasons": "other"})

            assert "Jo Bloggs" not in unknown.text
            problem(unknown, 422, field="body.claimant_name")
            problem(misspelt, 422, field="body.reasons")
            valid = await send(stack, call)
            assert valid.status_code in (200, 201), valid.text


MALFORMED = [b'{"contract_id": "c-1", ', b"[1, 2", b"not json at all", b"[]", b"null", b'"text"', b"{}"]


async def test_malformed_json_is_a_422_problem_and_nothing_is_written(
    stack: Stack, chain: Chain, subtests: pytest.Subtests
) -> None:
    calls = await make_calls(stack, chain, 1)
    for write in WRITES:
        with subtests.test(write):
            call = calls[write]
            async with stack.referral.writes_nothing():
                responses = [
                    await stack.client.request(
                        call.method, call.path, content=content,
                        headers={**call.headers, "Content-Type": "application/json"},
                    )
                    for content in MALFORMED
                ]
            for response in responses:
                assert problem(response, 422)["errors"][0]["field"].startswith("body")


BAD_TOKENS = bad_tokens("jcp-leeds", "jcp", "referrer")


async def test_a_missing_or_bad_token_is_401_on_every_request_and_nothing_is_written(
    stack: Stack, chain: Chain, subtests: pytest.Subtests
) -> None:
    calls = await make_calls(stack, chain, 1)
    referral_id = calls["start"].path.split("/")[2]
    for name, token in BAD_TOKENS.items():
        with subtests.test(name):
            headers = {} if token is None else {"Authorization": token}
            async with stack.referral.writes_nothing():
                writes = [await send(stack, calls[write], headers=headers) for write in WRITES]
            reads = [await stack.client.get(path, headers=headers) for path in
                     ("/referrals", f"/referrals/{referral_id}", f"/referrals/{referral_id}/allocations")]
            for response in writes + reads:
                assert problem(response, 401)["type"].endswith("/unauthorised")
                assert response.headers["www-authenticate"].startswith("Bearer")
    assert (await send(stack, calls["refer"])).status_code == 201


async def test_a_referral_in_a_state_that_does_not_allow_the_write_is_a_conflict_not_a_half_write(
    stack: Stack, chain: Chain
) -> None:
    calls = await make_calls(stack, chain, 1)
    assert (await send(stack, calls["start"])).status_code == 200
    referral_id = calls["start"].path.split("/")[2]

    async with stack.referral.writes_nothing():
        responses = [
            await send(stack, calls["start"]),
            await send(stack, calls["reject"]),
            await stack.client.post(f"/referrals/{referral_id}/reallocation",
                                    json={"delivery": "in_house", "reason": "other"}, headers=PRIME),
        ]
    for response in responses:
        problem(response, 409)
