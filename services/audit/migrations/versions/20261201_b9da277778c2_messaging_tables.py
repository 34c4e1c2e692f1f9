"""outbox, inbox and dead letters

Revision ID: b9da277778c2
Revises:
Create Date: 2026-12-01 13:54:22.359867+00:00

"""
from collections.abc import Sequence

from scx_persistence.migrations import create_messaging_tables_v1, drop_messaging_tables_v1

# revision identifiers, used by Alembic.
revision: str = "b9da277778c2"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_messaging_tables_v1()


def downgrade() -> None:
    drop_messaging_tables_v1()
