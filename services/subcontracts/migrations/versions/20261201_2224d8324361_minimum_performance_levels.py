"""minimum performance levels (every setting kept), and the indexes the performance reports read the tallies by

Revision ID: 2224d8324361
Revises: 446134526bd2
Create Date: 2026-12-01 17:08:46
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "2224d8324361"
down_revision: Union[str, Sequence[str], None] = "446134526bd2"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "minimum_performance_level_sets",
        sa.Column("contract_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("applies_from", sa.String(length=7), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.contract_id"],
            name=op.f("fk_minimum_performance_level_sets_contract_id_contracts"),
        ),
        sa.PrimaryKeyConstraint("contract_id", "revision", name=op.f("pk_minimum_performance_level_sets")),
    )
    op.create_table(
        "minimum_performance_levels",
        sa.Column("contract_id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("payment_group", sa.Integer(), nullable=False),
        sa.Column("level_basis_points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id", "revision"],
            ["minimum_performance_level_sets.contract_id", "minimum_performance_level_sets.revision"],
            name=op.f("fk_minimum_performance_levels_contract_id_minimum_performance_level_sets"),
        ),
        sa.PrimaryKeyConstraint("contract_id", "revision", "payment_group", name=op.f("pk_minimum_performance_levels")),
    )
    op.create_index(
        "ix_history_monthly_tallies_performance", "history_monthly_tallies",
        ["contract_id", "figure", "month", "count"],
    )
    op.create_index(
        "ix_history_cohort_tallies_performance", "history_cohort_tallies",
        ["contract_id", "cohort", "measure", "month", "payment_group", "count"],
    )


def downgrade() -> None:
    op.drop_index("ix_history_cohort_tallies_performance", table_name="history_cohort_tallies")
    op.drop_index("ix_history_monthly_tallies_performance", table_name="history_monthly_tallies")
    op.drop_table("minimum_performance_levels")
    op.drop_table("minimum_performance_level_sets")
