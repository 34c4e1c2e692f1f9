"""The claimant's National Insurance number: validated, pseudonymised, encrypted, never logged or published."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from cryptography.fernet import Fernet

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


class NinoVault:
    """Fernet (AES-128-CBC with an HMAC) from the `cryptography` package: authenticated, well kept, simple keys."""

    def __init__(self, encryption_key: str, ref_key: str) -> None:
        self._fernet = Fernet(encryption_key.encode())
        self._ref_key = ref_key.encode()

    def seal(self, nino: str) -> str:
        return self._fernet.encrypt(nino.encode()).decode()

    def open(self, sealed: str) -> str:
        return self._fernet.decrypt(sealed.encode()).decode()

    def ref(self, nino: str) -> str:
        return claimant_ref(nino, self._ref_key)


NINO = "national_insurance_number"


class NinoSealing:
    """The NI number in an `Idempotency-Key` record: in the request's hash as its pseudonym, in the stored
    response only sealed (scx_servicekit.idempotency). `known` holds ciphertexts already made in this request (the
    referral's own), so that one NI number is encrypted once per request, not once per copy."""

    def __init__(self, vault: NinoVault) -> None:
        self.vault = vault
        self.known: dict[str, str] = {}

    def fingerprint(self, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, NINO: self.vault.ref(body[NINO])} if NINO in body else body

    def seal(self, response: dict[str, Any]) -> dict[str, Any]:
        if NINO not in response:
            return response
        shown = response[NINO]
        return {**response, NINO: self.known.get(shown) or self.vault.seal(shown)}

    def open(self, stored: dict[str, Any]) -> dict[str, Any]:
        return {**stored, NINO: self.vault.open(stored[NINO])} if NINO in stored else stored
