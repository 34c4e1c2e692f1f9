"""The audit service's rules, pure: what a leaf is looked up by, and which stored hashes make which node."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from scx_ledger.merkle import Node, node_hash

CHECKPOINT_EVENT = "audit.checkpoint_signed"
STRIDE = 4  # subtree hashes are stored at levels 4, 8, 12...; level 0 is each leaf's own hash
# Keys of an event's data that name an organisation the event concerns.
PARTY_SUFFIXES = ("organisation_id", "prime_id", "partner_id", "referrer_id")
_LENGTHS = {"event_id": 36, "event_type": 100, "journey_id": 36, "claimant_ref": 40, "actor_id": 64}


@dataclass(frozen=True, slots=True)
class Described:
    """What the auditor's queries find a leaf by. All None when the bytes are not an envelope."""

    event_id: str | None = None
    event_type: str | None = None
    occurred_at: datetime | None = None
    journey_id: str | None = None
    claimant_ref: str | None = None
    actor_id: str | None = None
    parties: frozenset[str] = field(default_factory=frozenset)


NOTHING = Described()


def _text(value: object, name: str) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= _LENGTHS.get(name, 64) and value.isprintable():
        return value
    return None


def describe(payload: bytes) -> Described:
    """Read the envelope's keys tolerantly: a field that is missing, of another type or too long is left out; the
    leaf itself is kept whatever it holds."""
    try:
        envelope = json.loads(payload)
    except ValueError:
        return NOTHING
    if not isinstance(envelope, dict):
        return NOTHING
    actor = envelope.get("actor")
    actor_id = _text(actor.get("organisation_id"), "actor_id") if isinstance(actor, dict) else None
    occurred: datetime | None = None
    if isinstance(envelope.get("occurred_at"), str):
        try:
            occurred = datetime.fromisoformat(envelope["occurred_at"])
        except ValueError:
            occurred = None
        if occurred is not None and occurred.tzinfo is None:
            occurred = None
    parties: set[str] = set()
    data = envelope.get("data")
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and key.endswith(PARTY_SUFFIXES) and (party := _text(value, "actor_id")):
                parties.add(party)
    if actor_id:
        parties.add(actor_id)
    return Described(
        event_id=_text(envelope.get("event_id"), "event_id"),
        event_type=_text(envelope.get("type"), "event_type"),
        occurred_at=occurred,
        journey_id=_text(envelope.get("journey_id"), "journey_id"),
        claimant_ref=_text(envelope.get("claimant_ref"), "claimant_ref"),
        actor_id=actor_id,
        parties=frozenset(parties),
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
