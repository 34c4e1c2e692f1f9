"""outbox, inbox and dead letters

Revision ID: cf2a9b6dc7a8
Revises:
Create Date: 2026-12-01 14:24:18.553450+00:00

"""
from collections.abc import Sequence

from scx_persistence.migrations import create_messaging_tables_v1, drop_messaging_tables_v1

# revision identifiers, used by Alembic.
revision: str = "cf2a9b6dc7a8"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_messaging_tables_v1()


def downgrade() -> None:
    drop_messaging_tables_v1()
