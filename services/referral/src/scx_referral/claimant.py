"""The claimant's National Insurance number: validated, pseudonymised, encrypted, never logged or published."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet

# The rule and the pseudonym are shared with every service that meets an NI number (the audit's searches).
from scx_contracts.claimant import InvalidNino as InvalidNino
from scx_contracts.claimant import claimant_ref
from scx_contracts.claimant import mask as mask
from scx_contracts.claimant import normalise_nino as normalise_nino


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
