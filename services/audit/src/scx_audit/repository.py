"""Every statement the audit service makes. Each function takes the unit of work first (`uow`), then keyword-only
arguments, and returns records; this is the only module that touches `uow.session` (ADR 0013)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Boolean, LargeBinary, Table, and_, bindparam, exists, insert, or_, select
from sqlalchemy.engine import Dialect

from scx_audit.models import (
    LEAF_COLUMNS,
    NODE_COLUMNS,
    PARTY_COLUMNS,
    Gap,
    Head,
    Leaf,
    LeafRow,
    NodeRow,
    PartyRow,
    StoredCheckpoint,
    ledger_checkpoints,
    ledger_gaps,
    ledger_head,
    ledger_leaves,
    ledger_nodes,
    ledger_parties,
)
from scx_audit.rules import CHECKPOINT_EVENT, Span
from scx_persistence import UnitOfWork
from scx_persistence.records import (
    execute,
    fetch_all,
    fetch_one,
    insert_if_new,
    insert_record,
    scalar,
    select_by,
    update_record,
)

HEAD_ID = 1
_LATEST_CHECKPOINT = select(ledger_checkpoints).order_by(ledger_checkpoints.c.tree_size.desc()).limit(1)
_CHECKPOINTS_FROM = (
    select(ledger_checkpoints)
    .where(ledger_checkpoints.c.tree_size >= bindparam("from_size"))
    .where(ledger_checkpoints.c.tree_size <= bindparam("to_size"))
    .order_by(ledger_checkpoints.c.tree_size)
    .limit(bindparam("limit"))
)
_LEAVES_BETWEEN = (
    select(ledger_leaves)
    .where(ledger_leaves.c.leaf_index >= bindparam("start"), ledger_leaves.c.leaf_index < bindparam("end"))
    .order_by(ledger_leaves.c.leaf_index)
)
_IN_CHUNK = 1000  # hashes asked for in one statement (SQLite allows 32,766 parameters, PostgreSQL 65,535)
_LEAF_HASHES_IN = select(ledger_leaves.c.leaf_index, ledger_leaves.c.leaf_hash).where(
    ledger_leaves.c.leaf_index.in_(bindparam("indices", expanding=True))
)
_NODE_HASHES_IN = select(ledger_nodes.c.node_index, ledger_nodes.c.hash).where(
    ledger_nodes.c.level == bindparam("level"),
    ledger_nodes.c.node_index.in_(bindparam("indices", expanding=True)),
)
_INDEX_OF_HASH = (
    select(ledger_leaves.c.leaf_index)
    .where(ledger_leaves.c.leaf_hash == bindparam("leaf_hash"))
    .order_by(ledger_leaves.c.leaf_index)
    .limit(1)
)
_OTHER_THAN_CHECKPOINTS_FROM = select(
    exists().where(
        ledger_leaves.c.leaf_index >= bindparam("start"),
        or_(ledger_leaves.c.event_type.is_(None), ledger_leaves.c.event_type != CHECKPOINT_EVENT),
    )
)
_OUTSTANDING_GAPS = select(ledger_gaps).where(ledger_gaps.c.acknowledged_at.is_(None)).order_by(
    ledger_gaps.c.after_sequence
)
_ALL_GAPS = select(ledger_gaps).order_by(ledger_gaps.c.after_sequence)


# ---- the head, leaves and hashes


async def lock_head(uow: UnitOfWork) -> Head:
    head = await fetch_one(uow, Head, select_by(ledger_head, "head_id", for_update=True), {"head_id": HEAD_ID})
    if head is None:  # the first append: one row, for ever
        head = Head(head_id=HEAD_ID, size=0, last_sequence=0, fringe=b"")
        if not await insert_if_new(uow, ledger_head, head):
            return await lock_head(uow)
    return head


async def read_head(uow: UnitOfWork) -> Head:
    head = await fetch_one(uow, Head, select_by(ledger_head, "head_id"), {"head_id": HEAD_ID})
    return head or Head(head_id=HEAD_ID, size=0, last_sequence=0, fringe=b"")


async def update_head(uow: UnitOfWork, head: Head) -> None:
    await update_record(uow, ledger_head, head, columns=("size", "last_sequence", "fringe"))


async def add_leaves(uow: UnitOfWork, leaves: Sequence[LeafRow], parties: Sequence[PartyRow],
                     nodes: Sequence[NodeRow]) -> None:
    await _insert_rows(uow, ledger_leaves, LEAF_COLUMNS, leaves)
    await _insert_rows(uow, ledger_parties, PARTY_COLUMNS, parties)
    await _insert_rows(uow, ledger_nodes, NODE_COLUMNS, nodes)


@dataclass(frozen=True)
class _Bulk:
    sql: str
    convert: tuple[tuple[int, Callable[[Any], Any]], ...]  # (position, the column type's bind processor)


@cache
def _bulk(table: Table, columns: tuple[str, ...], dialect: Dialect) -> _Bulk:
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    assert compiled.positiontup == list(columns), "a positional paramstyle, in column order"
    convert = []
    for position, name in enumerate(columns):
        column_type = table.c[name].type
        if isinstance(column_type, Boolean | LargeBinary):
            continue  # bool and bytes are what both drivers take for these, as they are (no per-row wrapping)
        processor = column_type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            convert.append((position, processor))
    return _Bulk(compiled.string, tuple(convert))


async def _insert_rows(
    uow: UnitOfWork, table: Table, columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert rows given as tuples in `columns` order, with one executemany of the driver: the statement compiled
    once per dialect, each value converted by its column type's own bind processor (the dates), and
    nothing else done per row. SQLAlchemy's executemany of dicts spent more per row than SQLite's insert did."""
    if not rows:
        return
    connection = await uow.session.connection()
    bulk = _bulk(table, columns, connection.dialect)
    if bulk.convert:
        columns_of = list(zip(*rows, strict=True))
        for position, processor in bulk.convert:
            done: dict[Any, Any] = {}  # a batch's rows share values (appended_at): convert each once
            columns_of[position] = tuple(
                done[v] if v in done else done.setdefault(v, processor(v)) for v in columns_of[position]
            )
        rows = list(zip(*columns_of, strict=True))
    await connection.exec_driver_sql(bulk.sql, rows if isinstance(rows, list) else list(rows))


