"""registry read model v2: subcontracts' outcome payment share and the history of the terms money follows

Revision ID: 7b2e9d41c3a8
Revises: 5e1d7c0a9b21
Create Date: 2026-12-02 10:00:00

Subcontracts applied before this migration have no history of terms: what is owed under them falls back on their
terms as they stand (scx_registry.repository.payment_terms_on) until the read model is replayed from the stream.
"""
from typing import Sequence, Union

from scx_registry.migrations import create_registry_tables_v2, drop_registry_tables_v2

# revision identifiers, used by Alembic.
revision: str = "7b2e9d41c3a8"
down_revision: Union[str, Sequence[str], None] = "5e1d7c0a9b21"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    create_registry_tables_v2()


def downgrade() -> None:
    drop_registry_tables_v2()
