"""Identifiers as the services make them (UUIDv7 strings; a claimant's pseudonym as the test publishers derive it),
but drawn from the bench's seeded random numbers, so that one seed always makes the same year."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_EIGHT_AM_MS = 8 * 3_600_000


def uuid7_on(rng: random.Random, day: date) -> str:
    """A UUIDv7 whose timestamp falls between 08:00 and about 17:20 UTC on `day`: 74 random bits, as uuid7 has."""
    bits = rng.getrandbits(96)
    h = bits.to_bytes(12).hex()
    ms = f"{(day.toordinal() - _EPOCH_ORDINAL) * 86_400_000 + _EIGHT_AM_MS + (bits >> 72) * 2:012x}"
    return f"{ms[:8]}-{ms[8:]}-7{h[6:9]}-{'89ab'[bits & 3]}{h[9:12]}-{h[12:]}"


def claimant_ref(referral_id: str) -> str:
    """The pseudonym the referral service's test publisher gives a referral's claimant."""
    return "clm_" + hashlib.sha256(referral_id.encode()).hexdigest()[:32]


def moment(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
