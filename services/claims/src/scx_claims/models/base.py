"""The one `metadata` every table of the claims service is declared on (Alembic compares it with the database)."""

from __future__ import annotations

from scx_persistence import new_metadata

metadata = new_metadata()
