"""The claimant's pseudonym: the NI number validated and turned into `claimant_ref` with a keyed hash (ADR 0008).

Every service that meets an NI number (referral at intake, audit when an auditor searches by it) must turn it into
the same pseudonym, so the rule and the function live here, once. The key is each service's `CLAIMANT_REF_KEY`
secret, the same value everywhere. Never store or log the number itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re

# HMRC's rules: two prefix letters, six digits, a suffix A-D. D, F, I, Q, U and V are never used in either
# prefix letter, O never as the second; some pairs were never allocated, and TN marks a temporary number.
# ASCII only: Python's \d and upper() would take other scripts' digits and letters, and give one claimant several
# spellings, so several pseudonyms.
_FORMAT = re.compile(r"^(?P<prefix>[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])(?P<digits>[0-9]{6})(?P<suffix>[A-D])$")
_UNALLOCATED_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


class InvalidNino(ValueError):
    pass


def normalise_nino(raw: str) -> str:
    """Upper-case, spaces removed, validated; raises InvalidNino saying what is wrong (never echoing it)."""
    value = re.sub(r"\s+", "", raw, flags=re.ASCII).upper() if raw.isascii() else ""
    match = _FORMAT.match(value)
    if match is None:
        raise InvalidNino(
            "a National Insurance number is two prefix letters, six digits and a suffix A-D (e.g. AB 12 34 56 C; "
            "D, F, I, Q, U, V are never prefix letters, nor O the second)"
        )
    if match["prefix"] in _UNALLOCATED_PREFIXES:
        raise InvalidNino(f"the prefix {match['prefix']} is never allocated to a person")
    return value


def claimant_ref(nino: str, key: bytes) -> str:
    """A stable pseudonym: the same claimant gets the same ref in every event, and it cannot be reversed."""
    return "clm_" + hmac.new(key, nino.encode(), hashlib.sha256).hexdigest()[:32]


def mask(nino: str) -> str:
    return f"{nino[:2]}******{nino[-1]}"


_NINO_SHAPE = re.compile(r"[A-Z]{2}[0-9]{6}[A-D]?")


def looks_like_nino(value: str) -> bool:
    """Whether `value` is shaped like an NI number (two letters, six digits, a suffix or none), with spaces,
    separators and case ignored: a code field that would carry one into an event refuses it."""
    squeezed = re.sub(r"[\s_.:-]+", "", value, flags=re.ASCII).upper()
    return _NINO_SHAPE.fullmatch(squeezed) is not None


# The same shape inside free text: two letters, six digits and a suffix or none, each maybe set apart by the
# separators `looks_like_nino` ignores, standing as a word of its own (no letter or digit either side).
_SEP = r"[\s_.:-]*"
_NINO_IN_TEXT = re.compile(
    rf"(?<![A-Za-z0-9])[A-Za-z]{_SEP}[A-Za-z]{_SEP}(?:[0-9]{_SEP}){{5}}[0-9](?:{_SEP}[A-Da-d])?(?![A-Za-z0-9])",
    flags=re.ASCII,
)


def mentions_nino(text: str) -> bool:
    """Whether free text (a reason, a note) holds anything shaped like an NI number, as `looks_like_nino` judges a
    whole value: "Claimant AB123456C phoned", "re ab 12 34 56 c". Such text is refused, never stored."""
    return _NINO_IN_TEXT.search(text) is not None
