"""scx test kit: real NATS and databases for every service's tests (fixtures in `scx_testing.plugin`)."""

from scx_testing.databases import (
    BACKENDS,
    PostgresDatabases,
    SqliteDatabases,
    alembic_config,
    drop_database,
    migrated_database_url,
    postgres_url,
    upgrade,
)
from scx_testing.examples import EXAMPLE_ACTOR, EXAMPLES, example_envelope
from scx_testing.messaging import StoredMessage, read_events, read_stream, running
from scx_testing.polling import eventually

__all__ = [
    "BACKENDS",
    "EXAMPLES",
    "EXAMPLE_ACTOR",
    "PostgresDatabases",
    "SqliteDatabases",
    "StoredMessage",
    "alembic_config",
    "drop_database",
    "eventually",
    "example_envelope",
    "migrated_database_url",
    "postgres_url",
    "read_events",
    "read_stream",
    "running",
    "upgrade",
]
