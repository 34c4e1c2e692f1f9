"""Performance against profiles: the minimum performance levels DWP sets, and the indexes the reports read the
history's tallies by (ADR 0023). Every figure of a report is read from the tallies (`models.history`) and the
registry's own tables; nothing here is derived per request from journeys or occurrences.

- `minimum_performance_level_sets`: one row per setting (a revision; every one kept): from which referral cohort
  it applies, when and by whom it was set.
- `minimum_performance_levels`: the levels of each setting, one per payment group it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Table

from scx_persistence.types import UtcDateTime
from scx_subcontracts.models.base import metadata
from scx_subcontracts.models.history import cohort_tallies, monthly_tallies

minimum_performance_level_sets = Table(
    "minimum_performance_level_sets",
    metadata,
    Column("contract_id", ForeignKey("contracts.contract_id"), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("applies_from", String(7), nullable=False),  # the first referral cohort (YYYY-MM) it applies to
    Column("set_at", UtcDateTime, nullable=False),
    Column("set_by", String(64), nullable=False),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelSet:
    """One setting of a contract's minimum performance levels; revision 1 is the first."""

    contract_id: str
    revision: int
    applies_from: str
    set_at: datetime
    set_by: str


minimum_performance_levels = Table(
    "minimum_performance_levels",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("payment_group", Integer, primary_key=True),
    Column("level_basis_points", Integer, nullable=False),
    ForeignKeyConstraint(
        ["contract_id", "revision"],
        [minimum_performance_level_sets.c.contract_id, minimum_performance_level_sets.c.revision],
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Level:
    """A payment group's level in one setting: the share of a monthly referral cohort, in basis points, that must
    have a job outcome within 12 months of referral."""

    contract_id: str
    revision: int
    payment_group: int
    level_basis_points: int


# The reports read one contract's figures (or an area's few contracts') over a range of months; the tallies' keys
# lead with the contract but then the organisation, so without these a report would read every row of the contract.
# They hold the count as well, so that a report is answered from the index alone.
Index(
    "ix_history_monthly_tallies_performance",
    monthly_tallies.c.contract_id, monthly_tallies.c.figure, monthly_tallies.c.month, monthly_tallies.c.count,
)
Index(
    "ix_history_cohort_tallies_performance",
    cohort_tallies.c.contract_id, cohort_tallies.c.cohort, cohort_tallies.c.measure, cohort_tallies.c.month,
    cohort_tallies.c.payment_group, cohort_tallies.c.count,
)
