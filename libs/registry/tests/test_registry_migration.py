"""The migration helper a service calls to include the registry read model makes exactly the tables of
scx_registry.models (autogenerate finds nothing to add), and takes them away again, on both backends."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from scx_persistence import create_engine
from scx_registry import registry_metadata
from scx_registry.migrations import create_registry_tables_v1, drop_registry_tables_v1


def _migrate(connection: Connection, step: Any) -> tuple[list[Any], set[str]]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    with Operations.context(context):
        step()
    differences = compare_metadata(context, registry_metadata)
    return differences, set(inspect(connection).get_table_names())


async def test_the_helper_creates_the_registry_tables_as_declared_and_drops_them(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    try:
        async with engine.begin() as conn:
            differences, tables = await conn.run_sync(_migrate, create_registry_tables_v1)
        assert differences == []
        assert tables >= {"known_organisations", "known_contracts", "known_profile_months", "known_subcontracts"}
        async with engine.begin() as conn:
            _, tables = await conn.run_sync(_migrate, drop_registry_tables_v1)
        assert not tables & {"known_organisations", "known_contracts", "known_profile_months", "known_subcontracts"}
    finally:
        await engine.dispose()
