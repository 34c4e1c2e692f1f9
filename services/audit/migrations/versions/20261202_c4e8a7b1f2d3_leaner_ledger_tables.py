"""leaner ledger tables: leaf_index is SQLite's rowid, parties and nodes without a rowid, no event_id index

Every leaf was written to eight B-trees on SQLite: the table by its hidden rowid, the primary key on leaf_index
(BIGINT is not a rowid alias; only INTEGER is), the unique stream sequence and six indexes, of which the one on
event_id served no query. Its parties went to two more each (a rowid table and its primary key). Now leaf_index is
the rowid (INTEGER on SQLite, BIGINT elsewhere), the parties and node tables are clustered on their primary keys
(WITHOUT ROWID), and the unused index is gone. PostgreSQL loses the unused index only.

Revision ID: c4e8a7b1f2d3
Revises: ad29f4a1d0cd
Create Date: 2026-12-02 09:00:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "c4e8a7b1f2d3"
down_revision: str | Sequence[str] | None = "ad29f4a1d0cd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    with op.batch_alter_table("ledger_leaves", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_leaves_event")
    if not _sqlite():
        return
    with op.batch_alter_table("ledger_leaves", recreate="always") as batch_op:
        batch_op.alter_column("leaf_index", existing_type=sa.BigInteger(), type_=sa.Integer(), autoincrement=False,
                              existing_nullable=False)
    for table in ("ledger_parties", "ledger_nodes"):
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_with_rowid": False}):
            pass


def downgrade() -> None:
    if _sqlite():
        for table in ("ledger_parties", "ledger_nodes"):
            with op.batch_alter_table(table, recreate="always"):
                pass
        with op.batch_alter_table("ledger_leaves", recreate="always") as batch_op:
            batch_op.alter_column("leaf_index", existing_type=sa.Integer(), type_=sa.BigInteger(),
                                  autoincrement=False, existing_nullable=False)
    with op.batch_alter_table("ledger_leaves", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_leaves_event", ["event_id"], unique=False)
