"""The statements every repository is made of (ADR 0013): rows in and out as frozen records.

Statements are built once per table and column set, with bound parameters, so SQLAlchemy reuses them and their
cache keys (ADR 0012 measured the difference on the referral service's hot path). Only repositories call these.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Executable, Insert, Select, Table, Update, bindparam, insert, select, update

from scx_persistence.uow import UnitOfWork

R = TypeVar("R")

_built: dict[tuple[object, ...], Any] = {}  # a few dozen statements per service at most


def select_by(table: Table, *columns: str, for_update: bool = False) -> Select[Any]:
    """SELECT * FROM table WHERE each named column = :that_column."""
    key = ("select", table, columns, for_update)
    if key not in _built:
        query = select(table).where(*(table.c[name] == bindparam(name) for name in columns))
        _built[key] = query.with_for_update() if for_update else query
    statement: Select[Any] = _built[key]
    return statement


def _insert_into(table: Table) -> Insert:
    key = ("insert", table)
    if key not in _built:
        _built[key] = insert(table)
    statement: Insert = _built[key]
    return statement


def _update_by(table: Table, keys: tuple[str, ...], columns: tuple[str, ...]) -> Update:
    key = ("update", table, keys, columns)
    if key not in _built:
        _built[key] = (
            update(table)
            .where(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
            .values({c: bindparam(f"v_{c}") for c in columns})
        )
    statement: Update = _built[key]
    return statement


async def fetch_one(uow: UnitOfWork, record: type[R], query: Executable, **params: Any) -> R | None:
    connection = await uow.session.connection()
    row = (await connection.execute(query, params)).mappings().one_or_none()
    return None if row is None else record(**row)


async def fetch_all(uow: UnitOfWork, record: type[R], query: Executable, **params: Any) -> list[R]:
    connection = await uow.session.connection()
    return [record(**row) for row in (await connection.execute(query, params)).mappings()]


async def scalar(uow: UnitOfWork, query: Executable, **params: Any) -> Any:
    return await (await uow.session.connection()).scalar(query, params)


async def execute(uow: UnitOfWork, statement: Executable, params: Sequence[dict[str, Any]] | dict[str, Any]) -> None:
    await (await uow.session.connection()).execute(statement, params)


def _values(record: object) -> dict[str, Any]:
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}  # type: ignore[arg-type]


async def insert_records(uow: UnitOfWork, table: Table, records: Iterable[object]) -> None:
    rows = [_values(r) for r in records]
    if rows:
        await execute(uow, _insert_into(table), rows)


async def insert_record(uow: UnitOfWork, table: Table, record: object) -> None:
    await execute(uow, _insert_into(table), _values(record))


async def update_record(uow: UnitOfWork, table: Table, record: object) -> None:
    """Write every column of the record that is not part of the table's primary key, by that key."""
    keys = tuple(c.name for c in table.primary_key.columns)
    values = _values(record)
    columns = tuple(name for name in values if name not in keys)
    params = {**{f"k_{k}": values[k] for k in keys}, **{f"v_{c}": values[c] for c in columns}}
    await execute(uow, _update_by(table, keys, columns), params)
