"""merge the weekly returns' branch with the history's (both follow a4f0c2d9e6b3)

Revision ID: 7b1e4c9a2f05
Revises: 446134526bd2, 5d2e8b7c1a90
Create Date: 2026-12-01 17:10:00.000000

"""
from typing import Sequence, Union


# revision identifiers, used by Alembic.
revision: str = '7b1e4c9a2f05'
down_revision: Union[str, Sequence[str], None] = ('446134526bd2', '5d2e8b7c1a90')
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
