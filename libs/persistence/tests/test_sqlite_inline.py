"""SQLite's writer connection runs on the event loop's thread (ADR 0011): the same behaviour, no worker thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from scx_persistence import create_engine
from scx_persistence import engine as engine_module
from scx_persistence.sqlite_inline import InlineConnection

metadata = MetaData()
notes = Table("notes", metadata, Column("id", Integer, primary_key=True), Column("text", String(20), unique=True))


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}"


async def test_the_writer_runs_statements_on_the_loop_thread_and_starts_no_thread(url):
    writer = create_engine(url)
    threads_before = threading.active_count()
    try:
        async with writer.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(insert(notes), [{"text": "a"}, {"text": "b"}])
            driver = (await conn.get_raw_connection()).driver_connection
            assert isinstance(driver, InlineConnection)
            assert not driver._thread.is_alive()
            assert await conn.scalar(text("PRAGMA journal_mode")) == "wal"
            assert await conn.scalar(text("PRAGMA foreign_keys")) == 1
        async with writer.connect() as conn:
            assert (await conn.execute(select(notes.c.text).order_by(notes.c.id))).scalars().all() == ["a", "b"]
        assert threading.active_count() == threads_before
    finally:
        await writer.dispose()


async def test_a_failed_statement_raises_and_the_transaction_rolls_back(url):
    writer = create_engine(url)
    try:
        async with writer.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(insert(notes).values(text="kept"))
        with pytest.raises(IntegrityError):
            async with writer.begin() as conn:
                await conn.execute(insert(notes).values(text="undone"))
                await conn.execute(insert(notes).values(text="kept"))  # unique: fails, and the block rolls back
        async with writer.connect() as conn:
            assert (await conn.execute(select(notes.c.text))).scalars().all() == ["kept"]
    finally:
        await writer.dispose()


async def test_reads_see_the_writers_commits_from_their_own_threads(url):
    writer, reader = create_engine(url), create_engine(url, for_reads=True)
    try:
        async with writer.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(insert(notes).values(text="seen"))
        async with reader.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            assert not isinstance(driver, InlineConnection)
            assert (await conn.execute(select(notes.c.text))).scalars().all() == ["seen"]
    finally:
        await writer.dispose()
        await reader.dispose()


async def test_a_write_lock_held_by_another_process_fails_after_the_short_timeout_instead_of_hanging(
    url, tmp_path, monkeypatch
):
    monkeypatch.setattr(engine_module, "INLINE_BUSY_TIMEOUT_MS", 200)
    writer = create_engine(url)
    try:
        async with writer.begin() as conn:
            await conn.run_sync(metadata.create_all)
        other = sqlite3.connect(tmp_path / "inline.db", isolation_level=None)  # stands in for another process
        other.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(OperationalError, match="locked"):
                async with asyncio.timeout(10), writer.begin() as conn:
                    await conn.execute(insert(notes).values(text="blocked"))
        finally:
            other.execute("ROLLBACK")
            other.close()
        async with writer.begin() as conn:  # the lock released, writing goes on
            await conn.execute(insert(notes).values(text="after"))
    finally:
        await writer.dispose()


async def test_setting_an_isolation_level_through_sqlalchemy_does_not_wait_for_a_thread(url):
    writer = create_engine(url)
    try:
        async with asyncio.timeout(10), writer.connect() as conn:
            autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
            assert await autocommit.scalar(text("SELECT 1")) == 1
    finally:
        await writer.dispose()
