"""The migration helper a new service's first migration calls makes exactly the messaging tables of
scx_persistence.tables (autogenerate finds nothing to add), and takes them away again, on both backends."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from scx_persistence import create_engine, messaging_metadata
from scx_persistence.migrations import create_messaging_tables_v1, drop_messaging_tables_v1


def _migrate(connection: Connection, step: Any) -> tuple[list[Any], set[str]]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    with Operations.context(context):
        step()
    differences = compare_metadata(context, messaging_metadata)
    return differences, set(inspect(connection).get_table_names())


async def test_the_helper_creates_the_messaging_tables_as_declared_and_drops_them(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    try:
        async with engine.begin() as conn:
            differences, tables = await conn.run_sync(_migrate, create_messaging_tables_v1)
        assert differences == []
        assert tables >= {"outbox", "inbox", "dead_letters", "idempotency_records"}
        async with engine.begin() as conn:
            _, tables = await conn.run_sync(_migrate, drop_messaging_tables_v1)
        assert not tables & {"outbox", "inbox", "dead_letters", "idempotency_records"}
    finally:
        await engine.dispose()