async def stored_hashes(uow: UnitOfWork, spans: Sequence[Span]) -> dict[tuple[int, int], bytes]:
    """The stored hashes of each span, keyed by (level, index): one statement per level (per thousand hashes), not
    per span, so that a page of events with their inclusion proofs is a handful of reads, not hundreds."""
    wanted: dict[int, set[int]] = {}
    for span in spans:
        wanted.setdefault(span.level, set()).update(range(span.first, span.first + span.count))
    found: dict[tuple[int, int], bytes] = {}
    for level, indices in sorted(wanted.items()):
        ordered = sorted(indices)
        for start in range(0, len(ordered), _IN_CHUNK):
            chunk = ordered[start:start + _IN_CHUNK]
            if level == 0:
                rows = await execute(uow, _LEAF_HASHES_IN, {"indices": chunk})
            else:
                rows = await execute(uow, _NODE_HASHES_IN, {"indices": chunk, "level": level})
            for index, digest in rows:
                found[(level, index)] = digest
    return found


async def leaves_between(uow: UnitOfWork, *, start: int, end: int) -> list[Leaf]:
    return await fetch_all(uow, Leaf, _LEAVES_BETWEEN, {"start": start, "end": end})


async def index_of_hash(uow: UnitOfWork, *, leaf_hash: bytes, below: int) -> int | None:
    index = await scalar(uow, _INDEX_OF_HASH, {"leaf_hash": leaf_hash})
    return None if index is None or index >= below else int(index)


async def anything_but_checkpoints_from(uow: UnitOfWork, *, start: int) -> bool:
    return bool(await scalar(uow, _OTHER_THAN_CHECKPOINTS_FROM, {"start": start}))


