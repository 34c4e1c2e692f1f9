"""Bad input and bad tokens on every complaint and feedback write: a problem naming the field, and nothing written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from scx_testing.api import bad_tokens

from .builders import PRIME, Stack, problem, today
from .test_complaints_journey import ANSWER, complaint_body, raise_complaint

WRITES = ["raise", "escalate", "answer", "resolve", "feedback"]


@dataclass(frozen=True)
class Call:
    path: str
    body: dict[str, Any]


async def make_calls(stack: Stack) -> dict[str, Call]:
    """One valid request for each write, by the prime delivering in-house."""
    case_id = (await stack.open_case()).referral_id
    cid = (await raise_complaint(stack, case_id, PRIME))["complaint_id"]
    on = today().isoformat()
    return {
        "raise": Call(f"/cases/{case_id}/complaints", complaint_body()),
        "escalate": Call(f"/complaints/{cid}/escalation", {"level": "tppm", "escalated_on": on}),
        "answer": Call(f"/complaints/{cid}/answer", {"answered_on": on, "answer": ANSWER}),
        "resolve": Call(f"/complaints/{cid}/resolution", {"outcome": "upheld", "resolved_on": on}),
        "feedback": Call(f"/cases/{case_id}/feedback", {"score": 5, "topics": ["adviser"], "given_on": on}),
    }


# (write, field, bad value): each refused with the field named.
BAD_FIELDS = [
    ("raise", "raised_with", "dwp"),
    ("raise", "category", "rudeness"),
    ("raise", "raised_on", "01/12/2026"),
    ("raise", "raised_on", 20261201),
    ("raise", "words", ""),
    ("raise", "words", " padded"),
    ("raise", "words", "zero\u200bwidth"),
    ("raise", "words", "x" * 2001),
    ("raise", "words", None),
    ("escalate", "level", "provider"),
    ("escalate", "level", "minister"),
    ("escalate", "escalated_on", "2026-13-01"),
    ("escalate", "note", "bell\u0007"),
    ("answer", "answer", ""),
    ("answer", "answered_on", None),
    ("resolve", "outcome", "sorted"),
    ("resolve", "resolved_on", "today"),
    ("feedback", "score", 0),
    ("feedback", "score", 6),
    ("feedback", "score", "5"),
    ("feedback", "score", 4.0),
    ("feedback", "score", True),
    ("feedback", "topics", ["adviser", "parking"]),
    ("feedback", "topics", "adviser"),
    ("feedback", "topics", ["other"] * 9),
    ("feedback", "given_on", "2026-02-30"),
]


async def test_a_bad_field_is_named_and_nothing_is_written(stack: Stack, subtests: pytest.Subtests) -> None:
    calls = await make_calls(stack)
    for write, field, value in BAD_FIELDS:
        with subtests.test(f"{write}.{field}={value!r}"[:80]):
            call = calls[write]
            async with stack.service.writes_nothing():
                response = await stack.client.post(call.path, json={**call.body, field: value}, headers=PRIME)
            named = f"body.{field}.1" if isinstance(value, list) and len(value) == 2 else f"body.{field}"
            problem(response, 422, field=named)


async def test_a_missing_or_unknown_field_is_named_and_nothing_is_written(stack: Stack) -> None:
    calls = await make_calls(stack)
    for write in WRITES:
        call = calls[write]
        required = next(iter(call.body))
        async with stack.service.writes_nothing():
            unknown = await stack.client.post(call.path, json={**call.body, "claimant_name": "Jo Bloggs"},
                                              headers=PRIME)
            missing = await stack.client.post(call.path, json={k: v for k, v in call.body.items() if k != required},
                                              headers=PRIME)
            for malformed in (b"{", b"[]", b"null", b'{"a": 1, "a": 2}'):
                response = await stack.client.post(
                    call.path, content=malformed, headers={**PRIME, "Content-Type": "application/json"}
                )
                assert response.status_code == 422, (write, malformed, response.text)
        problem(unknown, 422, field="body.claimant_name")
        assert "Jo Bloggs" not in unknown.text
        problem(missing, 422, field=f"body.{required}")
    for write in ["resolve", "feedback", "raise"]:  # the valid requests do work (answer before resolve, and so on)
        call = calls[write]
        response = await stack.client.post(call.path, json=call.body, headers=PRIME)
        assert response.status_code in (200, 201), response.text


async def test_a_bad_token_is_401_and_nothing_is_written(stack: Stack) -> None:
    calls = await make_calls(stack)
    async with stack.service.writes_nothing():
        for call in calls.values():
            for reason, header in bad_tokens("prime-north", "prime", "manager").items():
                headers = {"Authorization": header} if header else {}
                response = await stack.client.post(call.path, json=call.body, headers=headers)
                assert response.status_code == 401, (call.path, reason)


async def test_an_unknown_case_or_complaint_is_404(stack: Stack) -> None:
    async with stack.service.writes_nothing():
        for path, body in [
            ("/cases/no-such-case/complaints", complaint_body()),
            ("/cases/no-such-case/feedback", {"score": 3, "given_on": today().isoformat()}),
            ("/complaints/no-such-complaint/answer", {"answered_on": today().isoformat(), "answer": ANSWER}),
        ]:
            problem(await stack.client.post(path, json=body, headers=PRIME), 404)
    for path in ("/complaints/no-such-complaint", "/cases/no-such-case/complaints", "/cases/no-such-case/feedback"):
        problem(await stack.client.get(path, headers=PRIME), 404)
