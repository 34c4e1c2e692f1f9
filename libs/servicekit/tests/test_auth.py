"""Token verification: development (HS256, local secret) and production (RS256 against a public key)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from scx_servicekit import Problem, ServiceSettings, TokenIssuer
from scx_servicekit.auth import Principal, TokenVerifier


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private_pem, public_pem


def claims(**overrides: object) -> dict[str, object]:
    now = datetime.now(UTC)
    base: dict[str, object] = {
        "sub": "adviser-7", "org": "prime-northstar", "org_kind": "prime", "roles": ["adviser"],
        "iss": "scx-dev", "aud": "scx", "iat": now, "exp": now + timedelta(minutes=5),
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def production(public_pem: str) -> TokenVerifier:
    return TokenVerifier(ServiceSettings(jwt_secret=None, jwt_public_key=public_pem, jwt_algorithms=["RS256"]))


def refused(verifier: TokenVerifier, token: str) -> Problem:
    with pytest.raises(Problem) as raised:
        verifier.verify(token)
    assert raised.value.status == 401
    assert raised.value.headers == {"WWW-Authenticate": 'Bearer realm="scx"'}
    return raised.value


def test_production_verifies_tokens_signed_by_the_identity_provider(key_pair: tuple[str, str]) -> None:
    private_pem, public_pem = key_pair
    principal = production(public_pem).verify(jwt.encode(claims(), private_pem, algorithm="RS256"))
    assert (principal.organisation_id, principal.kind, principal.user) == ("prime-northstar", "prime", "adviser-7")
    assert principal.roles == frozenset({"adviser"})


def test_production_refuses_a_token_signed_with_the_public_key_as_an_hmac_secret(key_pair: tuple[str, str]) -> None:
    # The algorithm-confusion attack: whoever holds the public key must not be able to mint tokens.
    _, public_pem = key_pair

    def b64(raw: bytes) -> bytes:
        return base64.urlsafe_b64encode(raw).rstrip(b"=")

    body = {**claims(), "iat": int(time.time()), "exp": int(time.time()) + 300}
    signing_input = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + b"." + b64(json.dumps(body).encode())
    signature = hmac.new(public_pem.encode(), signing_input, hashlib.sha256).digest()
    refused(production(public_pem), (signing_input + b"." + b64(signature)).decode())


def test_production_refuses_development_tokens(key_pair: tuple[str, str]) -> None:
    _, public_pem = key_pair
    refused(production(public_pem), TokenIssuer().issue("prime-northstar", "prime", ["manager"]))


def test_production_holds_no_signing_secret(key_pair: tuple[str, str]) -> None:
    _, public_pem = key_pair
    assert production(public_pem).algorithms == ["RS256"]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"exp": datetime.now(UTC) - timedelta(seconds=5)}, "expired"),
        ({"aud": "another-system"}, "not valid"),
        ({"iss": "someone-else"}, "not valid"),
        ({"org": None}, "must name one organisation"),
        ({"org_kind": "claimant"}, "must name one organisation"),
        ({"roles": "adviser"}, "must name one organisation"),
        # Signed, but naming what no column or event can hold: still refused, never a 500 further in.
        ({"org": "p" * 65}, "must name one organisation"),
        ({"org": "prime-\u0000north"}, "must name one organisation"),
        ({"org": "Prime_North"}, "must name one organisation"),
        ({"sub": "a" * 65}, "user (sub)"),
        ({"sub": "adviser\u0000"}, "user (sub)"),
        ({"sub": "advi\u200bser"}, "user (sub)"),
        ({"sub": 7}, "Subject must be a string"),
    ],
)
def test_development_tokens_must_be_current_addressed_to_us_and_name_one_organisation(
    change: dict[str, object], says: str
) -> None:
    verifier = TokenVerifier(ServiceSettings())
    token = jwt.encode(claims(**change), ServiceSettings().jwt_secret.get_secret_value(), algorithm="HS256")  # type: ignore[union-attr]
    assert says in (refused(verifier, token).detail or "")


def test_a_token_signed_with_another_secret_is_refused() -> None:
    forged = TokenIssuer(secret="not-our-secret-but-long-enough-for-hs256-0123456789").issue("dwp", "dwp", ["auditor"])
    refused(TokenVerifier(ServiceSettings()), forged)


class CountingVerifier(TokenVerifier):
    checks = 0

    def _verify(self, token: str) -> tuple[Principal, float]:
        self.checks += 1
        return super()._verify(token)


def test_a_verified_token_is_remembered_until_it_expires_and_a_bad_one_never_is() -> None:
    now = [time.time()]
    verifier = CountingVerifier(ServiceSettings(), clock=lambda: now[0])
    token = TokenIssuer().issue("prime-northstar", "prime", ["manager"], lifetime=timedelta(minutes=5))

    assert verifier.verify(token) == verifier.verify(token)
    assert verifier.checks == 1  # the second request did not check the signature again
    now[0] += 301  # past its expiry: checked afresh (here PyJWT's own clock still finds it current)
    verifier.verify(token)
    assert verifier.checks == 2

    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for _ in range(2):
        refused(verifier, forged)
    assert verifier.checks == 4
