"""A request body is RFC 8259 JSON in UTF-8 and nothing looser."""

from __future__ import annotations

import json

import pytest

from scx_servicekit.strict import loads_strictly


@pytest.mark.parametrize(("body", "why"), [
    ('{"a": 1}'.encode("utf-16"), "UTF-8"),
    ('{"a": 1}'.encode("utf-32"), "UTF-8"),
    (b'\xef\xbb\xbf{"a": 1}', "byte-order mark"),
    (b'{"a": 1e400}', "too large"),
    (b'{"a": -1e400}', "too large"),
    (b'{"a": NaN}', "not JSON"),
    (b'{"a": Infinity}', "not JSON"),
    (b'{"a": 1, "a": 2}', "twice"),
    (b'{"a": "\\ud800"}', "lone surrogate"),
])
def test_what_is_not_strict_json_is_refused_saying_why(body: bytes, why: str) -> None:
    with pytest.raises(json.JSONDecodeError, match=why):
        loads_strictly(body)


def test_strict_json_reads_as_json_does() -> None:
    body = '{"name": "Wearside Into Work \u2013 Sunderland", "amount": 1.5, "n": 12, "ok": true, "none": null}'
    assert loads_strictly(body.encode()) == json.loads(body)
