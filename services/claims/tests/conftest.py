from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from scx_messaging import LocalNatsServer
from scx_testing.plugin import MigratedDatabase

from .builders import ALEMBIC_INI, Stack, build_chain, running_stack


@pytest_asyncio.fixture
async def stack(migrated_database: MigratedDatabase, nats_server: LocalNatsServer) -> AsyncIterator[Stack]:
    """The claims app on a fresh migrated database of the backend under test (SQLite and PostgreSQL), a real
    nats-server, and prime-north's PL Pathways contract and supply chain known to it."""
    async with running_stack(migrated_database(ALEMBIC_INI), nats_server.url) as running:
        await build_chain(running)
        yield running
