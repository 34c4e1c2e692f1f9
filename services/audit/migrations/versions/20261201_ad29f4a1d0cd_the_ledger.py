"""the ledger: leaves, parties, stored subtree hashes, head, checkpoints, gaps

Revision ID: ad29f4a1d0cd
Revises: b9da277778c2
Create Date: 2026-12-01 14:03:11.986544

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import scx_persistence.types


# revision identifiers, used by Alembic.
revision: str = 'ad29f4a1d0cd'
down_revision: str | Sequence[str] | None = 'b9da277778c2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('ledger_checkpoints',
    sa.Column('tree_size', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('root_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('signed_at', scx_persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('tree_size', name=op.f('pk_ledger_checkpoints'))
    )
    op.create_table('ledger_gaps',
    sa.Column('after_sequence', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('next_sequence', sa.BigInteger(), nullable=False),
    sa.Column('detected_at', scx_persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', scx_persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('after_sequence', name=op.f('pk_ledger_gaps'))
    )
    op.create_table('ledger_head',
    sa.Column('head_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('last_sequence', sa.BigInteger(), nullable=False),
    sa.Column('fringe', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('head_id', name=op.f('pk_ledger_head'))
    )
    op.create_table('ledger_leaves',
    sa.Column('leaf_index', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('stream_sequence', sa.BigInteger(), nullable=False),
    sa.Column('leaf_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('leaf', sa.LargeBinary(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=True),
    sa.Column('event_type', sa.String(length=100), nullable=True),
    sa.Column('occurred_at', scx_persistence.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('journey_id', sa.String(length=36), nullable=True),
    sa.Column('claimant_ref', sa.String(length=40), nullable=True),
    sa.Column('actor_id', sa.String(length=64), nullable=True),
    sa.Column('appended_at', scx_persistence.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('leaf_index', name=op.f('pk_ledger_leaves')),
    sa.UniqueConstraint('stream_sequence', name=op.f('uq_ledger_leaves_stream_sequence'))
    )
    with op.batch_alter_table('ledger_leaves', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_leaves_claimant', ['claimant_ref', 'leaf_index'], unique=False)
        batch_op.create_index('ix_ledger_leaves_event', ['event_id'], unique=False)
        batch_op.create_index('ix_ledger_leaves_hash', ['leaf_hash'], unique=False)
        batch_op.create_index('ix_ledger_leaves_journey', ['journey_id', 'leaf_index'], unique=False)
        batch_op.create_index('ix_ledger_leaves_occurred', ['occurred_at', 'leaf_index'], unique=False)
        batch_op.create_index('ix_ledger_leaves_type', ['event_type', 'leaf_index'], unique=False)

    op.create_table('ledger_nodes',
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('node_index', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('level', 'node_index', name=op.f('pk_ledger_nodes'))
    )
    op.create_table('ledger_parties',
    sa.Column('organisation_id', sa.String(length=64), nullable=False),
    sa.Column('leaf_index', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('as_actor', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('organisation_id', 'leaf_index', name=op.f('pk_ledger_parties'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('ledger_parties')
    op.drop_table('ledger_nodes')
    with op.batch_alter_table('ledger_leaves', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_leaves_type')
        batch_op.drop_index('ix_ledger_leaves_occurred')
        batch_op.drop_index('ix_ledger_leaves_journey')
        batch_op.drop_index('ix_ledger_leaves_hash')
        batch_op.drop_index('ix_ledger_leaves_event')
        batch_op.drop_index('ix_ledger_leaves_claimant')

    op.drop_table('ledger_leaves')
    op.drop_table('ledger_head')
    op.drop_table('ledger_gaps')
    op.drop_table('ledger_checkpoints')
