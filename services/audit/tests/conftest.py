from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from scx_audit.app import create_app
from scx_audit.config import AuditSettings
from scx_audit.models import metadata
from scx_messaging import LocalNatsServer
from scx_testing.api import ServiceProbe, serve
from scx_testing.plugin import MigratedDatabase

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest_asyncio.fixture
async def service(migrated_database: MigratedDatabase, nats_server: LocalNatsServer) -> AsyncIterator[ServiceProbe]:
    """The audit app on a fresh migrated database (SQLite and PostgreSQL) and its own nats-server."""
    settings = AuditSettings(
        database_url=migrated_database(ALEMBIC_INI), nats_servers=[nats_server.url], log_json=False
    )
    async with serve(create_app(settings), metadata) as probe:
        yield probe
