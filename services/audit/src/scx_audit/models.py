"""The audit service's tables: each a Core `Table` on `metadata`, with its record beside it, a frozen dataclass
with one field per column (ADR 0013). Alembic's autogenerate compares `metadata` with the database."""

from __future__ import annotations

from scx_persistence import new_metadata

metadata = new_metadata()
