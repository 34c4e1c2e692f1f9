"""SQLite's writer connection, run on the event loop's own thread (ADR 0011).

aiosqlite runs every call on a worker thread of its own and hands the result back through the event loop. For
SQLite's one writer connection that buys no concurrency (writers queue for it one at a time anyway) and costs
about 0.3 ms of CPU per statement in thread hand-offs, measured against 0.1 ms for the statement itself: more than
half of a request's CPU. `InlineConnection` keeps aiosqlite's interface, which SQLAlchemy's `sqlite+aiosqlite`
dialect drives, and runs each call at once on the calling thread instead.

What it gives up: while a statement runs, the event loop waits for it. Statements on indexed tables take tens of
microseconds. The one call that could wait long is taking SQLite's write lock from another *process*; the
writer connection's busy timeout is therefore short (`INLINE_BUSY_TIMEOUT_MS`), because a service's SQLite
database has one process writing to it: scale-out is PostgreSQL's job, not SQLite's. Reads keep aiosqlite's
threads, so a long read never holds up the loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import URL

INLINE_BUSY_TIMEOUT_MS = 5_000


class _RunNow:
    """Stands in for aiosqlite's queue to its worker thread: runs each queued call at once, here."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection without its thread: every call runs on the caller's thread when it is awaited."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        # Everything aiosqlite (or SQLAlchemy's adapter) queues for the worker thread runs at once instead,
        # including the connect, close and stop calls; the thread is never started.
        self._tx = _RunNow()  # type: ignore[assignment]

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    def __await__(self) -> Any:
        return self._connect().__await__()


def inline_creator(url: URL, *, busy_timeout_ms: int = INLINE_BUSY_TIMEOUT_MS) -> Callable[[], Any]:
    """The `async_creator` for an engine whose connections run inline; the URL's options apply as usual."""
    args, options = SQLiteDialect_aiosqlite().create_connect_args(url)
    kwargs: dict[str, Any] = {**options, "check_same_thread": False, "timeout": busy_timeout_ms / 1000}

    async def connect() -> InlineConnection:
        def connector() -> sqlite3.Connection:
            return sqlite3.connect(args[0], **kwargs)

        return await InlineConnection(connector)

    return connect