# ---- checkpoints


async def latest_checkpoint(uow: UnitOfWork) -> StoredCheckpoint | None:
    return await fetch_one(uow, StoredCheckpoint, _LATEST_CHECKPOINT)


async def checkpoint_of(uow: UnitOfWork, *, tree_size: int) -> StoredCheckpoint | None:
    return await fetch_one(uow, StoredCheckpoint, select_by(ledger_checkpoints, "tree_size"), {"tree_size": tree_size})


async def checkpoints(uow: UnitOfWork, *, from_size: int, to_size: int, limit: int) -> list[StoredCheckpoint]:
    params = {"from_size": from_size, "to_size": to_size, "limit": limit}
    return await fetch_all(uow, StoredCheckpoint, _CHECKPOINTS_FROM, params)


async def add_checkpoint(uow: UnitOfWork, checkpoint: StoredCheckpoint) -> None:
    await insert_record(uow, ledger_checkpoints, checkpoint)


# ---- gaps


async def record_gap(uow: UnitOfWork, gap: Gap) -> bool:
    return await insert_if_new(uow, ledger_gaps, gap)


async def gap_after(uow: UnitOfWork, *, after_sequence: int) -> Gap | None:
    return await fetch_one(uow, Gap, select_by(ledger_gaps, "after_sequence"), {"after_sequence": after_sequence})


async def outstanding_gaps(uow: UnitOfWork) -> list[Gap]:
    return await fetch_all(uow, Gap, _OUTSTANDING_GAPS)


async def all_gaps(uow: UnitOfWork) -> list[Gap]:
    return await fetch_all(uow, Gap, _ALL_GAPS)


async def update_gap(uow: UnitOfWork, gap: Gap) -> None:
    await update_record(uow, ledger_gaps, gap, columns=("next_sequence", "acknowledged_at", "acknowledged_by"))


# ---- the auditor's queries


@dataclass(frozen=True, kw_only=True)
class LeafFilter:
    journey_id: str | None = None
    claimant_ref: str | None = None
    organisation_id: str | None = None
    as_actor: bool | None = None  # None: as actor or as a party concerned
    event_type: str | None = None
    occurred_from: datetime | None = None
    occurred_before: datetime | None = None


async def search(uow: UnitOfWork, where: LeafFilter, *, after: int, below: int, limit: int) -> list[Leaf]:
    """Leaves matching every condition given, in ledger order, after index `after` and below `below` (the size of
    the checkpoint the answer is proven against)."""
    c = ledger_leaves.c
    conditions: list[Any] = [c.leaf_index > bindparam("after"), c.leaf_index < bindparam("below")]
    params: dict[str, Any] = {"after": after, "below": below, "limit": limit}
    for name, column in (("journey_id", c.journey_id), ("claimant_ref", c.claimant_ref),
                         ("event_type", c.event_type)):
        if getattr(where, name) is not None:
            conditions.append(column == bindparam(name))
            params[name] = getattr(where, name)
    if where.occurred_from is not None:
        conditions.append(c.occurred_at >= bindparam("occurred_from"))
        params["occurred_from"] = where.occurred_from
    if where.occurred_before is not None:
        conditions.append(c.occurred_at < bindparam("occurred_before"))
        params["occurred_before"] = where.occurred_before
    query = select(ledger_leaves)
    if where.organisation_id is not None:
        p = ledger_parties.c
        joined = [p.leaf_index == c.leaf_index, p.organisation_id == bindparam("organisation_id")]
        if where.as_actor:
            joined.append(p.as_actor.is_(True))
        query = query.join(ledger_parties, and_(*joined))
        params["organisation_id"] = where.organisation_id
        # In the parties' key order (the same leaves): ordered by the leaves' own, SQLite sorted every event of the
        # organisation before taking a page.
        order = p.leaf_index
    else:
        order = c.leaf_index
    query = query.where(*conditions).order_by(order).limit(bindparam("limit"))
    return await fetch_all(uow, Leaf, query, params)

