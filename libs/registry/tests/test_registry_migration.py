"""The migration helper a service calls to include the registry read model makes exactly the tables of
scx_registry.models, and takes them away again, on both backends."""

from __future__ import annotations

from scx_registry import registry_metadata
from scx_registry.migrations import create_registry_tables_v1, drop_registry_tables_v1
from scx_testing.migrations import assert_helper_makes


async def test_the_helper_creates_the_registry_tables_as_declared_and_drops_them(empty_database_url: str) -> None:
    await assert_helper_makes(empty_database_url, registry_metadata, create_registry_tables_v1, drop_registry_tables_v1)
