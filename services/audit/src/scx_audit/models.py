"""The audit service's tables and their records (ADR 0013): the ledger's leaves, its stored subtree hashes, its head,
its signed checkpoints and the gaps it found (ADR 0019)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, LargeBinary, SmallInteger, String, Table, Text

from scx_persistence import new_metadata
from scx_persistence.types import UtcDateTime

metadata = new_metadata()

# Leaf i: the exact bytes of the i-th message of the stream the ledger appended, with its stream sequence and hash;
# the rest of the row is what the auditor's queries look it up by, read from the envelope (None when the bytes are
# not an envelope: the ledger keeps whatever the stream held).
ledger_leaves = Table(
    "ledger_leaves",
    metadata,
    # INTEGER on SQLite, where only that makes the key the table's rowid (one B-tree fewer per leaf).
    Column("leaf_index", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False),
    Column("stream_sequence", BigInteger, nullable=False, unique=True),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    Column("leaf", LargeBinary, nullable=False),
    Column("subject", String(255), nullable=False),
    Column("event_id", String(36), nullable=True),
    Column("event_type", String(100), nullable=True),
    Column("occurred_at", UtcDateTime, nullable=True),
    Column("journey_id", String(36), nullable=True),
    Column("claimant_ref", String(40), nullable=True),
    Column("actor_id", String(64), nullable=True),
    Column("appended_at", UtcDateTime, nullable=False),
    Index("ix_ledger_leaves_journey", "journey_id", "leaf_index"),
    Index("ix_ledger_leaves_claimant", "claimant_ref", "leaf_index"),
    Index("ix_ledger_leaves_type", "event_type", "leaf_index"),
    Index("ix_ledger_leaves_occurred", "occurred_at", "leaf_index"),
    Index("ix_ledger_leaves_hash", "leaf_hash"),
)


LEAF_COLUMNS = tuple(c.name for c in ledger_leaves.columns)
# A leaf's row as ingest writes it: a tuple in LEAF_COLUMNS order (a record per leaf costs more than the leaf's hash).
LeafRow = tuple[int, int, bytes, bytes, str, str | None, str | None, datetime | None, str | None, str | None,
                str | None, datetime]


@dataclass(frozen=True, slots=True, kw_only=True)
class Leaf:
    leaf_index: int
    stream_sequence: int
    leaf_hash: bytes
    leaf: bytes
    subject: str
    event_id: str | None
    event_type: str | None
    occurred_at: datetime | None
    journey_id: str | None
    claimant_ref: str | None
    actor_id: str | None
    appended_at: datetime


# Every organisation an event concerns: the actor's, and those its data names (prime, partner, referrer...).
ledger_parties = Table(
    "ledger_parties",
    metadata,
    Column("organisation_id", String(64), primary_key=True),
    Column("leaf_index", BigInteger, primary_key=True, autoincrement=False),
    Column("as_actor", Boolean, nullable=False),
    sqlite_with_rowid=False,  # clustered on its key: one B-tree per row, not two
)


PARTY_COLUMNS = tuple(c.name for c in ledger_parties.columns)
PartyRow = tuple[str, int, bool]  # in PARTY_COLUMNS order


# The hashes of completed subtrees at every fourth level (4, 8, 12...; level 0 is the leaves' own hash): any node
# is then at most 8 stored hashes away, and there are a fifteenth as many rows as leaves.
ledger_nodes = Table(
    "ledger_nodes",
    metadata,
    Column("level", SmallInteger, primary_key=True, autoincrement=False),
    Column("node_index", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
    sqlite_with_rowid=False,
)


NODE_COLUMNS = tuple(c.name for c in ledger_nodes.columns)
NodeRow = tuple[int, int, bytes]  # in NODE_COLUMNS order: level, node_index, hash


# One row: the ledger's size, the last stream sequence appended and the compact range (the hashes of the perfect
# subtrees its size decomposes into, largest first, concatenated). Taken FOR UPDATE by every append, so replicas
# append one at a time.
ledger_head = Table(
    "ledger_head",
    metadata,
    Column("head_id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    Column("last_sequence", BigInteger, nullable=False),
    Column("fringe", LargeBinary, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Head:
    head_id: int
    size: int
    last_sequence: int
    fringe: bytes


ledger_checkpoints = Table(
    "ledger_checkpoints",
    metadata,
    Column("tree_size", BigInteger, primary_key=True, autoincrement=False),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("signed_at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredCheckpoint:
    tree_size: int
    root_hash: bytes
    note: str
    signed_at: datetime


# A stretch of stream sequences the stream no longer holds and the ledger never saw: the ledger stops before it
# until an operator acknowledges it (ADR 0019).
ledger_gaps = Table(
    "ledger_gaps",
    metadata,
    Column("after_sequence", BigInteger, primary_key=True, autoincrement=False),
    Column("next_sequence", BigInteger, nullable=False),
    Column("detected_at", UtcDateTime, nullable=False),
    Column("acknowledged_at", UtcDateTime, nullable=True),
    Column("acknowledged_by", String(100), nullable=True),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    after_sequence: int
    next_sequence: int
    detected_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
