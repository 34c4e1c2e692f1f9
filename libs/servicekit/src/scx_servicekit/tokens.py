"""Development tokens: the organisation kinds, their roles, and the HS256 signer.

Apart from the `scx_servicekit` package itself (whose `__init__` loads lazily), this imports only PyJWT and the
contracts' vocabulary (the organisation kinds are defined there, once), so that `scx token` answers without loading
FastAPI; `scx_servicekit.auth` re-exports all of it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from scx_contracts.vocabulary import ORGANISATION_KINDS
from scx_contracts.vocabulary import OrganisationKind as OrganisationKind

DEV_JWT_SECRET = "scx-dev-signing-secret-change-me-in-production-0123456789"

KINDS = ORGANISATION_KINDS

# Roles an organisation's users may hold; DWP auditors read everything and change nothing.
ROLES = {
    "dwp": ("contract_manager", "auditor", "operator", "validator", "payments_officer"),
    "jcp": ("referrer", "tppm"),
    "prime": ("manager", "adviser"),
    "partner": ("manager", "adviser"),
}


class TokenIssuer:
    """Signs development tokens (`scx token`, the demo and the tests). Production tokens come from an IdP."""

    def __init__(self, secret: str = DEV_JWT_SECRET, issuer: str = "scx-dev", audience: str = "scx") -> None:
        self.secret, self.issuer, self.audience = secret, issuer, audience

    def issue(
        self,
        organisation_id: str,
        kind: str,
        roles: list[str] | None = None,
        *,
        user: str | None = None,
        lifetime: timedelta = timedelta(hours=12),
    ) -> str:
        now = datetime.now(UTC)
        claims = {
            "sub": user or f"{organisation_id}-user",
            "org": organisation_id,
            "org_kind": kind,
            "roles": roles if roles is not None else list(ROLES.get(kind, ())[:1]),
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + lifetime,
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")
