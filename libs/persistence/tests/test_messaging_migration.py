"""The migration helper a new service's first migration calls makes exactly the messaging tables of
scx_persistence.tables (outbox, inbox, dead letters, idempotency records), and takes them away again, on both
backends."""

from __future__ import annotations

from scx_persistence import messaging_metadata
from scx_persistence.migrations import create_messaging_tables_v1, drop_messaging_tables_v1
from scx_testing.migrations import assert_helper_makes


async def test_the_helper_creates_the_messaging_tables_as_declared_and_drops_them(empty_database_url: str) -> None:
    await assert_helper_makes(
        empty_database_url, messaging_metadata, create_messaging_tables_v1, drop_messaging_tables_v1
    )
