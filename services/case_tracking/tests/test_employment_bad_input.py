"""Bad input and bad tokens on every employment write: a problem document naming what is wrong, nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from scx_testing.api import bad_tokens

from .builders import PRIME, Stack, problem, today
from .employment_builders import job_body, jobs_path, monday_weeks_ago, open_case, start_job, week_body, week_path

WRITES = ["start job", "report week", "end job", "in-work support"]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict[str, Any]


async def make_calls(stack: Stack) -> dict[str, Call]:
    """One valid request for each write, on a case with a job of its own."""
    referral = await open_case(stack)
    job = await start_job(stack, referral)
    week = monday_weeks_ago(1)
    return {
        "start job": Call("POST", jobs_path(referral), job_body()),
        "report week": Call("PUT", week_path(referral, job, week), week_body(week)),
        "end job": Call("POST", f"{jobs_path(referral)}/{job['job_id']}/end",
                        {"ended_on": today().isoformat(), "reason": "health"}),
        "in-work support": Call("POST", f"/cases/{referral.referral_id}/in-work-support",
                                {"job_id": job["job_id"], "kind": "phone", "given_on": today().isoformat(),
                                 "minutes": 15}),
    }


async def send(stack: Stack, call: Call, **overrides: Any) -> Any:
    kwargs: dict[str, Any] = {"json": call.body, "headers": PRIME, **overrides}
    return await stack.client.request(call.method, call.path, **kwargs)


async def test_an_unknown_or_missing_field_is_named_and_nothing_is_written(
    stack: Stack, subtests: pytest.Subtests
) -> None:
    calls = await make_calls(stack)
    for write in WRITES:
        with subtests.test(write):
            call = calls[write]
            missing = next(iter(call.body))
            async with stack.service.writes_nothing():
                unknown = await send(stack, call, json={**call.body, "employer_name": "Jo Bloggs"})
                without = await send(stack, call, json={k: v for k, v in call.body.items() if k != missing})
            assert "Jo Bloggs" not in unknown.text
            problem(unknown, 422, field="body.employer_name")
            problem(without, 422, field=f"body.{missing}")
            valid = await send(stack, call)
            assert valid.status_code in (200, 201), valid.text


MALFORMED = [b'{"hours": 16, ', b"[1, 2", b"not json", b"[]", b"null", b'"text"', b"{}", b'{"hours": NaN}',
             b'{"minutes": 10, "minutes": 20}']


async def test_malformed_json_is_a_422_problem_and_nothing_is_written(
    stack: Stack, subtests: pytest.Subtests
) -> None:
    calls = await make_calls(stack)
    for write in WRITES:
        with subtests.test(write):
            call = calls[write]
            async with stack.service.writes_nothing():
                responses = [
                    await stack.client.request(
                        call.method, call.path, content=content, headers={**PRIME, "Content-Type": "application/json"}
                    )
                    for content in MALFORMED
                ]
            for response in responses:
                assert problem(response, 422)["errors"][0]["field"].startswith("body")


async def test_a_missing_or_bad_token_is_401_and_nothing_is_written(stack: Stack, subtests: pytest.Subtests) -> None:
    calls = await make_calls(stack)
    reads = [calls["start job"].path, calls["in-work support"].path]
    for name, token in bad_tokens("prime-north", "prime", "manager").items():
        with subtests.test(name):
            headers = {} if token is None else {"Authorization": token}
            async with stack.service.writes_nothing():
                responses = [await send(stack, calls[write], headers=headers) for write in WRITES]
            responses += [await stack.client.get(path, headers=headers) for path in reads]
            for response in responses:
                assert problem(response, 401)["type"].endswith("/unauthorised")


async def test_a_case_that_does_not_exist_is_404_on_every_write(stack: Stack) -> None:
    calls = await make_calls(stack)
    async with stack.service.writes_nothing():
        for write in WRITES:
            call = calls[write]
            path = call.path.replace(call.path.split("/")[2], "no-such-case")
            assert problem(await stack.client.request(call.method, path, json=call.body, headers=PRIME), 404)
