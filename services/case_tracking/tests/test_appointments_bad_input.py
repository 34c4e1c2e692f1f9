"""Bad input and bad tokens on every appointment and notice write: a problem document naming what is wrong, and
nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from scx_testing.api import bad_tokens

from .builders import JCP, PRIME, Stack, problem
from .test_appointments_support import booked, done, path, tomorrow

WRITES = ["book", "attend", "fail-to-attend", "cancel", "rebook", "decide"]


@dataclass(frozen=True)
class Call:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


async def make_calls(stack: Stack) -> dict[str, Call]:
    case_id = (await stack.open_case()).referral_id
    due, missed = await booked(stack, case_id), await booked(stack, case_id)
    later = await booked(stack, case_id, scheduled_at=tomorrow())
    notice_id = (await done(stack, await booked(stack, case_id), "fail-to-attend"))["notice_id"]
    return {
        "book": Call(path(case_id), {"kind": "review", "scheduled_at": tomorrow()}, PRIME),
        "attend": Call(path(case_id, due["appointment_id"], "attend"), {"minutes": 30}, PRIME),
        "fail-to-attend": Call(path(case_id, missed["appointment_id"], "fail-to-attend"), {}, PRIME),
        "cancel": Call(path(case_id, later["appointment_id"], "cancel"),
                       {"cancelled_by": "claimant", "reason": "claimant_request"}, PRIME),
        "rebook": Call(path(case_id, later["appointment_id"], "rebook"),
                       {"scheduled_at": tomorrow(), "requested_by": "provider"}, PRIME),
        "decide": Call(f"/fail-to-attend-notices/{notice_id}/decision", {"decision": "no_action"}, JCP),
    }


async def send(stack: Stack, call: Call, **overrides: Any) -> Any:
    return await stack.client.post(call.path, **{"json": call.body, "headers": call.headers, **overrides})


BAD_FIELDS: list[tuple[str, dict[str, Any], str]] = [
    ("book", {"kind": "coffee"}, "body.kind"),
    ("book", {"scheduled_at": "2027-01-04T10:00:00"}, "body.scheduled_at"),  # no offset
    ("book", {"scheduled_at": 1767520800}, "body.scheduled_at"),  # a timestamp is not a moment
    ("book", {"scheduled_at": "0001-01-01T00:00:00+01:00"}, "body.scheduled_at"),
    ("book", {"mandatory": "yes"}, "body.mandatory"),
    ("book", {"booked_on": "2027-1-4"}, "body.booked_on"),
    ("attend", {"minutes": 0}, "body.minutes"),
    ("attend", {"minutes": 1441}, "body.minutes"),
    ("attend", {"minutes": "30"}, "body.minutes"),
    ("attend", {"attended_on": 20270104}, "body.attended_on"),
    ("cancel", {"cancelled_by": "adviser"}, "body.cancelled_by"),
    ("cancel", {"reason": "bored"}, "body.reason"),
    ("cancel", {"note": " padded "}, "body.note"),
    ("cancel", {"note": "x" * 2001}, "body.note"),
    ("rebook", {"requested_by": None}, "body.requested_by"),
    ("decide", {"decision": "sanctioned"}, "body.decision"),
    ("decide", {"decided_on": "today"}, "body.decided_on"),
    ("decide", {"note": "zero\u200bwidth"}, "body.note"),
]


async def test_a_wrong_field_is_named_and_nothing_is_written(stack: Stack, subtests: pytest.Subtests) -> None:
    calls = await make_calls(stack)
    for write, change, field in BAD_FIELDS:
        with subtests.test(f"{write} {field}"):
            call = calls[write]
            async with stack.service.writes_nothing():
                response = await send(stack, call, json={**call.body, **change})
            problem(response, 422, field=field)


async def test_an_unknown_field_is_named_and_nothing_is_written(stack: Stack, subtests: pytest.Subtests) -> None:
    calls = await make_calls(stack)
    for write in WRITES:
        with subtests.test(write):
            call = calls[write]
            async with stack.service.writes_nothing():
                unknown = await send(stack, call, json={**call.body, "claimant_name": "Jo Bloggs"})
            assert "Jo Bloggs" not in unknown.text
            problem(unknown, 422, field="body.claimant_name")
    for write in WRITES:  # and each call is good as it stands
        response = await send(stack, calls[write])
        assert response.status_code in (200, 201), (write, response.text)


MALFORMED = [b'{"kind": "wfi", ', b"[1, 2", b"not json", b"[]", b"null", b'"text"']


async def test_malformed_json_is_a_422_problem_and_nothing_is_written(
    stack: Stack, subtests: pytest.Subtests
) -> None:
    calls = await make_calls(stack)
    for write in WRITES:
        with subtests.test(write):
            call = calls[write]
            async with stack.service.writes_nothing():
                responses = [
                    await stack.client.post(call.path, content=content,
                                            headers={**call.headers, "Content-Type": "application/json"})
                    for content in MALFORMED
                ]
            for response in responses:
                assert problem(response, 422)["errors"][0]["field"].startswith("body")


async def test_a_missing_or_bad_token_is_401_and_nothing_is_written(stack: Stack, subtests: pytest.Subtests) -> None:
    calls = await make_calls(stack)
    case_path = calls["book"].path
    notice = calls["decide"].path.rsplit("/", 1)[0]
    for name, token in bad_tokens("prime-north", "prime", "manager").items():
        with subtests.test(name):
            headers = {} if token is None else {"Authorization": token}
            async with stack.service.writes_nothing():
                writes = [await send(stack, calls[write], headers=headers) for write in WRITES]
            reads = [await stack.client.get(url, headers=headers) for url in (
                case_path, "/fail-to-attend-notices", "/fail-to-attend-notices/delays", notice,
            )]
            for response in writes + reads:
                assert problem(response, 401)["type"].endswith("/unauthorised")
