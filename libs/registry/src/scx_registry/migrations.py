"""The registry's tables in a service's Alembic migrations: one helper, so no service copies them.

A migration is a frozen record, so each helper is too: `create_registry_tables_v1` always creates the tables as
they were at version 1, whatever `models.py` says later. A later change to the tables comes with a `..._v2` step
that a service's next migration calls; a test checks that a database migrated by the helpers matches `models.py`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def create_registry_tables_v1() -> None:
    op.create_table(
        "known_organisations",
        sa.Column("organisation_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", name="pk_known_organisations"),
    )
    op.create_table(
        "known_contracts",
        sa.Column("contract_id", sa.String(36), nullable=False),
        sa.Column("prime_id", sa.String(64), nullable=False),
        sa.Column("contract_package_area", sa.String(100), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("value_pence", sa.BigInteger(), nullable=True),
        sa.Column("payment_model", sa.String(100), nullable=True),
        sa.Column("profile_revision", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("contract_id", name="pk_known_contracts"),
    )
    op.create_index("ix_known_contracts_prime_id", "known_contracts", ["prime_id"])
    create_profile_months_v1()
    op.create_table(
        "known_subcontracts",
        sa.Column("subcontract_id", sa.String(36), nullable=False),
        sa.Column("contract_id", sa.String(36), nullable=False),
        sa.Column("prime_id", sa.String(64), nullable=False),
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("model", sa.String(16), nullable=False),
        sa.Column("postcode_districts", sa.JSON(), nullable=False),
        sa.Column("health_conditions", sa.JSON(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("service_prices", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("share_of_targets_percent", sa.Integer(), nullable=True),
        sa.Column("monthly_capacity", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("variation", sa.Integer(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(40), nullable=True),
        sa.PrimaryKeyConstraint("subcontract_id", name="pk_known_subcontracts"),
    )
    op.create_index("ix_known_subcontracts_chain", "known_subcontracts", ["contract_id", "prime_id", "partner_id"])


def create_profile_months_v1() -> None:
    op.create_table(
        "known_profile_months",
        sa.Column("contract_id", sa.String(36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("job_outcomes", sa.Integer(), nullable=False),
        sa.Column("sustained_job_outcomes", sa.Integer(), nullable=False),
        sa.Column("work_focused_interviews", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("contract_id", "revision", "month", name="pk_known_profile_months"),
    )


def create_registry_tables_v2() -> None:
    """Version 2 over version 1: subcontracts gain the outcome payment share (end-to-end partners), and the history
    of the terms money follows (`known_subcontract_terms`). Rows applied before it have no history: what a prime
    owes falls back on the subcontract's terms as they stand, until the read model is replayed from the stream."""
    with op.batch_alter_table("known_subcontracts") as batch_op:
        batch_op.add_column(sa.Column("outcome_payment_share_percent", sa.Integer(), nullable=True))
    op.create_table(
        "known_subcontract_terms",
        sa.Column("subcontract_id", sa.String(36), nullable=False),
        sa.Column("variation", sa.Integer(), nullable=False),
        sa.Column("applies_from", sa.Date(), nullable=False),
        sa.Column("outcome_payment_share_percent", sa.Integer(), nullable=True),
        sa.Column("service_prices", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("subcontract_id", "variation", name="pk_known_subcontract_terms"),
    )


def drop_registry_tables_v2() -> None:
    """Back from version 2 to version 1."""
    op.drop_table("known_subcontract_terms")
    with op.batch_alter_table("known_subcontracts") as batch_op:
        batch_op.drop_column("outcome_payment_share_percent")


def drop_registry_tables_v1() -> None:
    for table in ("known_subcontracts", "known_profile_months", "known_contracts", "known_organisations"):
        op.drop_table(table)
