from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

import scx_testing.databases as databases_module
from scx_persistence import create_engine
from scx_testing import alembic_config, drop_database, migrated_database_url, postgres_url
from scx_testing.databases import Databases, in_worker_thread

ALEMBIC_INI = Path(__file__).parent / "sample_service" / "alembic.ini"


def sqlite_file_exists(url: str) -> bool:
    return Path(make_url(url).database or "").exists()


async def scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.scalar(text(sql))
    finally:
        await engine.dispose()


async def execute(url: str, sql: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def table_names(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: sorted(inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_each_call_gives_a_fresh_database_at_head(migrated_database, backend):
    first = migrated_database(ALEMBIC_INI)
    await execute(first, "INSERT INTO widgets (name) VALUES ('sprocket')")

    second = migrated_database(ALEMBIC_INI)

    assert first != second
    assert make_url(first).get_backend_name() == ("sqlite" if backend == "sqlite" else "postgresql")
    assert await scalar(second, "SELECT version_num FROM alembic_version") == "0002"
    assert await scalar(second, "SELECT count(*) FROM widgets") == 0
    assert await scalar(first, "SELECT count(*) FROM widgets") == 1
    assert await scalar(first, "SELECT colour FROM widgets") == "blue"


async def test_migrations_run_once_per_session_and_are_cloned_after(migrated_database, monkeypatch):
    migrated_database(ALEMBIC_INI)
    calls: list[str] = []
    real_upgrade = databases_module.upgrade
    monkeypatch.setattr(databases_module, "upgrade", lambda ini, url: calls.append(url) or real_upgrade(ini, url))

    urls = {migrated_database(ALEMBIC_INI) for _ in range(3)}

    assert len(urls) == 3
    assert calls == []


async def test_empty_database_has_no_tables(empty_database_url):
    assert await table_names(empty_database_url) == []


async def test_a_dropped_database_is_gone(databases: Databases, backend):
    url = databases.empty()
    await execute(url, "CREATE TABLE t (id INTEGER PRIMARY KEY)")

    databases.drop(url)

    if backend == "sqlite":
        assert not sqlite_file_exists(url)
    else:
        with pytest.raises(DBAPIError, match="does not exist"):
            await scalar(url, "SELECT 1")


@pytest.mark.postgres
def test_postgres_url_is_an_asyncpg_url_over_the_unix_socket(postgres_server):
    url = postgres_url(postgres_server, "some_db")

    assert url.startswith("postgresql+asyncpg://postgres@/some_db?host=/")
    assert make_url(url).query["host"] == str(postgres_server.get_postmaster_info().socket_dir)


def test_helper_works_without_fixtures_or_an_event_loop(tmp_path):
    url = migrated_database_url(ALEMBIC_INI, "sqlite", workdir=tmp_path)

    assert Path(make_url(url).database or "").parent == tmp_path
    drop_database(url, "sqlite", workdir=tmp_path)
    assert not sqlite_file_exists(url)


def test_env_py_can_read_the_url_from_the_x_argument(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    config = alembic_config(ALEMBIC_INI, url)
    del config.attributes["database_url"]

    in_worker_thread(lambda: command.upgrade(config, "head"))

    assert (tmp_path / "x.db").exists()


def test_unknown_backend_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown backend"):
        migrated_database_url(ALEMBIC_INI, "oracle", workdir=tmp_path)
