from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from scx_messaging import LocalNatsServer
from scx_testing.plugin import MigratedDatabase

from .builders import ALEMBIC_INI, Service, running


@pytest_asyncio.fixture
async def service(migrated_database: MigratedDatabase, nats_server: LocalNatsServer) -> AsyncIterator[Service]:
    """The subcontracts app on a fresh migrated database (SQLite and PostgreSQL) and its own nats-server."""
    async with running(migrated_database(ALEMBIC_INI), nats_server.url) as svc:
        yield svc
