"""Schemathesis over the claims API (SQLite and PostgreSQL): no 5xx, no answer outside the OpenAPI document,
no undocumented status, no request that breaks the schema accepted, whoever asks. Add tokens as roles appear."""

from __future__ import annotations

from scx_claims.app import create_app
from scx_claims.config import ClaimsSettings
from scx_messaging import LocalNatsServer
from scx_servicekit import TokenIssuer
from scx_testing.api import bad_tokens
from scx_testing.fuzz import fuzz_api
from scx_testing.plugin import MigratedDatabase

from .builders import ALEMBIC_INI

issuer = TokenIssuer()
TOKENS = {
    "dwp": f"Bearer {issuer.issue('dwp', 'dwp', ['contract_manager'])}",
    "auditor": f"Bearer {issuer.issue('dwp', 'dwp', ['auditor'])}",
    "operator": f"Bearer {issuer.issue('dwp', 'dwp', ['operator'])}",
    "jcp": f"Bearer {issuer.issue('jcp-1', 'jcp', ['referrer'])}",
    "prime": f"Bearer {issuer.issue('prime-1', 'prime', ['manager'])}",
    "partner": f"Bearer {issuer.issue('partner-1', 'partner', ['adviser'])}",
    "none": None,
    "forged": bad_tokens("dwp", "dwp", "contract_manager")["another-secret"],
}


async def test_the_api_keeps_to_its_openapi_document(
    migrated_database: MigratedDatabase, nats_server: LocalNatsServer
) -> None:
    settings = ClaimsSettings(
        database_url=migrated_database(ALEMBIC_INI), nats_servers=[nats_server.url], log_json=False
    )
    await fuzz_api(create_app(settings), TOKENS, max_examples=15)
