"""registry read model from the scx_registry library: contract values, payment models and profiles; subcontract
prices, shares of targets and end reasons

Revision ID: 4c1e5a7d2b90
Revises: dc142c02d8a6
Create Date: 2026-12-01 12:30:00

Rows applied before this migration keep nulls (and no profile) for what the referral service did not record then;
the events that carried them are in the stream for a replay of the read model.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from scx_registry.migrations import create_profile_months_v1

# revision identifiers, used by Alembic.
revision: str = "4c1e5a7d2b90"
down_revision: Union[str, Sequence[str], None] = "dc142c02d8a6"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("known_contracts") as batch_op:
        batch_op.add_column(sa.Column("value_pence", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("payment_model", sa.String(100), nullable=True))
        batch_op.add_column(sa.Column("profile_revision", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("known_subcontracts") as batch_op:
        batch_op.add_column(sa.Column("service_prices", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("share_of_targets_percent", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("end_reason", sa.String(40), nullable=True))
    create_profile_months_v1()


def downgrade() -> None:
    op.drop_table("known_profile_months")
    with op.batch_alter_table("known_subcontracts") as batch_op:
        batch_op.drop_column("end_reason")
        batch_op.drop_column("share_of_targets_percent")
        batch_op.drop_column("service_prices")
    with op.batch_alter_table("known_contracts") as batch_op:
        batch_op.drop_column("profile_revision")
        batch_op.drop_column("payment_model")
        batch_op.drop_column("value_pence")
