"""Schemathesis over the subcontracts API (both backends): every answer inside the OpenAPI document, whoever asks."""

from __future__ import annotations

from scx_messaging import LocalNatsServer
from scx_subcontracts.app import create_app
from scx_testing.api import bad_tokens
from scx_testing.fuzz import fuzz_api
from scx_testing.plugin import MigratedDatabase

from .builders import ALEMBIC_INI, AUDITOR, DWP, JCP, OTHER_PRIME, PARTNER, PRIME, bearer, settings_for

TOKENS = {
    "dwp": DWP["Authorization"],
    "auditor": AUDITOR["Authorization"],
    "operator": bearer("dwp", "dwp", "operator")["Authorization"],  # the only one the operations routes let in
    "jcp": JCP["Authorization"],
    "tppm": bearer("jcp-leeds", "jcp", "tppm")["Authorization"],  # the one JCP role that reads referral flows
    "prime": PRIME["Authorization"],
    "other-prime": OTHER_PRIME["Authorization"],
    "partner": PARTNER["Authorization"],
    "none": None,
    "forged": bad_tokens("dwp", "dwp", "contract_manager")["another-secret"],
}


async def test_the_api_keeps_to_its_openapi_document(
    migrated_database: MigratedDatabase, nats_server: LocalNatsServer
) -> None:
    app = create_app(settings_for(migrated_database(ALEMBIC_INI), nats_server.url))
    report = await fuzz_api(app, TOKENS, max_examples=15)
    assert {401, 404, 422} <= set().union(*report.statuses.values())
