from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from scx_messaging import LocalNatsServer
from scx_testing.plugin import MigratedDatabase

from .builders import REFERRAL_INI, Chain, Stack, build_chain, running_stack


@pytest_asyncio.fixture
async def stack(migrated_database: MigratedDatabase, nats_server: LocalNatsServer) -> AsyncIterator[Stack]:
    """The referral app on a fresh migrated database of the backend under test, and the registry's events on the
    same nats-server."""
    async with running_stack(migrated_database(REFERRAL_INI), nats_server.url) as running:
        yield running


@pytest_asyncio.fixture
async def chain(stack: Stack) -> Chain:
    """prime-north's contract with a partner under each model, known to the referral service."""
    return await build_chain(stack)
