"""The tables every service has beside its own: outbox, inbox, dead letters and idempotency records.

They live in their own MetaData so that each service's Alembic environment can target
`[service_metadata, messaging_metadata]` and migrate them with the rest of its schema.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from scx_persistence.types import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


messaging_metadata = new_metadata()

# BigInteger on PostgreSQL, but INTEGER on SQLite so that it stays the rowid alias that autoincrements.
_id_type = BigInteger().with_variant(Integer(), "sqlite")

outbox = Table(
    "outbox",
    messaging_metadata,
    Column("position", _id_type, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("subject", String(200), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True, index=True),
    Column("stream_sequence", BigInteger, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
)

inbox = Table(
    "inbox",
    messaging_metadata,
    Column("consumer", String(100), primary_key=True),
    Column("event_id", String(36), primary_key=True),
    Column("event_type", String(100), nullable=False),
    Column("stream_sequence", BigInteger, nullable=True),
    Column("applied_at", UtcDateTime, nullable=False),
)

dead_letters = Table(
    "dead_letters",
    messaging_metadata,
    Column("id", _id_type, primary_key=True, autoincrement=True),
    Column("consumer", String(100), nullable=False),
    Column("event_id", String(36), nullable=True),
    Column("subject", String(200), nullable=False),
    Column("stream_sequence", BigInteger, nullable=True),
    Column("deliveries", Integer, nullable=False),
    Column("error", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    # Set when an operator replayed it after a fix and it applied: kept, not deleted, as the record of what happened.
    Column("replayed_at", UtcDateTime, nullable=True),
    Column("replayed_by", String(200), nullable=True),
    UniqueConstraint("consumer", "stream_sequence"),
)

# The first response to a POST sent with an Idempotency-Key, replayed to any retry (scx_servicekit.idempotency).
idempotency_records = Table(
    "idempotency_records",
    messaging_metadata,
    Column("organisation_id", String(64), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

__all__ = ["dead_letters", "idempotency_records", "inbox", "messaging_metadata", "new_metadata", "outbox"]
