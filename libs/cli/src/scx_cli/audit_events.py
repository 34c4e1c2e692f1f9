"""Realistic event envelopes for the audit benchmarks, fast enough to make ten million.

Journeys of a claimant through the programme (referral, case, employment, claims, payments), interleaved as the
stream would hold them, with organisation events now and then. Each envelope has the shape `Envelope`'s JSON has
(the same keys, in the same order); the data of each type is
much like its contract's (ids, organisations, dates). Deterministic for a
seed, so that a ledger built twice is the same ledger.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

PRIMES = [f"prime-{n}" for n in ("north", "east", "west", "south", "central", "wales", "scot", "mids")]
PARTNERS = [f"partner-{i:03}" for i in range(120)]
REFERRERS = [f"jcp-{i:03}" for i in range(60)]
T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

# (type, producer, who acts: "jcp" | "prime" | "partner" | "dwp", data keys beyond the journey's ids)
STEPS: list[tuple[str, str, str]] = [
    ("referral.received", "referral", "jcp"),
    ("referral.started", "referral", "prime"),
    ("referral.allocated", "referral", "prime"),
    ("case.opened", "case_tracking", "partner"),
    ("case.adviser_assigned", "case_tracking", "partner"),
    ("case.appointment_booked", "case_tracking", "partner"),
    ("case.appointment_attended", "case_tracking", "partner"),
    ("case.action_plan_agreed", "case_tracking", "partner"),
    ("case.appointment_booked", "case_tracking", "partner"),
    ("case.appointment_attended", "case_tracking", "partner"),
    ("employment.job_started", "employment", "partner"),
    ("employment.hours_reported", "employment", "partner"),
    ("claim.submitted", "claims", "prime"),
    ("claim.approved", "claims", "dwp"),
    ("payment.partner_owed", "claims", "prime"),
]


def _ref(n: int) -> str:
    return "clm_" + hashlib.blake2b(n.to_bytes(8, "big"), digest_size=16).hexdigest()


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class Journey:
    """One claimant's journey: its ids, organisations and the steps it has left."""

    __slots__ = ("case_id", "claimant_ref", "journey_id", "partner", "prime", "referrer", "start", "step", "steps")

    def __init__(self, n: int, rng: random.Random) -> None:
        self.journey_id = _uuid(rng)
        self.case_id = _uuid(rng)
        self.claimant_ref = _ref(n)
        self.prime = rng.choice(PRIMES)
        self.partner = rng.choice(PARTNERS)
        self.referrer = rng.choice(REFERRERS)
        self.start = T0 + timedelta(minutes=n * 7 % 500_000)
        # Most journeys go some way; a fifth end after the referral, some go the whole way.
        self.steps = rng.choice((3, 3, 5, 7, 10, 12, 15, 15))
        self.step = 0


def _data(kind: str, j: Journey, rng: random.Random, on: str) -> dict[str, Any]:
    contract = f"contract-{j.prime}"
    if kind == "referral.received":
        return {"referral_id": j.journey_id, "contract_id": contract, "prime_id": j.prime, "referrer_id": j.referrer,
                "benefit_type": "universal_credit", "payment_group": "disability", "mandatory": False,
                "needs": ["health"], "postcode_district": "NE1", "referral_date": on}
    if kind == "referral.started":
        return {"referral_id": j.journey_id, "contract_id": contract, "prime_id": j.prime, "started_on": on}
    if kind == "referral.allocated":
        return {"referral_id": j.journey_id, "allocation_id": _uuid(rng), "contract_id": contract,
                "prime_id": j.prime, "delivery": "partner", "partner_id": j.partner,
                "subcontract_id": f"sub-{j.partner}", "supply_chain_model": "end_to_end", "service": "full",
                "allocated_on": on}
    if kind == "case.opened":
        return {"case_id": j.case_id, "contract_id": contract, "prime_id": j.prime, "referrer_id": j.referrer,
                "payment_group": "disability", "mandatory": False, "referral_date": on, "started_on": on}
    if kind.startswith("case."):
        return {"case_id": j.case_id, "appointment_id": _uuid(rng), "kind": "initial", "wfi_number": j.step,
                "on": on, "delivering_organisation_id": j.partner}
    if kind.startswith("employment."):
        return {"case_id": j.case_id, "job_id": f"job-{j.journey_id[:8]}", "started_on": on, "hours": 16,
                "earnings_pence": 21_000, "delivering_organisation_id": j.partner}
    return {"claim_id": f"claim-{j.journey_id[:8]}-{j.step}", "case_id": j.case_id, "contract_id": contract,
            "prime_id": j.prime, "partner_id": j.partner, "stage": "job_outcome", "amount_pence": 123_400, "on": on}


