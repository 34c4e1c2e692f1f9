"""Shared body of every service's Alembic env.py (async engine, SQLite batch mode, both metadatas), and the
operations that create the messaging tables every service has, for its first migration."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op
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


# The messaging tables as they were first made. Spelled out rather than read from scx_persistence.tables, because
# a migration must keep doing what it did when it was written: a later change to those tables is a migration of
# its own, which an earlier migration that followed tables.py would collide with.
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def create_messaging_tables_v1() -> None:
    """In a service's first migration: the outbox, inbox, dead-letter and idempotency tables of
    scx_persistence.tables, as they are at version 1.

    Frozen, like the migration that calls it: when those tables change, a `..._v2` step comes beside this one and
    each service's next migration calls it; this one never changes."""
    op.create_table(
        "dead_letters",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("stream_sequence", sa.BigInteger(), nullable=True),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replayed_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
        sa.UniqueConstraint("consumer", "stream_sequence", name=op.f("uq_dead_letters_consumer")),
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("stream_sequence", sa.BigInteger(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name=op.f("pk_inbox")),
    )
    op.create_table(
        "outbox",
        sa.Column("position", _ID, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stream_sequence", sa.BigInteger(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    op.create_index(op.f("ix_outbox_sent_at"), "outbox", ["sent_at"], unique=False)
    op.create_table(
        "idempotency_records",
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "key", name=op.f("pk_idempotency_records")),
    )


def drop_messaging_tables_v1() -> None:
    """The inverse of create_messaging_tables_v1, for the first migration's downgrade."""
    op.drop_table("idempotency_records")
    op.drop_index(op.f("ix_outbox_sent_at"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("inbox")
    op.drop_table("dead_letters")
