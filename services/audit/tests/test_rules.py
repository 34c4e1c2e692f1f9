"""What ingest reads from each leaf: the same answer whichever JSON parser reads it (orjson, or the stdlib for what
orjson refuses), and nothing at all from bytes that are not an envelope."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from scx_audit.rules import NOTHING, describe

from .builders import journey


def test_an_envelope_is_described_by_its_keys() -> None:
    envelope = journey("3f1c7a52-0d4e-4c1b-9a55-1e2f3a4b5c6d")[2]
    described = describe(envelope.model_dump_json().encode())
    assert described.event_id == envelope.event_id
    assert described.event_type == "referral.allocated"
    assert described.occurred_at == datetime(2025, 6, 4, 9, 0, tzinfo=UTC)
    assert described.journey_id == envelope.journey_id
    assert described.actor_id == "prime-north"
    assert described.parties == frozenset({"prime-north", "partner-wear"})


def test_what_orjson_refuses_the_stdlib_reads_the_same() -> None:
    body = {"event_id": "e1", "type": "t.x", "actor": {"organisation_id": "dwp"}, "data": {"prime_id": "p1",
            "big": 2**70, "ratio": float("nan")}}
    text = json.dumps(body)  # NaN and an integer past 64 bits: valid to the stdlib, not to orjson
    for payload in (text.encode(), text.encode("utf-16")):
        described = describe(payload)
        assert (described.event_id, described.event_type, described.actor_id) == ("e1", "t.x", "dwp")
        assert described.parties == frozenset({"dwp", "p1"})


def test_bytes_that_are_not_an_envelope_describe_nothing() -> None:
    for payload in (b"", b"\xff\xfe not json", b"[1, 2]", b'"text"', b"{bad json"):
        assert describe(payload) == NOTHING
    assert describe(b'{"type": "' + b"x" * 101 + b'", "occurred_at": "2025-01-01T00:00:00"}') == NOTHING
