from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from scx_claims.app import create_app
from scx_claims.config import ClaimsSettings
from scx_claims.models import metadata
from scx_messaging import LocalNatsServer
from scx_testing.api import ServiceProbe, serve
from scx_testing.plugin import MigratedDatabase

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest_asyncio.fixture
async def service(migrated_database: MigratedDatabase, nats_server: LocalNatsServer) -> AsyncIterator[ServiceProbe]:
    """The claims app on a fresh migrated database (SQLite and PostgreSQL) and its own nats-server."""
    settings = ClaimsSettings(
        database_url=migrated_database(ALEMBIC_INI), nats_servers=[nats_server.url], log_json=False
    )
    async with serve(create_app(settings), metadata) as probe:
        yield probe
