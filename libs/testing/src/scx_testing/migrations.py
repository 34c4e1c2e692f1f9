"""Checking a frozen migration helper (`create_messaging_tables_v1`, `create_registry_tables_v1`, ...) against
the tables the code declares: what it creates, autogenerate must find nothing to add to; what it drops, is gone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection

from scx_persistence import create_engine


def _migrate(connection: Connection, step: Callable[[], None], metadata: MetaData) -> tuple[list[Any], set[str]]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    with Operations.context(context):
        step()
    return list(compare_metadata(context, metadata)), set(inspect(connection).get_table_names())


async def assert_helper_makes(
    database_url: str, metadata: MetaData, create: Callable[[], None], drop: Callable[[], None]
) -> None:
    tables = {t.name for t in metadata.sorted_tables}
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            differences, present = await conn.run_sync(_migrate, create, metadata)
        assert differences == [], f"the helper and the tables disagree: {differences}"
        assert tables <= present
        async with engine.begin() as conn:
            _, present = await conn.run_sync(_migrate, drop, metadata)
        assert not tables & present
    finally:
        await engine.dispose()
