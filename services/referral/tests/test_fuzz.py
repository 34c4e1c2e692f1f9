"""Schemathesis over the referral API (both backends): every answer inside the OpenAPI document, whoever asks."""

from __future__ import annotations

from scx_messaging import LocalNatsServer
from scx_referral.app import create_app
from scx_testing.api import bad_tokens
from scx_testing.fuzz import fuzz_api
from scx_testing.plugin import MigratedDatabase

from .builders import AUDITOR, DWP, JCP, OTHER_PRIME, PRIME, REFERRAL_INI, TPPM, WHOLE, bearer, referral_settings

TOKENS = {
    "dwp": DWP["Authorization"],
    "auditor": AUDITOR["Authorization"],
    "operator": bearer("dwp", "dwp", "operator")["Authorization"],  # the only one the operations routes let in
    "jcp": JCP["Authorization"],
    "tppm": TPPM["Authorization"],
    "prime": PRIME["Authorization"],
    "other-prime": OTHER_PRIME["Authorization"],
    "partner": WHOLE["Authorization"],
    "none": None,
    "forged": bad_tokens("jcp-leeds", "jcp", "referrer")["another-secret"],
}


async def test_the_api_keeps_to_its_openapi_document(
    migrated_database: MigratedDatabase, nats_server: LocalNatsServer
) -> None:
    app = create_app(referral_settings(migrated_database(REFERRAL_INI), nats_server.url))
    report = await fuzz_api(app, TOKENS, max_examples=15)
    assert {401, 404, 422} <= set().union(*report.statuses.values())
