from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from scx_persistence.sqlite_inline import INLINE_BUSY_TIMEOUT_MS, inline_creator

READ_ONLY = "scx_read_only"


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """The same pool, for transactions that only read: SQLite begins them deferred instead of IMMEDIATE."""
    return engine.execution_options(**{READ_ONLY: True})


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def create_engine(url: str, *, echo: bool = False, for_reads: bool = False, inline_reads: bool = False) -> AsyncEngine:
    """One URL setting picks the backend: `sqlite+aiosqlite:///path.db` or `postgresql+asyncpg://...`.

    SQLite allows one writer at a time. A writer engine there has a single connection, so the process's writers
    queue for it in order inside the pool, instead of each taking turns at SQLite's busy handler, which sleeps
    up to 100 ms a try and made the tail latency seconds long under load. That connection runs its statements on
    the event loop's thread (`scx_persistence.sqlite_inline`, ADR 0011). Reads get their own engine
    (`for_reads=True`) on aiosqlite's threads: under WAL they run beside the writer and never wait for it.
    `inline_reads=True` runs the read connections on the loop's thread too: a short indexed read then costs no thread
    hand-offs (four a statement through aiosqlite), but a long one holds up the loop while it runs. For a service
    whose reads are all short, keyed and latency-bound (the audit ledger's, ADR 0019).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if for_reads and inline_reads:
            engine = create_async_engine(
                parsed, echo=echo, async_creator=inline_creator(parsed, busy_timeout_ms=INLINE_BUSY_TIMEOUT_MS),
                pool_timeout=60, pool_size=5, max_overflow=10,
            )
            _configure_sqlite(engine, busy_timeout_ms=INLINE_BUSY_TIMEOUT_MS)
            return read_only(engine)
        if for_reads:
            engine = create_async_engine(
                parsed, echo=echo, connect_args={"timeout": 30}, pool_timeout=60, pool_size=5, max_overflow=10
            )
            _configure_sqlite(engine, busy_timeout_ms=30_000)
            return read_only(engine)
        engine = create_async_engine(
            parsed, echo=echo, async_creator=inline_creator(parsed, busy_timeout_ms=INLINE_BUSY_TIMEOUT_MS),
            pool_timeout=60, pool_size=1, max_overflow=0,
        )
        _configure_sqlite(engine, busy_timeout_ms=INLINE_BUSY_TIMEOUT_MS)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+asyncpg")
        return create_async_engine(parsed, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True)
    raise ValueError(f"unsupported database URL {parsed.render_as_string(hide_password=True)}")


def _configure_sqlite(engine: AsyncEngine, *, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN; we issue BEGIN IMMEDIATE ourselves (below)
        # so that two writers queue on the lock instead of failing when one upgrades from reading.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Reads (READ_ONLY below) begin deferred, so under WAL they never wait for a writer.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
