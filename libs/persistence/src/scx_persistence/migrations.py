"""Shared body of every service's Alembic env.py: async engine, SQLite batch mode, both metadatas."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from alembic import context
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from scx_persistence.engine import create_engine
from scx_persistence.tables import messaging_metadata


def database_url(default: str) -> str:
    """The URL from (in order) the caller's Config attributes, `-x database_url=...`, or the service's settings."""
    config = context.config
    given = config.attributes.get("database_url") or context.get_x_argument(as_dictionary=True).get("database_url")
    return str(given or default)


def run(service_metadata: MetaData | Sequence[MetaData], default_url: str) -> None:
    """Migrate the service's own tables (one MetaData, or several when it includes a library's, such as the
    registry read model's) together with the messaging tables."""
    own = [service_metadata] if isinstance(service_metadata, MetaData) else list(service_metadata)
    targets: Sequence[MetaData] = [*own, messaging_metadata]
    url = database_url(default_url)

    def do_run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=list(targets),
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
            await connection.commit()
        await engine.dispose()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=list(targets), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get("connection")
    if connection is not None:
        do_run(connection)
    else:
        asyncio.run(run_async())