_ACTORS = {
    "jcp": ("jcp", "referrer"), "prime": ("prime", "manager"), "partner": ("partner", "adviser"),
    "dwp": ("dwp", "contract_manager"),
}


def envelope(kind: str, producer: str, actor: str, kind_of_actor: str, role: str, *, event_id: str,
             occurred: datetime, recorded: datetime, journey_id: str | None, claimant_ref: str | None,
             data: dict[str, Any]) -> bytes:
    """Bytes as `Envelope.model_dump_json()` writes them (same keys, same order, compact)."""
    body = {
        "event_id": event_id, "type": kind, "version": 1,
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "recorded_at": recorded.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "producer": producer,
        "actor": {"organisation_id": actor, "organisation_kind": kind_of_actor, "role": role, "user": "u1"},
        "journey_id": journey_id, "claimant_ref": claimant_ref, "correlation_id": None, "causation_id": None,
        "data": data,
    }
    return json.dumps(body, separators=(",", ":")).encode()


# What the audit service indexes a leaf by (ADR 0019; `scx_audit.rules.describe` reads the same from the bytes):
# event id, type, occurred at, journey id, claimant ref, actor organisation, and the organisations concerned (the
# actor's and those named by data keys with these suffixes).
PARTY_SUFFIXES = ("organisation_id", "prime_id", "partner_id", "referrer_id")
Meta = tuple[str, str, datetime, str | None, str | None, str, frozenset[str]]
Event = tuple[str, bytes, Meta]


def _parties(actor: str, data: dict[str, Any]) -> frozenset[str]:
    return frozenset([actor, *(v for k, v in data.items() if k.endswith(PARTY_SUFFIXES) and isinstance(v, str))])


def events(count: int, *, seed: int = 10, live: int = 2000) -> Iterator[Event]:
    """`count` events as (subject, bytes, what the ledger indexes them by): `live` journeys under way at once, a
    step of a random one each time; one event in 500 an organisation registered by DWP (no journey)."""
    rng = random.Random(seed)
    journeys = [Journey(n, rng) for n in range(live)]
    started = live
    for i in range(count):
        recorded = T0 + timedelta(seconds=i * 3)
        event_id = _uuid(rng)
        if i % 500 == 499:
            org = f"partner-new-{i}"
            data = {"organisation_id": org, "name": org, "kind": "partner"}
            yield "scx.organisation.registered.v1", envelope(
                "organisation.registered", "subcontracts", "dwp", "dwp", "contract_manager", event_id=event_id,
                occurred=recorded, recorded=recorded, journey_id=None, claimant_ref=None, data=data,
            ), (event_id, "organisation.registered", recorded, None, None, "dwp", _parties("dwp", data))
            continue
        slot = rng.randrange(live)
        j = journeys[slot]
        kind, producer, who = STEPS[j.step]
        actor = {"jcp": j.referrer, "prime": j.prime, "partner": j.partner, "dwp": "dwp"}[who]
        occurred = j.start + timedelta(days=j.step * 9)
        data = _data(kind, j, rng, occurred.date().isoformat())
        yield f"scx.{kind}.v1", envelope(
            kind, producer, actor, *_ACTORS[who], event_id=event_id, occurred=occurred, recorded=recorded,
            journey_id=j.journey_id, claimant_ref=j.claimant_ref, data=data,
        ), (event_id, kind, occurred, j.journey_id, j.claimant_ref, actor, _parties(actor, data))
        j.step += 1
        if j.step >= j.steps:
            journeys[slot] = Journey(started, rng)
            started += 1
