"""dead letters: when an operator replayed one, and who

Revision ID: 5e1d7c0a9b21
Revises: 4c1e5a7d2b90
Create Date: 2026-12-01 12:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '5e1d7c0a9b21'
down_revision: Union[str, Sequence[str], None] = '4c1e5a7d2b90'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('dead_letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replayed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('replayed_by', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('dead_letters', schema=None) as batch_op:
        batch_op.drop_column('replayed_by')
        batch_op.drop_column('replayed_at')
