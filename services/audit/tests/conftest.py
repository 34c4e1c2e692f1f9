from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio

from scx_audit.app import create_app
from scx_audit.config import AuditSettings
from scx_audit.models import metadata
from scx_messaging import LocalNatsServer
from scx_testing.api import ServiceProbe, serve
from scx_testing.plugin import MigratedDatabase

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"

Settings = Callable[..., AuditSettings]


@pytest.fixture
def audit_settings(migrated_database: MigratedDatabase, nats_server: LocalNatsServer) -> Settings:
    """Settings on a fresh migrated database (SQLite and PostgreSQL) and its own nats-server; a checkpoint every
    5 leaves or 0.2 s, so tests see them soon."""
    url = migrated_database(ALEMBIC_INI)

    def make(**overrides: object) -> AuditSettings:
        values: dict[str, object] = {
            "database_url": url, "nats_servers": [nats_server.url], "log_json": False,
            "checkpoint_every": 5, "checkpoint_seconds": 0.2, **overrides,
        }
        return AuditSettings(**values)  # type: ignore[arg-type]

    return make


@pytest_asyncio.fixture
async def service(audit_settings: Settings) -> AsyncIterator[ServiceProbe]:
    async with serve(create_app(audit_settings()), metadata) as probe:
        yield probe
