"""The statements every repository is made of (ADR 0013): rows in and out as frozen records.

Statements are built once per table and column set, with bound parameters, so SQLAlchemy reuses them and their
cache keys (ADR 0012 measured the difference on the referral service's hot path). Parameters travel as a mapping,
never as keyword arguments, so a column may be called anything. Only repositories call these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, Any, Self, TypeVar

from sqlalchemy import (
    CursorResult,
    Delete,
    Executable,
    Insert,
    Select,
    Table,
    Update,
    bindparam,
    delete,
    insert,
    select,
)
from sqlalchemy import update as update_statement
from sqlalchemy.dialects import postgresql, sqlite

from scx_persistence.uow import UnitOfWork

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R")
Params = Mapping[str, object]


@cache
def select_by(table: Table, *columns: str, for_update: bool = False) -> Select[Any]:
    """SELECT * FROM table WHERE each named column = :that_column."""
    query = select(table).where(*(table.c[name] == bindparam(name) for name in columns))
    return query.with_for_update() if for_update else query


@cache
def insert_into(table: Table) -> Insert:
    return insert(table)


@cache
def delete_by(table: Table, *columns: str) -> Delete:
    """DELETE FROM table WHERE each named column = :that_column."""
    return delete(table).where(*(table.c[name] == bindparam(name) for name in columns))


@cache
def update_by(table: Table, keys: tuple[str, ...], columns: tuple[str, ...]) -> Update:
    """UPDATE table SET each column = :v_column WHERE each key = :k_key (names that cannot clash with columns)."""
    return (
        update_statement(table)
        .where(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
        .values({c: bindparam(f"v_{c}") for c in columns})
    )


async def execute(uow: UnitOfWork, statement: Executable, params: Params | Sequence[Params] = {}) -> CursorResult[Any]:  # noqa: B006 - never mutated
    return await (await uow.session.connection()).execute(statement, params)


async def fetch_all(uow: UnitOfWork, record: type[R], statement: Executable, params: Params = {}) -> list[R]:  # noqa: B006
    return [record(**row) for row in (await execute(uow, statement, params)).mappings()]


async def fetch_one(uow: UnitOfWork, record: type[R], statement: Executable, params: Params = {}) -> R | None:  # noqa: B006
    row = (await execute(uow, statement, params)).mappings().one_or_none()
    return None if row is None else record(**row)


async def scalar(uow: UnitOfWork, statement: Executable, params: Params = {}) -> Any:  # noqa: B006
    return await (await uow.session.connection()).scalar(statement, params)


def values(record: DataclassInstance) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in fields(record)}


async def insert_record(uow: UnitOfWork, table: Table, record: DataclassInstance) -> None:
    await execute(uow, insert_into(table), values(record))


async def insert_records(uow: UnitOfWork, table: Table, records: Iterable[DataclassInstance]) -> None:
    rows = [values(r) for r in records]
    if rows:
        await execute(uow, insert_into(table), rows)


@cache
def _insert_if_new(table: Table, dialect: str) -> Insert:
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


async def insert_if_new(uow: UnitOfWork, table: Table, record: DataclassInstance) -> bool:
    """Insert the record unless a row with its key (or another unique value) is there already; whether it did.
    One statement where a read and an insert would be two: consumers apply events by the thousand."""
    connection = await uow.session.connection()
    result = await connection.execute(_insert_if_new(table, connection.dialect.name), values(record))
    return bool(result.rowcount == 1)


async def update_record(uow: UnitOfWork, table: Table, record: DataclassInstance, *, columns: Sequence[str]) -> None:
    """Write the record's `columns` to its row, by its primary key. A repository names the columns a use case may
    change (the rest of a row, such as who the parties are, is fixed when it is written), so a stale copy of the
    record can never write back what another transaction changed elsewhere in the row. The row must exist: an
    update that finds none is a bug, raised rather than lost."""
    keys = tuple(c.name for c in table.primary_key.columns)
    row = values(record)
    changed = tuple(columns)
    params = {**{f"k_{k}": row[k] for k in keys}, **{f"v_{c}": row[c] for c in changed}}
    result = await execute(uow, update_by(table, keys, changed), params)
    if result.rowcount != 1:
        raise LookupError(f"{table.name}: no row {', '.join(f'{k}={row[k]!r}' for k in keys)} to update")


class Narrowable:
    """A mixin for a filter dataclass whose fields are None (anything) or a value: a caller's scope narrowed by what
    it asked for, so that no filter parameter can widen what a caller may see."""

    def narrowed_by(self, wanted: Self) -> Self | None:
        """This scope narrowed by `wanted`; None when the two cannot both hold (the answer is then empty)."""
        merged = {}
        for field in fields(self):  # type: ignore[arg-type]
            mine, asked = getattr(self, field.name), getattr(wanted, field.name)
            if mine is not None and asked is not None and mine != asked:
                return None
            merged[field.name] = mine if mine is not None else asked
        return type(self)(**merged)
