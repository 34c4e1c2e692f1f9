"""The migrations build exactly the tables models.py declares, on both backends: nothing for autogenerate to add."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from scx_persistence import create_engine, messaging_metadata
from scx_subcontracts.models import metadata
from scx_testing.plugin import MigratedDatabase

from .builders import ALEMBIC_INI


def differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    # A list, as env.py's target_metadata is: alembic takes one at run time though its annotation says one MetaData.
    return list(compare_metadata(context, [metadata, messaging_metadata]))  # type: ignore[arg-type]


async def test_the_migrated_schema_is_the_declared_one(migrated_database: MigratedDatabase) -> None:
    engine = create_engine(migrated_database(ALEMBIC_INI))
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()
