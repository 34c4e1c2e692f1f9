"""The migration helpers a service calls to include the registry read model make exactly the tables of
scx_registry.models (version 1, then version 2 over it), and take them away again, on both backends."""

from __future__ import annotations

from scx_registry import registry_metadata
from scx_registry.migrations import (
    create_registry_tables_v1,
    create_registry_tables_v2,
    drop_registry_tables_v1,
    drop_registry_tables_v2,
)
from scx_testing.migrations import assert_helper_makes


def _create() -> None:
    create_registry_tables_v1()
    create_registry_tables_v2()


def _drop() -> None:
    drop_registry_tables_v2()
    drop_registry_tables_v1()


async def test_the_helpers_create_the_registry_tables_as_declared_and_drop_them(empty_database_url: str) -> None:
    await assert_helper_makes(empty_database_url, registry_metadata, _create, _drop)
