"""The audit service's rules, pure: what a leaf is looked up by, and which stored hashes make which node."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import orjson

from scx_ledger.merkle import Node, node_hash

CHECKPOINT_EVENT = "audit.checkpoint_signed"
STRIDE = 4  # subtree hashes are stored at levels 4, 8, 12...; level 0 is each leaf's own hash
# Keys of an event's data that name an organisation the event concerns.
PARTY_SUFFIXES = ("organisation_id", "prime_id", "partner_id", "referrer_id")
_LENGTHS = {"event_id": 36, "event_type": 100, "journey_id": 36, "claimant_ref": 40, "actor_id": 64}


class Described(NamedTuple):
    """What the auditor's queries find a leaf by. All None when the bytes are not an envelope. (A named tuple:
    ingest makes one per leaf.)"""

    event_id: str | None = None
    event_type: str | None = None
    occurred_at: datetime | None = None
    journey_id: str | None = None
    claimant_ref: str | None = None
    actor_id: str | None = None
    parties: frozenset[str] = frozenset()


NOTHING = Described()


def _text(value: object, limit: int) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= limit and value.isprintable():
        return value
    return None


def parse_json(payload: bytes) -> object:
    """JSON with orjson (a third of the stdlib's time: ingest parses every leaf); what it refuses and the stdlib
    reads (UTF-16, NaN, integers past 64 bits, lone surrogates) goes to the stdlib, so the answer is the same."""
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        try:
            return json.loads(payload)
        except ValueError:
            return None


def describe(payload: bytes) -> Described:
    """Read the envelope's keys tolerantly: a field that is missing, of another type or too long is left out; the
    leaf itself is kept whatever it holds."""
    envelope = parse_json(payload)
    if not isinstance(envelope, dict):
        return NOTHING
    get = envelope.get
    actor = get("actor")
    actor_id = _text(actor.get("organisation_id"), _LENGTHS["actor_id"]) if isinstance(actor, dict) else None
    occurred: datetime | None = None
    if isinstance(when := get("occurred_at"), str):
        try:
            occurred = datetime.fromisoformat(when)
        except ValueError:
            occurred = None
        if occurred is not None and occurred.tzinfo is None:
            occurred = None
    parties: set[str] = set()
    data = get("data")
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and key.endswith(PARTY_SUFFIXES) and (party := _text(value, _LENGTHS["actor_id"])):
                parties.add(party)
    if actor_id:
        parties.add(actor_id)
    return Described(
        _text(get("event_id"), _LENGTHS["event_id"]),
        _text(get("type"), _LENGTHS["event_type"]),
        occurred,
        _text(get("journey_id"), _LENGTHS["journey_id"]),
        _text(get("claimant_ref"), _LENGTHS["claimant_ref"]),
        actor_id,
        frozenset(parties),
    )


def stored(level: int) -> bool:
    return level % STRIDE == 0


@dataclass(frozen=True, slots=True)
class Span:
    """A run of stored hashes at one level (0: the leaves')."""

    level: int
    first: int
    count: int


def spans(nodes: Sequence[Node]) -> list[Span]:
    """The stored hashes each node is made of: itself if its level is stored, else the 2..8 below it."""
    out = []
    for level, index in nodes:
        base = level - level % STRIDE
        width = 1 << (level - base)
        out.append(Span(base, index * width, width))
    return out


def combine(nodes: Sequence[Node], found: Mapping[tuple[int, int], bytes]) -> list[bytes]:
    """Each node's hash from the stored hashes `spans` named (keyed by level and index)."""
    out = []
    for span in spans(nodes):
        layer = [found[(span.level, span.first + i)] for i in range(span.count)]
        while len(layer) > 1:
            layer = [node_hash(layer[i], layer[i + 1]) for i in range(0, len(layer), 2)]
        out.append(layer[0])
    return out
