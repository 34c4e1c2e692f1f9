"""Bearer JWTs naming one organisation, its kind and the caller's roles.

Claims: `sub` (the user), `org` (organisation id), `org_kind` (dwp | jcp | prime | partner), `roles`,
`iss`, `aud`, `exp`. Development tokens are HS256 with a local secret; production verifies RS256/ES256
against a configured public key.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from scx_contracts import Actor
from scx_contracts.bounds import ORGANISATION_ID_PATTERN
from scx_servicekit.problems import Problem
from scx_servicekit.settings import ServiceSettings
from scx_servicekit.tokens import KINDS, ROLES, OrganisationKind, TokenIssuer

# Re-exported: the pure signing and the vocabulary live in scx_servicekit.tokens, which loads no web framework.
__all__ = [
    "KINDS", "ROLES", "CurrentPrincipal", "OrganisationKind", "Principal", "TokenIssuer", "TokenVerifier",
    "current_principal", "forbidden", "unauthorised",
]


_ORGANISATION_ID = re.compile(ORGANISATION_ID_PATTERN)
USER_LENGTH = 64  # the narrowest column a user is written to (subcontract variations' varied_by)


@dataclass(frozen=True)
class Principal:
    organisation_id: str
    kind: OrganisationKind
    roles: frozenset[str]
    user: str

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def actor(self) -> Actor:
        role = sorted(self.roles)[0] if self.roles else "none"
        return Actor(organisation_id=self.organisation_id, organisation_kind=self.kind, role=role, user=self.user)


def unauthorised(detail: str) -> Problem:
    return Problem(
        401, "unauthorised", "Not authenticated", detail, headers={"WWW-Authenticate": 'Bearer realm="scx"'}
    )


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", "Not allowed", detail)


VERIFIED_TOKENS_KEPT = 10_000


class TokenVerifier:
    """Verifies bearer tokens, and remembers a verified token until it expires: clients send the same token
    with every request, and checking its signature each time was a tenth of a request's CPU."""

    def __init__(self, settings: ServiceSettings, *, clock: Callable[[], float] = time.time) -> None:
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._clock = clock
        if settings.jwt_public_key:
            self.key: str = settings.jwt_public_key
            self.algorithms = [a for a in settings.jwt_algorithms if not a.startswith("HS")] or ["RS256"]
        elif settings.jwt_secret is not None:
            self.key = settings.jwt_secret.get_secret_value()
            self.algorithms = ["HS256"]
        else:
            raise ValueError("configure jwt_public_key (production) or jwt_secret (development)")
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience

    def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None:
            principal, expires = remembered
            if self._clock() < expires:
                return principal
            del self._verified[token]
        principal, expires = self._verify(token)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            del self._verified[next(iter(self._verified))]  # the oldest
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=self.algorithms,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise unauthorised("The token has expired.") from None
        except jwt.PyJWTError as exc:  # any failure to verify, including a key unfit for the algorithm
            raise unauthorised(f"The token is not valid: {exc}.") from None
        org, kind, roles = claims.get("org"), claims.get("org_kind"), claims.get("roles", [])
        if not isinstance(org, str) or not _ORGANISATION_ID.fullmatch(org) or kind not in KINDS \
                or not isinstance(roles, list):
            raise unauthorised("The token must name one organisation (org), its kind (org_kind) and roles.")
        user = claims["sub"]
        # The user is written into events and rows (allocated_by, varied_by): printable, and short enough for them.
        if not isinstance(user, str) or not 1 <= len(user) <= USER_LENGTH or not user.isprintable() \
                or any(unicodedata.category(c) in ("Cf", "Co", "Cn") for c in user):
            raise unauthorised(f"The token's user (sub) must be 1-{USER_LENGTH} printable characters.")
        principal = Principal(organisation_id=org, kind=kind, roles=frozenset(map(str, roles)), user=user)
        return principal, float(claims["exp"])


_bearer = HTTPBearer(auto_error=False, description="A JWT naming one organisation (org), its kind and roles")


async def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthorised("Send a bearer token in the Authorization header.")
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = verifier.verify(credentials.credentials)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
